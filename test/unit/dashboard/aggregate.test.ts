import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert, RuleMatch } from '../../../src/alerts/types.js';
import { BUCKETS, BUCKET_MS, createDashboardAggregate, RATELIMIT_RULE } from '../../../src/dashboard/aggregate.js';

const match = (id: number, tags: string[]): RuleMatch => ({ id, phase: 2, message: `rule ${id}`, severity: 'critical', tags, paranoiaLevel: 1, target: 'ARGS:q', value: '', data: '', score: 5 });
let n = 0;
const alertOf = (ip: string, matches: RuleMatch[], action: Alert['action'] = 'block', time = new Date().toISOString()): Alert => ({
  v: 1, incidentId: `inc-${++n}`, time, clientIp: ip, method: 'GET', url: '/x', matches, score: 5, threshold: 5, action, status: 403, rulesVersion: 'r',
});

test('one transaction is counted once although it emits alert and block', () => {
  const agg = createDashboardAggregate();
  const a = alertOf('10.0.0.1', [match(101000, ['attack-sqli']), match(101020, ['attack-sqli'])]);
  agg.alert(a);
  agg.block(a);
  const d = alertOf('10.0.0.2', [match(102000, ['attack-xss'])], 'detect');
  agg.alert(d);
  const s = agg.snapshot();
  assert.deepEqual(s.totals, { alerts: 2, blocked: 1, detected: 1, ratelimited: 0, bans: 0 });
  assert.deepEqual(s.topRules.map((r) => [r.id, r.count]), [[101000, 1], [101020, 1], [102000, 1]]);
  assert.equal(s.recent.length, 2);
  const counts = s.timeline[s.timeline.length - 1]!.counts;
  assert.deepEqual(counts, { sqli: 1, xss: 1 });
});

test('a ban block without an alert counts; a 429 counts once, as rate-limited', () => {
  const agg = createDashboardAggregate();
  agg.block(alertOf('10.0.0.3', [match(199403, ['portcullis-ban'])]));
  const time = new Date().toISOString();
  agg.ratelimit({ v: 1, clientIp: '10.0.0.4', key: '10.0.0.4', limit: 'default', max: 1, windowMs: 1000, method: 'GET', url: '/', retryAfter: 1, time });
  agg.block(alertOf('10.0.0.4', [match(RATELIMIT_RULE, ['portcullis-ratelimit'])]));
  agg.ban({ v: 1, ip: '10.0.0.3', until: Date.now() + 1000, durationMs: 1000, jail: 'waf', reason: 'r', count: 1, source: 'local', time });
  const s = agg.snapshot();
  assert.deepEqual(s.totals, { alerts: 1, blocked: 1, detected: 0, ratelimited: 1, bans: 1 });
  assert.deepEqual(s.timeline[s.timeline.length - 1]!.counts, { ban: 2, ratelimit: 1 });
  assert.deepEqual(s.topIps.map((r) => [r.ip, r.count]), [['10.0.0.3', 1], ['10.0.0.4', 1]]);
});

test('memory stays bounded: time buckets, IPs and the recent feed have caps', () => {
  const agg = createDashboardAggregate();
  const start = Date.now() - 3 * BUCKETS * BUCKET_MS;
  for (let i = 0; i < 20_000; i++) {
    const t = new Date(start + (i % (3 * BUCKETS)) * BUCKET_MS).toISOString();
    agg.alert(alertOf(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, [match(100000 + (i % 7), ['attack-rce'])], 'block', t));
  }
  agg.alert(alertOf('not-an-ip', [match(1, [])], 'block', 'not a date'));
  const s = agg.snapshot();
  assert.equal(s.timeline.length, BUCKETS);
  assert.equal(s.recent.length, 100);
  assert.equal(s.topIps.length, 10);
  assert.equal(s.topRules.length, 8);
  assert.equal(s.totals.alerts, 20_001);
});
