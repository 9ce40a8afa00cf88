import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  eqOperator,
  geOperator,
  gtOperator,
  leOperator,
  ltOperator,
  neOperator,
  parseModsecInt,
} from '../../../src/operators/numeric.js';
import type { OperatorFactory } from '../../../src/operators/types.js';

describe('parseModsecInt', () => {
  const cases: [string, number][] = [
    ['0', 0], ['42', 42], ['-7', -7], ['+5', 5], ['  12', 12], ['\t\n3', 3], ['12abc', 12], ['1.9', 1],
    ['abc', 0], ['', 0], ['-', 0], ['0x10', 0], ['-0', 0], [' - 1', 0], ['007', 7],
    ['99999999999999999999999', Number.MAX_SAFE_INTEGER], ['-99999999999999999999999', -Number.MAX_SAFE_INTEGER],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} -> ${expected}`, () => assert.equal(parseModsecInt(text), expected));
  }
  it('handles a 1 MB string of digits', () => {
    assert.equal(parseModsecInt('9'.repeat(1024 * 1024)), Number.MAX_SAFE_INTEGER);
  });
});

describe('numeric operators', () => {
  const ops: [string, OperatorFactory, (a: number, b: number) => boolean][] = [
    ['eq', eqOperator, (a, b) => a === b],
    ['ne', neOperator, (a, b) => a !== b],
    ['gt', gtOperator, (a, b) => a > b],
    ['ge', geOperator, (a, b) => a >= b],
    ['lt', ltOperator, (a, b) => a < b],
    ['le', leOperator, (a, b) => a <= b],
  ];
  const pairs: [string, string][] = [
    ['1', '1'], ['1', '2'], ['2', '1'], ['-3', '2'], ['abc', '0'], ['abc', '1'], ['10', '9'], ['5x', '5'], ['', '-1'],
  ];
  for (const [name, factory, reference] of ops) {
    for (const [value, param] of pairs) {
      const expected = reference(parseModsecInt(value), parseModsecInt(param));
      it(`${JSON.stringify(value)} @${name} ${param} -> ${expected}`, () => {
        const op = factory(param, {});
        assert.equal(op.test(value), expected);
        const got: string[] = [];
        assert.equal(op.test(value, got), expected);
        assert.deepEqual(got, expected ? [value] : []);
      });
    }
  }
  it('known CRS shapes', () => {
    assert.equal(ltOperator('1', {}).test('2'), false); // paranoia gating: TX:DETECTION_PARANOIA_LEVEL "@lt 1"
    assert.equal(ltOperator('2', {}).test('1'), true);
    assert.equal(gtOperator('255', {}).test('256'), true);
    assert.equal(eqOperator('0', {}).test('not a number'), true);
  });
});
