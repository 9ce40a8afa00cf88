/**
 * The rate-limit algorithm: a token bucket written as GCRA (the generic cell rate algorithm). A key may send up to
 * `max` requests at once; the bucket refills at `max` per `windowMs`, one token every `windowMs / max`. The whole
 * state of a key is one number, its theoretical arrival time (TAT), so a store keeps one float per key and the
 * Redis Lua script (src/stores/redis/scripts.ts) is the same arithmetic.
 *
 * Why a token bucket and not a window: no boundary burst (a fixed window lets 2x max through around the edge),
 * exact Retry-After and remaining values, and O(1) memory per key.
 */
import type { LimitCheck } from '../stores/types.js';

export interface GcraStep extends LimitCheck {
  /** The TAT to store (unchanged when refused). */
  readonly tat: number;
}

/** One request against a key whose stored TAT is `prevTat` (undefined for a new key). */
export function gcra(prevTat: number | undefined, now: number, max: number, windowMs: number): GcraStep {
  const interval = windowMs / max;
  const tat = prevTat !== undefined && prevTat > now ? prevTat : now;
  const next = tat + interval;
  const allowAt = next - windowMs;
  if (allowAt > now) {
    return { allowed: false, remaining: 0, resetMs: tat - now, retryAfterMs: allowAt - now, tat };
  }
  // Tokens left: how many more intervals fit before the bucket would be empty (epsilon against float noise).
  const remaining = Math.min(max - 1, Math.floor((now - allowAt) / interval + 1e-9));
  return { allowed: true, remaining, resetMs: next - now, retryAfterMs: 0, tat: next };
}
