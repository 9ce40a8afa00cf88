import type { TransformFn } from './types.js';

/** Base64 alphabet value per char code; -1 when not in the alphabet. Both the standard and URL-safe alphabets. */
const B64: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let k = 0; k < 64; k++) t[alphabet.charCodeAt(k)] = k;
  return t;
})();
const B64_URL_MINUS = 0x2d;
const B64_URL_UNDERSCORE = 0x5f;

function sextet(c: number, urlSafe: boolean): number {
  if (c < 256) {
    const v = B64[c] ?? -1;
    if (v >= 0) return v;
  }
  if (urlSafe) {
    if (c === B64_URL_MINUS) return 62;
    if (c === B64_URL_UNDERSCORE) return 63;
  }
  return -1;
}

/**
 * Shared decoder. Bytes are emitted per complete quartet; a final partial group of 2 or 3 symbols still yields
 * 1 or 2 bytes. Strict mode (base64Decode) skips \r and \n and stops at the first `=` or char outside the
 * alphabet, returning what was decoded so far (as ModSecurity/Coraza). Forgiving mode (base64DecodeExt) skips
 * every char outside the alphabet, accepts the URL-safe `-` and `_`, and treats `=` as the end of one encoded
 * chunk (flushes the partial group and goes on), so concatenated or wrapped base64 decodes.
 */
function decode(input: string, forgiving: boolean): string {
  const n = input.length;
  if (n === 0) return input;
  const bytes = scratchFor(Math.ceil((n * 3) / 4) + 3);
  let len = 0;
  let acc = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = input.charCodeAt(i);
    const v = sextet(c, forgiving);
    if (v < 0) {
      if (c === 0x3d) {
        if (!forgiving) break;
        len = flush(bytes, len, acc, count);
        acc = 0;
        count = 0;
        continue;
      }
      if (forgiving || c === 0x0a || c === 0x0d) continue;
      break;
    }
    acc = (acc << 6) | v;
    if (++count === 4) {
      bytes[len++] = (acc >> 16) & 0xff;
      bytes[len++] = (acc >> 8) & 0xff;
      bytes[len++] = acc & 0xff;
      acc = 0;
      count = 0;
    }
  }
  len = flush(bytes, len, acc, count);
  if (len <= SMALL) return String.fromCharCode.apply(null, bytes.subarray(0, len) as unknown as number[]);
  return Buffer.from(bytes.buffer, bytes.byteOffset, len).toString('latin1');
}

/** Writes the bytes of a final partial group of 2 or 3 symbols; returns the new length. */
function flush(bytes: Uint8Array, len: number, acc: number, count: number): number {
  if (count === 2) bytes[len++] = (acc >> 4) & 0xff;
  else if (count === 3) {
    bytes[len++] = (acc >> 10) & 0xff;
    bytes[len++] = (acc >> 2) & 0xff;
  }
  return len;
}

/** Outputs up to this many bytes are made into a string directly (no Buffer). */
const SMALL = 512;
/** Output buffer reused across calls (decoding is synchronous); replaced by a bigger one when needed. */
let scratch = new Uint8Array(4096);

function scratchFor(size: number): Uint8Array {
  if (size > scratch.length) {
    // Very large values get a buffer of their own, so one huge request does not pin a huge scratch buffer.
    if (size > 1 << 20) return new Uint8Array(size);
    scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  }
  return scratch;
}

/** `t:base64Decode`: decode up to the first invalid char or padding; \r and \n are skipped. */
export const base64Decode: TransformFn = (input) => decode(input, false);

/** `t:base64DecodeExt`: forgiving decode, skipping every char outside the alphabet (spaces, dots, `%`...). */
export const base64DecodeExt: TransformFn = (input) => decode(input, true);

/** `t:base64Encode`: standard alphabet with padding. */
export const base64Encode: TransformFn = (input) =>
  input.length === 0 ? input : Buffer.from(input, 'latin1').toString('base64');
