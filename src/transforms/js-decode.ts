import { byteChar, hexValue, isOctal, lowByteFullWidth } from './bytes.js';
import type { TransformFn } from './types.js';

/** Single-char escapes shared by jsDecode and escapeSeqDecode: \a \b \f \n \r \t \v. */
export function simpleEscape(c: number): number {
  switch (c) {
    case 0x61: return 0x07; // a
    case 0x62: return 0x08; // b
    case 0x66: return 0x0c; // f
    case 0x6e: return 0x0a; // n
    case 0x72: return 0x0d; // r
    case 0x74: return 0x09; // t
    case 0x76: return 0x0b; // v
    default: return -1;
  }
}

/**
 * `t:jsDecode` (ModSecurity semantics). `\uHHHH` gives its low byte (full-width ASCII U+FF01-U+FF5E mapped to
 * ASCII), `\xHH` its byte, `\OOO` one byte of octal (at most 3 digits, at most \377), `\a \b \f \n \r \t \v` their
 * control chars, and any other `\C` gives `C` (so `\'` gives `'` and `\u00zz` gives `u00zz`). A trailing lone
 * backslash is kept.
 */
export const jsDecode: TransformFn = (input) => {
  let i = input.indexOf('\\');
  if (i < 0) return input;
  const n = input.length;
  let out = '';
  let run = 0;
  while (i >= 0 && i + 1 < n) {
    const e = input.charCodeAt(i + 1);
    let byte: number;
    let next: number;
    if (e === 0x75 && i + 5 < n) {
      const h1 = hexValue(input.charCodeAt(i + 2));
      const h2 = hexValue(input.charCodeAt(i + 3));
      const h3 = hexValue(input.charCodeAt(i + 4));
      const h4 = hexValue(input.charCodeAt(i + 5));
      if ((h1 | h2 | h3 | h4) >= 0) {
        byte = lowByteFullWidth((h1 << 4) | h2, (h3 << 4) | h4);
        next = i + 6;
      } else {
        byte = e;
        next = i + 2;
      }
    } else if (e === 0x78 && i + 3 < n && (hexValue(input.charCodeAt(i + 2)) | hexValue(input.charCodeAt(i + 3))) >= 0) {
      byte = (hexValue(input.charCodeAt(i + 2)) << 4) | hexValue(input.charCodeAt(i + 3));
      next = i + 4;
    } else if (isOctal(e)) {
      // Up to 3 octal digits, but only 2 when 3 would go past one byte (first digit 4-7).
      const max = e > 0x33 ? 2 : 3;
      let value = 0;
      let j = i + 1;
      while (j < n && j - i - 1 < max && isOctal(input.charCodeAt(j))) {
        value = value * 8 + (input.charCodeAt(j) - 0x30);
        j++;
      }
      byte = value;
      next = j;
    } else {
      const s = simpleEscape(e);
      byte = s >= 0 ? s : e;
      next = i + 2;
    }
    out += input.slice(run, i) + byteChar(byte);
    run = next;
    i = input.indexOf('\\', next);
  }
  if (run === 0) return input;
  return out + input.slice(run);
};
