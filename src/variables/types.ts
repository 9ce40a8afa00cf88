import type { CollectionName } from '../rules/types.js';

/**
 * What the engine inspects: a snapshot of one HTTP request, independent of any framework. The middleware
 * builds it from `IncomingMessage`; `waf.inspect()`, the CLI and the conformance runner build it directly.
 * All strings are byte strings (latin1: one char per byte), as Node's HTTP parser already delivers
 * `rawHeaders` and `url`.
 */
export interface RequestSnapshot {
  readonly method: string;
  /** The request-target exactly as received, e.g. `/a/b.php?x=1%27`. */
  readonly url: string;
  /** `1.1`, `1.0`, `2.0`. */
  readonly httpVersion: string;
  /** Header pairs in arrival order with their original case (Node's `rawHeaders`). */
  readonly headers: readonly (readonly [string, string])[];
  /**
   * Optional: the same headers as one flat [name, value, name, value, ...] list (Node's `rawHeaders`; a
   * trailing name without a value is ignored). When present, the collections read it instead of `headers`,
   * so a snapshot built from `IncomingMessage` need not build the pair arrays at all.
   */
  readonly rawHeaders?: readonly string[];
  readonly remoteAddress: string;
  readonly remotePort?: number;
  readonly serverPort?: number;
  /** Request body bytes to inspect, already inflated if it was gzip/deflate/br. */
  readonly body?: Buffer;
  /** False when `body` holds only a prefix of the real body (partial inspection past the body limit). */
  readonly bodyComplete?: boolean;
  /**
   * A body that an upstream parser already consumed and parsed (`req.body` when Portcullis is mounted after
   * `express.json()`): inspected as ARGS_POST when no raw bytes are available.
   */
  readonly parsedBody?: unknown;
}

/** Caps on what is parsed and inspected. Going past one sets an error variable (a finding), never a silent skip. */
export interface ParseLimits {
  /** Max number of arguments (query + body); the rest are not collected and INBOUND_DATA_ERROR (query) or REQBODY_ERROR (body) is set. */
  readonly maxArgs: number;
  /** Max nesting depth of JSON/XML bodies and `a[b][c]` names; deeper sets REQBODY_ERROR. */
  readonly maxDepth: number;
  /** Max multipart parts / files. */
  readonly maxParts: number;
}

/** One value of a collection. `key` is '' for scalar variables such as REQUEST_URI. */
export interface VarEntry {
  readonly key: string;
  readonly value: string;
}

/** Body processors, named as ModSecurity names them (REQBODY_PROCESSOR). */
export type BodyProcessorName = 'URLENCODED' | 'MULTIPART' | 'JSON' | 'XML' | 'TEXT' | 'NONE';

/**
 * Request-derived collections for one transaction. Values are computed lazily on first use and memoised,
 * so a rule set that never reads cookies never parses them. Engine-owned collections (TX, MATCHED_VAR*,
 * RULE, response variables) are not served from here.
 */
export interface RequestVariables {
  /** Values of a collection, in a stable order; [] for unknown or empty collections. */
  get(collection: CollectionName): readonly VarEntry[];
  /** What get() gives for the collection at `index`, from collectionIndex() (resolved once, when rules compile); [] for -1. */
  getAt(index: number): readonly VarEntry[];
  /** Selects the body processor before phase 2 (`ctl:requestBodyProcessor`); default from Content-Type. */
  setBodyProcessor(name: BodyProcessorName): void;
  /** Makes REQUEST_BODY available even when a processor parsed the body (`ctl:forceRequestBodyVariable`). */
  forceRequestBodyVariable(on: boolean): void;
  /**
   * Hands over the request body once it has been read (after phase 1). Collections already computed from the
   * request line and headers, and phase-1 choices (body processor, forced REQUEST_BODY), are kept.
   */
  setBody(body: Pick<RequestSnapshot, 'body' | 'bodyComplete' | 'parsedBody'>): void;
  /** Runs the body processor now (phase 2 start); errors land in REQBODY_ERROR / MULTIPART_* variables. */
  processBody(): void;
}
