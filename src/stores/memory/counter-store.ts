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
  const buckets = new LRUCache<string, number>({ max: maxKeys });
  // Failure log per key: flat [time, weight, time, weight, ...], oldest first, at most maxRetry pairs.
  const failures = new LRUCache<string, number[]>({ max: Math.max(1000, Math.ceil(maxKeys / 4)) });
  return {
    maxKeys,
    get size() { return buckets.size; },
    consume(key, max, windowMs) {
      const t = now();
      const step = gcra(buckets.get(key), t, max, windowMs);
      if (step.allowed) buckets.set(key, step.tat);
      return step;
    },
    fail(key, weight, maxRetry, findTimeMs) {
      const t = now();
      const log = failures.get(key) ?? [];
      let start = 0;
      while (start < log.length && log[start]! <= t - findTimeMs) start += 2;
      const kept = start > 0 ? log.slice(start) : log;
      kept.push(t, weight);
      let sum = 0;
      for (let i = 1; i < kept.length; i += 2) sum += kept[i]!;
      if (sum >= maxRetry) {
        failures.delete(key);
        return true;
      }
      // Only the newest maxRetry entries can ever matter (each weighs at least 1).
      failures.set(key, kept.length > maxRetry * 2 ? kept.slice(kept.length - maxRetry * 2) : kept);
      return false;
    },
    forget(key) {
      failures.delete(key);
    },
  };
}
