import { byteChar, codesToString, hexValue } from './bytes.js';
import type { TransformFn } from './types.js';

/**
 * `t:hexDecode`: each pair of hex digits becomes one byte. A pair that is not two hex digits is kept as it is
 * (and decoding goes on at the next pair), and an odd trailing char is kept.
 */
export const hexDecode: TransformFn = (input) => {
  const n = input.length;
  if (n < 2) return input;
  const buf = new Uint16Array(n);
  let d = 0;
  let changed = false;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const a = input.charCodeAt(i);
    const b = input.charCodeAt(i + 1);
    const hi = hexValue(a);
    const lo = hexValue(b);
    if ((hi | lo) >= 0) {
      buf[d++] = (hi << 4) | lo;
      changed = true;
    } else {
      buf[d++] = a;
      buf[d++] = b;
    }
  }
  if (!changed) return input;
  if (i < n) buf[d++] = input.charCodeAt(i);
  return codesToString(buf, d);
};

/** `t:hexEncode`: every byte as two lower-case hex digits. */
export const hexEncode: TransformFn = (input) =>
  input.length === 0 ? input : Buffer.from(input, 'latin1').toString('hex');

/**
 * `t:sqlHexDecode`: MySQL hex literals `0xHHHH...` (x or X) become their bytes; pairs are decoded greedily, an odd
 * last digit is kept, and a `0x` without at least one full pair is kept (`0x4142430x0x434241` gives `ABC0xCBA`).
 */
export const sqlHexDecode: TransformFn = (input) => {
  const n = input.length;
  let i = input.indexOf('0');
  if (i < 0) return input;
  let out = '';
  let run = 0;
  while (i >= 0 && i + 3 < n) {
    if (
      (input.charCodeAt(i + 1) | 0x20) === 0x78 &&
      (hexValue(input.charCodeAt(i + 2)) | hexValue(input.charCodeAt(i + 3))) >= 0
    ) {
      out += input.slice(run, i);
      let j = i + 2;
      while (j + 1 < n) {
        const hi = hexValue(input.charCodeAt(j));
        const lo = hexValue(input.charCodeAt(j + 1));
        if ((hi | lo) < 0) break;
        out += byteChar((hi << 4) | lo);
        j += 2;
      }
      run = j;
      i = input.indexOf('0', j);
    } else {
      i = input.indexOf('0', i + 1);
    }
  }
  if (run === 0) return input;
  return out + input.slice(run);
};
