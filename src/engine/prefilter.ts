import type { PrefilterClause } from '../operators/types.js';
import type { CollectionName, KeySelector } from '../rules/types.js';
import type { CompiledChain } from '../transforms/cache.js';
import { chainTriggers } from '../transforms/traits.js';
import { collectionIndex } from '../variables/request-variables.js';
/** A key filter (compile.ts KeyTest). */
type KeyTest = (key: string) => boolean;
import { PrefilterMemo } from './prefilter-memo.js';
import { CLAUSE_BITS, needleScannerSteps, type NeedleScanner } from './needle-scanner.js';

/**
 * Compile-time half of the rule prefilter (the per-request half is prefilter-state.ts).
 *
 * Most rules cannot match most values: an attack regex needs `union`, a quote or `<script`, a phrase list
 * needs one of its phrases. Each operator states such a necessary condition (`CompiledOperator.prefilter`,
 * clauses of required literals or a cheap predicate). Here the conditions of all rules are gathered into
 * one automaton, so each request value is scanned once, whatever the number of rules; a rule whose clauses
 * no value of its targets satisfies is skipped without running its transformations or operator.
 *
 * Exactness: a clause may only fail when the operator provably cannot match (see the operators). Values
 * are scanned after the rule's transformations, except when the transformations provably leave the value
 * unchanged up to ASCII case (transforms/traits.ts), which is the common case and lets one scan of the raw
 * value serve every chain. A multiMatch rule tests the value before and after each step: a value its chain
 * leaves unchanged (up to ASCII case) is decided by the raw scan, and any other value is always a candidate
 * (its slot row has every clause set). Rules that are negated, use macro parameters, count (&), or read
 * engine-owned collections (TX, MATCHED_VAR, ...) are never skipped.
 */

/** Request collections served by RequestVariables whose content is fixed within a phase. */
const PREFILTERABLE: ReadonlySet<string> = new Set<CollectionName>([
  'ARGS', 'ARGS_NAMES', 'ARGS_GET', 'ARGS_GET_NAMES', 'ARGS_POST', 'ARGS_POST_NAMES',
  'REQUEST_HEADERS', 'REQUEST_HEADERS_NAMES', 'REQUEST_COOKIES', 'REQUEST_COOKIES_NAMES',
  'REQUEST_METHOD', 'REQUEST_PROTOCOL', 'REQUEST_LINE', 'REQUEST_URI', 'REQUEST_URI_RAW', 'REQUEST_FILENAME',
  'REQUEST_BASENAME', 'QUERY_STRING', 'PATH_INFO', 'REQUEST_BODY', 'FILES', 'FILES_NAMES',
  'MULTIPART_PART_HEADERS', 'MULTIPART_FILENAME', 'MULTIPART_NAME', 'XML', 'REMOTE_ADDR', 'SERVER_NAME',
]);

/** A collection (with a key selector) whose values are scanned once per request. */
export interface PrefilterSource {
  readonly collection: CollectionName;
  /** RequestVariables.getAt index of the collection (collectionIndex; every PREFILTERABLE collection has one). */
  readonly index: number;
  readonly test: KeyTest | null;
  /** Predicate clauses some rule reading this source uses: evaluated on each raw value. */
  readonly predicates: readonly PredicateRef[];
  /**
   * The source of the same collection with every key (-1: none). A keyed source (REQUEST_HEADERS:User-Agent)
   * takes its rows from the parent's scan when that is current, instead of rescanning the values.
   */
  readonly parent: number;
  /** The predicates of this source the parent does not evaluate (run on the values a derived scan takes). */
  readonly ownPredicates: readonly PredicateRef[];
  /** The slots reading this source. */
  readonly slots: Int32Array;
}

export interface PredicateRef {
  readonly clause: number;
  readonly test: (value: string) => boolean;
  /** Position among the plan's predicates (prefilter-memo.ts keeps results of the first MEMO_PREDICATES). */
  readonly index: number;
}

/** A source seen through one transformation chain. */
export interface PrefilterSlot {
  readonly source: number;
  readonly chain: CompiledChain;
  /** Features that make the chain change a value (traits.ts), or -1 when it must always run. */
  readonly triggers: number;
  /** For multiMatch rules: a value the chain changes is not scanned step by step but taken as a candidate. */
  readonly multi: boolean;
  readonly predicates: readonly PredicateRef[];
}

