/**
 * Byte-string helpers shared by the operators. A byte string has one char per byte (codes 0..255).
 */

// eslint-disable-next-line no-control-regex
const NON_BYTE = /[^\x00-\xff]/;

/**
 * Parameters normally arrive as byte strings already (SecLang files are read as latin1). A typed rule may
 * hold a JS string with chars above 0xFF ('€'): such a parameter could never match a byte string, so it is
 * encoded to its UTF-8 bytes, which is what the request would carry.
 */
export function toByteString(text: string): string {
  return NON_BYTE.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** ASCII-only lower-casing, as C `tolower` in the "C" locale: bytes >= 0x80 are left alone. */
export function foldAscii(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      out += text.slice(from, i) + String.fromCharCode(c + 0x20);
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Writes the single capture `captures[0] = text` (operators other than @rx capture one value). */
export function captureOne(captures: string[] | undefined, text: string): void {
  if (captures === undefined) return;
  captures[0] = text;
  captures.length = 1;
}
