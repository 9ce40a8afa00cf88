import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getTransform, listTransforms } from '../../../src/transforms/registry.js';
import type { TransformFn } from '../../../src/transforms/types.js';

const NUM_RUNS = 300;

const tf = (name: string): TransformFn => {
  const fn = getTransform(name);
  assert.ok(fn, name);
  return fn;
};

/** Any byte string. */
const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((a) => String.fromCharCode(...a));

/** Byte strings built from the tokens the decoders react to, so edge cases come up often. */
const TOKENS = ['%', 'u', 'U', 'f', 'F', '0', '2', '5', 'c', 'x', 'X', '&', '#', ';', 'lt', 'amp', 'colon', '\\',
  '/', '.', '..', '*', '-', '<', '!', '>', ' ', '\t', '\n', '\xa0', '\x00', 'a', 'A', '7', '9', '+', '=', "'", '"',
  '^', ',', '(', '0x', '\xc0', '\xaf', '\xc3', '\xa9', '\xef', '\xbc', '\x9c', '\xed', '\xf0', '\xf4', '\xff'];
const tokens = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((a) => a.join(''));
const hostile = fc.oneof(bytes, tokens);

/** Transforms whose output is never longer than their input. */
const SHRINKING = ['urlDecode', 'urlDecodeUni', 'htmlEntityDecode', 'jsDecode', 'cssDecode', 'escapeSeqDecode',
  'base64Decode', 'base64DecodeExt', 'hexDecode', 'sqlHexDecode', 'removeNulls', 'replaceNulls', 'removeWhitespace',
  'compressWhitespace', 'replaceComments', 'removeCommentsChar', 'normalizePath', 'normalizePathWin', 'cmdLine',
  'trim', 'trimLeft', 'trimRight', 'lowercase', 'uppercase'];

/** Transforms for which f(f(x)) === f(x). */
const IDEMPOTENT = ['lowercase', 'uppercase', 'normalizePath', 'normalizePathWin', 'removeNulls', 'replaceNulls',
  'removeWhitespace', 'compressWhitespace', 'trim', 'trimLeft', 'trimRight', 'cmdLine', 'replaceComments'];

const isByteString = (s: string): boolean => /^[\x00-\xff]*$/.test(s);

