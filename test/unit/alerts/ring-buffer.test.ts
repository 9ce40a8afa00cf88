import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRingBuffer } from '../../../src/alerts/ring-buffer.js';

test('ring buffer keeps the newest items in order and never grows past capacity', () => {
  const r = createRingBuffer<number>(3);
  assert.deepEqual(r.last(5), []);
  r.push(1); r.push(2);
  assert.deepEqual(r.last(5), [1, 2]);
  for (let i = 3; i <= 10; i++) r.push(i);
  assert.equal(r.size, 3);
  assert.deepEqual(r.last(3), [8, 9, 10]);
  assert.deepEqual(r.last(2), [9, 10]);
  assert.deepEqual(r.last(0), []);
  assert.deepEqual(r.last(-1), []);
  r.clear();
  assert.equal(r.size, 0);
  assert.deepEqual(r.last(3), []);
});

test('a zero-capacity ring buffer holds nothing', () => {
  const r = createRingBuffer<string>(0);
  r.push('a');
  assert.equal(r.size, 0);
  assert.deepEqual(r.last(1), []);
});
