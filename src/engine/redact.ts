/**
 * Turning matched byte strings into safe report text: bytes → UTF-8 text, control characters escaped,
 * truncated, and obvious secrets (JWTs, bearer tokens, card-like digit runs, key=value secrets) masked.
 */

/** Names of targets whose values are never reported. */
export const DEFAULT_REDACT_NAMES = /pass(word|wd|phrase)?|pwd|secret|token|api[-_]?key|auth|session|sess_?id|cookie|credit|card|cvv|ssn|private/i;

const JWT_RE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER_RE = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const CARD_RE = /\b(?:\d[ -]?){13,19}\b/g;
const KV_SECRET_RE = /((?:pass(?:word|wd)?|pwd|secret|token|api[-_]?key)["']?\s*[:=]\s*["']?)[^\s&"',;]+/gi;

/** Converts a byte string to display text (UTF-8 where valid), escaping control characters, truncated to `max` chars. */
export function toDisplayText(bytes: string, max: number): string {
  const cut = bytes.length > max * 4 ? bytes.slice(0, max * 4) : bytes;
  let text = /[\x80-\xff]/.test(cut) ? Buffer.from(cut, 'latin1').toString('utf8') : cut;
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Masks secrets inside a report value. */
export function redactValue(text: string): string {
  if (text.length < 8) return text;
  return text
    .replace(JWT_RE, '[redacted-jwt]')
    .replace(BEARER_RE, '$1 [redacted]')
    .replace(KV_SECRET_RE, '$1[redacted]')
    .replace(CARD_RE, (m) => (m.replace(/\D/g, '').length >= 13 ? '[redacted-number]' : m));
}

/** Percent-decoding of a query name as bytes (`+` is a space); a malformed escape stays as it is. Never throws. */
function queryName(raw: string): string {
  return raw.replace(/\+/g, ' ').replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The text that replaces a secret value. */
export const REDACTED_VALUE = '[redacted]';

/** `names` tested statelessly (a /g or /y pattern would carry its position between calls). */
function test(names: RegExp, s: string): boolean {
  names.lastIndex = 0;
  return names.test(s);
}

/**
 * A request-target with the values of query parameters whose (decoded) names match `names` replaced by
 * `[redacted]`; every other byte is kept as it was (path, order, separators, encoding, parameters without `=`).
 * A name is tested as it is and as the targets rules report it (`ARGS:name`, `ARGS_GET:name`), so a pattern
 * written for target names hides the same values here. Returns `url` itself when nothing matched.
 */
export function redactQueryValues(url: string, names: RegExp): string {
  const q = url.indexOf('?');
  if (q < 0 || q === url.length - 1) return url;
  let changed = false;
  const pairs = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0 || eq === pair.length - 1) return pair;
    const name = queryName(pair.slice(0, eq));
    if (!test(names, name) && !test(names, `ARGS:${name}`) && !test(names, `ARGS_GET:${name}`)) return pair;
    changed = true;
    return `${pair.slice(0, eq + 1)}${REDACTED_VALUE}`;
  });
  return changed ? `${url.slice(0, q + 1)}${pairs.join('&')}` : url;
}
