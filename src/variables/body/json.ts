import { isUtf8 } from 'node:buffer';
import { mixedToByteString, utf8ToByteString } from '../bytes.js';
import type { VarEntry } from '../types.js';
import { TOO_MANY_ARGS, type ArgsResult } from './types.js';

/**
 * JSON body processor. The body is parsed with `JSON.parse` (V8's parser is iterative: no stack overflow on
 * 10k-deep arrays) and flattened, iteratively, into ARGS_POST entries named by path with Coraza's `json.`
 * prefix: `{"user":{"name":"x"},"items":[1]}` gives `json.user.name` and `json.items.0`. Values are byte
 * strings (UTF-8 bytes of the decoded text); numbers, booleans and null are their JSON text. Keys such as
 * `$ne`, `__proto__` and `constructor` stay visible (JSON.parse keeps `__proto__` as an own key). An empty
 * object or array becomes one entry with an empty value, so a key that only holds `{}` is still seen.
 *
 * Known limit: with duplicate keys JSON.parse keeps only the last value (`{"role":"user","role":"admin"}`),
 * which is also what the application sees through `express.json()`; the first value is not inspected.
 */

export type PathStyle = 'dot' | 'bracket';

export interface FlattenOptions {
  /** First path segment (`json`), or '' for none. */
  readonly prefix: string;
  /** `dot`: `a.b.0` (JSON processor); `bracket`: `a[b][0]` (qs-style, for already-parsed urlencoded bodies). */
  readonly style: PathStyle;
  readonly maxDepth: number;
  readonly maxArgs: number;
  /** Turns a decoded string (key or value) into a byte string. */
  readonly toBytes: (s: string) => string;
}

interface Frame {
  readonly value: unknown;
  readonly path: string;
  readonly depth: number;
}

function joinPath(path: string, segment: string, style: PathStyle): string {
  if (path === '') return segment;
  return style === 'dot' ? `${path}.${segment}` : `${path}[${segment}]`;
}

/** Text of a leaf value, or null for values that carry nothing (undefined, functions, symbols). */
function leafText(value: unknown, toBytes: (s: string) => string): string | null {
  switch (typeof value) {
    case 'string': return toBytes(value);
    case 'number': case 'boolean': case 'bigint': return String(value);
    case 'object': return value === null ? 'null' : null;
    default: return null;
  }
}

/** Non-plain objects that are leaves: Buffers/typed arrays (bytes) and Dates. */
function specialLeaf(value: object): string | null {
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return null;
}

/**
 * Flattens a parsed value into name/value entries without recursion. Containers deeper than `maxDepth` are
 * not descended (error set); at most `maxArgs` entries are collected (error set, walk stopped).
 */
export function flattenValue(root: unknown, opts: FlattenOptions): ArgsResult {
  const args: VarEntry[] = [];
  let error: string | null = null;
  const { style, toBytes, maxDepth, maxArgs } = opts;
  const stack: Frame[] = [{ value: root, path: opts.prefix, depth: 0 }];
  try {
    while (stack.length > 0) {
      const frame = stack.pop() as Frame;
      const value = frame.value;
      let leaf: string | null;
      if (value !== null && typeof value === 'object') {
        leaf = specialLeaf(value);
        if (leaf === null) {
          const depth = frame.depth + 1;
          if (depth > maxDepth) {
            error ??= `nesting deeper than ${maxDepth} levels`;
            continue;
          }
          if (Array.isArray(value)) {
            if (value.length > 0) {
              for (let i = value.length - 1; i >= 0; i--) {
                stack.push({ value: value[i], path: joinPath(frame.path, String(i), style), depth });
              }
              continue;
            }
          } else {
            const keys = Object.keys(value);
            if (keys.length > 0) {
              for (let i = keys.length - 1; i >= 0; i--) {
                const k = keys[i] as string;
                stack.push({ value: (value as Record<string, unknown>)[k], path: joinPath(frame.path, toBytes(k), style), depth });
              }
              continue;
            }
          }
          leaf = '';
        }
      } else {
        leaf = leafText(value, toBytes);
        if (leaf === null) continue;
      }
      if (args.length >= maxArgs) {
        error = TOO_MANY_ARGS;
        break;
      }
      args.push({ key: frame.path, value: leaf });
    }
  } catch (e) {
    // Getters or proxies on an application-parsed body may throw; keep what was collected.
    error ??= `cannot walk parsed body: ${e instanceof Error ? e.message : String(e)}`;
  }
  return { args, error };
}

