/**
 * Byte-level helpers shared by the transformations. Every value is a "byte string": one char per byte (0..255).
 * Char codes above 255 (should a caller pass a UTF-16 string) are never produced by a decoder and are copied through
 * untouched by every transform.
 */

/** Value of a hex digit char code (0-9, a-f, A-F), or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** C `isspace` in the "C" locale: space, \t, \n, \v, \f, \r. */
export function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Octal digit 0-7. */
export function isOctal(c: number): boolean {
  return c >= 0x30 && c <= 0x37;
}

/** ASCII letter or digit (C `isalnum` in the "C" locale). */
export function isAlnum(c: number): boolean {
  const l = c | 0x20;
  return (c >= 0x30 && c <= 0x39) || (l >= 0x61 && l <= 0x7a);
}

/** The byte string of one byte (V8 caches one-char strings below 256, so this does not allocate). */
export const byteChar = String.fromCharCode;

/**
 * A code point as bytes: itself when it fits in a byte, else its UTF-8 encoding as a byte string.
 * Callers guarantee 0 <= cp <= 0x10FFFF and no surrogate.
 */
export function codePointBytes(cp: number): string {
  if (cp < 0x100) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) {
    return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return String.fromCharCode(
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 0x3f),
    0x80 | ((cp >> 6) & 0x3f),
    0x80 | (cp & 0x3f),
  );
}

/**
 * ModSecurity's full-width rule for %uHHHH / \uHHHH / CSS escapes: take the low byte; when the high byte is 0xFF and
 * the low byte is 0x01..0x5E (U+FF01..U+FF5E, full-width ASCII), add 0x20 so that e.g. U+FF1C gives '<'.
 */
export function lowByteFullWidth(highByte: number, lowByte: number): number {
  if (highByte === 0xff && lowByte > 0x00 && lowByte < 0x5f) return lowByte + 0x20;
  return lowByte;
}

const CHUNK = 8192;

/** The string of the first `len` code units of `buf` (chunked so that no call spreads too many arguments). */
export function codesToString(buf: Uint16Array, len: number): string {
  if (len <= CHUNK) return String.fromCharCode.apply(null, buf.subarray(0, len) as unknown as number[]);
  let out = '';
  for (let k = 0; k < len; k += CHUNK) {
    out += String.fromCharCode.apply(null, buf.subarray(k, Math.min(len, k + CHUNK)) as unknown as number[]);
  }
  return out;
}
