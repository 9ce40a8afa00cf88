/**
 * Cross-request memo of the prefilter's per-value work (prefilter-state.ts), shared by the transactions of one
 * plan. Most request values recur from request to request (User-Agent, Accept-*, sec-ch-ua, common paths and
 * argument names); their automaton scan, predicate results and transformed-value scans are pure functions of
 * the value and the plan, so they are kept here instead of being recomputed.
 *
 * Bounded: only values up to MEMO_MAX_LENGTH chars, at most 2 x MEMO_GENERATION entries (two generations: an
 * entry found in the old one moves to the new one; when the new one is full the old one is dropped), so a
 * flood of distinct values costs at most a few MB and never grows the memo.
 */

/** Values longer than this are not memoised (their scan is cheap next to their rules anyway). */
export const MEMO_MAX_LENGTH = 256;
/** Entries per generation. */
export const MEMO_GENERATION = 512;
/** Predicates with an index below this have their results memoised (bits of a small integer). */
export const MEMO_PREDICATES = 30;
/** A slot row meaning "the chain leaves this value unchanged": the raw row holds. */
export const UNCHANGED: Int32Array = new Int32Array(0);

export interface MemoEntry {
  /** Clause words of the raw scan (without predicate bits), then the value's features word. */
  readonly row: Int32Array;
  /** Predicates (by index) already evaluated on the value, and those that held. */
  predDone: number;
  predTrue: number;
  /** Per slot: clause words of the transformed value's scan (with the source's predicate bits), or UNCHANGED. */
  slots: Map<number, Int32Array> | undefined;
  /**
   * Rules (bit `rule.index`) whose pure operator, after the rule's transformations, did not match this value
   * (transaction.ts evalLink): a later request with the same value skips them. Allocated on first use.
   */
  misses: Int32Array | undefined;
}

/** True when rule `index` is recorded as not matching the entry's value. */
export function knownMiss(e: MemoEntry, index: number): boolean {
  const m = e.misses;
  return m !== undefined && (index >>> 5) < m.length && (m[index >>> 5]! & (1 << (index & 31))) !== 0;
}

/** Records that rule `index` (of a ruleset of `rules` head rules at most) does not match the entry's value. */
export function recordMiss(e: MemoEntry, index: number, rules: number): void {
  let m = e.misses;
  if (m === undefined || (index >>> 5) >= m.length) {
    const grown = new Int32Array(Math.max((rules + 31) >>> 5, (index >>> 5) + 1));
    if (m !== undefined) grown.set(m);
    e.misses = m = grown;
  }
  m[index >>> 5]! |= 1 << (index & 31);
}

export class PrefilterMemo {
  private cur = new Map<string, MemoEntry>();
  private old = new Map<string, MemoEntry>();

  get(value: string): MemoEntry | undefined {
    let e = this.cur.get(value);
    if (e !== undefined) return e;
    e = this.old.get(value);
    if (e !== undefined) this.put(value, e);
    return e;
  }

  put(value: string, e: MemoEntry): void {
    if (this.cur.size >= MEMO_GENERATION) {
      this.old = this.cur;
      this.cur = new Map();
    }
    this.cur.set(value, e);
  }

  get size(): number {
    return this.cur.size + this.old.size;
  }
}
