/**
 * Entity and escape decoding used to normalise attribute values before scheme / style checks:
 * numeric references with or without `;` and with any number of leading zeros (`&#0000106`, `&#x09;`),
 * a few named references that matter for evasion (`&Tab;`, `&NewLine;`, `&colon;`, `&lpar;`, ...) and
 * CSS escapes (`\6a`, `\:`). Single forward passes; never throws.
 */

const NAMED: ReadonlyMap<string, number> = new Map([
  ['tab', 0x09], ['newline', 0x0a], ['nbsp', 0xa0], ['colon', 0x3a], ['semi', 0x3b], ['lpar', 0x28],
  ['rpar', 0x29], ['quot', 0x22], ['apos', 0x27], ['amp', 0x26], ['lt', 0x3c], ['gt', 0x3e], ['sol', 0x2f],
  ['bsol', 0x5c], ['num', 0x23], ['comma', 0x2c], ['period', 0x2e], ['excl', 0x21], ['equals', 0x3d],
  ['grave', 0x60], ['lsqb', 0x5b], ['rsqb', 0x5d], ['lcub', 0x7b], ['rcub', 0x7d], ['plus', 0x2b],
]);

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}

/** Decodes the character reference starting at `s[i] === '&'`; null when it is not one. */
export function decodeEntityAt(s: string, i: number): { code: number; next: number } | null {
  const n = s.length;
  if (s.charCodeAt(i + 1) === 0x23) {
    let j = i + 2;
    let base = 10;
    if ((s.charCodeAt(j) | 0x20) === 0x78) {
      base = 16;
      j++;
    }
    let value = 0;
    let count = 0;
    while (j < n) {
      const d = hexDigit(s.charCodeAt(j));
      if (d < 0 || d >= base) break;
      if (value <= 0x10ffff) value = value * base + d;
      j++;
      count++;
    }
    if (count === 0) return null;
    if (s.charCodeAt(j) === 0x3b) j++;
    return { code: value > 0x10ffff ? 0xfffd : value, next: j };
  }
  let j = i + 1;
  while (j < n && j - i <= 12 && isAlnum(s.charCodeAt(j))) j++;
  const code = NAMED.get(s.slice(i + 1, j).toLowerCase());
  if (code === undefined) return null;
  if (s.charCodeAt(j) === 0x3b) j++;
  return { code, next: j };
}

function lowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/**
 * Up to `max` chars of `value` with references decoded, ASCII lower-cased, and every control char and
 * space (<= 0x20, 0x7f) dropped: browsers strip tab/newline anywhere in a URL and leading C0/space.
 */
export function normalizeUrlPrefix(value: string, max: number): string {
  let out = '';
  let i = 0;
  const n = value.length;
  while (i < n && out.length < max) {
    let c = value.charCodeAt(i);
    if (c === 0x26) {
      const d = decodeEntityAt(value, i);
      if (d !== null) {
        c = d.code;
        i = d.next;
      } else i++;
    } else i++;
    if (c <= 0x20 || c === 0x7f) continue;
    out += String.fromCharCode(lowerAscii(c));
  }
  return out;
}

/** A whole CSS value with references and CSS escapes decoded, comments and whitespace removed, lower-cased. */
export function normalizeCss(value: string): string {
  const parts: string[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    let c = value.charCodeAt(i);
    if (c === 0x2f && value.charCodeAt(i + 1) === 0x2a) {
      const end = value.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      continue;
    }
    if (c === 0x26) {
      const d = decodeEntityAt(value, i);
      if (d !== null) {
        c = d.code;
        i = d.next;
      } else i++;
    } else if (c === 0x5c) {
      let j = i + 1;
      let code = 0;
      while (j < n && j - i <= 6 && hexDigit(value.charCodeAt(j)) >= 0) {
        code = code * 16 + hexDigit(value.charCodeAt(j));
        j++;
      }
      if (j > i + 1) {
        if (j < n && value.charCodeAt(j) <= 0x20) j++;
        c = code;
        i = j;
      } else if (j < n) {
        c = value.charCodeAt(j);
        i = j + 1;
      } else i = j;
    } else i++;
    if (c <= 0x20 || c === 0x7f) continue;
    parts.push(String.fromCharCode(lowerAscii(c)));
  }
  return parts.join('');
}
