import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containsWordOperator } from '../../../src/operators/contains-word.js';
import {
  beginsWithOperator,
  containsOperator,
  endsWithOperator,
  streqOperator,
  strmatchOperator,
  withinOperator,
} from '../../../src/operators/string-compare.js';
import type { OperatorFactory } from '../../../src/operators/types.js';

type Row = [param: string, value: string, matched: boolean, captured?: string];

const TABLES: [string, OperatorFactory, Row[]][] = [
  ['contains', containsOperator, [
    ['-->', 'a --> b', true, '-->'],
    ['-->', 'a -- > b', false],
    ['<title>', '<TITLE>', false], // case-sensitive
    ['', 'anything', true, ''],
    ['', '', true, ''],
    ['x', '', false],
  ]],
  ['strmatch', strmatchOperator, [
    ['WebZIP', 'Mozilla WebZIP/4.0', true, 'WebZIP'],
    ['WebZIP', 'webzip', false],
    ['abc', 'ab', false],
  ]],
  ['containsWord', containsWordOperator, [
    ['select', 'select * from t', true, 'select'],
    ['select', 'x=1;select', true, 'select'],
    ['select', '(select)', true, 'select'],
    ['select', 'selected', false],
    ['select', 'preselect', false],
    ['select', 'select_1', false],
    ['select', '2select', false],
    ['select', 'selectx select', true, 'select'], // second occurrence is a word
    ['select', 'SELECT', false],
    ['select', 'select', true, 'select'],
    ['', 'x', true, ''],
    ['a', '', false],
  ]],
  ['beginsWith', beginsWithOperator, [
    ['#:~:text=', '#:~:text=foo', true, '#:~:text='],
    ['#:~:text=', 'x#:~:text=', false],
    ['GET', 'get /', false],
    ['', 'x', true, ''],
    ['long prefix', 'long', false],
  ]],
  ['endsWith', endsWithOperator, [
    ['.example.com', 'www.example.com', true, '.example.com'],
    ['.example.com', 'example.com', false],
    ['.example.com', 'www.example.com.evil', false],
    ['', '', true, ''],
  ]],
  ['streq', streqOperator, [
    ['1', '1', true, '1'],
    ['1', '01', false],
    ['POST', 'post', false],
    ['', '', true, ''],
    ['a', '', false],
    ['\xe9', '\xe9', true, '\xe9'],
  ]],
  ['within', withinOperator, [
    ['|application/json| |text/xml|', '|application/json|', true, '|application/json|'],
    ['|application/json| |text/xml|', 'application/js', true], // substring semantics, as ModSecurity
    ['|application/json| |text/xml|', '|text/html|', false],
    ['GET HEAD POST OPTIONS', 'POST', true, 'POST'],
    ['GET HEAD POST OPTIONS', 'PUT', false],
    ['GET HEAD POST OPTIONS', 'post', false],
    ['GET HEAD POST', '', true, ''], // ModSecurity v3: empty input matches
    ['', 'x', false],
  ]],
];

describe('string operators', () => {
  for (const [name, factory, rows] of TABLES) {
    describe(`@${name}`, () => {
      for (const [param, value, matched, captured] of rows) {
        it(`${JSON.stringify(param)} on ${JSON.stringify(value)} -> ${matched}`, () => {
          const op = factory(param, {});
          assert.equal(op.test(value), matched);
          const got = ['stale', 'stale'];
          assert.equal(op.test(value, got), matched);
          assert.deepEqual(got, matched ? [captured ?? value] : ['stale', 'stale']);
        });
      }
    });
  }

  it('@within answers repeated and long values as the first time (its memo is bounded)', () => {
    const list = '/content-encoding/ /proxy/ /lock-token/ /if/';
    const op = withinOperator(list, {});
    const values = ['/proxy/', '/host/', '/if/', 'x'.repeat(200), `${list}`, '', ...Array.from({ length: 400 }, (_, i) => `/h${i}/`)];
    for (let round = 0; round < 3; round++) {
      for (const v of values) {
        const got: string[] = [];
        assert.equal(op.test(v), list.includes(v), v);
        assert.equal(op.test(v, got), list.includes(v));
        if (list.includes(v)) assert.deepEqual(got, [v]);
      }
    }
  });

  it('@containsWord stays fast on a 1 MB adversarial input', () => {
    const op = containsWordOperator('aaaa', {});
    assert.equal(op.test('a'.repeat(1024 * 1024)), false);
    assert.equal(op.test(`${'a'.repeat(1024 * 1024)} aaaa`), true);
  });

  it('encodes non-latin1 parameters as UTF-8 bytes', () => {
    assert.equal(containsOperator('\u20ac', {}).test('\xe2\x82\xac'), true);
    assert.equal(streqOperator('\u00e9t\u00e9', {}).test('\xe9t\xe9'), true); // latin1 stays as is
  });
});
