import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PortcullisError } from '../../../src/errors.js';
import { parseByteRanges, validateByteRangeOperator } from '../../../src/operators/validate-byte-range.js';
import { hasInvalidUrlEncoding, validateUrlEncodingOperator } from '../../../src/operators/validate-url-encoding.js';
import { hasInvalidUtf8, validateUtf8EncodingOperator } from '../../../src/operators/validate-utf8-encoding.js';

describe('@validateUrlEncoding (true = invalid)', () => {
  const cases: [string, boolean][] = [
    ['', false], ['plain', false], ['a%20b', false], ['%41%4a%4F', false], ['%zz', true], ['%4', true], ['%', true],
    ['abc%', true], ['%2', true], ['%g1', true], ['%1g', true], ['%%41', true], ['100%25', false], ['%u0041', true],
    [`${'%41'.repeat(300000)}%4`, true],
  ];
  for (const [value, invalid] of cases) {
    it(`${JSON.stringify(value.slice(0, 20))} -> ${invalid}`, () => {
      const op = validateUrlEncodingOperator('', {});
      assert.equal(op.test(value), invalid);
      const got: string[] = [];
      assert.equal(op.test(value, got), invalid);
      assert.deepEqual(got, invalid ? [value] : []);
    });
  }
  it('agrees with decodeURIComponent-free reference on random strings', () => {
    const ref = (s: string): boolean => /%(?![0-9a-fA-F]{2})/.test(s.replace(/%[0-9a-fA-F]{2}/g, '_'));
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('%', '4', 'a', 'G', 'z', ' ') }), (s) => {
        assert.equal(hasInvalidUrlEncoding(s), ref(s));
      }),
      { numRuns: 300 },
    );
  });
});

describe('@validateUtf8Encoding (true = invalid)', () => {
  const cases: [string, string, boolean][] = [
    ['empty', '', false],
    ['ASCII', 'hello', false],
    ['euro sign E2 82 AC', '\xe2\x82\xac', false],
    ['2-byte e-acute C3 A9', 'caf\xc3\xa9', false],
    ['4-byte U+1F600', '\xf0\x9f\x98\x80', false],
    ['max U+10FFFF', '\xf4\x8f\xbf\xbf', false],
    ['U+FFFF', '\xef\xbf\xbf', false],
    ['overlong slash C0 AF', '\xc0\xaf', true],
    ['overlong C1 BF', '\xc1\xbf', true],
    ['overlong 3-byte E0 80 AF', '\xe0\x80\xaf', true],
    ['overlong 4-byte F0 80 80 AF', '\xf0\x80\x80\xaf', true],
    ['surrogate ED A0 80', '\xed\xa0\x80', true],
    ['surrogate ED BF BF', '\xed\xbf\xbf', true],
    ['truncated E2 82', '\xe2\x82', true],
    ['truncated at end after valid text', 'ok \xf0\x9f\x98', true],
    ['lone continuation 80', 'a\x80b', true],
    ['above U+10FFFF F4 90 80 80', '\xf4\x90\x80\x80', true],
    ['F5 lead byte', '\xf5\x80\x80\x80', true],
    ['FF byte', '\xff', true],
    ['bad continuation', '\xc3\x28', true],
    ['non-byte char', '\u20ac', true],
  ];
  for (const [name, value, invalid] of cases) {
    it(`${name} -> ${invalid}`, () => {
      const op = validateUtf8EncodingOperator('', {});
      assert.equal(op.test(value), invalid);
    });
  }
  it('ASCII values of any length are valid; one bad byte anywhere is found', () => {
    const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join('').repeat(8);
    assert.equal(hasInvalidUtf8(ascii), false);
    assert.equal(hasInvalidUtf8(`${ascii}\x80`), true);
    assert.equal(hasInvalidUtf8(`\xc0${ascii}`), true);
    assert.equal(hasInvalidUtf8(`${ascii}\xc3\xa9${ascii}`), false);
  });

  it('agrees with TextDecoder(fatal) on random byte strings', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const ref = (s: string): boolean => {
      try {
        decoder.decode(Buffer.from(s, 'latin1'));
        return false;
      } catch {
        return true;
      }
    };
    const byte = fc.constantFrom(0x41, 0x80, 0xbf, 0x9f, 0xa0, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff);
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 12 }), (bytes) => {
        const s = String.fromCharCode(...bytes);
        assert.equal(hasInvalidUtf8(s), ref(s), JSON.stringify(s));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('@validateByteRange (true = byte outside the ranges)', () => {
  const cases: [string, string, boolean][] = [
    ['1-255', 'normal text \xff', false],
    ['1-255', 'nul\x00byte', true],
    ['1-255', '', false],
    ['9,10,13,32-126', 'line\r\n\tok ~', false],
    ['9,10,13,32-126', 'del\x7f', true],
    ['9,10,13,32-126', '\xe9', true],
    ['9,10,13,32-126,128-255', '\xe9', false],
    ['32-36,38-126', 'a%b', true],
    ['32-36,38-126', 'a&b', false],
    ['32-36,38-126', 'a$b', false],
    [' 48 - 57 ', '0123456789', false],
    ['48-57', '0x', true],
    ['0-255', '\u20ac', true],
    ['65,', 'AAA', false],
  ];
  for (const [param, value, outside] of cases) {
    it(`${param} on ${JSON.stringify(value)} -> ${outside}`, () => {
      const op = validateByteRangeOperator(param, {});
      assert.equal(op.test(value), outside);
    });
  }
  it('builds the exact allowed table', () => {
    const t = parseByteRanges('9,10,13,32-126');
    const allowed = [...t.keys()].filter((b) => t[b] === 1);
    assert.deepEqual(allowed, [9, 10, 13, ...Array.from({ length: 95 }, (_, i) => 32 + i)]);
  });
  for (const param of ['', ' , ', '256', '1-256', '10-5', 'a-b', '1-2-3', '-5', '1..5']) {
    it(`rejects ${JSON.stringify(param)}`, () => {
      assert.throws(
        () => validateByteRangeOperator(param, {}),
        (e: unknown) => e instanceof PortcullisError && e.code === 'ERR_PORTCULLIS_RULE_OPERATOR' && e.message.includes('@validateByteRange'),
      );
    });
  }
});
