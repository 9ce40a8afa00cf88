/**
 * Access-log records → request-like objects for `waf.inspect()`. One parser per input format, in a table:
 *
 * - `combined`: the nginx/Apache combined log format (`%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`);
 *   the common log format (no referer/agent) and extra trailing fields are accepted. Escapes written by the servers
 *   (`\"`, `\\`, `\xHH`) are undone. Logs do not record the Host header: `host` supplies one.
 * - `jsonl`: one JSON object per line: `{ method?, url, headers?, body?, bodyEncoding?, remoteAddress?, httpVersion?,
 *   time? }` (`uri` for `url`, `ip`/`clientIp` for `remoteAddress`; headers as an object or `[name, value]` pairs).
 * - `har`: one `log.entries[]` item of an HTTP Archive (see har-stream.ts for reading them one at a time).
 */
import type { RequestLike } from '../portcullis.js';

export type InputFormat = 'combined' | 'jsonl' | 'har';
export const INPUT_FORMATS: readonly InputFormat[] = ['combined', 'jsonl', 'har'];

export interface ParseContext {
  /** Host header for records that do not carry one (combined logs never do). */
  readonly host: string;
}

export type ParsedRecord =
  | { readonly ok: true; readonly request: RequestLike; readonly time: string | undefined }
  | { readonly ok: false; readonly reason: string };

const bad = (reason: string): ParsedRecord => ({ ok: false, reason });

// %h %l %u [%t] "%r" %>s %b, then optionally "%{Referer}i" "%{User-agent}i" and anything else.
// Every part is a negated class or an alternation of disjoint single chars: linear on any input.
const COMBINED = /^(\S+) \S+ \S+ \[([^\]]*)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/s;
const METHOD = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const PROTOCOL = /^HTTP\/(\d(?:\.\d)?)$/;

