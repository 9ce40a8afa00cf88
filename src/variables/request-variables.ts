import type { CollectionName } from '../rules/types.js';
import { utf8ToByteString } from './bytes.js';
import { parseCookies } from './cookies.js';
import { defaultBodyProcessor } from './body/content-type.js';
import { flattenValue, processJson } from './body/json.js';
import { MULTIPART_FLAG_NAMES, parseMultipart, type MultipartResult } from './body/multipart.js';
import type { ArgsResult } from './body/types.js';
import { processUrlEncoded } from './body/urlencoded.js';
import { parseXml } from './body/xml.js';
import { parseUrlEncoded, type ParsedArgs } from './query.js';
import type { BodyProcessorName, ParseLimits, RequestSnapshot, RequestVariables, VarEntry } from './types.js';
import { parseRequestTarget, type RequestTarget } from './uri.js';

/**
 * Request collections for one transaction, computed on first use and memoised per collection.
 *
 * Semantics (ModSecurity v3 / Coraza, see the per-helper comments for details):
 * - Scalars are one entry with key ''. REQUEST_URI is the request-target as received (not decoded, without
 *   `scheme://host`); REQUEST_FILENAME, PATH_INFO and REQUEST_BASENAME are percent-decoded after the path is
 *   split from the query; QUERY_STRING is raw.
 * - ARGS_GET come from the query string, ARGS_POST from the body processor; ARGS = GET then POST. Before
 *   `processBody()` (phase 1) the body-derived collections are empty and ARGS holds only ARGS_GET.
 * - REQUEST_BODY (after `processBody()`) holds the raw body for URLENCODED, TEXT and NONE; for JSON, XML and
 *   MULTIPART only when `forceRequestBodyVariable(true)` was called.
 * - Going past `ParseLimits.maxArgs` sets INBOUND_DATA_ERROR=1 (query) or REQBODY_ERROR=1 with
 *   REQBODY_ERROR_MSG `... too many arguments` (body); maxArgs counts query and body together.
 * - `processBody()` only fixes the processor; the parse itself runs on the first read of a body collection.
 */

const EMPTY: readonly VarEntry[] = Object.freeze([]);

function scalar(value: string): readonly VarEntry[] {
  return [{ key: '', value }];
}

function flag(on: boolean): readonly VarEntry[] {
  return on ? ONE : ZERO;
}

const ONE: readonly VarEntry[] = Object.freeze([{ key: '', value: '1' }]);
const ZERO: readonly VarEntry[] = Object.freeze([{ key: '', value: '0' }]);

function namesOf(entries: readonly VarEntry[]): VarEntry[] {
  const out = new Array<VarEntry>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const k = entries[i]!.key;
    out[i] = { key: k, value: k };
  }
  return out;
}

const PROCESSOR_LABEL: Record<BodyProcessorName, string> = {
  URLENCODED: 'URLENCODED', MULTIPART: 'Multipart', JSON: 'JSON', XML: 'XML', TEXT: 'TEXT', NONE: 'NONE',
};

/** Everything the body processor produced. */
interface BodyState {
  readonly args: readonly VarEntry[];
  readonly error: string | null;
  readonly multipart: MultipartResult | null;
  readonly xml: readonly VarEntry[];
}

const NO_BODY: BodyState = { args: EMPTY, error: null, multipart: null, xml: EMPTY };

function nonNegative(n: number): number {
  return Number.isNaN(n) || n < 0 ? 0 : Math.floor(n);
}

type Provider = (v: Vars) => readonly VarEntry[];

/** The raw body as bytes and as its latin1 byte string (both null without a raw body). */
interface RawBody {
  readonly buf: Buffer | null;
  readonly text: string | null;
}

const NO_RAW: RawBody = { buf: null, text: null };

class Vars implements RequestVariables {
  /** Memoised collections, by provider index (see collectionIndex()). */
  private readonly memo: (readonly VarEntry[] | undefined)[] = new Array<readonly VarEntry[] | undefined>(PROVIDER_COUNT);
  private targetMemo: RequestTarget | undefined;
  private queryMemo: ParsedArgs | undefined;
  private processorMemo: BodyProcessorName | undefined;
  private bodyMemo: BodyState | undefined;
  private rawMemo: RawBody | undefined;
  /** The header pairs as one flat [name, value, ...] list (see flatHeaders()). */
  private flatMemo: readonly string[] | undefined;
  private processed = false;
  private forced = false;
  readonly maxArgs: number;
  readonly maxDepth: number;
  readonly maxParts: number;

  /** Where the body fields are read: the snapshot, or what setBody() gave later (read lazily, never copied). */
  bodySource: Pick<RequestSnapshot, 'body' | 'bodyComplete' | 'parsedBody'>;

