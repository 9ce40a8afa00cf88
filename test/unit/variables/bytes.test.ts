import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAscii, utf8ToByteString } from '../../../src/variables/bytes.js';

/** The definition: every UTF-16 code unit below 0x80. */
function reference(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

test('isAscii: one odd char at every position of short and long strings', () => {
  const odd = ['\x7f', '\x00', '\x80', '\xe9', '\xff', '\u0100', '\u20ac', '\ud83d', '\ude00', '\ud83d\ude00', '\ufeff', '\uffff'];
  for (let len = 0; len <= 40; len++) {
    const base = 'a'.repeat(len);
    assert.equal(isAscii(base), true, `len ${len}`);
    for (const c of odd) {
      for (let at = 0; at <= len; at++) {
        const s = base.slice(0, at) + c + base.slice(at);
        assert.equal(isAscii(s), reference(s), `len ${len} at ${at} ${JSON.stringify(c)}`);
      }
    }
  }
  // Lone surrogates at both ends of long strings; mixes of two-byte chars.
  for (const s of ['\ud800' + 'x'.repeat(30), 'x'.repeat(30) + '\udfff', '\u00e9'.repeat(20), 'é'.repeat(3) + 'x'.repeat(20)]) {
    assert.equal(isAscii(s), reference(s), JSON.stringify(s));
  }
});

test('utf8ToByteString: ASCII unchanged, the rest as its UTF-8 bytes', () => {
  const long = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36';
  assert.equal(utf8ToByteString(long), long);
  assert.equal(utf8ToByteString('caf\u00e9'), 'caf\xc3\xa9');
  assert.equal(utf8ToByteString(`${long} caf\u00e9`), `${long} caf\xc3\xa9`);
  assert.equal(utf8ToByteString(`${long}\ud83d\ude00`), `${long}\xf0\x9f\x98\x80`);
  assert.equal(utf8ToByteString(`${long}\ud83d`), `${long}\xef\xbf\xbd`);
});
