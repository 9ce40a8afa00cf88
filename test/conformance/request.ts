import type { FtwInput } from './ftw.js';

/**
 * Builds the bytes go-ftw (v2) writes on the socket for a stage, byte for byte:
 * - `encoded_request`: base64 of the whole request, sent unchanged;
 * - else the request line `METHOD SP URI SP VERSION CRLF` verbatim (defaults GET, /, HTTP/1.1), the `headers` map
 *   sorted by name (byte order, names kept as written), then with `autocomplete_headers` (default true):
 *   `Content-Type: application/x-www-form-urlencoded` appended when there is data and no Content-Type; form
 *   data whose URL-unescaping is a no-op gets each key and value QueryEscape'd; multipart bodies get LF → CRLF;
 *   `Connection: close` when absent; `Content-Length` when absent and (data or a POST/PUT/PATCH/DELETE method).
 * Strings from YAML are UTF-8 (Go strings).
 */

const FORM = 'application/x-www-form-urlencoded';
const METHODS_WITH_BODY = /^POST|PUT|PATCH|DELETE$/;

/** Go's `text/template` + Sprig, reduced to what CRS tests use: `{{ "x" | repeat N }}`. */
export function expandTemplate(data: string): string {
  return data.replace(/\{\{\s*"((?:[^"\\]|\\.)*)"\s*\|\s*repeat\s+(\d+)\s*\}\}/g, (_m, s: string, n: string) => JSON.parse(`"${s}"`).repeat(Number(n)) as string);
}

const canonical = (name: string): string => name.toLowerCase();

/** Go's url.QueryUnescape: '+' is a space; a bad escape is an error (null). */
function queryUnescape(s: Buffer): Buffer | null {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === 0x25) {
      const h = s.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
      out.push(parseInt(h, 16));
      i += 2;
    } else if (c === 0x2b) {
      out.push(0x20);
    } else {
      out.push(c);
    }
  }
  return Buffer.from(out);
}

/** Go's url.QueryEscape over bytes: unreserved A-Z a-z 0-9 - _ . ~ kept, space → '+', the rest %XX. */
function queryEscape(b: Buffer): string {
  let out = '';
  for (const c of b) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x7e) out += String.fromCharCode(c);
    else if (c === 0x20) out += '+';
    else out += `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function encodeForm(data: Buffer): Buffer {
  const un = queryUnescape(data);
  if (un === null || !un.equals(data)) return data;
  const parts: string[] = [];
  let rest = data;
  while (rest.length > 0) {
    const amp = rest.indexOf(0x26);
    const token = amp === -1 ? rest : rest.subarray(0, amp);
    rest = amp === -1 ? Buffer.alloc(0) : rest.subarray(amp + 1);
    const eq = token.indexOf(0x3d);
    parts.push(eq === -1 ? queryEscape(token) : `${queryEscape(token.subarray(0, eq))}=${queryEscape(token.subarray(eq + 1))}`);
  }
  return Buffer.from(parts.join('&'), 'latin1');
}

export function buildRequest(input: FtwInput): Buffer {
  if (input.encoded_request !== undefined && input.encoded_request !== '') {
    return Buffer.from(input.encoded_request.replace(/\s+/g, ''), 'base64');
  }
  const method = input.method ?? 'GET';
  const uri = input.uri ?? '/';
  const version = input.version ?? 'HTTP/1.1';
  const headers: [string, string][] = Object.entries(input.headers ?? {})
    .map(([k, v]): [string, string] => [k, v === null || v === undefined ? '' : String(v)])
    .sort((a, b) => (Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0]))));
  const has = (name: string): boolean => headers.some(([k]) => canonical(k) === canonical(name));
  const auto = input.autocomplete_headers !== false;
  let data: Buffer = input.data === undefined || input.data === null ? Buffer.alloc(0) : Buffer.from(expandTemplate(String(input.data)), 'utf8');
  if (data.length > 0 && auto) {
    if (!has('Content-Type')) headers.push(['Content-Type', FORM]);
    if (headers.some(([k, v]) => canonical(k) === 'content-type' && v.toLowerCase() === FORM)) data = encodeForm(data);
  }
  if (headers.some(([k, v]) => canonical(k) === 'content-type' && v.toLowerCase().includes('multipart/form-data;'))) {
    data = Buffer.from(data.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  }
  if (auto) {
    if (!has('Connection')) headers.push(['Connection', 'close']);
    if (!has('Content-Length') && (data.length > 0 || METHODS_WITH_BODY.test(method))) headers.push(['Content-Length', String(data.length)]);
  }
  const head = `${method} ${uri} ${version}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), data]);
}