  constructor(readonly snapshot: RequestSnapshot, limits: ParseLimits) {
    this.bodySource = snapshot;
    this.maxArgs = nonNegative(limits.maxArgs);
    this.maxDepth = nonNegative(limits.maxDepth);
    this.maxParts = nonNegative(limits.maxParts);
  }

  get(collection: CollectionName): readonly VarEntry[] {
    // The engine passes upper-case names: one dictionary lookup; other spellings take the second one.
    let index = INDEX[collection];
    if (index === undefined) {
      index = INDEX[collection.toUpperCase()];
      if (index === undefined) return EMPTY;
    }
    return this.memo[index] ?? this.compute(index);
  }

  getAt(index: number): readonly VarEntry[] {
    return this.memo[index] ?? (PROVIDER_LIST[index] === undefined ? EMPTY : this.compute(index));
  }

  private compute(index: number): readonly VarEntry[] {
    let entries: readonly VarEntry[];
    try {
      entries = PROVIDER_LIST[index]!(this);
    } catch {
      // Providers are written not to throw; this guards the request path against the unforeseen.
      entries = EMPTY;
    }
    this.memo[index] = entries;
    return entries;
  }

  /** Forgets the body-derived collections (they are recomputed on next use). */
  private clearBodyDependent(): void {
    for (const i of BODY_DEPENDENT) this.memo[i] = undefined;
  }

  setBodyProcessor(name: BodyProcessorName): void {
    if (this.processed) return;
    this.processorMemo = name;
    this.clearBodyDependent();
  }

  forceRequestBodyVariable(on: boolean): void {
    if (this.forced === on) return;
    this.forced = on;
    this.memo[INDEX.REQUEST_BODY!] = undefined;
  }

  setBody(body: Pick<RequestSnapshot, 'body' | 'bodyComplete' | 'parsedBody'>): void {
    // The body replaces the snapshot's body fields (the snapshot is not copied).
    this.bodySource = body;
    this.rawMemo = undefined;
    this.bodyMemo = undefined;
    this.clearBodyDependent();
    this.memo[INDEX.INBOUND_DATA_ERROR!] = undefined; // depends on bodyComplete
  }

  processBody(): void {
    if (this.processed) return;
    this.processor();
    this.processed = true;
    this.clearBodyDependent();
  }

  // ------------------------------------------------------------------ internal state used by providers

  get isProcessed(): boolean {
    return this.processed;
  }

  get isForced(): boolean {
    return this.forced;
  }

  /**
   * The header pairs as a flat [name, value, ...] list: the snapshot's `rawHeaders` when it has them (no pair
   * arrays built), else `headers` flattened once. A trailing name without a value is never read (`i + 1 < n`).
   */
  flatHeaders(): readonly string[] {
    if (this.flatMemo === undefined) {
      const raw = this.snapshot.rawHeaders;
      if (raw !== undefined) {
        this.flatMemo = raw;
      } else {
        const headers = this.snapshot.headers;
        const flat = new Array<string>(headers.length * 2);
        for (let i = 0; i < headers.length; i++) {
          flat[2 * i] = headers[i]![0];
          flat[2 * i + 1] = headers[i]![1];
        }
        this.flatMemo = flat;
      }
    }
    return this.flatMemo;
  }

