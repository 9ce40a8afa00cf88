import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { base64Decode, base64DecodeExt, base64Encode } from '../../../src/transforms/base64.js';
import { md5, sha1 } from '../../../src/transforms/hash.js';
import { hexDecode, hexEncode, sqlHexDecode } from '../../../src/transforms/hex.js';
import { length } from '../../../src/transforms/length.js';
import { utf8toUnicode } from '../../../src/transforms/utf8-to-unicode.js';
import { ALL_BYTES, table, unchanged } from './table.js';

/** UTF-8 bytes of a JS string, as a byte string. */
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe('base64Decode', () => {
  table(base64Decode, [
    ['VGVzdENhc2U=', 'TestCase'],
    ['VGVzdENhc2Ux', 'TestCase1'],
    ['VGVzdENhc2UxMg==', 'TestCase12'],
    ['VGVzdABDYXNl', 'Test\x00Case'],
    ['VGVzdENhc2U=\x00VGVzdENhc2U=', 'TestCase', 'stops at padding'],
    ['VGVz\r\ndENh\nc2U', 'TestCase', 'CR/LF skipped'],
    ['VGVzdA!!!!', 'Test', 'stops at the first invalid char'],
    ['VGVzd', 'Tes', 'partial last group'],
    ['V', ''],
    ['PHNjcmlwdD4=', '<script>'],
  ]);
  it('inverts base64Encode on every byte', () => {
    assert.equal(base64Decode(base64Encode(ALL_BYTES)), ALL_BYTES);
  });
});

describe('base64DecodeExt', () => {
  table(base64DecodeExt, [
    ['VGVz dENh.c2U=', 'TestCase', 'spaces and dots skipped'],
    ['VGVzdA==VGVzdA==', 'TestTest', 'padding ends one chunk, decoding goes on'],
    ['%VGV%zdA', 'Test', 'skips %'],
    ['PHNjcmlwdD4', '<script>'],
    ['P_8-', '\x3f\xff\x3e', 'URL-safe - and _'],
  ]);
});

describe('base64Encode', () => {
  table(base64Encode, [
    ['TestCase', 'VGVzdENhc2U='],
    ['\x00\xff', 'AP8='],
  ]);
  unchanged(base64Encode, ['']);
});

describe('hexDecode / hexEncode', () => {
  table(hexDecode, [
    ['5465737443617365', 'TestCase'],
    ['546573740043617365', 'Test\x00Case'],
    ['3C7363726970743E', '<script>'],
    ['41zz42', 'Azz\x42', 'a pair that is not hex is kept'],
    ['414', 'A4', 'odd trailing char kept'],
  ]);
  unchanged(hexDecode, ['', 'a', 'zz', 'zzzz']);
  table(hexEncode, [
    ['TestCase', '5465737443617365'],
    ['\x00\xff', '00ff'],
  ]);
  it('hexDecode inverts hexEncode on every byte', () => {
    assert.equal(hexDecode(hexEncode(ALL_BYTES)), ALL_BYTES);
  });
});

describe('sqlHexDecode', () => {
  table(sqlHexDecode, [
    ['0x414243', 'ABC'],
    ['00x414243', '0ABC'],
    ['0xz0x414243', '0xzABC'],
    ['0x4142430x434241', 'ABCCBA'],
    ['0x4142430x0x434241', 'ABC0xCBA'],
    ['SELECT 0X756E696F6E', 'SELECT union'],
    ['0x4142434', 'ABC4', 'odd last digit kept'],
  ]);
  unchanged(sqlHexDecode, ['', 'ABC', '0x', '0x4', '0xzz', '100', 'x0']);
});

describe('md5 / sha1 / length', () => {
  for (const input of ['', 'abc', ALL_BYTES]) {
    it(`digests the bytes of ${JSON.stringify(input.slice(0, 8))}`, () => {
      const bytes = Buffer.from(input, 'latin1');
      assert.equal(md5(input), createHash('md5').update(bytes).digest().toString('latin1'));
      assert.equal(sha1(input), createHash('sha1').update(bytes).digest().toString('latin1'));
      assert.equal(md5(input).length, 16);
      assert.equal(sha1(input).length, 20);
    });
  }
  it('sha1 of "abc" is the FIPS 180 test vector', () => {
    assert.equal(Buffer.from(sha1('abc'), 'latin1').toString('hex'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  });
  table(length, [
    ['', '0'],
    ['abc', '3'],
    [utf8('é'), '2', 'bytes, not characters'],
  ]);
});

describe('utf8toUnicode', () => {
  table(utf8toUnicode, [
    [utf8('Ѐ Ё'), '%u0400 %u0401'],
    [utf8('＜script＞'), '%uff1cscript%uff1e', 'full-width forms'],
    [utf8('é'), '%u00e9'],
    [utf8('€'), '%u20ac'],
    [utf8('😀'), '%u1f600', 'past U+FFFF: 5 hex digits'],
    [utf8('\u{10FFFF}'), '%u10ffff'],
    ['a\xc3\xa9b', 'a%u00e9b'],
    ['\xc0\xaf', '\xc0\xaf', 'overlong / kept as bytes'],
    ['\xe0\x80\xaf', '\xe0\x80\xaf', 'overlong 3-byte kept'],
    ['\xed\xa0\x80', '\xed\xa0\x80', 'surrogate kept'],
    ['\xf4\x90\x80\x80', '\xf4\x90\x80\x80', 'past U+10FFFF kept'],
    ['\xc3', '\xc3', 'truncated kept'],
    ['\xe2\x82', '\xe2\x82'],
    ['\xc3\xc3\xa9', '\xc3%u00e9', 'bad lead then a good sequence'],
    ['\xa9\xa9', '\xa9\xa9', 'stray continuation bytes kept'],
  ]);
  unchanged(utf8toUnicode, ['', 'plain ASCII', '\x00\x7f', '\x80\xbf\xc0\xc1\xf5\xff']);
});
