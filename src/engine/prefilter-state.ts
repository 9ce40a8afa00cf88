import type { CompiledChain } from '../transforms/cache.js';
import { sequenceFeatures } from '../transforms/traits.js';
import type { RequestVariables, VarEntry } from '../variables/types.js';
import { cutForInspection } from './inspect-cut.js';
import { MEMO_MAX_LENGTH, MEMO_PREDICATES, UNCHANGED, type MemoEntry } from './prefilter-memo.js';
import { CLAUSE_BITS } from './needle-scanner.js';
import type { PhasePlan } from './phase-plan.js';
import type { PrefilterPlan, PrefilterSource, PredicateRef, RulePrefilter } from './prefilter.js';

/** How the state reaches the transaction: values are transformed through its memo. */
export interface PrefilterHost {
  readonly vars: RequestVariables;
  readonly maxValueLength: number;
  transform(chain: CompiledChain, value: string): string;
  /** The values a multiMatch rule tests: the value, then every change its chain makes (chain-shortcut.ts runChainSteps). */
  steps(chain: CompiledChain, value: string): readonly string[];
  /** A value longer than maxValueLength was cut for inspection. */
  truncated(): void;
}

const NONE = -1;
/** In a slot's row table: the value's row for this slot is in its memo entry (`slots`), not in the arena. */
const MEMO_ROW = -2;
/** Idle states per plan (weak: a replaced ruleset takes its pool with it). */
const POOLS = new WeakMap<PrefilterPlan, PrefilterState[]>();
const NO_VALUES: readonly number[] = Object.freeze([]);
/** Every clause bit of a word set. */
const ALL = 2 ** CLAUSE_BITS - 1;

/** Word and mask of a clause id. */
function wordOf(id: number): number {
  return (id / CLAUSE_BITS) | 0;
}

function maskOf(id: number): number {
  return 1 << id % CLAUSE_BITS;
}

/**
 * The per-request half of the rule prefilter (see prefilter.ts): scans each source's values once, derives
 * per-slot unions (re-scanning only the values a chain really changes), and answers "can this rule match
 * anything?" (entryMayMatch) and "can value i match?" (candidates). `reset()` runs at each phase start and whenever a ctl changes what
 * the collections hold: slot results are kept while no scanned collection changed, and sources are
 * re-scanned only when their values did.
 *
 * Storage is one growable plain array of small integers (rows of clause bits, CLAUSE_BITS per word, and a
 * features word per value) addressed by offsets, so a request costs a handful of cheap allocations.
 */
export class PrefilterState {
  private readonly words: number;
  /** Arena: source rows are `words` clause words then one features word; unions and slot rows are `words`. */
  private mem: number[];
  private top = 0;
  /** Bumped by reset(): a source checked in the current epoch is not looked up again. */
  private epoch = 1;
  private readonly srcEpoch: number[];
  // Per source.
  private readonly srcFrom: (readonly VarEntry[] | undefined)[];
  private readonly srcEntries: (readonly VarEntry[] | undefined)[];
  /** Values as inspected when some were cut, else undefined (the entries' values). */
  private readonly srcValues: (string[] | undefined)[];
  private readonly srcRows: number[];
  private readonly srcUnion: number[];
  private readonly srcUnionFeat: number[];
  /** Rows of transformed values already scanned, by string (chains often give the same string). */
  private readonly srcSeen: (Map<string, number> | undefined)[];
  /** The memo entry of each value (prefilter-memo.ts; undefined when not memoised), so slots look it up once. */
  private readonly srcMemo: ((MemoEntry | undefined)[] | undefined)[];
  /** The list candidates() returns (reused). */
  private readonly picked: number[] = [];
  /** Reused per-source arrays (entryBuffer/memoBuffer). */
  private readonly entryBufs: (VarEntry[] | undefined)[] = [];
  private readonly memoBufs: ((MemoEntry | undefined)[] | undefined)[] = [];
  /** The memo entry scanRaw last used (undefined: none). */
  private lastEntry: MemoEntry | undefined = undefined;
  // Per slot (NONE: not computed in this phase). A slot's rows are the source's raw rows, except for values
  // the chain changes, whose row offsets are in a table in the arena at `slotRows` (value index -> row offset or
  // -1; NONE when no value changed), so a request allocates no per-slot arrays.
  private readonly slotUnion: number[];
  private readonly slotRows: number[];
  /**
   * Scan generation of each source (a new one on every scan), and the source generation each slot was last
   * computed from with its union's offset: a slot whose source did not change since (phase 1 to phase 2) is
   * taken back as it was, without running its chain again.
   */
  private gen = 0;
  private readonly srcGen: number[];
  private readonly slotGen: number[];
  private readonly slotSaved: number[];

