import { PortcullisError } from '../errors.js';
import { getTransform } from './registry.js';
import type { TransformFn } from './types.js';

/** A transformation chain resolved once at rule-compile time. */
export interface CompiledChain {
  /** Names as given (after the last `none`). */
  readonly names: readonly string[];
  readonly fns: readonly TransformFn[];
  /**
   * Memo key of each prefix: `keys[k]` stands for `names[0..k]` (lower-cased, comma-joined), so chains that share a
   * prefix (`urlDecodeUni` and `urlDecodeUni,lowercase`) share the work on the same value.
   */
  readonly keys: readonly string[];
}

/**
 * Resolve transformation names into a chain. A `none` drops the names before it (the parser normally did that
 * already). Throws `ERR_PORTCULLIS_RULE_TRANSFORM` on an unknown name. `lookup` defaults to the built-in registry
 * (pass an instance's own lookup to add custom transforms; names stay the memo keys).
 */
export function compileChain(
  names: readonly string[],
  lookup: (name: string) => TransformFn | undefined = getTransform,
): CompiledChain {
  let first = 0;
  for (let k = 0; k < names.length; k++) if (names[k]?.toLowerCase() === 'none') first = k + 1;
  const kept = names.slice(first);
  const fns: TransformFn[] = [];
  const keys: string[] = [];
  let key = '';
  for (const name of kept) {
    const fn = lookup(name);
    if (fn === undefined) {
      throw new PortcullisError('ERR_PORTCULLIS_RULE_TRANSFORM', `Unknown transformation "t:${name}"`);
    }
    fns.push(fn);
    key = key === '' ? name.toLowerCase() : `${key},${name.toLowerCase()}`;
    keys.push(key);
  }
  return Object.freeze({ names: Object.freeze(kept), fns: Object.freeze(fns), keys: Object.freeze(keys) });
}

/** Per-transaction memo of transformation results: (chain prefix, input) to output. */
export interface TransformCache {
  /** Number of memoised values. */
  readonly size: number;
  get(prefixKey: string, input: string): string | undefined;
  /** Stores unless the cache is full (then the value is simply not memoised). */
  set(prefixKey: string, input: string, output: string): void;
  clear(): void;
}

export interface TransformCacheOptions {
  /** Past this many memoised values nothing more is stored (results are still computed). Default 20000. */
  readonly maxEntries?: number;
}

/**
 * The built-in memo: keyed first by the input string itself (no key concatenation, so a 1 MB value is hashed once
 * by the Map and never copied), then by chain prefix. applyChain / applyChainSteps look a value up once and then
 * read and write its small per-value map (a value seen for the first time costs one lookup, not one per step).
 */
class Memo implements TransformCache {
  readonly byInput = new Map<string, Map<string, string>>();
  private count = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.count;
  }

  get(prefixKey: string, input: string): string | undefined {
    return this.byInput.get(input)?.get(prefixKey);
  }

  set(prefixKey: string, input: string, output: string): void {
    this.put(this.byInput.get(input), prefixKey, input, output);
  }

  /** Stores into `entry` (the input's map, undefined when it has none yet); returns the input's map, if any. */
  put(entry: Map<string, string> | undefined, prefixKey: string, input: string, output: string): Map<string, string> | undefined {
    if (this.count >= this.maxEntries) return entry;
    if (entry === undefined) {
      entry = new Map();
      this.byInput.set(input, entry);
    }
    if (!entry.has(prefixKey)) this.count++;
    entry.set(prefixKey, output);
    return entry;
  }

  clear(): void {
    this.byInput.clear();
    this.count = 0;
  }
}

/** Create a memo for one transaction, bounded by `maxEntries`. */
export function createTransformCache(options: TransformCacheOptions = {}): TransformCache {
  return new Memo(options.maxEntries ?? 20_000);
}

/**
 * Apply a chain to a value. With a cache, reuses the longest memoised prefix for this value and memoises every
 * step it computes.
 */
export function applyChain(chain: CompiledChain, input: string, cache?: TransformCache): string {
  const { fns, keys } = chain;
  const n = fns.length;
  if (n === 0) return input;
  if (cache === undefined) {
    let v = input;
    for (let k = 0; k < n; k++) v = (fns[k] as TransformFn)(v);
    return v;
  }
  if (cache instanceof Memo) {
    let entry = cache.byInput.get(input);
    let k = n - 1;
    let v: string | undefined;
    if (entry === undefined) k = -1;
    else {
      for (; k >= 0; k--) {
        v = entry.get(keys[k] as string);
        if (v !== undefined) break;
      }
      if (k === n - 1) return v as string;
    }
    let value = v ?? input;
    for (k = k + 1; k < n; k++) {
      value = (fns[k] as TransformFn)(value);
      entry = cache.put(entry, keys[k] as string, input, value);
    }
    return value;
  }
  // Longest memoised prefix, from the whole chain down.
  let k = n - 1;
  let v: string | undefined;
  for (; k >= 0; k--) {
    v = cache.get(keys[k] as string, input);
    if (v !== undefined) break;
  }
  if (k === n - 1 && v !== undefined) return v;
  let value = v ?? input;
  for (k = k + 1; k < n; k++) {
    value = (fns[k] as TransformFn)(value);
    cache.set(keys[k] as string, input, value);
  }
  return value;
}

/**
 * The values a `multiMatch` rule inspects: the original value, then the value after every step that changed it
 * (a step that returns its input unchanged adds nothing). The first element is always `input`; the last is the
 * chain's final value.
 */
export function applyChainSteps(chain: CompiledChain, input: string, cache?: TransformCache): string[] {
  const { fns, keys } = chain;
  const steps = [input];
  let value = input;
  if (cache instanceof Memo) {
    let entry = cache.byInput.get(input);
    for (let k = 0; k < fns.length; k++) {
      const key = keys[k] as string;
      let next = entry?.get(key);
      if (next === undefined) {
        next = (fns[k] as TransformFn)(value);
        entry = cache.put(entry, key, input, next);
      }
      if (next !== value) steps.push(next);
      value = next;
    }
    return steps;
  }
  for (let k = 0; k < fns.length; k++) {
    const key = keys[k] as string;
    let next = cache?.get(key, input);
    if (next === undefined) {
      next = (fns[k] as TransformFn)(value);
      cache?.set(key, input, next);
    }
    if (next !== value) steps.push(next);
    value = next;
  }
  return steps;
}