/** Undoes the escaping nginx and Apache apply to logged strings; `\xHH` are bytes, decoded as UTF-8 after. */
export function unescapeLogField(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c && i + 1 < s.length) {
      const n = s[i + 1]!;
      if ((n === 'x' || n === 'X') && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
        bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
        i += 3;
        continue;
      }
      const simple: Record<string, number> = { '"': 0x22, '\\': 0x5c, n: 0x0a, r: 0x0d, t: 0x09 };
      const b = simple[n];
      if (b !== undefined) { bytes.push(b); i++; continue; }
    }
    if (c < 0x80) bytes.push(c);
    else for (const b of Buffer.from(s[i]!, 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Splits `GET /path HTTP/1.1` (or HTTP/0.9 `GET /path`); null when it is no request line. */
export function parseRequestLine(line: string): { method: string; url: string; httpVersion: string } | null {
  const first = line.indexOf(' ');
  if (first <= 0) return null;
  const method = line.slice(0, first);
  if (!METHOD.test(method)) return null;
  let rest = line.slice(first + 1);
  let httpVersion = '0.9';
  const last = rest.lastIndexOf(' ');
  if (last !== -1) {
    const m = PROTOCOL.exec(rest.slice(last + 1));
    if (m) { httpVersion = m[1]!.includes('.') ? m[1]! : `${m[1]!}.0`; rest = rest.slice(0, last); }
  }
  rest = rest.trim();
  if (rest.length === 0) return null;
  return { method: method.toUpperCase(), url: rest, httpVersion };
}

/** `http://host:port/p?q` → `{ host, path: '/p?q' }`; other targets are returned as they are. */
function splitAbsolute(url: string): { host: string | undefined; path: string } {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)([^#]*)/.exec(url);
  if (!m) return { host: undefined, path: url };
  const authority = m[1]!.slice(m[1]!.lastIndexOf('@') + 1);
  return { host: authority || undefined, path: m[2] || '/' };
}

export function parseCombinedLine(text: string, ctx: ParseContext): ParsedRecord {
  const m = COMBINED.exec(text);
  if (!m) return bad('not in combined/common log format');
  const requestLine = unescapeLogField(m[3]!);
  const req = parseRequestLine(requestLine);
  if (!req) return bad(`no request line in ${JSON.stringify(requestLine.slice(0, 60))}`);
  const headers: [string, string][] = [];
  const { host, path } = splitAbsolute(req.url);
  headers.push(['host', host ?? ctx.host]);
  const referer = m[6] === undefined ? '-' : unescapeLogField(m[6]);
  const agent = m[7] === undefined ? '-' : unescapeLogField(m[7]);
  if (referer !== '-') headers.push(['referer', referer]);
  if (agent !== '-') headers.push(['user-agent', agent]);
  return {
    ok: true,
    request: { method: req.method, url: path, httpVersion: req.httpVersion, headers, remoteAddress: m[1]! },
    time: m[2],
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Headers given as an object (`{ name: value | [values] }`) or as `[name, value]` pairs. */
function headersFrom(v: unknown): [string, string][] | string {
  const out: [string, string][] = [];
  if (v === undefined || v === null) return out;
  if (Array.isArray(v)) {
    for (const pair of v) {
      if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string') out.push([pair[0], String(pair[1])]);
      else if (isObject(pair) && typeof pair.name === 'string') out.push([pair.name, String(pair.value ?? '')]);
      else return 'headers: each entry must be [name, value] or { name, value }';
    }
    return out;
  }
  if (!isObject(v)) return 'headers must be an object or an array of pairs';
  for (const [k, val] of Object.entries(v)) {
    if (Array.isArray(val)) for (const one of val) out.push([k, String(one)]);
    else if (val !== undefined && val !== null) out.push([k, String(val)]);
  }
  return out;
}

export function parseJsonLine(text: string, ctx: ParseContext): ParsedRecord {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (err) {
    return bad(`invalid JSON: ${(err as Error).message}`);
  }
  if (!isObject(o)) return bad('not a JSON object');
  const url = o.url ?? o.uri;
  if (typeof url !== 'string' || url.length === 0) return bad('no "url" string');
  const method = o.method ?? 'GET';
  if (typeof method !== 'string' || !METHOD.test(method)) return bad('bad "method"');
  const headers = headersFrom(o.headers);
  if (typeof headers === 'string') return bad(headers);
  const { host, path } = splitAbsolute(url);
  if (!headers.some(([k]) => k.toLowerCase() === 'host')) headers.unshift(['host', host ?? ctx.host]);
  let body: string | Uint8Array | object | undefined;
  if (o.body !== undefined && o.body !== null) {
    if (typeof o.body === 'string' && o.bodyEncoding === 'base64') body = Buffer.from(o.body, 'base64');
    else if (typeof o.body === 'string' || typeof o.body === 'object') body = o.body;
    else body = String(o.body);
  }
  const ip = o.remoteAddress ?? o.ip ?? o.clientIp;
  const httpVersion = typeof o.httpVersion === 'string' ? o.httpVersion.replace(/^HTTP\//i, '') : undefined;
  return {
    ok: true,
    request: {
      method: method.toUpperCase(),
      url: path,
      headers,
      ...(httpVersion !== undefined ? { httpVersion } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(typeof ip === 'string' && ip.length > 0 ? { remoteAddress: ip } : {}),
    },
    time: typeof o.time === 'string' ? o.time : undefined,
  };
}

/** One HAR `log.entries[]` item (already parsed) → a request. HAR does not record the client's address. */
export function harEntryToRequest(entry: unknown, ctx: ParseContext): ParsedRecord {
  if (!isObject(entry) || !isObject(entry.request)) return bad('HAR entry without "request"');
  const r = entry.request;
  if (typeof r.url !== 'string' || typeof r.method !== 'string' || !METHOD.test(r.method)) return bad('HAR request without method/url');
  const headers = headersFrom(r.headers);
  if (typeof headers === 'string') return bad(headers);
  const { host, path } = splitAbsolute(r.url);
  // HTTP/2 pseudo-headers (:authority, :path, ...) are not request headers on the wire of HTTP/1.
  const real = headers.filter(([k]) => !k.startsWith(':'));
  if (!real.some(([k]) => k.toLowerCase() === 'host')) real.unshift(['host', host ?? ctx.host]);
  let body: string | Uint8Array | undefined;
  const pd = r.postData;
  if (isObject(pd)) {
    if (typeof pd.text === 'string') {
      body = pd.encoding === 'base64' ? Buffer.from(pd.text, 'base64') : pd.text;
    } else if (Array.isArray(pd.params)) {
      body = pd.params
        .filter(isObject)
        .map((p) => `${encodeURIComponent(String(p.name ?? ''))}=${encodeURIComponent(String(p.value ?? ''))}`)
        .join('&');
    }
    if (typeof pd.mimeType === 'string' && pd.mimeType && !real.some(([k]) => k.toLowerCase() === 'content-type')) {
      real.push(['content-type', pd.mimeType]);
    }
  }
  const hv = typeof r.httpVersion === 'string' ? /^HTTP\/(\d(?:\.\d)?)$/i.exec(r.httpVersion)?.[1] : undefined;
  return {
    ok: true,
    request: {
      method: r.method.toUpperCase(),
      url: path,
      headers: real,
      ...(hv !== undefined ? { httpVersion: hv.includes('.') ? hv : `${hv}.0` } : {}),
      ...(body !== undefined ? { body } : {}),
    },
    time: typeof entry.startedDateTime === 'string' ? entry.startedDateTime : undefined,
  };
}

/** The line parsers (HAR is not line-based). */
export const LINE_PARSERS: Readonly<Record<'combined' | 'jsonl', (text: string, ctx: ParseContext) => ParsedRecord>> = {
  combined: parseCombinedLine,
  jsonl: parseJsonLine,
};

/**
 * Guesses the format from the file name and its first bytes; null when nothing fits (the caller then asks for
 * `--input-format`).
 */
export function sniffFormat(name: string, head: string): InputFormat | null {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  if (lower.endsWith('.har')) return 'har';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  const text = head.replace(/^\ufeff/, '');
  if (/^\s*\{\s*"log"\s*:/.test(text)) return 'har';
  const first = text.split('\n').find((l) => l.trim().length > 0);
  if (first === undefined) return null;
  if (first.trimStart().startsWith('{')) return 'jsonl';
  if (COMBINED.test(first)) return 'combined';
  return null;
}
