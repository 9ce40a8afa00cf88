import type { TransformFn } from './types.js';

/**
 * `t:lowercase`: ASCII A-Z to a-z, byte by byte. Bytes 0x80-0xFF are left alone (String#toLowerCase would also
 * fold Latin-1 letters such as 0xC0, which would change the bytes).
 */
export const lowercase: TransformFn = (input) => {
  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) break;
    i++;
  }
  if (i === n) return input;
  // Only ASCII A-Z are folded, so when every char is ASCII the built-in is exact (and much faster).
  if (isAscii(input)) return input.toLowerCase();
  let out = input.slice(0, i);
  let run = i;
  for (; i < n; i++) {
    const c = input.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      out += input.slice(run, i) + String.fromCharCode(c | 0x20);
      run = i + 1;
    }
  }
  return out + input.slice(run);
};

/** `t:uppercase`: ASCII a-z to A-Z, byte by byte. */
export const uppercase: TransformFn = (input) => {
  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) break;
    i++;
  }
  if (i === n) return input;
  if (isAscii(input)) return input.toUpperCase();
  let out = input.slice(0, i);
  let run = i;
  for (; i < n; i++) {
    const c = input.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) {
      out += input.slice(run, i) + String.fromCharCode(c & 0xdf);
      run = i + 1;
    }
  }
  return out + input.slice(run);
};

const NON_ASCII = /[^\x00-\x7f]/;

function isAscii(s: string): boolean {
  return !NON_ASCII.test(s);
}