/** What one rule needs: every clause hit by some value of some of its targets (slot per target). */
export interface RulePrefilter {
  /** Clause ids (bit positions). */
  readonly clauses: Int32Array;
  /** Word and mask of each clause in a bit set (CLAUSE_BITS per word). */
  readonly words: Int32Array;
  readonly masks: Int32Array;
  /** Slot of each target, in the order of `rule.targets`. */
  readonly slots: Int32Array;
}

export interface PrefilterPlan {
  readonly scanner: NeedleScanner;
  readonly words: number;
  readonly sources: readonly PrefilterSource[];
  readonly slots: readonly PrefilterSlot[];
  /** Number of clauses (bit positions). */
  readonly clauseCount: number;
  /** Arena size the last requests needed (a hint, so a request's arena rarely grows). */
  arenaHint: number;
  /** Scan results of recurring values, shared by the plan's transactions (prefilter-memo.ts). */
  readonly memo: PrefilterMemo;
}

/** What the planner needs from a compiled rule (kept structural to avoid an import cycle with compile.ts). */
export interface PrefilterableRule {
  readonly operator: { prefilter?(): { readonly clauses: readonly PrefilterClause[] } | null } | null;
  readonly negate: boolean;
  readonly spec: { readonly multiMatch?: boolean };
  readonly transforms: CompiledChain;
  readonly targets: readonly {
    readonly collection: string;
    readonly count: boolean;
    readonly test: KeyTest | null;
    readonly spec: { readonly selector: KeySelector };
  }[];
}

function selectorKey(s: KeySelector): string {
  switch (s.kind) {
    case 'all': return '*';
    case 'key': return `k:${s.name.toLowerCase()}`;
    case 'regex': return `r:${s.pattern}`;
    case 'xpath': return `x:${s.path}`;
  }
}

function foldAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Needles are cut to this many bytes (see clauseOf). */
const NEEDLE_MAX = 6;

/**
 * The NEEDLE_MAX-byte window of a literal most likely to be rare in ordinary input (most chars that are not
 * lower-case letters or digits; the later one on ties): any substring of the literal is as safe as the
 * literal, and `.goog` in `metadata.google.internal` is rarer than `metada`.
 */
function rarestWindow(lit: string): string {
  if (lit.length <= NEEDLE_MAX) return lit;
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i + NEEDLE_MAX <= lit.length; i++) {
    let score = 0;
    for (let k = i; k < i + NEEDLE_MAX; k++) {
      const c = lit.charCodeAt(k);
      if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) score++;
    }
    if (score >= bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return lit.slice(best, best + NEEDLE_MAX);
}

// eslint-disable-next-line no-control-regex
const NON_BYTE = /[^\x00-\xff]/;

/**
 * Plans the prefilter for `rules` (chain heads). Sets nothing on the rules: returns the plan and, per rule,
 * its RulePrefilter (or null: always evaluated). Returns null when no rule can be prefiltered.
 */
