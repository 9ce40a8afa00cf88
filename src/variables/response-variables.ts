import type { CollectionName } from '../rules/types.js';
import type { VarEntry } from './types.js';

/**
 * What phases 3 and 4 inspect: one HTTP response as the application produced it. Header values and the body
 * are byte strings (latin1), as Node writes header strings and as every engine value is.
 */
export interface ResponseSnapshot {
  readonly status: number;
  /** `HTTP/1.1`: Node's server always answers with a 1.1 status line. */
  readonly protocol: string;
  readonly statusMessage: string;
  /** Header pairs in the order set, with the case the application used. */
  readonly headers: readonly (readonly [string, string])[];
  /** The body held for inspection (decoded if it was gzip/deflate/br), phase 4 only. */
  readonly body?: Buffer;
  /** Bytes the application sent in the body so far (the whole body once it ended). */
  readonly bodyLength?: number;
}

/** Response collections by name; `get` answers undefined for every other collection (request variables serve those). */
export interface ResponseVariables {
  get(collection: CollectionName | string): readonly VarEntry[] | undefined;
}

const scalar = (value: string): readonly VarEntry[] => [{ key: '', value }];

function headerValue(r: ResponseSnapshot, lower: string): string | undefined {
  for (const [k, v] of r.headers) if (k.toLowerCase() === lower) return v;
  return undefined;
}

type Provider = (r: ResponseSnapshot, body: () => string) => readonly VarEntry[];

const PROVIDERS: ReadonlyMap<string, Provider> = new Map<string, Provider>([
  ['RESPONSE_STATUS', (r) => scalar(String(r.status))],
  ['RESPONSE_PROTOCOL', (r) => scalar(r.protocol)],
  ['STATUS_LINE', (r) => scalar(`${r.protocol} ${r.status} ${r.statusMessage}`)],
  ['RESPONSE_HEADERS', (r) => r.headers.map(([key, value]) => ({ key, value }))],
  ['RESPONSE_HEADERS_NAMES', (r) => r.headers.map(([key]) => ({ key, value: key }))],
  ['RESPONSE_CONTENT_TYPE', (r) => scalar(headerValue(r, 'content-type') ?? '')],
  ['RESPONSE_CONTENT_LENGTH', (r) => scalar(headerValue(r, 'content-length') ?? String(r.bodyLength ?? 0))],
  ['RESPONSE_BODY', (r, body) => (r.body === undefined ? [] : scalar(body()))],
]);

/** Collections of one response, computed on first use. */
export function createResponseVariables(response: ResponseSnapshot): ResponseVariables {
  const cache = new Map<string, readonly VarEntry[]>();
  let text: string | undefined;
  const body = (): string => (text ??= response.body?.toString('latin1') ?? '');
  return {
    get(collection) {
      const name = collection.toUpperCase();
      const p = PROVIDERS.get(name);
      if (p === undefined) return undefined;
      let v = cache.get(name);
      if (v === undefined) {
        v = p(response, body);
        cache.set(name, v);
      }
      return v;
    },
  };
}

/** Collections served by response variables (a rule set reading none of them needs no response hook). */
export const RESPONSE_COLLECTIONS: ReadonlySet<string> = new Set(PROVIDERS.keys());
