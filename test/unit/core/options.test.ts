import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveOptions } from '../../../src/options.js';

const cases: { name: string; input: unknown; code: string; message: RegExp }[] = [
  { name: 'unknown top-level option', input: { paranioa: 2 }, code: 'ERR_PORTCULLIS_OPTION_UNKNOWN', message: /paranioa/ },
  { name: 'case typo gets a hint', input: { Mode: 'block' }, code: 'ERR_PORTCULLIS_OPTION_UNKNOWN', message: /did you mean "mode"/ },
  { name: 'bad mode', input: { mode: 'deny' }, code: 'ERR_PORTCULLIS_OPTION_INVALID', message: /"mode" must be one of/ },
  { name: 'paranoia out of range', input: { paranoia: 5 }, code: 'ERR_PORTCULLIS_OPTION_INVALID', message: /paranoia/ },
  { name: 'detection below blocking', input: { paranoia: 3, detectionParanoia: 2 }, code: 'ERR_PORTCULLIS_OPTION_INVALID', message: /detectionParanoia/ },
  { name: 'non-integer threshold', input: { threshold: 2.5 }, code: 'ERR_PORTCULLIS_OPTION_INVALID', message: /threshold/ },
  { name: 'unknown limit', input: { limits: { maxBody: 1 } }, code: 'ERR_PORTCULLIS_OPTION_UNKNOWN', message: /limits\.maxBody/ },
  { name: 'bad overflow policy', input: { limits: { bodyOverflow: 'skip' } }, code: 'ERR_PORTCULLIS_OPTION_INVALID', message: /bodyOverflow/ },
  { name: 'block status must be 4xx/5xx', input: { blockStatus: 200 }, code: 'ERR_PORTCULLIS_OPTION_INVALID', message: /blockStatus/ },
  { name: 'empty exclusion', input: { exclusions: [{}] }, code: 'ERR_PORTCULLIS_EXCLUSION_INVALID', message: /names no rule/ },
  { name: 'bad exclusion id', input: { exclusions: [{ ids: ['abc'] }] }, code: 'ERR_PORTCULLIS_EXCLUSION_INVALID', message: /bad id/ },
  { name: 'empty scope', input: { exclusions: [{ ids: [1], when: {} }] }, code: 'ERR_PORTCULLIS_EXCLUSION_INVALID', message: /needs method or path/ },
  { name: 'redact must be a RegExp', input: { redact: 'password' }, code: 'ERR_PORTCULLIS_OPTION_INVALID', message: /redact/ },
];

for (const c of cases) {
  test(`options: ${c.name}`, () => {
    assert.throws(() => resolveOptions(c.input as never), (err: unknown) => {
      const e = err as { code?: string; message?: string };
      assert.equal(e.code, c.code);
      assert.match(e.message ?? '', c.message);
      return true;
    });
  });
}

test('options: defaults are applied and the result is frozen', () => {
  const c = resolveOptions(undefined);
  assert.equal(c.mode, 'block');
  assert.equal(c.paranoia, 1);
  assert.equal(c.detectionParanoia, 1);
  assert.equal(c.threshold, 5);
  assert.equal(c.blockStatus, 403);
  assert.equal(c.limits.maxBodyBytes, 1024 * 1024);
  assert.equal(c.limits.bodyOverflow, 'reject');
  assert.ok(Object.isFrozen(c));
  assert.ok(Object.isFrozen(c.limits));
  assert.throws(() => { (c as { mode: string }).mode = 'off'; }, TypeError);
});

test('options: explicit keys are tracked', () => {
  const c = resolveOptions({ paranoia: 2 });
  assert.ok(c.explicit.has('paranoia'));
  assert.ok(!c.explicit.has('threshold'));
  assert.equal(c.detectionParanoia, 2);
});
