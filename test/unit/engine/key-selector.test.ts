import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileKeySelector } from '../../../src/engine/compile.js';

/** `^literal` key regexes take a prefix test (compile.ts): it must accept exactly the keys the regex accepts. */
describe('key selector: ^literal regexes as prefix tests', () => {
  const keyChars = fc.constantFrom(...'aAbBhHkKsSzZ_09-. ', '\u017f', '\u212a', '\xe9', '\xc9', '\0');
  const keys = fc.array(keyChars, { maxLength: 12 }).map((a) => a.join(''));
  const prefixes = fc.array(fc.constantFrom(...'abhksZK_09'), { minLength: 1, maxLength: 5 }).map((a) => a.join(''));

  it('agrees with the regex (flags "is") on random keys', () => {
    fc.assert(fc.property(prefixes, keys, (p, k) => {
      const pattern = `^${p}`;
      const test = compileKeySelector({ kind: 'regex', pattern }, 'test')!;
      const re = new RegExp(pattern, 'is');
      for (const key of [k, p + k, p.toUpperCase() + k, p.toLowerCase() + k, k + p]) assert.equal(test(key), re.test(key), `${pattern} on ${JSON.stringify(key)}`);
    }), { numRuns: 3000 });
  });

  it('CRS 920450 style: header_name_ keys of the TX collection', () => {
    const test = compileKeySelector({ kind: 'regex', pattern: '^header_name_920450_' }, 'test')!;
    assert.equal(test('header_name_920450_content-type'), true);
    assert.equal(test('HEADER_NAME_920450_x'), true);
    assert.equal(test('header_name_920450'), false);
    assert.equal(test('x_header_name_920450_a'), false);
    assert.equal(test(''), false);
  });

  it('other regexes keep the regex semantics', () => {
    const test = compileKeySelector({ kind: 'regex', pattern: '^(?:a|b)_' }, 'test')!;
    assert.equal(test('B_x'), true);
    assert.equal(test('c_x'), false);
    assert.throws(() => compileKeySelector({ kind: 'regex', pattern: '^(' }, 'test'), /bad key regex/);
  });
});
