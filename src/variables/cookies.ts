import type { VarEntry } from './types.js';

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Appends the cookies of one `Cookie` header value, as ModSecurity v3 splits them: on `;`, then on the first
 * `=`; leading whitespace of the name is dropped, trailing whitespace after the last pair is dropped; values
 * are not percent-decoded. A pair without `=` is a name with an empty value; pairs with an empty name are skipped.
 */
export function appendCookies(header: string, out: VarEntry[]): void {
  let end = header.length;
  while (end > 0 && isSpace(header.charCodeAt(end - 1))) end--;
  let pos = 0;
  while (pos < end) {
    let semi = header.indexOf(';', pos);
    if (semi === -1 || semi > end) semi = end;
    let nameStart = pos;
    while (nameStart < semi && isSpace(header.charCodeAt(nameStart))) nameStart++;
    if (nameStart < semi) {
      const eq = header.indexOf('=', nameStart);
      if (eq === -1 || eq >= semi) {
        out.push({ key: header.slice(nameStart, semi), value: '' });
      } else if (eq > nameStart) {
        out.push({ key: header.slice(nameStart, eq), value: header.slice(eq + 1, semi) });
      }
    }
    pos = semi + 1;
  }
}

/**
 * REQUEST_COOKIES from every `Cookie` header (HTTP/2 clients may send several), in arrival order, read from the
 * flat [name, value, ...] header list (a trailing name without a value is ignored). Not capped: the header
 * block is already bounded by Node's `maxHeaderSize`.
 */
export function parseCookies(flatHeaders: readonly string[]): VarEntry[] {
  const out: VarEntry[] = [];
  for (let i = 0; i + 1 < flatHeaders.length; i += 2) {
    const name = flatHeaders[i]!;
    if (name.length === 6 && (name === 'cookie' || name.toLowerCase() === 'cookie')) appendCookies(flatHeaders[i + 1]!, out);
  }
  return out;
}
