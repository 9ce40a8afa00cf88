import assert from 'node:assert/strict';
import { test } from 'node:test';
import { categoryOf, highestSeverity, severityRank } from '../../../src/alerts/severity.js';
import type { Alert, RuleMatch } from '../../../src/alerts/types.js';

const match = (id: number, severity: RuleMatch['severity'], tags: string[], score = 5): RuleMatch => ({
  id, phase: 2, message: 'm', severity, tags, paranoiaLevel: 1, target: 'ARGS:q', value: 'v', data: '', score,
});
const alertOf = (matches: RuleMatch[]): Alert => ({
  v: 1, incidentId: 'i', time: new Date().toISOString(), clientIp: '1.2.3.4', method: 'GET', url: '/', matches,
  score: 5, threshold: 5, action: 'block', status: 403, rulesVersion: 'x',
});

test('highest severity and rank order', () => {
  assert.ok(severityRank('emergency') > severityRank('critical'));
  assert.ok(severityRank('critical') > severityRank('warning'));
  assert.equal(severityRank(undefined), -1);
  assert.equal(severityRank('bogus'), -1);
  assert.equal(highestSeverity(alertOf([match(1, 'notice', []), match(2, 'critical', []), match(3, 'warning', [])])), 'critical');
  assert.equal(highestSeverity(alertOf([match(1, undefined, [])])), undefined);
});

test('category: attack tag of the highest-scoring match, then portcullis-* findings, else other', () => {
  assert.equal(categoryOf(alertOf([match(1, 'warning', ['attack-xss'], 3), match(2, 'critical', ['paranoia-level/1', 'attack-sqli'], 5)])), 'sqli');
  assert.equal(categoryOf(alertOf([match(199403, 'critical', ['portcullis-ban'])])), 'ban');
  assert.equal(categoryOf(alertOf([match(199413, 'critical', ['portcullis-limit'])])), 'limit');
  assert.equal(categoryOf(alertOf([match(1, 'critical', ['attack-'])])), 'other');
  assert.equal(categoryOf(alertOf([])), 'other');
});