/** toBytes for strings that already are byte strings. */
function sameBytes(s: string): string {
  return s;
}

const WS = 1;
const DIGIT = 2;
/** Character classes for the scanner below (only codes < 128 are ever looked up). */
const CLASS = new Uint8Array(128);
CLASS[32] = WS; CLASS[9] = WS; CLASS[10] = WS; CLASS[13] = WS;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;

function skipWs(b: Uint8Array, i: number, n: number): number {
  if (i < n && b[i]! > 32) return i; // compact JSON: no whitespace
  while (i < n) {
    const c = b[i]!;
    if (c >= 128 || CLASS[c] !== WS) break;
    i++;
  }
  return i;
}

/** Result of scanString: the decoded string and the index after the closing quote; end -1 when not handled. */
let strEnd = -1;

/** Reads the JSON string opening at `s[i]` (a quote). Simple escapes are decoded; `\u` and errors give end -1. */
function scanString(b: Uint8Array, s: string, i: number, n: number): string {
  let j = i + 1;
  // The usual string: no escape up to the closing quote.
  for (; j < n; j++) {
    const c = b[j]!;
    if (c === 34) {
      strEnd = j + 1;
      return s.slice(i + 1, j);
    }
    if (c === 92 || c < 32) break;
  }
  let out = '';
  let from = i + 1;
  for (; j < n; j++) {
    const c = b[j]!;
    if (c === 34) {
      strEnd = j + 1;
      return out + s.slice(from, j);
    }
    if (c < 32) break;
    if (c === 92) {
      if (j + 1 >= n) break;
      let d: string;
      switch (b[j + 1]!) {
        case 34: d = '"'; break;
        case 92: d = '\\'; break;
        case 47: d = '/'; break;
        case 98: d = '\b'; break;
        case 102: d = '\f'; break;
        case 110: d = '\n'; break;
        case 114: d = '\r'; break;
        case 116: d = '\t'; break;
        case 117: {
          // A run of \uXXXX escapes, decoded together (surrogate pairs), as the byte string of its UTF-8 encoding:
          // what utf8ToByteString gives for the decoded string (a lone surrogate becomes EF BF BD).
          let run = '';
          let k = j;
          for (;;) {
            const cu = hex4(b, k + 2, n);
            if (cu < 0) break;
            run += String.fromCharCode(cu);
            k += 6;
            if (k + 1 >= n || b[k] !== 92 || b[k + 1] !== 117) break;
          }
          if (run === '') { strEnd = -1; return ''; } // an invalid \u escape: the general path reports it
          out += s.slice(from, j) + utf8ToByteString(run);
          j = k - 1;
          from = k;
          continue;
        }
        default: strEnd = -1; return ''; // an invalid escape
      }
      out += s.slice(from, j) + d;
      j++;
      from = j + 1;
    }
  }
  strEnd = -1;
  return '';
}

