import { byteChar, hexValue, isCSpace, lowByteFullWidth } from './bytes.js';
import type { TransformFn } from './types.js';

/**
 * `t:cssDecode` (CSS 2 escapes, ModSecurity semantics). `\` + 1..6 hex digits gives one byte: the last two digits
 * (one digit: its value); with 4 digits (or 5-6 digits whose extra leading digits are 0) the full-width rule maps
 * U+FF01-U+FF5E to ASCII. One whitespace after a hex escape is swallowed. `\` + newline is removed, `\` + any other
 * char gives that char, and a trailing lone `\` is removed.
 */
export const cssDecode: TransformFn = (input) => {
  let i = input.indexOf('\\');
  if (i < 0) return input;
  const n = input.length;
  let out = '';
  let run = 0;
  while (i >= 0) {
    out += input.slice(run, i);
    let p = i + 1; // first char after the backslash
    if (p >= n) {
      run = n; // trailing backslash: dropped
      break;
    }
    let j = 0;
    while (j < 6 && p + j < n && hexValue(input.charCodeAt(p + j)) >= 0) j++;
    if (j > 0) {
      let byte =
        j === 1
          ? hexValue(input.charCodeAt(p))
          : (hexValue(input.charCodeAt(p + j - 2)) << 4) | hexValue(input.charCodeAt(p + j - 1));
      const fullCheck =
        j === 4 ||
        (j === 5 && input.charCodeAt(p) === 0x30) ||
        (j === 6 && input.charCodeAt(p) === 0x30 && input.charCodeAt(p + 1) === 0x30);
      if (fullCheck) {
        const high = (hexValue(input.charCodeAt(p + j - 4)) << 4) | hexValue(input.charCodeAt(p + j - 3));
        byte = lowByteFullWidth(high, byte);
      }
      out += byteChar(byte);
      p += j;
      if (p < n && isCSpace(input.charCodeAt(p))) p++;
    } else if (input.charCodeAt(p) === 0x0a) {
      p++; // line continuation
    } else {
      out += input[p];
      p++;
    }
    run = p;
    i = input.indexOf('\\', p);
  }
  return out + input.slice(run);
};
