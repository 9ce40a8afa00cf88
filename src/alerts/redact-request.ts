/**
 * Redacting what a request carried before it is written anywhere (the audit log): secret headers, and
 * secret-named fields in the query string and in JSON, urlencoded and multipart bodies. Values everywhere
 * also get the engine's masks (JWTs, bearer tokens, card-like numbers, `password=...` pairs).
 *
 * Inputs are byte strings / Buffers as received; outputs are UTF-8 text, bounded in size.
 */
import { DEFAULT_REDACT_NAMES, redactValue, toDisplayText } from '../engine/redact.js';
import type { Alert } from './types.js';

export const REDACTED = '[redacted]';

/** Header names whose values are never written: credentials, cookies, and anything named like a secret. */
export const DEFAULT_REDACT_HEADERS = /^(?:proxy-)?authorization$|^(?:set-)?cookie$|token|secret|api[-_]?key|session|passw|auth|csrf|xsrf/i;

/** Field names (query, body) whose values are never written: the engine's secret-name pattern. */
export const DEFAULT_REDACT_FIELDS = DEFAULT_REDACT_NAMES;

export interface RedactionRules {
  readonly headers: RegExp;
  readonly fields: RegExp;
}

/** Stateless test: a /g or /y RegExp would carry lastIndex between calls. */
function named(re: RegExp, name: string): boolean {
  re.lastIndex = 0;
  return re.test(name);
}

const MAX_HEADERS = 200;
const MAX_HEADER_VALUE = 4096;

export function redactHeaders(headers: readonly (readonly [string, string])[], rules: RedactionRules): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of headers) {
    if (out.length >= MAX_HEADERS) break;
    const n = toDisplayText(name, 256);
    out.push([n, named(rules.headers, n) ? REDACTED : redactValue(toDisplayText(value, MAX_HEADER_VALUE))]);
  }
  return out;
}

function decodeName(raw: string): string {
  const s = raw.replace(/\+/g, ' ');
  try { return decodeURIComponent(s); } catch { return s; }
}

/** `a=1&password=x` → `a=1&password=[redacted]` (names matching `fields`); order and encoding otherwise kept. */
export function redactPairs(text: string, rules: RedactionRules): string {
  return text.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    return named(rules.fields, decodeName(pair.slice(0, eq))) ? `${pair.slice(0, eq + 1)}${REDACTED}` : pair;
  }).join('&');
}

/** A request-target with secret query values redacted (and masks applied to the rest). */
export function redactUrl(url: string, rules: RedactionRules): string {
  const q = url.indexOf('?');
  if (q < 0) return redactValue(url);
  return redactValue(`${url.slice(0, q + 1)}${redactPairs(url.slice(q + 1), rules)}`);
}

const MAX_DEPTH = 64;

function redactJsonValue(v: unknown, rules: RedactionRules, depth: number): unknown {
  if (typeof v === 'string') return redactValue(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(v)) return v.map((x) => redactJsonValue(x, rules, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    // defineProperty: a "__proto__" key stays a plain key instead of changing the prototype.
    Object.defineProperty(out, k, { value: named(rules.fields, k) ? REDACTED : redactJsonValue(x, rules, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * `"key": "value"`, `'key': 'value'` and `key=value` pairs whose key is secret-named, in text that could not
 * be parsed (a truncated JSON excerpt, an unknown content type). Linear: every part is bounded or unambiguous.
 */
const LOOSE_PAIR_RE = /(["']?)([A-Za-z0-9_.\-[\]]{1,64})\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s&,;}"']*)/g;

export function redactLoose(text: string, rules: RedactionRules): string {
  return redactValue(text.replace(LOOSE_PAIR_RE, (m, q: string, key: string, sep: string, value: string) => {
    if (!named(rules.fields, key) || value.length === 0) return m;
    const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
    return `${q}${key}${q}${sep}${quote}${REDACTED}${quote}`;
  }));
}

/** Multipart parts named like secrets get their content replaced; the rest is masked loosely. */
function redactMultipart(text: string, boundary: string, rules: RedactionRules): string {
  const delimiter = `--${boundary}`;
  return text.split(delimiter).map((part) => {
    const headEnd = part.indexOf('\r\n\r\n');
    if (headEnd < 0) return redactLoose(part, rules);
    const head = part.slice(0, headEnd);
    const name = /\bname="([^"]*)"/i.exec(head)?.[1];
    if (name !== undefined && named(rules.fields, name)) {
      const tail = part.endsWith('\r\n') ? '\r\n' : '';
      return `${head}\r\n\r\n${REDACTED}${tail}`;
    }
    return `${head}\r\n\r\n${redactLoose(part.slice(headEnd + 4), rules)}`;
  }).join(delimiter);
}

export interface RedactedBody {
  /** UTF-8 text (redacted), or base64 of the raw bytes when they are not valid UTF-8. */
  readonly excerpt: string;
  readonly encoding: 'utf8' | 'base64';
  /** Bytes of the whole body (the excerpt may be shorter). */
  readonly length: number;
  readonly truncated: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text, or null for bytes that are not UTF-8. A cut excerpt may end inside a character: up to 3 bytes go. */
function decodeUtf8(bytes: Buffer, cut: boolean): string | null {
  try { return utf8.decode(bytes); } catch { /* not valid as a whole */ }
  if (!cut) return null;
  for (let k = 1; k <= 3 && k <= bytes.length; k++) {
    try { return utf8.decode(bytes.subarray(0, bytes.length - k)); } catch { /* try a shorter cut */ }
  }
  return null;
}

/** The first `maxBytes` of a body, redacted according to its content type. */
export function redactBody(body: Buffer, totalLength: number, contentType: string | undefined, maxBytes: number, rules: RedactionRules): RedactedBody {
  const bytes = body.length > maxBytes ? body.subarray(0, maxBytes) : body;
  const truncated = totalLength > bytes.length;
  const text = decodeUtf8(bytes, truncated);
  if (text === null) return { excerpt: bytes.toString('base64'), encoding: 'base64', length: totalLength, truncated };
  const type = (contentType ?? '').toLowerCase();
  let out: string;
  if (type.includes('json') || (!type && /^\s*[[{]/.test(text))) {
    let parsed: unknown;
    let ok = !truncated;
    if (ok) { try { parsed = JSON.parse(text); } catch { ok = false; } }
    out = ok ? JSON.stringify(redactJsonValue(parsed, rules, 0)) : redactLoose(text, rules);
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    out = redactValue(redactPairs(text, rules));
  } else if (type.startsWith('multipart/')) {
    const boundary = /boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
    const b = boundary?.[1] ?? boundary?.[2];
    out = b ? redactMultipart(text, b, rules) : redactLoose(text, rules);
  } else {
    out = redactLoose(text, rules);
  }
  return { excerpt: out, encoding: 'utf8', length: totalLength, truncated };
}

const DEFAULT_RULES: RedactionRules = { headers: DEFAULT_REDACT_HEADERS, fields: DEFAULT_REDACT_FIELDS };

/**
 * The alert as shown to watchers (stream, dashboard): its URL with secret query values redacted. The engine
 * already redacts matched values; the request-target is kept as sent, so this covers `?password=...`.
 * Returns the same object when nothing changes.
 */
export function redactAlertUrl(alert: Alert, rules: RedactionRules = DEFAULT_RULES): Alert {
  if (!alert.url.includes('?') && alert.url.length < 8) return alert;
  const url = redactUrl(alert.url, rules);
  return url === alert.url ? alert : { ...alert, url };
}