  /** The first value of a header (`lowerName` in lower case), or undefined. */
  header(lowerName: string): string | undefined {
    const n = lowerName.length;
    const flat = this.flatHeaders();
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const k = flat[i]!;
      if (k.length === n && (k === lowerName || k.toLowerCase() === lowerName)) return flat[i + 1];
    }
    return undefined;
  }

  target(): RequestTarget {
    return (this.targetMemo ??= parseRequestTarget(this.snapshot.url));
  }

  query(): ParsedArgs {
    return (this.queryMemo ??= parseUrlEncoded(this.target().query, this.maxArgs));
  }

  processor(): BodyProcessorName {
    return (this.processorMemo ??= defaultBodyProcessor(this.header('content-type')));
  }

  /** The raw body: `snapshot.body`, else a string/Buffer that an upstream parser left in `parsedBody`. */
  raw(): RawBody {
    if (this.rawMemo === undefined) {
      const { body, parsedBody } = this.bodySource;
      let buf: Buffer | null = null;
      if (body !== undefined) buf = body;
      else if (typeof parsedBody === 'string') buf = Buffer.from(parsedBody, 'utf8');
      else if (Buffer.isBuffer(parsedBody)) buf = parsedBody;
      this.rawMemo = buf === null ? NO_RAW : { buf, text: buf.toString('latin1') };
    }
    return this.rawMemo;
  }

  body(): BodyState {
    if (!this.processed) return NO_BODY;
    return (this.bodyMemo ??= this.runProcessor());
  }

  private runProcessor(): BodyState {
    const { buf, text } = this.raw();
    if (buf === null || text === null) {
      // No raw body (a GET): settled before the processor and the argument budget are worked out.
      const parsed = this.bodySource.parsedBody;
      if (parsed === undefined || parsed === null || typeof parsed !== 'object') return NO_BODY;
      const name = this.processor();
      const json = name === 'JSON';
      return withLabel(name, flattenValue(parsed, {
        prefix: json ? 'json' : '',
        style: json ? 'dot' : 'bracket',
        maxDepth: this.maxDepth,
        maxArgs: this.argsBudget(),
        toBytes: utf8ToByteString,
      }));
    }
    const name = this.processor();
    const budget = this.argsBudget();
    const label = PROCESSOR_LABEL[name];
    switch (name) {
      case 'URLENCODED': return withLabel(name, processUrlEncoded(text, budget));
      case 'JSON': return withLabel(name, processJson(buf, this.maxDepth, budget, text));
      case 'MULTIPART': {
        const mp = parseMultipart(text, this.header('content-type') ?? '', { maxParts: this.maxParts, maxArgs: budget });
        return { args: mp.args, error: mp.error === null ? null : `${label} parsing error: ${mp.error}`, multipart: mp, xml: EMPTY };
      }
      case 'XML': {
        const x = parseXml(text, this.maxDepth, this.maxArgs);
        return { args: EMPTY, error: x.error === null ? null : `${label} parsing error: ${x.error}`, multipart: null, xml: x.entries };
      }
      default: return NO_BODY;
    }
  }

  /** Arguments the body may still add: maxArgs counts query and body together. */
  private argsBudget(): number {
    return Math.max(0, this.maxArgs - this.query().entries.length);
  }

  requestBody(): readonly VarEntry[] {
    if (!this.processed) return EMPTY;
    const name = this.processor();
    const rawKind = name === 'URLENCODED' || name === 'TEXT' || name === 'NONE';
    if (!rawKind && !this.forced) return EMPTY;
    const { text } = this.raw();
    return text === null ? EMPTY : scalar(text);
  }
}

/** A processor's arguments and error, the error prefixed with the processor's label (a function, not a per-call closure). */
function withLabel(name: BodyProcessorName, r: ArgsResult): BodyState {
  return {
    args: r.args,
    error: r.error === null ? null : `${PROCESSOR_LABEL[name]} parsing error: ${r.error}`,
    multipart: null,
    xml: EMPTY,
  };
}

function multipartList(pick: (m: MultipartResult) => readonly VarEntry[]): Provider {
  return (v) => {
    const m = v.body().multipart;
    return m === null ? EMPTY : pick(m);
  };
}

/** REQUEST_HEADERS (or, with `names`, REQUEST_HEADERS_NAMES) from the flat header list, in order. */
function headerEntries(flat: readonly string[], names: boolean): VarEntry[] {
  const n = flat.length >> 1;
  const out = new Array<VarEntry>(n);
  for (let i = 0; i < n; i++) {
    const k = flat[2 * i]!;
    out[i] = { key: k, value: names ? k : flat[2 * i + 1]! };
  }
  return out;
}

/** REQUEST_PROTOCOL's text: a constant for the usual versions (no string built per request). */
function protocolText(version: string): string {
  return version === '1.1' ? 'HTTP/1.1' : version === '1.0' ? 'HTTP/1.0' : `HTTP/${version}`;
}

// Shared, like ONE and ZERO: collections are read-only, and the commonest scalars need no allocation per request.
// The entry objects are not frozen: a frozen object has another hidden class, which would make the engine's
// `entry.value` loads polymorphic.
const HTTP_11: readonly VarEntry[] = Object.freeze([{ key: '', value: 'HTTP/1.1' }]);
const METHOD_GET: readonly VarEntry[] = Object.freeze([{ key: '', value: 'GET' }]);
const METHOD_POST: readonly VarEntry[] = Object.freeze([{ key: '', value: 'POST' }]);

function portText(p: number | undefined): string {
  return p === undefined ? '' : String(p);
}

