/**
 * Aho-Corasick multi-phrase matcher for @pm / @pmFromFile: ASCII case-insensitive, over byte strings.
 *
 * Built once per rule. The search is one pass over the input, linear in its length (each input byte
 * moves at most one edge down the trie, and every failure step moves up by at least one level, so the
 * total work is bounded by twice the input length). The hot path touches only typed arrays:
 *
 * - `classOf` maps a byte to a small character class; bytes that appear in no phrase map to class 0 and
 *   send the automaton straight back to the root. Upper-case ASCII letters share the class of their
 *   lower-case letter, so case folding costs nothing at search time.
 * - the root has a dense row (`rootNext`), the other states a sorted sparse edge list (CSR layout:
 *   `edgeStart`, `edgeClass`, `edgeTarget`), so memory stays proportional to the trie size even for the
 *   70k-character CRS data files.
 * - `output[state]` is the longest phrase that ends in that state (itself or through its failure chain).
 */

export interface AcMatch {
  /** Index of the first char of the match in the input. */
  readonly start: number;
  /** Index just past the match. */
  readonly end: number;
  /** Index into `AhoCorasick.patterns`. */
  readonly pattern: number;
}

export interface AhoCorasick {
  /** The distinct phrases (by case-folded value), as given. Empty phrases are dropped. */
  readonly patterns: readonly string[];
  readonly stateCount: number;
  /** True when any phrase occurs in `input` (ASCII case-insensitive). */
  test(input: string): boolean;
  /**
   * The match that ends first in `input`; among phrases ending there, the longest. `null` when none.
   */
  find(input: string): AcMatch | null;
}

const ROOT = 0;
/** Edge lists up to this length are scanned linearly, longer ones are binary-searched. */
const LINEAR_SCAN_MAX = 8;

