import assert from 'node:assert/strict';
import { test } from 'node:test';
import { severityRank } from '../../../src/alerts/severity.js';
import { DEFAULT_FILTER, describeFilter, parseFilter, passes, type EventFacts } from '../../../src/alerts/stream-filter.js';

const alert = (severity: string, tags: string[]): EventFacts => ({ type: 'alert', severity: severityRank(severity), tags });

test('parseFilter: query-string and message forms', () => {
  const cases: { input: Record<string, unknown>; ok: boolean; check?: (d: ReturnType<typeof describeFilter>, replay: number) => void }[] = [
    { input: {}, ok: true, check: (d, r) => { assert.equal(d.severity, null); assert.equal(d.types.length, 6); assert.equal(r, 0); } },
    { input: { types: 'alert,ban', severity: 'critical', tags: 'attack-sqli, attack-xss', replay: '20' }, ok: true,
      check: (d, r) => { assert.deepEqual(d.types, ['alert', 'ban']); assert.equal(d.severity, 'critical'); assert.deepEqual(d.tags, ['attack-sqli', 'attack-xss']); assert.equal(r, 20); } },
    { input: { types: ['block'], tags: [], replay: 5000 }, ok: true, check: (d, r) => { assert.deepEqual(d.types, ['block']); assert.equal(d.tags, null); assert.equal(r, 100); } },
    { input: { types: 'alert,nope' }, ok: false },
    { input: { types: 7 }, ok: false },
    { input: { types: ['alert', 3] }, ok: false },
    { input: { severity: 'fatal' }, ok: false },
    { input: { replay: '-1' }, ok: false },
    { input: { replay: '1.5' }, ok: false },
    { input: { replay: 'lots' }, ok: false },
    { input: { tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, ok: false },
    { input: { tags: 'x'.repeat(129) }, ok: false },
  ];
  for (const c of cases) {
    const r = parseFilter(c.input, DEFAULT_FILTER, 100);
    assert.equal(r.ok, c.ok, JSON.stringify(c.input).slice(0, 80));
    if (r.ok && c.check) c.check(describeFilter(r.filter), r.replay);
    if (!r.ok) assert.ok(r.error.length > 0 && r.error.length < 300);
  }
});

test('parseFilter keeps the fields a subscribe message leaves out', () => {
  const first = parseFilter({ types: 'alert', severity: 'error' }, DEFAULT_FILTER, 10);
  assert.ok(first.ok);
  const second = parseFilter({ tags: 'attack-xss' }, first.filter, 10);
  assert.ok(second.ok);
  assert.deepEqual(describeFilter(second.filter), { types: ['alert'], severity: 'error', tags: ['attack-xss'] });
});

test('passes: types, minimum severity and tags (severity and tags apply to alert/block only)', () => {
  const r = parseFilter({ types: 'alert,ban', severity: 'error', tags: 'attack-sqli' }, DEFAULT_FILTER, 10);
  assert.ok(r.ok);
  const f = r.filter;
  assert.equal(passes(f, alert('critical', ['attack-sqli'])), true);
  assert.equal(passes(f, alert('error', ['x', 'attack-sqli'])), true);
  assert.equal(passes(f, alert('warning', ['attack-sqli'])), false);
  assert.equal(passes(f, alert('critical', ['attack-xss'])), false);
  assert.equal(passes(f, { type: 'alert', severity: -1, tags: ['attack-sqli'] }), false);
  assert.equal(passes(f, { type: 'block', severity: 7, tags: ['attack-sqli'] }), false);
  assert.equal(passes(f, { type: 'ban', severity: -1, tags: [] }), true);
  assert.equal(passes(f, { type: 'ratelimit', severity: -1, tags: [] }), false);
  assert.equal(passes(DEFAULT_FILTER, { type: 'alert', severity: -1, tags: [] }), true);
});
