import type { TransformFn } from './types.js';

/** `%u` + lower-case hex, at least 4 digits (5 or 6 for code points past U+FFFF), as ModSecurity prints it. */
function percentU(cp: number): string {
  const hex = cp.toString(16);
  return hex.length >= 4 ? '%u' + hex : '%u' + '0000'.slice(hex.length) + hex;
}

function isCont(c: number): boolean {
  return c >= 0x80 && c <= 0xbf;
}

/**
 * `t:utf8toUnicode`: every well-formed multi-byte UTF-8 sequence in the byte string becomes `%uHHHH` (so that a
 * later urlDecodeUni folds full-width forms: the bytes of U+FF1C give `%uff1c`, then `<`). ASCII bytes are kept.
 * Invalid bytes are kept as they are: stray continuation bytes, truncated sequences, overlong forms (`C0 AF` is
 * not turned into `/`), surrogates (ED A0..BF) and code points past U+10FFFF.
 */
export const utf8toUnicode: TransformFn = (input) => {
  const n = input.length;
  let i = 0;
  while (i < n && input.charCodeAt(i) < 0x80) i++;
  if (i === n) return input;
  let out = '';
  let run = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c < 0xc2 || c > 0xf4) {
      i++; // ASCII, continuation byte, overlong lead C0/C1, F5..FF, or a non-byte char: kept
      continue;
    }
    let len = 0;
    let cp = 0;
    const c1 = i + 1 < n ? input.charCodeAt(i + 1) : 0;
    if (c < 0xe0) {
      if (isCont(c1)) {
        len = 2;
        cp = ((c & 0x1f) << 6) | (c1 & 0x3f);
      }
    } else if (c < 0xf0) {
      const c2 = i + 2 < n ? input.charCodeAt(i + 2) : 0;
      const lowOk = c === 0xe0 ? c1 >= 0xa0 : c === 0xed ? c1 < 0xa0 : true; // no overlong, no surrogate
      if (isCont(c1) && isCont(c2) && lowOk) {
        len = 3;
        cp = ((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
      }
    } else {
      const c2 = i + 2 < n ? input.charCodeAt(i + 2) : 0;
      const c3 = i + 3 < n ? input.charCodeAt(i + 3) : 0;
      const lowOk = c === 0xf0 ? c1 >= 0x90 : c === 0xf4 ? c1 < 0x90 : true; // no overlong, max U+10FFFF
      if (isCont(c1) && isCont(c2) && isCont(c3) && lowOk) {
        len = 4;
        cp = ((c & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
      }
    }
    if (len === 0) {
      i++;
      continue;
    }
    out += input.slice(run, i) + percentU(cp);
    i += len;
    run = i;
  }
  if (run === 0) return input;
  return out + input.slice(run);
};