describe('properties of every transform', () => {
  it('never throws and returns a byte string for a byte string', () => {
    const names = listTransforms();
    fc.assert(
      fc.property(hostile, (input) => {
        for (const name of names) {
          const out = tf(name)(input);
          assert.ok(isByteString(out), `${name}(${JSON.stringify(input)}) = ${JSON.stringify(out)}`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('is deterministic (same input, same output)', () => {
    fc.assert(
      fc.property(hostile, (input) => {
        for (const name of listTransforms()) assert.equal(tf(name)(input), tf(name)(input), name);
      }),
      { numRuns: 50 },
    );
  });

  for (const name of SHRINKING) {
    it(`${name}: output no longer than input`, () => {
      fc.assert(
        fc.property(hostile, (input) => tf(name)(input).length <= input.length),
        { numRuns: NUM_RUNS },
      );
    });
  }

  for (const name of IDEMPOTENT) {
    it(`${name}: idempotent`, () => {
      const fn = tf(name);
      fc.assert(
        fc.property(hostile, (input) => {
          const once = fn(input);
          assert.equal(fn(once), once, JSON.stringify(input));
        }),
        { numRuns: NUM_RUNS },
      );
    });
  }
});

describe('differential properties', () => {
  const hexByte = (b: number): string => b.toString(16).padStart(2, '0');

  it('urlDecode agrees with a regex reference', () => {
    const ref = (s: string): string =>
      s.replace(/\+|%([0-9a-fA-F]{2})/g, (m, h: string | undefined) => (h === undefined ? ' ' : String.fromCharCode(parseInt(h, 16))));
    fc.assert(fc.property(hostile, (s) => assert.equal(tf('urlDecode')(s), ref(s))), { numRuns: NUM_RUNS });
  });

  it('urlDecodeUni agrees with a regex reference', () => {
    const ref = (s: string): string =>
      s.replace(/\+|%[uU]([0-9a-fA-F]{4})|%([0-9a-fA-F]{2})/g, (m, u: string | undefined, h: string | undefined) => {
        if (u !== undefined) {
          const cp = parseInt(u, 16);
          const low = cp & 0xff;
          return String.fromCharCode((cp >> 8) === 0xff && low > 0 && low < 0x5f ? low + 0x20 : low);
        }
        return h === undefined ? ' ' : String.fromCharCode(parseInt(h, 16));
      });
    fc.assert(fc.property(hostile, (s) => assert.equal(tf('urlDecodeUni')(s), ref(s))), { numRuns: NUM_RUNS });
  });

  it('utf8toUnicode then urlDecodeUni gives the low bytes (full-width folded) of valid BMP UTF-8', () => {
    // Past U+FFFF, %u takes 5-6 digits and urlDecodeUni (4 digits) cannot fold it back: ModSecurity behaves alike.
    const bmp = fc
      .array(fc.integer({ min: 0, max: 0xffff }).filter((cp) => (cp < 0xd800 || cp > 0xdfff) && cp !== 0x25 && cp !== 0x2b), {
        maxLength: 20,
      })
      .map((cps) => String.fromCodePoint(...cps));
    fc.assert(
      fc.property(bmp, (text) => {
        const input = Buffer.from(text, 'utf8').toString('latin1');
        const expected = [...text]
          .map((ch) => {
            const cp = ch.codePointAt(0) as number;
            const low = cp & 0xff;
            return String.fromCharCode(cp >> 8 === 0xff && low > 0 && low < 0x5f ? low + 0x20 : low);
          })
          .join('');
        assert.equal(tf('urlDecodeUni')(tf('utf8toUnicode')(input)), expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('escape decoders invert per-byte escaping', () => {
    fc.assert(
      fc.property(bytes, (s) => {
        const codes = [...s].map((c) => c.charCodeAt(0));
        assert.equal(tf('jsDecode')(codes.map((b) => '\\x' + hexByte(b)).join('')), s);
        assert.equal(tf('jsDecode')(codes.map((b) => '\\u00' + hexByte(b)).join('')), s);
        assert.equal(tf('escapeSeqDecode')(codes.map((b) => '\\x' + hexByte(b)).join('')), s);
        assert.equal(tf('escapeSeqDecode')(codes.map((b) => '\\' + b.toString(8).padStart(3, '0')).join('')), s);
        assert.equal(tf('cssDecode')(codes.map((b) => '\\' + hexByte(b) + ' ').join('')), s);
        assert.equal(tf('htmlEntityDecode')(codes.map((b) => '&#x' + hexByte(b) + ';').join('')), s);
        assert.equal(tf('htmlEntityDecode')(codes.map((b) => '&#' + b).join(';')), s);
        assert.equal(tf('sqlHexDecode')(s.length > 0 ? '0x' + codes.map(hexByte).join('') : ''), s);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('base64 and hex decoders invert their encoders', () => {
    fc.assert(
      fc.property(bytes, (s) => {
        assert.equal(tf('base64Decode')(tf('base64Encode')(s)), s);
        assert.equal(tf('base64DecodeExt')(tf('base64Encode')(s)), s);
        assert.equal(tf('hexDecode')(tf('hexEncode')(s)), s);
        assert.equal(tf('urlDecode')(tf('urlEncode')(s)), s);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('normalizePath agrees with path.posix.normalize on absolute paths', () => {
    const seg = fc.constantFrom('a', 'b', '.', '..', '', 'c.d', '...');
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 12 }), (segs) => {
        const p = '/' + segs.join('/');
        assert.equal(tf('normalizePath')(p), posix.normalize(p), p);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
