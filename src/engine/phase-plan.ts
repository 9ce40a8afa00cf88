import type { RulePrefilter } from './prefilter.js';

/**
 * A phase's rules in a compact form for the rule loop (transaction.ts runPhase): which list entries are rules,
 * their paranoia levels, the slots they read and their prefilter clauses in flat typed arrays, so that a rule
 * no value can satisfy is passed over without touching its object: the prefilter's rule test, done in a few
 * typed-array reads (prefilter-state.ts `entryMayMatch`).
 */
export interface PhasePlan {
  /** Per list entry: MARKER, RULE (always evaluated), FILTERED (has a prefilter) or TX_CHECK (evaluated inline). */
  readonly kind: Uint8Array;
  /** Per list entry: the rule's paranoia level (0: untagged; capped at 255). */
  readonly paranoia: Uint8Array;
  /** The distinct slots read by entry i are slots[slotFrom[i] .. slotFrom[i + 1]). */
  readonly slotFrom: Int32Array;
  readonly slots: Int32Array;
  /** Clauses of entry i are [clauseFrom[i], clauseFrom[i + 1]) in words/masks. */
  readonly clauseFrom: Int32Array;
  readonly words: Int32Array;
  readonly masks: Int32Array;
}

export const MARKER = 0;
export const RULE = 1;
export const FILTERED = 2;
/**
 * A rule whose only effect is control flow: one TX variable, no transformation, a static operator, no actions
 * besides `pass`/`skipAfter`, not logged (CRS's ~150 `SecRule TX:DETECTION_PARANOIA_LEVEL "@lt 2" ...
 * skipAfter:END-...` checks). The rule loop evaluates it inline: read the variable, test, set MATCHED_VAR, skip.
 */
export const TX_CHECK = 3;

/** What the plan reads of an entry (structural, to keep this file free of compile.ts). */
interface PlannableRule {
  readonly paranoiaLevel: number;
  readonly pf: RulePrefilter | null;
  readonly targets: readonly { readonly collection: string; readonly key: string | null; readonly count: boolean }[];
  readonly exclusions: ReadonlyMap<string, unknown>;
  readonly transforms: { readonly fns: readonly unknown[] };
  readonly operator: unknown;
  readonly setvars: readonly unknown[];
  readonly ctls: readonly unknown[];
  readonly chain: unknown;
  readonly disruptive: string | undefined;
  readonly msg: unknown;
  readonly logdata: unknown;
  readonly spec: { readonly log: boolean; readonly capture?: boolean; readonly multiMatch?: boolean; readonly anomaly?: unknown };
}

/** True for a rule TX_CHECK can evaluate inline (see there). */
function isTxCheck(e: PlannableRule): boolean {
  const t = e.targets;
  return t.length === 1 && t[0]!.collection === 'TX' && t[0]!.key !== null && !t[0]!.count && e.exclusions.size === 0
    && e.transforms.fns.length === 0 && e.operator !== null && e.setvars.length === 0 && e.ctls.length === 0
    && e.chain === null && (e.disruptive === undefined || e.disruptive === 'pass') && e.msg === null && e.logdata === null
    && !e.spec.log && e.spec.capture !== true && e.spec.multiMatch !== true && e.spec.anomaly === undefined;
}

/** Builds the plan of one phase list (after the prefilter has set `pf` on its rules). */
export function planPhase(list: readonly (PlannableRule | { readonly marker: string })[]): PhasePlan {
  const n = list.length;
  const kind = new Uint8Array(n);
  const paranoia = new Uint8Array(n);
  const slotFrom = new Int32Array(n + 1);
  const slots: number[] = [];
  const clauseFrom = new Int32Array(n + 1);
  const words: number[] = [];
  const masks: number[] = [];
  for (let i = 0; i < n; i++) {
    clauseFrom[i] = words.length;
    slotFrom[i] = slots.length;
    const e = list[i]!;
    if ('marker' in e) continue;
    paranoia[i] = Math.max(0, Math.min(255, e.paranoiaLevel | 0));
    const pf = e.pf;
    if (pf === null) {
      kind[i] = isTxCheck(e) ? TX_CHECK : RULE;
      continue;
    }
    kind[i] = FILTERED;
    for (const slot of new Set(pf.slots)) slots.push(slot);
    for (let c = 0; c < pf.words.length; c++) {
      words.push(pf.words[c]!);
      masks.push(pf.masks[c]!);
    }
  }
  clauseFrom[n] = words.length;
  slotFrom[n] = slots.length;
  return {
    kind, paranoia, clauseFrom, words: Int32Array.from(words), masks: Int32Array.from(masks), slotFrom, slots: Int32Array.from(slots),
  };
}
