/**
 * In-process counters: one lru-cache for limiter buckets (one float per key) and one for jail failure logs. Both
 * are bounded by `maxKeys`: a flood of distinct keys evicts the least recently seen, so memory stays flat (a test
 * floods 1M addresses; bench/limiter/memory.ts measures the growth). Every call answers synchronously.
 */
import { LRUCache } from 'lru-cache';
import { gcra } from '../../limiter/gcra.js';
import type { CounterStore, LimitCheck } from '../types.js';

export interface MemoryCounterStore extends CounterStore {
  consume(key: string, max: number, windowMs: number): LimitCheck;
  fail(key: string, weight: number, maxRetry: number, findTimeMs: number): boolean;
  forget(key: string): void;
  /** Keys held by the limiter cache (never above maxKeys). */
  readonly size: number;
  readonly maxKeys: number;
}

export const DEFAULT_MAX_KEYS = 100_000;

export function createMemoryCounterStore(opts?: { maxKeys?: number; now?: () => number }): MemoryCounterStore {
  const maxKeys = opts?.maxKeys ?? DEFAULT_MAX_KEYS;
  const now = opts?.now ?? Date.now;
  // A bucket is a mutable cell holding the TAT: a key seen before is updated in place after get() (which already
  // made it the most recent), so a request costs one cache lookup instead of a get() and a set().
  // Each cache is created on its first write: lru-cache allocates its `max` slots up front (arrays of maxKeys), which
  // an instance without a limiter (or without jail failures) need not hold, nor every full GC mark.
  let buckets: LRUCache<string, { tat: number }> | undefined;
  // Failure log per key: flat [time, weight, time, weight, ...], oldest first, at most maxRetry pairs.
  let failures: LRUCache<string, number[]> | undefined;
  return {
    maxKeys,
    get size() { return buckets?.size ?? 0; },
    consume(key, max, windowMs) {
      const t = now();
      const cell = buckets?.get(key);
      const step = gcra(cell?.tat, t, max, windowMs);
      if (step.allowed) {
        if (cell !== undefined) cell.tat = step.tat;
        else (buckets ??= new LRUCache<string, { tat: number }>({ max: maxKeys })).set(key, { tat: step.tat });
      }
      return step;
    },
    fail(key, weight, maxRetry, findTimeMs) {
      const t = now();
      const log = failures?.get(key) ?? [];
      let start = 0;
      while (start < log.length && log[start]! <= t - findTimeMs) start += 2;
      const kept = start > 0 ? log.slice(start) : log;
      kept.push(t, weight);
      let sum = 0;
      for (let i = 1; i < kept.length; i += 2) sum += kept[i]!;
      if (sum >= maxRetry) {
        failures?.delete(key);
        return true;
      }
      // Only the newest maxRetry entries can ever matter (each weighs at least 1).
      (failures ??= new LRUCache<string, number[]>({ max: Math.max(1000, Math.ceil(maxKeys / 4)) })).set(key, kept.length > maxRetry * 2 ? kept.slice(kept.length - maxRetry * 2) : kept);
      return false;
    },
    forget(key) {
      failures?.delete(key);
    },
  };
}