/** SERVER_NAME: the Host header without its port (`[::1]:80` gives `[::1]`). */
function serverName(host: string | undefined): string {
  if (host === undefined) return '';
  const h = host.trim();
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return close === -1 ? h : h.slice(0, close + 1);
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

const BASE_PROVIDERS: Record<string, Provider> = {
  REQUEST_METHOD: (v) => {
    const m = v.snapshot.method;
    return m === 'GET' ? METHOD_GET : m === 'POST' ? METHOD_POST : scalar(m);
  },
  REQUEST_PROTOCOL: (v) => (v.snapshot.httpVersion === '1.1' ? HTTP_11 : scalar(protocolText(v.snapshot.httpVersion))),
  REQUEST_LINE: (v) => scalar(`${v.snapshot.method} ${v.snapshot.url} ${protocolText(v.snapshot.httpVersion)}`),
  REQUEST_URI: (v) => scalar(v.target().uri),
  REQUEST_URI_RAW: (v) => scalar(v.snapshot.url),
  REQUEST_FILENAME: (v) => scalar(v.target().filename),
  PATH_INFO: (v) => scalar(v.target().filename),
  REQUEST_BASENAME: (v) => scalar(v.target().basename),
  QUERY_STRING: (v) => scalar(v.target().query),
  ARGS_GET: (v) => v.query().entries,
  ARGS_GET_NAMES: (v) => namesOf(v.query().entries),
  INBOUND_DATA_ERROR: (v) => flag(v.query().overflow || v.bodySource.bodyComplete === false),
  REQUEST_HEADERS: (v) => headerEntries(v.flatHeaders(), false),
  REQUEST_HEADERS_NAMES: (v) => headerEntries(v.flatHeaders(), true),
  REQUEST_COOKIES: (v) => parseCookies(v.flatHeaders()),
  REQUEST_COOKIES_NAMES: (v) => namesOf(v.get('REQUEST_COOKIES')),
  REMOTE_ADDR: (v) => scalar(v.snapshot.remoteAddress),
  REMOTE_PORT: (v) => scalar(portText(v.snapshot.remotePort)),
  SERVER_PORT: (v) => scalar(portText(v.snapshot.serverPort)),
  SERVER_NAME: (v) => scalar(serverName(v.header('host'))),
  REQUEST_BODY_LENGTH: (v) => scalar(String(v.raw().buf?.length ?? 0)),
};

const BODY_PROVIDERS: Record<string, Provider> = {
  ARGS_POST: (v) => v.body().args,
  ARGS_POST_NAMES: (v) => namesOf(v.body().args),
  ARGS: (v) => {
    const post = v.body().args;
    const get = v.query().entries;
    return post.length === 0 ? get : get.length === 0 ? post : [...get, ...post];
  },
  ARGS_NAMES: (v) => namesOf(v.get('ARGS')),
  ARGS_COMBINED_SIZE: (v) => {
    let size = 0;
    for (const e of v.get('ARGS')) size += e.key.length + e.value.length;
    return scalar(String(size));
  },
  REQUEST_BODY: (v) => v.requestBody(),
  REQBODY_PROCESSOR: (v) => scalar(v.processor()),
  REQBODY_ERROR: (v) => flag(v.body().error !== null),
  REQBODY_PROCESSOR_ERROR: (v) => flag(v.body().error !== null),
  REQBODY_ERROR_MSG: (v) => scalar(v.body().error ?? ''),
  XML: (v) => v.body().xml,
  FILES: multipartList((m) => m.files),
  FILES_NAMES: multipartList((m) => m.filesNames),
  FILES_SIZES: multipartList((m) => m.filesSizes),
  FILES_COMBINED_SIZE: (v) => scalar(String(v.body().multipart?.filesCombinedSize ?? 0)),
  MULTIPART_PART_HEADERS: multipartList((m) => m.partHeaders),
  MULTIPART_NAME: multipartList((m) => m.names),
  MULTIPART_FILENAME: multipartList((m) => m.filenames),
};

for (const f of MULTIPART_FLAG_NAMES) {
  BODY_PROVIDERS[f] = (v) => flag(v.body().multipart?.flags[f] ?? false);
}

/** Providers by index (the slot of their collection in Vars.memo). */
const PROVIDER_LIST: readonly Provider[] = [...Object.values(BASE_PROVIDERS), ...Object.values(BODY_PROVIDERS)];
const PROVIDER_COUNT = PROVIDER_LIST.length;

/**
 * Collection name to index. A prototype-less dictionary: names such as `constructor` or `__proto__` (from
 * macros) find nothing, and a keyed load costs less than Map#get on the ~50 get() calls of a request.
 */
const INDEX: Record<string, number | undefined> = Object.create(null) as Record<string, number | undefined>;
[...Object.keys(BASE_PROVIDERS), ...Object.keys(BODY_PROVIDERS)].forEach((name, i) => { INDEX[name] = i; });

/** Memo slots of the collections derived from the body. */
const BODY_DEPENDENT: readonly number[] = Object.keys(BODY_PROVIDERS).map((name) => INDEX[name]!);

/**
 * The index of a request collection for RequestVariables.getAt() (case-insensitive, as get() is), or -1 when
 * RequestVariables does not serve it. Fixed for the life of the process: resolve it once, when rules compile.
 */
export function collectionIndex(name: string): number {
  return INDEX[name] ?? INDEX[name.toUpperCase()] ?? -1;
}

/** Creates the lazily computed collections of one request. Never throws on hostile input. */
export function createRequestVariables(snapshot: RequestSnapshot, limits: ParseLimits): RequestVariables {
  return new Vars(snapshot, limits);
}