  private host: PrefilterHost | null = null;
  constructor(private readonly plan: PrefilterPlan) {
    this.words = plan.words;
    const ns = plan.sources.length;
    this.mem = new Array<number>(plan.arenaHint).fill(0);
    this.srcEpoch = new Array<number>(ns).fill(0);
    this.srcFrom = new Array<readonly VarEntry[] | undefined>(ns).fill(undefined);
    this.srcEntries = new Array<readonly VarEntry[] | undefined>(ns).fill(undefined);
    this.srcValues = new Array<string[] | undefined>(ns).fill(undefined);
    this.srcRows = new Array<number>(ns).fill(0);
    this.srcUnion = new Array<number>(ns).fill(0);
    this.srcUnionFeat = new Array<number>(ns).fill(0);
    this.srcSeen = new Array<Map<string, number> | undefined>(ns).fill(undefined);
    this.srcMemo = new Array<(MemoEntry | undefined)[] | undefined>(ns).fill(undefined);
    this.slotUnion = new Array<number>(plan.slots.length).fill(NONE);
    this.slotRows = new Array<number>(plan.slots.length).fill(NONE);
    this.srcGen = new Array<number>(ns).fill(0);
    this.slotGen = new Array<number>(plan.slots.length).fill(-1);
    this.slotSaved = new Array<number>(plan.slots.length).fill(NONE);
  }

  /**
   * The prefilter's rule test for entry `i` of a phase plan (phase-plan.ts), read from typed arrays: false when
   * some clause of the rule is hit by no value of the slots it reads (each slot computed as needed).
   */
  entryMayMatch(p: PhasePlan, i: number): boolean {
    const { words, masks, slots } = p;
    const s0 = p.slotFrom[i]!;
    const s1 = p.slotFrom[i + 1]!;
    const end = p.clauseFrom[i + 1]!;
    const slotUnion = this.slotUnion;
    for (let c = p.clauseFrom[i]!; c < end; c++) {
      const w = words[c]!;
      const m = masks[c]!;
      let hit = false;
      for (let k = s0; k < s1; k++) {
        const slot = slots[k]!;
        let at = slotUnion[slot]!;
        if (at === NONE) at = this.computeSlot(slot);
        if ((this.mem[at + w]! & m) !== 0) {
          hit = true;
          break;
        }
      }
      if (!hit) return false;
    }
    return true;
  }

  /**
   * Called when the collections may have changed (a new phase, a ctl that changes the body processor): each
   * source scanned so far is looked up again, and when one now holds other values, every slot result is
   * dropped (sources that did not change are taken back by generation, without a rescan). When none changed
   * (a GET from phase 1 to phase 2), everything computed stays valid.
   */
  reset(): void {
    const vars = this.host!.vars;
    const sources = this.plan.sources;
    let changed = false;
    for (let id = 0; id < sources.length; id++) {
      const prev = this.srcFrom[id];
      if (prev === undefined) continue;
      const from = readSource(vars, sources[id]!);
      if (from === prev) continue;
      if (sameEntries(prev, from)) {
        this.srcFrom[id] = from;
        continue;
      }
      changed = true;
    }
    if (changed) this.invalidate();
  }

  /** Drops every slot result of the running phase (sources are looked up again on next use). */
  private invalidate(): void {
    this.slotUnion.fill(NONE);
    this.epoch++;
  }

  /** Starts a phase of one transaction: nothing of a previous use is kept. */
  private begin(host: PrefilterHost): void {
    this.host = host;
    this.top = 0;
    this.srcFrom.fill(undefined);
    this.invalidate();
  }

  /** Ends the use: drops every reference to request data. */
  private end(): void {
    this.host = null;
    this.srcFrom.fill(undefined);
    this.srcEntries.fill(undefined);
    this.srcValues.fill(undefined);
    this.srcSeen.fill(undefined);
    this.srcMemo.fill(undefined);
    this.lastEntry = undefined;
    this.slotRows.fill(NONE);
    for (const b of this.entryBufs) if (b !== undefined) b.length = 0; // no request data outlives the request
  }

