import { byteChar, codesToString, hexValue, lowByteFullWidth } from './bytes.js';
import type { TransformFn } from './types.js';

const PERCENT = 0x25;
const PLUS = 0x2b;

/**
 * Shared %-decoder (ModSecurity `urldecode_nonstrict`): `+` becomes a space, a valid `%HH` becomes its byte, and
 * every invalid or truncated sequence (`%zz`, `%4`, a lone `%`) is kept as it is. With `uni`, the IIS form
 * `%uHHHH` (u or U) also decodes, to its low byte with the full-width rule (`%uFF1C` gives `<`); an invalid or
 * truncated `%u` is kept as it is.
 */
function percentDecode(input: string, uni: boolean): string {
  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c === PERCENT || c === PLUS) break;
    i++;
  }
  if (i === n) return input;

  let out = '';
  let run = 0; // start of the pending run of bytes copied unchanged
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c === PLUS) {
      out += input.slice(run, i) + ' ';
      run = ++i;
      continue;
    }
    if (c !== PERCENT) {
      i++;
      continue;
    }
    if (uni && i + 1 < n && (input.charCodeAt(i + 1) | 0x20) === 0x75) {
      if (i + 5 < n) {
        const h1 = hexValue(input.charCodeAt(i + 2));
        const h2 = hexValue(input.charCodeAt(i + 3));
        const h3 = hexValue(input.charCodeAt(i + 4));
        const h4 = hexValue(input.charCodeAt(i + 5));
        if ((h1 | h2 | h3 | h4) >= 0) {
          out += input.slice(run, i) + byteChar(lowByteFullWidth((h1 << 4) | h2, (h3 << 4) | h4));
          run = i += 6;
          continue;
        }
      }
      i += 2; // invalid %u: keep both chars
      continue;
    }
    if (i + 2 < n) {
      const hi = hexValue(input.charCodeAt(i + 1));
      const lo = hexValue(input.charCodeAt(i + 2));
      if ((hi | lo) >= 0) {
        out += input.slice(run, i) + byteChar((hi << 4) | lo);
        run = i += 3;
        continue;
      }
    }
    i++; // invalid %: keep it
  }
  if (run === 0) return input; // only kept sequences: nothing changed
  return out + input.slice(run);
}

/** `t:urlDecode`: `%HH` and `+`. Invalid sequences are kept. */
export const urlDecode: TransformFn = (input) => percentDecode(input, false);

/** `t:urlDecodeUni`: `%HH`, `+` and IIS `%uHHHH` (low byte, full-width ASCII mapped to ASCII). */
export const urlDecodeUni: TransformFn = (input) => percentDecode(input, true);

/**
 * `t:urlEncode` (not used by CRS, kept for SecLang completeness): every byte outside `[A-Za-z0-9*-._]` becomes
 * `%hh` (lower-case hex), a space becomes `+`.
 */
export const urlEncode: TransformFn = (input) => {
  const n = input.length;
  let i = 0;
  while (i < n && isUnreserved(input.charCodeAt(i))) i++;
  if (i === n) return input;
  const buf = new Uint16Array(i + (n - i) * 3);
  for (let k = 0; k < i; k++) buf[k] = input.charCodeAt(k);
  let d = i;
  for (; i < n; i++) {
    const c = input.charCodeAt(i);
    if (isUnreserved(c) || c > 0xff) buf[d++] = c;
    else if (c === 0x20) buf[d++] = PLUS;
    else {
      buf[d++] = PERCENT;
      buf[d++] = HEX_DIGITS.charCodeAt(c >> 4);
      buf[d++] = HEX_DIGITS.charCodeAt(c & 15);
    }
  }
  return codesToString(buf, d);
};

function isUnreserved(c: number): boolean {
  const l = c | 0x20;
  return (l >= 0x61 && l <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2a || c === 0x2d || c === 0x2e || c === 0x5f;
}

const HEX_DIGITS = '0123456789abcdef';
