import { BYTE_FEATURES } from '../transforms/traits.js';

/**
 * One Aho-Corasick automaton over the required literals of every prefiltered rule, as a dense DFA over byte
 * classes. A scan reads a value once and sets, in a bit set, the clause bits of every literal it contains
 * (ASCII-case-insensitively); it also returns the value's single-byte transformation features
 * (transforms/traits.ts) from the same pass.
 */
/** Clause bits per word: 30, so every word is a small integer (fast plain-array elements in V8). */
export const CLAUSE_BITS = 30;

export interface NeedleScanner {
  /** Words per clause bit set (CLAUSE_BITS bits each; clause id k is bit k % 30 of word k / 30). */
  readonly words: number;
  /**
   * ORs the clause bits of the literals found in `value` into `bits[offset .. offset + words)`. Returns the
   * OR of BYTE_FEATURES over the value, or -1 when the value holds a char above 0xFF (not a byte string:
   * then nothing can be concluded and the caller treats every clause as hit).
   */
  scan(value: string, bits: number[], offset: number): number;
}

/** Upper bound on table cells (states x classes); past it no automaton is built (no prefilter). */
const MAX_CELLS = 1 << 25;

function fold(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/**
 * Builds the scanner. `needles` maps each literal (a byte string, any case) to the clause ids it satisfies.
 * Returns null when the automaton would be too large.
 */
export function createNeedleScanner(needles: ReadonlyMap<string, readonly number[]>, clauseCount: number): NeedleScanner | null {
  const steps = needleScannerSteps(needles, clauseCount);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Units of work between two yields of needleScannerSteps (trie needles, states, columns). */
const STEP_NEEDLES = 256;
const STEP_CELLS = 1 << 13;

/**
 * createNeedleScanner as a generator that yields after each bounded unit of work (about STEP_CELLS table
 * cells or STEP_NEEDLES needles), so a hot reload can build the CRS automaton in slices (compile.ts).
 */
export function* needleScannerSteps(needles: ReadonlyMap<string, readonly number[]>, clauseCount: number): Generator<void, NeedleScanner | null, void> {
  const words = Math.max(1, Math.ceil(clauseCount / CLAUSE_BITS));
  // Byte classes: one per folded byte that occurs in some needle; 0 for every other byte.
  const classOf = new Int32Array(256);
  let classes = 1;
  for (const text of needles.keys()) {
    for (let i = 0; i < text.length; i++) {
      const c = fold(text.charCodeAt(i));
      if (c > 0xff) throw new RangeError('needles must be byte strings');
      if (classOf[c] === 0) classOf[c] = classes++;
    }
  }
  for (let c = 0x41; c <= 0x5a; c++) classOf[c] = classOf[c | 0x20]!;

  // Trie.
  const next: Map<number, number>[] = [new Map()];
  const out: Set<number>[] = [new Set()];
  let done = 0;
  for (const [text, ids] of needles) {
    if (++done % STEP_NEEDLES === 0) yield;
    if (text.length === 0) continue;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const k = classOf[fold(text.charCodeAt(i))]!;
      let t = next[s]!.get(k);
      if (t === undefined) {
        t = next.length;
        next.push(new Map());
        out.push(new Set());
        next[s]!.set(k, t);
      }
      s = t;
    }
    for (const id of ids) out[s]!.add(id);
  }
  const states = next.length;
  if (states * classes > MAX_CELLS) return null;

  // Failure links (BFS) and the dense transition table; outputs merged along failure links.
  const table = new Int32Array(states * classes);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let k = 0; k < classes; k++) {
    const t = next[0]!.get(k);
    if (t !== undefined) {
      fail[t] = 0;
      queue.push(t);
      table[k] = t;
    }
  }
  const statesPerStep = Math.max(1, Math.floor(STEP_CELLS / classes));
  for (let q = 0; q < queue.length; q++) {
    if (q % statesPerStep === statesPerStep - 1) yield;
    const s = queue[q]!;
    const f = fail[s]!;
    for (const id of out[f]!) out[s]!.add(id);
    // The failure state's row (complete: it is shallower), then this state's own edges over it.
    table.copyWithin(s * classes, f * classes, f * classes + classes);
    for (const [k, t] of next[s]!) {
      fail[t] = table[f * classes + k]!;
      queue.push(t);
      table[s * classes + k] = t;
    }
  }
  // Leaves (no trie children) with the same outputs and failure target behave identically (their rows are
  // their failure target's): merge them, keep the states still referenced, renumber.
  const rep = new Int32Array(states);
  const leafKeys = new Map<string, number>();
  for (let s = 0; s < states; s++) {
    if (s % STEP_NEEDLES === STEP_NEEDLES - 1) yield;
    rep[s] = s;
    if (s === 0 || next[s]!.size !== 0) continue;
    const key = `${[...out[s]!].sort((a, b) => a - b).join(',')}|${fail[s]!}`;
    const first = leafKeys.get(key);
    if (first === undefined) leafKeys.set(key, s);
    else rep[s] = first;
  }
  const renum = new Int32Array(states).fill(-1);
  const kept: number[] = [];
  for (let s = 0; s < states; s++) {
    if (rep[s] === s) {
      renum[s] = kept.length;
      kept.push(s);
    }
  }
  const count = kept.length;
  // Merge byte classes whose columns are then identical (bytes the automaton cannot tell apart).
  const merged = new Int32Array(classes);
  // Columns (target per kept state) bucketed by hash; a bucket's columns are compared value by value.
  const columns: Int32Array[] = [];
  const byHash = new Map<number, number[]>();
  let width = 0;
  const columnsPerStep = Math.max(1, Math.floor(STEP_CELLS / Math.max(1, kept.length)));
  for (let k = 0; k < classes; k++) {
    if (k % columnsPerStep === columnsPerStep - 1) yield;
    const col = new Int32Array(count);
    let h = 0x811c9dc5;
    for (let i = 0; i < count; i++) {
      const v = renum[rep[table[kept[i]! * classes + k]!]!]!;
      col[i] = v;
      h = Math.imul(h ^ v, 0x01000193);
    }
    let bucket = byHash.get(h);
    let m = -1;
    if (bucket === undefined) byHash.set(h, (bucket = []));
    else for (const c of bucket) if (sameColumn(columns[c]!, col)) { m = c; break; }
    if (m < 0) {
      m = width++;
      columns.push(col);
      bucket.push(m);
    }
    merged[k] = m;
  }
  const dense = new Int32Array(count * width);
  for (let i = 0; i < count; i++) {
    if (i % statesPerStep === statesPerStep - 1) yield;
    const s = kept[i]!;
    for (let k = 0; k < classes; k++) dense[i * width + merged[k]!] = renum[rep[table[s * classes + k]!]!]!;
  }
  for (let c = 0; c < 256; c++) classOf[c] = merged[classOf[c]!]!;
  const cols = width;
  // Outputs as (word, mask) pairs; cells hold target << 1 | hasOutput, 16 bits wide when the states allow
  // (a small table stays in cache: the scan is bound by these lookups).
  const outStart = new Int32Array(count + 1);
  const pairs: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i % STEP_NEEDLES === STEP_NEEDLES - 1) yield;
    outStart[i] = pairs.length / 2;
    const byWord = new Map<number, number>();
    for (const id of out[kept[i]!]!) {
      const w = Math.floor(id / CLAUSE_BITS);
      byWord.set(w, (byWord.get(w) ?? 0) | (1 << id % CLAUSE_BITS));
    }
    for (const [w, m] of byWord) pairs.push(w, m);
  }
  outStart[count] = pairs.length / 2;
  const pairData = Int32Array.from(pairs);
  const finalTable = count < 0x8000 ? new Uint16Array(dense.length) : new Int32Array(dense.length);
  for (let i = 0; i < dense.length; i++) {
    const t = dense[i]!;
    finalTable[i] = (t << 1) | (outStart[t + 1]! > outStart[t]! ? 1 : 0);
  }

  // One lookup per byte: class in the low 8 bits, transformation features above.
  const byteInfo = new Int32Array(256);
  for (let c = 0; c < 256; c++) byteInfo[c] = (BYTE_FEATURES[c]! << 8) | classOf[c]!;
  // Output states already reported in the current scan (a digit or a space may recur many times).
  const seen = new Int32Array(count);
  let epoch = 0;
  return {
    words,
    scan(value: string, bits: number[], offset: number): number {
      if (++epoch === 0x7fffffff) {
        seen.fill(0);
        epoch = 1;
      }
      let s = 0;
      let features = 0;
      const n = value.length;
      for (let i = 0; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c > 0xff) return -1;
        const info = byteInfo[c]!;
        features |= info;
        const t = finalTable[s * cols + (info & 0xff)]!;
        s = t >> 1;
        if ((t & 1) !== 0) {
          const state = s;
          if (seen[state] !== epoch) {
            seen[state] = epoch;
            for (let p = outStart[state]!, end = outStart[state + 1]!; p < end; p++) {
              bits[offset + pairData[2 * p]!]! |= pairData[2 * p + 1]!;
            }
          }
        }
      }
      return features >>> 8;
    },
  };
}

function sameColumn(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