  /**
   * A state for one transaction, from the plan's pool (a state is never shared: the transaction keeps it from
   * phase 1 into phase 2, calling `reset()` between them, and gives it back with `release`; a state that is
   * never released is simply collected).
   */
  static acquire(plan: PrefilterPlan, host: PrefilterHost): PrefilterState {
    const pool = POOLS.get(plan);
    const state = pool !== undefined && pool.length > 0 ? pool.pop()! : new PrefilterState(plan);
    state.begin(host);
    return state;
  }

  static release(state: PrefilterState): void {
    state.end();
    let pool = POOLS.get(state.plan);
    if (pool === undefined) POOLS.set(state.plan, (pool = []));
    if (pool.length < 4) pool.push(state);
  }

  /**
   * Indices (ascending) into targetEntries(pf, t) of the values that may satisfy all the rule's clauses;
   * a shared empty list when the target's union already rules them all out. The list is the state's own and is
   * overwritten by the next call: the caller reads it before asking again (transaction.ts evalLink).
   */
  candidates(pf: RulePrefilter, t: number): readonly number[] {
    const slot = pf.slots[t]!;
    let at = this.slotUnion[slot]!;
    if (at === NONE) at = this.computeSlot(slot);
    const { words, masks } = pf;
    const mem = this.mem;
    for (let c = 0; c < words.length; c++) if ((mem[at + words[c]!]! & masks[c]!) === 0) return NO_VALUES;
    const src = this.plan.slots[slot]!.source;
    const n = this.srcEntries[src]!.length;
    const rows = this.slotRows[slot]!;
    const base = this.srcRows[src]!;
    const R = this.words + 1;
    const out = this.picked;
    out.length = 0;
    for (let i = 0; i < n; i++) {
      let row = rows === NONE ? -1 : mem[rows + i]!;
      let ok = true;
      if (row === MEMO_ROW) {
        // This slot's row of a recurring value, kept in the memo (computeSlot).
        const r = this.srcMemo[src]![i]!.slots!.get(slot)!;
        for (let c = 0; c < words.length; c++) {
          if ((r[words[c]!]! & masks[c]!) === 0) {
            ok = false;
            break;
          }
        }
      } else {
        if (row < 0) row = base + i * R;
        for (let c = 0; c < words.length; c++) {
          if ((mem[row + words[c]!]! & masks[c]!) === 0) {
            ok = false;
            break;
          }
        }
      }
      if (ok) out.push(i);
    }
    return out.length === 0 ? NO_VALUES : out;
  }

  /**
   * The memo entry (prefilter-memo.ts) of value `i` of target `t` (an index into targetEntries), or undefined when
   * the value is not memoised.
   */
  memoEntryOf(pf: RulePrefilter, t: number, i: number): MemoEntry | undefined {
    return this.srcMemo[this.plan.slots[pf.slots[t]!]!.source]![i];
  }

  /**
   * The values of target `t` of the rule, in collection order (the key selector applied, exclusions not):
   * the same entries, in the same order, as the engine's collect() before exclusions.
   */
  targetEntries(pf: RulePrefilter, t: number): readonly VarEntry[] {
    const slot = pf.slots[t]!;
    if (this.slotUnion[slot] === NONE) this.computeSlot(slot);
    return this.srcEntries[this.plan.slots[slot]!.source]!;
  }

  /** Takes n zero words from the arena; returns their offset. */
  private alloc(n: number): number {
    const at = this.top;
    const need = at + n;
    if (need <= this.mem.length) {
      const mem = this.mem;
      for (let k = at; k < need; k++) mem[k] = 0;
    } else {
      const grown = new Array<number>(Math.max(need, this.mem.length * 2)).fill(0);
      for (let k = 0; k < at; k++) grown[k] = this.mem[k]!;
      this.mem = grown;
      // Next requests start with this size (capped: one huge request must not make every arena huge).
      if (grown.length <= 65_536 && grown.length > this.plan.arenaHint) this.plan.arenaHint = grown.length;
    }
    this.top = need;
    return at;
  }

  /** Stores what source() or derive() computed for source `id`, stamped with a new generation. */
  private recordSource(
    id: number, from: readonly VarEntry[], entries: readonly VarEntry[], values: string[] | undefined,
    rowsAt: number, unionAt: number, unionFeat: number, memoEntries: (MemoEntry | undefined)[],
  ): void {
    this.srcFrom[id] = from;
    this.srcEntries[id] = entries;
    this.srcValues[id] = values;
    this.srcRows[id] = rowsAt;
    this.srcUnion[id] = unionAt;
    this.srcUnionFeat[id] = unionFeat;
    this.srcSeen[id] = undefined;
    this.srcMemo[id] = memoEntries;
    this.srcGen[id] = ++this.gen;
  }

