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

/** Parses and flattens a JSON request body. An empty body is no error; anything JSON.parse rejects is. */
/** `latin1`: the body already as a byte string (`body.toString('latin1')`), when the caller has it, so it is not made twice. */
export function processJson(body: Buffer, maxDepth: number, maxArgs: number, latin1?: string): ArgsResult {
  if (body.length === 0) return { args: [], error: null };
  // Valid UTF-8 (the normal case) is decoded; otherwise the bytes are parsed as latin1 so that invalid
  // sequences reach the rules unchanged instead of as U+FFFD (\u escapes above 0xFF are then UTF-8 encoded).
  const utf8 = isUtf8(body);
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
