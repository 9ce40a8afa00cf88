import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TransformFn } from '../../../src/transforms/types.js';

/** One `it` per row: `fn(input)` must equal `expected`. Rows are [input, expected] or [input, expected, label]. */
export function table(fn: TransformFn, rows: ReadonlyArray<readonly [string, string, string?]>): void {
  for (const [input, expected, label] of rows) {
    it(label ?? JSON.stringify(input).slice(0, 80), () => {
      assert.equal(fn(input), expected);
    });
  }
}

/** Inputs on which `fn` must change nothing (and so return its input). */
export function unchanged(fn: TransformFn, inputs: readonly string[]): void {
  it(`returns its input when nothing changes (${inputs.length} cases)`, () => {
    for (const input of inputs) assert.equal(fn(input), input, JSON.stringify(input));
  });
}

/** The bytes 0..255 in order. */
export const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, b) => b));