  /**
   * The state's own arrays for a source's kept entries and memo entries, emptied (a pooled state reuses them from
   * request to request instead of allocating them per source and request; end() empties them).
   */
  private entryBuffer(id: number): VarEntry[] {
    const b = (this.entryBufs[id] ??= []);
    b.length = 0;
    return b;
  }

  /** Not emptied: a source writes indices 0..n-1 and readers index below its entry count. */
  private memoBuffer(id: number): (MemoEntry | undefined)[] {
    return (this.memoBufs[id] ??= []);
  }

  /** Scans a source's values (raw) unless its collection array is the one already scanned. */
  private source(id: number): void {
    if (this.srcEpoch[id] === this.epoch) return;
    this.srcEpoch[id] = this.epoch;
    const def = this.plan.sources[id]!;
    const from = readSource(this.host!.vars, def);
    if (this.srcFrom[id] === from) return;
    if (def.parent >= 0 && this.srcFrom[def.parent] === from) {
      this.derive(id, from);
      return;
    }
    const test = def.test;
    let entries: readonly VarEntry[] = from;
    if (test !== null && from.length !== 0) {
      const kept = this.entryBuffer(id);
      for (let i = 0; i < from.length; i++) if (test(from[i]!.key)) kept.push(from[i]!);
      entries = kept;
    }
    const W = this.words;
    const R = W + 1;
    const n = entries.length;
    const unionAt = this.alloc(W);
    const rowsAt = this.alloc(n * R);
    const mem = this.mem;
    const max = this.host!.maxValueLength;
    const preds = def.predicates;
    const memoEntries = this.memoBuffer(id);
    let values: string[] | undefined;
    let unionFeat = 0;
    for (let i = 0; i < n; i++) {
      let v = entries[i]!.value;
      if (v.length > max) {
        v = cutForInspection(v, max);
        this.host!.truncated();
        if (values === undefined) {
          values = [];
          for (let k = 0; k < i; k++) values.push(entries[k]!.value);
        }
      }
      if (values !== undefined) values.push(v);
      const row = rowsAt + i * R;
      const f = this.scanRaw(v, preds, mem, row);
      memoEntries[i] = this.lastEntry;
      mem[row + W] = f;
      unionFeat |= f;
      for (let w = 0; w < W; w++) mem[unionAt + w]! |= mem[row + w]!;
    }
    this.recordSource(id, from, entries, values, rowsAt, unionAt, unionFeat, memoEntries);
  }

  /**
   * Scans a raw value into the row at `row` (clause words; the caller stores the features word) and returns
   * its features (-1: not a byte string, every clause set). Recurring values come from the plan's memo.
   */
  private scanRaw(v: string, preds: readonly PredicateRef[], mem: number[], row: number): number {
    const W = this.words;
    const memo = v.length <= MEMO_MAX_LENGTH ? this.plan.memo : null;
    let e = memo !== null ? memo.get(v) : undefined;
    this.lastEntry = undefined;
    let f: number;
    if (e !== undefined) {
      const r = e.row;
      for (let w = 0; w < W; w++) mem[row + w] = r[w]!;
      f = r[W]!;
    } else {
      f = this.plan.scanner.scan(v, mem, row);
      if (f < 0) {
        for (let w = 0; w < W; w++) mem[row + w] = ALL;
        return f;
      }
      f = sequenceFeatures(v, f);
      if (memo !== null) {
        const r = new Int32Array(W + 1);
        for (let w = 0; w < W; w++) r[w] = mem[row + w]!;
        r[W] = f;
        e = { row: r, predDone: 0, predTrue: 0, slots: undefined, misses: undefined };
        memo.put(v, e);
      }
    }
    if (preds.length !== 0) {
      if (e === undefined) setPredicates(preds, v, mem, row);
      else memoPredicates(e, preds, v, mem, row);
    }
    this.lastEntry = e;
    return f;
  }

