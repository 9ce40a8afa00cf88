import { byteChar, hexValue, isOctal } from './bytes.js';
import { simpleEscape } from './js-decode.js';
import type { TransformFn } from './types.js';

/**
 * `t:escapeSeqDecode`: ANSI C escapes (ModSecurity semantics). `\a \b \f \n \r \t \v \\ \? \' \"`, `\xHH` (x or X,
 * exactly two hex digits), `\O`..`\OOO` octal (value taken modulo 256, so `\666` gives 0xB6). Any other `\C`
 * (including an incomplete `\x`) gives `C`; a trailing lone backslash is kept.
 */
export const escapeSeqDecode: TransformFn = (input) => {
  let i = input.indexOf('\\');
  if (i < 0) return input;
  const n = input.length;
  let out = '';
  let run = 0;
  while (i >= 0 && i + 1 < n) {
    const e = input.charCodeAt(i + 1);
    let byte = simpleEscape(e);
    let next = i + 2;
    if (byte < 0) {
      if ((e | 0x20) === 0x78) {
        const hi = i + 3 < n ? hexValue(input.charCodeAt(i + 2)) : -1;
        const lo = i + 3 < n ? hexValue(input.charCodeAt(i + 3)) : -1;
        if ((hi | lo) >= 0) {
          byte = (hi << 4) | lo;
          next = i + 4;
        } else {
          byte = e;
        }
      } else if (isOctal(e)) {
        let value = 0;
        let j = i + 1;
        while (j < n && j - i - 1 < 3 && isOctal(input.charCodeAt(j))) {
          value = value * 8 + (input.charCodeAt(j) - 0x30);
          j++;
        }
        byte = value & 0xff;
        next = j;
      } else {
        byte = e; // \\ \? \' \" and unknown escapes: the char itself
      }
    }
    out += input.slice(run, i) + byteChar(byte);
    run = next;
    i = input.indexOf('\\', next);
  }
  if (run === 0) return input;
  return out + input.slice(run);
};
