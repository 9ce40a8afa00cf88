/**
 * Conversions between JavaScript strings and byte strings (one char per byte, 0..255), the form every
 * value the engine matches takes.
 */

/** Below this length a charCode loop is cheaper than the call into Buffer.byteLength. */
const SHORT = 16;

/** True when every char code is below 0x80 (the string is the same in UTF-8, latin1 and UTF-16). */
export function isAscii(s: string): boolean {
  if (s.length >= SHORT) {
    // Any char from 0x80 up takes 2 or more UTF-8 bytes (a surrogate pair 4 for its 2 chars, a lone surrogate 3),
    // so the lengths match only for ASCII; byteLength scans natively, several times faster on header-sized text.
    return Buffer.byteLength(s, 'utf8') === s.length;
  }
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A decoded (UTF-16) string as the byte string of its UTF-8 encoding. Lone surrogates become EF BF BD. */
export function utf8ToByteString(s: string): string {
  return isAscii(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

/**
 * A string whose chars up to 0xFF already are bytes (text that was decoded as latin1), but which may also
 * hold chars above 0xFF (from `\uXXXX` escapes): those are replaced by their UTF-8 bytes.
 */
export function mixedToByteString(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0xff) continue;
    let end = i + 1;
    if (c >= 0xd800 && c <= 0xdbff && end < s.length) {
      const d = s.charCodeAt(end);
      if (d >= 0xdc00 && d <= 0xdfff) end++;
    }
    out += s.slice(last, i) + Buffer.from(s.slice(i, end), 'utf8').toString('latin1');
    last = end;
    i = end - 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

/** The UTF-8 bytes of one Unicode code point, as a byte string; '' for values that are not code points. */
export function codePointToByteString(cp: number): string {
  if (!Number.isInteger(cp) || cp < 0 || cp > 0x10ffff) return '';
  if (cp < 0x80) return String.fromCharCode(cp);
  return Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
}