  /**
   * A keyed source whose parent (same collection, every key) is already scanned from the same array: its rows
   * are copies of the parent's rows of the kept values (plus its own predicates), no value is scanned again.
   */
  private derive(id: number, from: readonly VarEntry[]): void {
    const def = this.plan.sources[id]!;
    const parent = def.parent;
    const test = def.test!;
    const W = this.words;
    const R = W + 1;
    const pValues = this.srcValues[parent];
    const pRows = this.srcRows[parent]!;
    const pMemo = this.srcMemo[parent]!;
    const memoEntries = this.memoBuffer(id);
    const entries = this.entryBuffer(id);
    let values: string[] | undefined;
    let truncated = false;
    for (let j = 0; j < from.length; j++) {
      if (!test(from[j]!.key)) continue;
      entries.push(from[j]!);
      if (pValues !== undefined) {
        const v = pValues[j]!;
        (values ??= []).push(v);
        if (v !== from[j]!.value) truncated = true;
      }
    }
    if (truncated) this.host!.truncated();
    const n = entries.length;
    const unionAt = this.alloc(W);
    const rowsAt = this.alloc(n * R);
    const mem = this.mem;
    const own = def.ownPredicates;
    let unionFeat = 0;
    for (let i = 0, j = 0; i < n; j++) {
      if (from[j] !== entries[i]) continue;
      const src = pRows + j * R;
      const row = rowsAt + i * R;
      const e = pMemo[j];
      memoEntries[i] = e;
      for (let w = 0; w <= W; w++) mem[row + w] = mem[src + w]!;
      const f = mem[row + W]!;
      if (f >= 0 && own.length !== 0) {
        const v = values !== undefined ? values[i]! : entries[i]!.value;
        if (e === undefined) setPredicates(own, v, mem, row);
        else memoPredicates(e, own, v, mem, row);
      }
      unionFeat |= f;
      for (let w = 0; w < W; w++) mem[unionAt + w]! |= mem[row + w]!;
      i++;
    }
    this.recordSource(id, from, entries, values, rowsAt, unionAt, unionFeat, memoEntries);
  }

  /**
   * The row of a multiMatch value: its raw row (at `rawRow`) OR the scans of each later step of the chain (every
   * clause set if a step is not a byte string). Returns the row's offset.
   */
  private scanSteps(chain: CompiledChain, raw: string, rawRow: number, preds: readonly PredicateRef[]): number {
    const W = this.words;
    const steps = this.host!.steps(chain, raw);
    const row = this.alloc(W);
    const tmp = this.alloc(W);
    let mem = this.mem;
    for (let w = 0; w < W; w++) mem[row + w] = mem[rawRow + w]!;
    for (let k = 1; k < steps.length; k++) {
      const v = steps[k]!;
      if (v === steps[k - 1]) continue;
      for (let w = 0; w < W; w++) mem[tmp + w] = 0;
      this.scanRaw(v, preds, mem, tmp); // the step as the operator tests it (testMulti does not cut steps)
      mem = this.mem;
      for (let w = 0; w < W; w++) mem[row + w]! |= mem[tmp + w]!;
    }
    return row;
  }

