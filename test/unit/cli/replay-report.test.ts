import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createReportBuilder, formatReport, MAX_TRACKED_IPS } from '../../../src/cli/replay-report.js';
import type { InspectResult } from '../../../src/portcullis.js';

const result = (action: InspectResult['action'], ids: number[]): InspectResult => ({
  action, status: action === 'pass' ? undefined : 403, score: ids.length * 5, threshold: 5, incidentId: 'i', rulesVersion: 'v',
  matches: ids.map((id) => ({ id, phase: 2, message: `rule ${id}`, severity: 'critical', tags: [], paranoiaLevel: 1, target: 'ARGS:q', value: 'v', data: '', score: 5 })),
});

const meta = { file: 'f.log', format: 'combined', rulesVersion: 'v', mode: 'block', top: 3, samples: 4 };

describe('replay report', () => {
  it('counts requests, would-blocks, rules (once per request), IPs, offenders and broken lines', () => {
    const b = createReportBuilder(meta);
    b.add(1, 't', '10.0.0.1', 'GET', '/a', result('block', [1, 1, 2]));
    b.add(2, 't', '10.0.0.1', 'GET', '/b', result('pass', []));
    b.add(3, 't', '10.0.0.2', 'GET', '/c', result('pass', [3]));
    b.add(4, 't', '10.0.0.3', 'GET', '/d', result('detect', [2]));
    b.broken(5, 'not in combined/common log format');
    b.error(6, 'boom');
    const r = b.finish(1000);
    assert.equal(r.requests, 4);
    assert.equal(r.wouldBlock, 2);
    assert.equal(r.matchedOnly, 1);
    assert.equal(r.broken, 1);
    assert.equal(r.errors, 1);
    assert.deepEqual(r.byRule.map((x) => [x.id, x.matched, x.blocked]), [[2, 2, 2], [1, 1, 1], [3, 1, 0]]);
    assert.deepEqual(r.topOffenders.map((x) => [x.ip, x.requests, x.blocked]), [['10.0.0.1', 2, 1], ['10.0.0.3', 1, 1]]);
    assert.deepEqual(r.byClientIp.map((x) => x.ip), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    assert.equal(r.samples.length, 3);
    assert.equal(r.requestsPerSecond, 4);
    assert.deepEqual(r.brokenExamples, [{ line: 5, reason: 'not in combined/common log format' }, { line: 6, reason: 'inspection failed: boom' }]);
    const text = formatReport(r);
    assert.match(text, /would block\s+2\s+50\.00%/);
    assert.match(text, /line 5: not in combined/);
  });

  it('keeps memory bounded: a fixed-size sample and a capped IP table (offenders survive pruning)', () => {
    const b = createReportBuilder({ ...meta, samples: 5 });
    b.add(0, undefined, 'offender', 'GET', '/x', result('block', [9]));
    const n = MAX_TRACKED_IPS + 10;
    for (let i = 1; i <= n; i++) b.add(i, undefined, `ip${i}`, 'GET', `/${i}`, result(i % 1000 === 0 ? 'pass' : 'pass', i % 3 === 0 ? [7] : []));
    const r = b.finish(1);
    assert.equal(r.samples.length, 5);
    assert.ok(r.ipsTruncated);
    assert.equal(r.distinctIps, n + 1);
    assert.deepEqual(r.topOffenders.map((x) => x.ip), ['offender']);
    assert.equal(r.requests, n + 1);
  });
});