/** The code unit of the 4 hex digits at `b[i..i+4)`, or -1. */
function hex4(b: Uint8Array, i: number, n: number): number {
  if (i + 4 > n) return -1;
  let v = 0;
  for (let k = i; k < i + 4; k++) {
    const c = b[k]!;
    const h = c >= 48 && c <= 57 ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1;
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/** Index after the JSON number starting at `s[i]`, or -1 when it is not one (JSON grammar, not JS's). */
function scanNumber(b: Uint8Array, i: number, n: number): number {
  let j = i;
  if (b[j]! === 45) j++;
  if (j >= n) return -1;
  let c = b[j]!;
  if (c === 48) j++;
  else if (c >= 49 && c <= 57) { do j++; while (j < n && (c = b[j]!) >= 48 && c <= 57); }
  else return -1;
  if (j < n && b[j]! === 46) {
    j++;
    const at = j;
    while (j < n && (c = b[j]!) >= 48 && c <= 57) j++;
    if (j === at) return -1;
  }
  if (j < n && (b[j]! | 0x20) === 101) {
    j++;
    if (j < n && ((c = b[j]!) === 43 || c === 45)) j++;
    const at = j;
    while (j < n && (c = b[j]!) >= 48 && c <= 57) j++;
    if (j === at) return -1;
  }
  return j;
}

/**
 * True when the JSON number literal `b[i..end)` already is `String(Number(literal))`, so the conversion can be
 * skipped: no exponent, at most 15 digits (any decimal of up to 15 significant digits is the shortest text of its
 * double), not `-0`, no trailing zero after a decimal point, and under 1 at most 5 zeros after the point
 * (0.0000001 prints as 1e-7).
 */
export function canonicalNumber(b: Uint8Array, i: number, end: number): boolean {
  let k = i;
  if (b[k] === 45) k++;
  if (end - k > 16) return false; // 15 digits and a point at most
  const intStart = k;
  while (k < end && b[k]! >= 48 && b[k]! <= 57) k++;
  const intDigits = k - intStart;
  if (intDigits === 0 || intDigits > 15) return false;
  const zeroInt = intDigits === 1 && b[intStart] === 48;
  if (k === end) return !(zeroInt && intStart !== i); // not -0
  if (b[k] !== 46) return false; // an exponent
  const fracStart = ++k;
  while (k < end && b[k]! >= 48 && b[k]! <= 57) k++;
  if (k !== end || k === fracStart || b[end - 1] === 48) return false;
  if (intDigits + (end - fracStart) > 15) return false;
  if (zeroInt) {
    let z = fracStart;
    while (b[z] === 48) z++;
    if (z - fracStart > 5) return false;
  }
  return true;
}

/** An open container while scanning: its path, and for objects the keys seen (duplicates leave the fast path). */
interface Open {
  readonly path: string;
  readonly isArray: boolean;
  /** Array: index of the current element. */
  index: number;
  keys: string[] | null;
  keySet: Set<string> | null;
}

/**
 * One pass over a JSON body that is valid UTF-8, read as latin1 (`s`, and its bytes `bytes`), giving exactly what
 * decoding it, `JSON.parse` and `flattenValue(json/dot/utf8ToByteString)` give, without building the parsed tree:
 * raw bytes are sliced as they are, `\u` escapes become the UTF-8 bytes of what they decode to. Returns null, for
 * the general path to decide, whenever it could differ or an error must be reported: any syntax error, duplicate
 * keys (JSON.parse keeps the last value at the first position), keys starting with a digit (array-index keys come
 * first in property order), more than `maxArgs` entries, or containers deeper than `maxDepth`.
 */
export function flattenJsonBytes(s: string, start: number, maxDepth: number, maxArgs: number, bytes?: Uint8Array): VarEntry[] | null {
  const b = bytes ?? Buffer.from(s, 'latin1'); // scanned as bytes (faster than charCodeAt), sliced as text
  const n = s.length;
  if (b.length !== n) return null;
  const args: VarEntry[] = [];
  const open: Open[] = [];
  let i = skipWs(b, start, n);
  let path = 'json';
  for (;;) {
    // A value at `i`, named `path`.
    if (i >= n) return null;
    const c = b[i]!;
    let leaf: string;
    if (c === 34) {
      leaf = scanString(b, s, i, n);
      if (strEnd < 0) return null;
      i = strEnd;
    } else if (c === 123 || c === 91) {
      if (open.length + 1 > maxDepth) return null;
      const isArray = c === 91;
      i = skipWs(b, i + 1, n);
      if (i < n && b[i]! === (isArray ? 93 : 125)) {
        i++;
        leaf = '';
      } else if (isArray) {
        open.push({ path, isArray, index: 0, keys: null, keySet: null });
        path = `${path}.0`;
        continue;
      } else {
        const o: Open = { path, isArray, index: 0, keys: [], keySet: null };
        open.push(o);
        const key = objectKey(b, s, i, n, o);
        if (key === null) return null;
        i = strEnd;
        path = `${o.path}.${key}`;
        continue;
      }
    } else if (c === 116) {
      if (!s.startsWith('true', i)) return null;
      i += 4;
      leaf = 'true';
    } else if (c === 102) {
      if (!s.startsWith('false', i)) return null;
      i += 5;
      leaf = 'false';
    } else if (c === 110) {
      if (!s.startsWith('null', i)) return null;
      i += 4;
      leaf = 'null';
    } else {
      const end = scanNumber(b, i, n);
      if (end < 0) return null;
      const lit = s.slice(i, end);
      leaf = canonicalNumber(b, i, end) ? lit : String(Number(lit));
      i = end;
    }
    if (args.length >= maxArgs) return null;
    args.push({ key: path, value: leaf });
    // After a value: close containers, or move on to the next element / member.
    for (;;) {
      i = skipWs(b, i, n);
      const top = open[open.length - 1];
      if (top === undefined) return i === n ? args : null;
      if (i >= n) return null;
      const d = b[i]!;
      if (d === 44) {
        i = skipWs(b, i + 1, n);
        if (top.isArray) {
          path = `${top.path}.${++top.index}`;
        } else {
          const key = objectKey(b, s, i, n, top);
          if (key === null) return null;
          i = strEnd;
          path = `${top.path}.${key}`;
        }
        break;
      }
      if (d !== (top.isArray ? 93 : 125)) return null;
      open.pop();
      i++;
    }
  }
}

/**
 * Reads `"key" :` at `i` (whitespace after it skipped; strEnd = the index of the value) for object `o`.
 * Null when not handled here: a syntax error, a key starting with a digit, or a key seen before.
 */
function objectKey(b: Uint8Array, s: string, i: number, n: number, o: Open): string | null {
  if (i >= n || b[i]! !== 34) return null;
  const key = scanString(b, s, i, n);
  if (strEnd < 0) return null;
  const first = key.charCodeAt(0);
  if (first >= 48 && first <= 57) return null;
  const keys = o.keys as string[];
  if (o.keySet !== null) {
    if (o.keySet.has(key)) return null;
    o.keySet.add(key);
  } else {
    for (let k = 0; k < keys.length; k++) if (keys[k] === key) return null;
    keys.push(key);
    if (keys.length > 16) o.keySet = new Set(keys);
  }
  let j = skipWs(b, strEnd, n);
  if (j >= n || b[j]! !== 58) return null;
  j = skipWs(b, j + 1, n);
  strEnd = j;
  return key;
}

/** Parses and flattens a JSON request body. An empty body is no error; anything JSON.parse rejects is. */
/** `latin1`: the body already as a byte string (`body.toString('latin1')`), when the caller has it, so it is not made twice. */
export function processJson(body: Buffer, maxDepth: number, maxArgs: number, latin1?: string): ArgsResult {
  if (body.length === 0) return { args: [], error: null };
  // Valid UTF-8 (the normal case) is decoded; otherwise the bytes are parsed as latin1 so that invalid
  // sequences reach the rules unchanged instead of as U+FFFD (\u escapes above 0xFF are then UTF-8 encoded).
  const utf8 = isUtf8(body);
  if (utf8) {
    // The common case in one pass, without building the parsed tree (null: the general path decides).
    const bom = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
    const fast = flattenJsonBytes(latin1 ?? body.toString('latin1'), bom, maxDepth, maxArgs, body);
    if (fast !== null) return { args: fast, error: null };
  }
  // Valid UTF-8 without `\u` escapes (the common case): parsing the bytes as latin1 gives every string
  // directly as the byte string of its UTF-8 encoding, the same strings the decode-then-encode path gives,
  // without decoding the body or re-encoding each non-ASCII string. A syntax error takes the general path,
  // so error messages (positions) stay those of the decoded text.
  if (utf8 && body.indexOf('\\u') === -1) {
    const bom = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
    let direct: unknown;
    let ok = true;
    try {
      direct = JSON.parse(latin1 === undefined ? body.toString('latin1', bom) : bom === 0 ? latin1 : latin1.slice(bom));
    } catch {
      ok = false;
    }
    if (ok) return flattenValue(direct, { prefix: 'json', style: 'dot', maxDepth, maxArgs, toBytes: sameBytes });
  }
  let text = utf8 ? body.toString('utf8') : body.toString('latin1');
  if (utf8 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { args: [], error: e instanceof Error ? e.message : 'invalid JSON' };
  }
  return flattenValue(parsed, {
    prefix: 'json',
    style: 'dot',
    maxDepth,
    maxArgs,
    toBytes: utf8 ? utf8ToByteString : mixedToByteString,
  });
}