  /** Computes a slot's union (and rows for the values its chain changes); returns the union's offset. */
  private computeSlot(id: number): number {
    const def = this.plan.slots[id]!;
    const src = def.source;
    this.source(src);
    if (this.slotGen[id] === this.srcGen[src]) return (this.slotUnion[id] = this.slotSaved[id]!);
    this.slotGen[id] = this.srcGen[src]!;
    const triggers = def.triggers;
    const unionFeat = this.srcUnionFeat[src]!;
    this.slotRows[id] = NONE;
    // Every value passes through the chain unchanged (up to ASCII case): the raw scan is the answer.
    if (triggers >= 0 && unionFeat >= 0 && (unionFeat & triggers) === 0) {
      // The same holds for every other chain of this source that no value triggers: settle them all at once.
      const raw = this.srcUnion[src]!;
      const gen = this.srcGen[src]!;
      const slots = this.plan.slots;
      for (const k of this.plan.sources[src]!.slots) {
        const t = slots[k]!.triggers;
        if (t < 0 || (unionFeat & t) !== 0) continue;
        this.slotGen[k] = gen;
        this.slotRows[k] = NONE;
        this.slotUnion[k] = this.slotSaved[k] = raw;
      }
      return raw;
    }
    // Else: the raw union (a superset is safe) plus the scans of the values the chain changes.
    const W = this.words;
    const R = W + 1;
    const entries = this.srcEntries[src]!;
    const values = this.srcValues[src];
    const n = entries.length;
    const rawUnion = this.srcUnion[src]!;
    const rowsAt = this.srcRows[src]!;
    const unionAt = this.alloc(W);
    for (let w = 0; w < W; w++) this.mem[unionAt + w] = this.mem[rawUnion + w]!;
    const srcMemo = this.srcMemo[src]!;
    let rows = NONE;
    const preds = this.plan.sources[src]!.predicates;
    for (let i = 0; i < n; i++) {
      const f = this.mem[rowsAt + i * R + W]!;
      if (f >= 0 && triggers >= 0 && (f & triggers) === 0) continue; // unchanged: the raw row holds
      let row: number;
      if (f < 0) {
        row = this.alloc(W);
        for (let w = 0; w < W; w++) this.mem[row + w] = ALL;
      } else if (def.multi) {
        // A multiMatch value the chain changes: the OR of the scans of every step it tests (a recurring value's row
        // for this slot is in the plan's memo).
        const e = srcMemo[i];
        const cached = e?.slots?.get(id);
        if (cached !== undefined && cached !== UNCHANGED) {
          row = MEMO_ROW;
          const mem = this.mem;
          for (let w = 0; w < W; w++) mem[unionAt + w]! |= cached[w]!;
        } else {
          row = this.scanSteps(def.chain, values !== undefined ? values[i]! : entries[i]!.value, rowsAt + i * R, preds);
          if (e !== undefined) (e.slots ??= new Map()).set(id, Int32Array.from(this.mem.slice(row, row + W)));
        }
      } else {
        const raw = values !== undefined ? values[i]! : entries[i]!.value;
        // A recurring value: this slot's row for it (or "unchanged") is in the plan's memo.
        const e = srcMemo[i];
        const cached = e?.slots?.get(id);
        if (cached === UNCHANGED) continue;
        if (cached !== undefined) {
          // Read in place (candidates() finds it in the memo): no arena row, no copy.
          row = MEMO_ROW;
          const mem = this.mem;
          for (let w = 0; w < W; w++) mem[unionAt + w]! |= cached[w]!;
        } else {
          const v = this.host!.transform(def.chain, raw);
          if (v === raw) {
            if (e !== undefined) (e.slots ??= new Map()).set(id, UNCHANGED);
            continue; // this value came through unchanged after all
          }
          let seen = this.srcSeen[src];
          const known = seen?.get(v);
          if (known !== undefined) {
            row = known;
          } else {
            row = this.alloc(W);
            this.scanRaw(v, preds, this.mem, row); // alloc may have grown the arena: this.mem, not a saved one
            (seen ??= this.srcSeen[src] = new Map()).set(v, row);
          }
          if (e !== undefined) (e.slots ??= new Map()).set(id, Int32Array.from(this.mem.slice(row, row + W)));
        }
      }
      if (row !== MEMO_ROW) {
        const mem = this.mem;
        for (let w = 0; w < W; w++) mem[unionAt + w]! |= mem[row + w]!;
      }
      if (rows === NONE) {
        rows = this.alloc(n);
        const m = this.mem;
        for (let k = 0; k < n; k++) m[rows + k] = -1;
      }
      this.mem[rows + i] = row;
    }
    this.slotRows[id] = rows;
    this.slotUnion[id] = this.slotSaved[id] = unionAt;
    return unionAt;
  }
}

/** A source's collection, by the index resolved when the plan was built (by name if it had none). */
function readSource(vars: RequestVariables, def: PrefilterSource): readonly VarEntry[] {
  return def.index >= 0 ? vars.getAt(def.index) : vars.get(def.collection);
}

/** Same keys and values in the same order (a collection rebuilt with the same content, e.g. ARGS_NAMES). */
function sameEntries(a: readonly VarEntry[], b: readonly VarEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x.key !== y.key || x.value !== y.value)) return false;
  }
  return true;
}

/** setPredicates through a memo entry: each predicate runs at most once per memoised value. */
function memoPredicates(e: MemoEntry, preds: readonly PredicateRef[], value: string, bits: number[], offset: number): void {
  for (const p of preds) {
    let hit: boolean;
    if (p.index < MEMO_PREDICATES) {
      const bit = 1 << p.index;
      if ((e.predDone & bit) !== 0) {
        hit = (e.predTrue & bit) !== 0;
      } else {
        hit = p.test(value);
        e.predDone |= bit;
        if (hit) e.predTrue |= bit;
      }
    } else {
      hit = p.test(value);
    }
    if (hit) bits[offset + wordOf(p.clause)]! |= maskOf(p.clause);
  }
}

function setPredicates(preds: readonly PredicateRef[], value: string, bits: number[], offset: number): void {
  for (const p of preds) if (p.test(value)) bits[offset + wordOf(p.clause)]! |= maskOf(p.clause);
}
