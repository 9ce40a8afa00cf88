import assert from 'node:assert/strict';
import { test } from 'node:test';
import { banDuration, failureWeight, type BanTimePolicy } from '../../../src/bans/ban-time.js';

const S = 1000;
const DAY = 86400 * S;
const policy = (p: Partial<BanTimePolicy>): BanTimePolicy => ({
  banTimeMs: 600 * S, increment: true, factor: 1, maxTimeMs: DAY, multipliers: undefined, rndTimeMs: 0, ...p,
});
const vector = (p: BanTimePolicy) => Array.from({ length: 10 }, (_, i) => banDuration(p, i + 1) / S);

// Golden vectors: fail2ban observertestcase.py testDefault (bantime=600, counts 1..10).
test('bantime.increment golden vectors (fail2ban observer tests)', () => {
  assert.deepEqual(vector(policy({})), [1200, 2400, 4800, 9600, 19200, 38400, 76800, 86400, 86400, 86400]);
  assert.deepEqual(vector(policy({ maxTimeMs: 30 * DAY })), [1200, 2400, 4800, 9600, 19200, 38400, 76800, 153600, 307200, 614400]);
  assert.deepEqual(vector(policy({ factor: 2 })), [2400, 4800, 9600, 19200, 38400, 76800, 86400, 86400, 86400, 86400]);
  assert.deepEqual(vector(policy({ factor: 1.33 })), [1596, 3192, 6384, 12768, 25536, 51072, 86400, 86400, 86400, 86400]);
  assert.deepEqual(vector(policy({ maxTimeMs: 43200 * S })).slice(5), [38400, 43200, 43200, 43200, 43200]);
});

test('first ban is banTime; no increment keeps it flat; -1 is permanent; the shift is capped at 20', () => {
  assert.equal(banDuration(policy({}), 0), 600 * S);
  assert.equal(banDuration(policy({ increment: false }), 7), 600 * S);
  assert.equal(banDuration(policy({ banTimeMs: -1 }), 3), -1);
  assert.equal(banDuration(policy({ banTimeMs: 1, maxTimeMs: 1e15 }), 500), 2 ** 20);
});

test('multipliers replace the formula, the last one repeats; rndTime adds bounded jitter', () => {
  const p = policy({ multipliers: [1, 2, 4, 8], maxTimeMs: 30 * DAY });
  assert.deepEqual([1, 2, 3, 4, 9].map((c) => banDuration(p, c) / S), [1200, 2400, 4800, 4800, 4800]);
  assert.equal(banDuration(policy({ increment: false, rndTimeMs: 1000 }), 0, () => 0.5), 600 * S + 500);
  assert.equal(banDuration(policy({ increment: false, rndTimeMs: 1000 }), 0, () => 0.999999), 600 * S + 999);
});

test('a repeat offender counts more per failure: 1, 2, 3, 5, 9, capped at maxRetry', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map((c) => failureWeight(c, 100)), [1, 2, 3, 5, 9]);
  assert.equal(failureWeight(10, 5), 5);
  assert.equal(failureWeight(1000, 5), 5);
});