export function planPrefilter<R extends PrefilterableRule>(rules: readonly R[]): PlannedPrefilter<R> | null {
  const steps = planPrefilterSteps(rules);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export interface PlannedPrefilter<R> {
  readonly plan: PrefilterPlan;
  readonly byRule: Map<R, RulePrefilter>;
}

/**
 * planPrefilter as a generator: yields after each rule and inside the automaton build, so a hot reload plans a
 * CRS-size ruleset in slices (compile.ts compileRulesetAsync) instead of blocking the event loop in one go.
 */
export function* planPrefilterSteps<R extends PrefilterableRule>(rules: readonly R[]): Generator<void, PlannedPrefilter<R> | null, void> {
  const clauseIds = new Map<string, number>();
  const needles = new Map<string, number[]>();
  const predicates = new Map<number, PredicateRef>();
  const sourceIds = new Map<string, number>();
  const sources: { collection: CollectionName; test: KeyTest | null; predicates: Set<number> }[] = [];
  const slotIds = new Map<string, number>();
  const slots: { source: number; chain: CompiledChain; triggers: number; multi: boolean; predicates: Set<number> }[] = [];
  const byRule = new Map<R, RulePrefilter>();

  const clauseOf = (c: PrefilterClause): number | null => {
    if (c.kind === 'predicate') {
      const key = `p:${c.id}`;
      let id = clauseIds.get(key);
      if (id === undefined) {
        id = clauseIds.size;
        clauseIds.set(key, id);
        predicates.set(id, { clause: id, test: c.test, index: predicates.size });
      }
      return id;
    }
    if (c.literals.some((l) => l === '' || NON_BYTE.test(l))) return null; // nothing safe to say
    // A literal's prefix occurs wherever the literal does: cutting needles keeps the clause safe and the
    // automaton small enough to stay in cache.
    const lits = [...new Set(c.literals.map((l) => rarestWindow(foldAscii(l))))].sort();
    const key = `l:${lits.join('\0')}`;
    let id = clauseIds.get(key);
    if (id === undefined) {
      id = clauseIds.size;
      clauseIds.set(key, id);
      for (const l of lits) {
        const list = needles.get(l);
        if (list) list.push(id);
        else needles.set(l, [id]);
      }
    }
    return id;
  };

  for (const rule of rules) {
    yield;
    const op = rule.operator;
    if (op === null || op.prefilter === undefined || rule.negate) continue;
    const multi = rule.spec.multiMatch === true;
    if (rule.targets.length === 0 || rule.targets.some((t) => t.count || !PREFILTERABLE.has(t.collection))) continue;
    const pf = op.prefilter();
    if (pf === null || pf.clauses.length === 0) continue;
    const ids: number[] = [];
    for (const c of pf.clauses) {
      const id = clauseOf(c);
      if (id !== null && !ids.includes(id)) ids.push(id);
    }
    if (ids.length === 0) continue;
    const triggers = chainTriggers(rule.transforms.fns) ?? -1;
    const chainKey = (multi ? 'multi\0' : '') + (rule.transforms.keys[rule.transforms.keys.length - 1] ?? '');
    const rulePredicates = ids.filter((id) => predicates.has(id));
    const targetSlots: number[] = [];
    for (const t of rule.targets) {
      const skey = `${t.collection}\0${selectorKey(t.spec.selector)}`;
      let src = sourceIds.get(skey);
      if (src === undefined) {
        src = sources.length;
        sourceIds.set(skey, src);
        sources.push({ collection: t.collection as CollectionName, test: t.test, predicates: new Set() });
      }
      const slotKey = `${src}\0${chainKey}`;
      let slot = slotIds.get(slotKey);
      if (slot === undefined) {
        slot = slots.length;
        slotIds.set(slotKey, slot);
        slots.push({ source: src, chain: rule.transforms, triggers, multi, predicates: new Set() });
      }
      for (const p of rulePredicates) {
        sources[src]!.predicates.add(p);
        slots[slot]!.predicates.add(p);
      }
      targetSlots.push(slot);
    }
    byRule.set(rule, {
      clauses: Int32Array.from(ids),
      words: Int32Array.from(ids, (id) => Math.floor(id / CLAUSE_BITS)),
      masks: Int32Array.from(ids, (id) => 1 << id % CLAUSE_BITS),
      slots: Int32Array.from(targetSlots),
    });
  }
  if (byRule.size === 0) return null;
  const scanner = yield* needleScannerSteps(needles, clauseIds.size);
  if (scanner === null) return null;
  const refs = (set: Set<number>): PredicateRef[] => [...set].map((id) => predicates.get(id)!);
  return {
    plan: {
      scanner,
      words: scanner.words,
      sources: sources.map((s, id) => {
        const parent = s.test === null ? -1 : (sourceIds.get(`${s.collection}\0*`) ?? -1);
        const inParent = parent >= 0 ? sources[parent]!.predicates : new Set<number>();
        const mine = [...slots.keys()].filter((k) => slots[k]!.source === id);
        return {
          collection: s.collection, index: collectionIndex(s.collection), test: s.test, predicates: refs(s.predicates), parent,
          ownPredicates: refs(new Set([...s.predicates].filter((p) => !inParent.has(p)))),
          slots: Int32Array.from(mine),
        };
      }),
      slots: slots.map((s) => ({ source: s.source, chain: s.chain, triggers: s.triggers, multi: s.multi, predicates: refs(s.predicates) })),
      clauseCount: clauseIds.size,
      arenaHint: 256,
      memo: new PrefilterMemo(),
    },
    byRule,
  };
}