function foldByte(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

class Automaton implements AhoCorasick {
  readonly patterns: readonly string[];
  readonly stateCount: number;
  private readonly patternLength: Int32Array;
  private readonly classOf: Uint8Array;
  private readonly rootNext: Int32Array;
  private readonly edgeStart: Int32Array;
  private readonly edgeClass: Uint8Array;
  private readonly edgeTarget: Int32Array;
  private readonly fail: Int32Array;
  private readonly output: Int32Array;

  constructor(phrases: readonly string[]) {
    // 1. Distinct non-empty phrases, compared case-folded.
    const patterns: string[] = [];
    const folded: string[] = [];
    const seen = new Set<string>();
    for (const phrase of phrases) {
      if (phrase.length === 0) continue;
      for (let i = 0; i < phrase.length; i++) {
        if (phrase.charCodeAt(i) > 0xff) throw new RangeError('Aho-Corasick phrases must be byte strings');
      }
      let f = '';
      for (let i = 0; i < phrase.length; i++) f += String.fromCharCode(foldByte(phrase.charCodeAt(i)));
      if (seen.has(f)) continue;
      seen.add(f);
      patterns.push(phrase);
      folded.push(f);
    }
    this.patterns = patterns;
    this.patternLength = Int32Array.from(patterns, (p) => p.length);

    // 2. Character classes: one per distinct folded byte used; upper case shares the lower-case class.
    const classOf = new Uint8Array(256);
    let classCount = 1;
    for (const f of folded) {
      for (let i = 0; i < f.length; i++) {
        const c = f.charCodeAt(i);
        if (classOf[c] === 0) {
          classOf[c] = classCount++;
          if (c >= 0x61 && c <= 0x7a) classOf[c - 0x20] = classOf[c]!;
        }
      }
    }
    this.classOf = classOf;

    // 3. Trie. Edges live in one map keyed by state * 256 + class (no map per state: the CRS data files make
    // tens of thousands of states); each state's children form a linked list (firstChild / sibling) for the walks.
    const edge = new Map<number, number>();
    const firstChild: number[] = [-1];
    const sibling: number[] = [-1];
    const edgeK: number[] = [0];
    const terminal: number[] = [-1];
    for (let index = 0; index < folded.length; index++) {
      const f = folded[index]!;
      let state = ROOT;
      for (let i = 0; i < f.length; i++) {
        const k = classOf[f.charCodeAt(i)]!;
        const key = state * 256 + k;
        let next = edge.get(key);
        if (next === undefined) {
          next = terminal.length;
          edge.set(key, next);
          terminal.push(-1);
          edgeK.push(k);
          sibling.push(firstChild[state]!);
          firstChild.push(-1);
          firstChild[state] = next;
        }
        state = next;
      }
      terminal[state] = index;
    }
    const stateCount = terminal.length;
    this.stateCount = stateCount;

    // 4. Failure links and outputs, breadth first (a failure target is always shallower).
    const fail = new Int32Array(stateCount);
    const output = new Int32Array(stateCount).fill(-1);
    const queue = new Int32Array(stateCount);
    let head = 0;
    let tail = 0;
    for (let child = firstChild[ROOT]!; child !== -1; child = sibling[child]!) {
      fail[child] = ROOT;
      output[child] = terminal[child]!;
      queue[tail++] = child;
    }
    while (head < tail) {
      const u = queue[head++]!;
      for (let v = firstChild[u]!; v !== -1; v = sibling[v]!) {
        const k = edgeK[v]!;
        let f = fail[u]!;
        let target = ROOT;
        for (;;) {
          const next = edge.get(f * 256 + k);
          if (next !== undefined) {
            target = next;
            break;
          }
          if (f === ROOT) break;
          f = fail[f]!;
        }
        fail[v] = target;
        output[v] = terminal[v]! >= 0 ? terminal[v]! : output[target]!;
        queue[tail++] = v;
      }
    }
    this.fail = fail;
    this.output = output;

    // 5. Flatten: dense root row, sorted CSR edges for the other states.
    const rootNext = new Int32Array(classCount);
    for (let v = firstChild[ROOT]!; v !== -1; v = sibling[v]!) rootNext[edgeK[v]!] = v;
    this.rootNext = rootNext;
    const edgeStart = new Int32Array(stateCount + 1);
    let edges = 0;
    for (let s = 0; s < stateCount; s++) {
      edgeStart[s] = edges;
      if (s !== ROOT) for (let v = firstChild[s]!; v !== -1; v = sibling[v]!) edges++;
    }
    edgeStart[stateCount] = edges;
    const edgeClass = new Uint8Array(edges);
    const edgeTarget = new Int32Array(edges);
    const kids: number[] = [];
    for (let s = 1; s < stateCount; s++) {
      kids.length = 0;
      for (let v = firstChild[s]!; v !== -1; v = sibling[v]!) kids.push(v);
      if (kids.length > 1) kids.sort((a, b) => edgeK[a]! - edgeK[b]!);
      let at = edgeStart[s]!;
      for (const v of kids) {
        edgeClass[at] = edgeK[v]!;
        edgeTarget[at] = v;
        at++;
      }
    }
    this.edgeStart = edgeStart;
    this.edgeClass = edgeClass;
    this.edgeTarget = edgeTarget;
  }

  test(input: string): boolean {
    return this.scan(input) !== -1;
  }

  find(input: string): AcMatch | null {
    const end = this.scan(input);
    if (end === -1) return null;
    // scan() leaves the matched state's output in lastPattern.
    const pattern = this.lastPattern;
    return { start: end - this.patternLength[pattern]!, end, pattern };
  }

  private lastPattern = -1;

  /** Returns the index just past the first match, or -1. Sets `lastPattern`. */
  private scan(input: string): number {
    const { classOf, rootNext, fail, output } = this;
    const n = input.length;
    let s = ROOT;
    for (let i = 0; i < n; i++) {
      const code = input.charCodeAt(i);
      const k = code < 256 ? classOf[code]! : 0;
      if (k === 0) {
        s = ROOT;
        continue;
      }
      for (;;) {
        if (s === ROOT) {
          s = rootNext[k]!;
          break;
        }
        const t = this.step(s, k);
        if (t !== -1) {
          s = t;
          break;
        }
        s = fail[s]!;
      }
      const out = output[s]!;
      if (out !== -1) {
        this.lastPattern = out;
        return i + 1;
      }
    }
    return -1;
  }

  /** The child of non-root state `s` on class `k`, or -1. */
  private step(s: number, k: number): number {
    const { edgeClass, edgeTarget } = this;
    let lo = this.edgeStart[s]!;
    let hi = this.edgeStart[s + 1]!;
    if (hi - lo <= LINEAR_SCAN_MAX) {
      for (; lo < hi; lo++) if (edgeClass[lo] === k) return edgeTarget[lo]!;
      return -1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = edgeClass[mid]!;
      if (c === k) return edgeTarget[mid]!;
      if (c < k) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }
}

/**
 * Builds the automaton. Phrases must be byte strings (char codes 0..255); empty phrases are ignored and
 * duplicates (after ASCII case folding) are kept once.
 */
export function createAhoCorasick(phrases: readonly string[]): AhoCorasick {
  return new Automaton(phrases);
}
