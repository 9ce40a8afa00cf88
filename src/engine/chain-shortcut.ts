import { applyChain, applyChainSteps, compileChain, type CompiledChain, type TransformCache } from '../transforms/cache.js';
import { transformTrait } from '../transforms/traits.js';
import type { TransformFn } from '../transforms/types.js';

/**
 * Shortcuts through a transformation chain, from the traits of its steps (traits.ts): a step with a trait
 * returns its input unchanged when the value has none of its triggers, except the case-only steps, which only
 * re-case ASCII letters (and re-casing adds or removes no feature, so the other steps stay no-ops).
 *
 * - A value without any trigger of an all-trait chain comes out unchanged, or run through the case-only steps
 *   alone.
 * - Otherwise the leading steps that cannot change the value are skipped: the rest of the chain gets the value
 *   itself (its memo keys name exactly the steps it runs, so sharing with other chains stays right).
 * - A chain with a step without trait (base64Decode, which changes nearly every value) is split there: past it,
 *   short values are computed without the memo (cheaper than memoising each step of a fresh string; 3x on CRS
 *   934100), long ones keep it so several rules never decode the same megabyte twice.
 *
 * Results are exactly those of `applyChain` / `applyChainSteps` (test/unit/engine/chain-shortcut.test.ts).
 */
export interface ChainShortcut {
  /** Triggers of all steps (meaningful when `tailAt` is -1). */
  readonly mask: number;
  /** The case-only steps, in chain order, for an all-trait chain that has some (else null). */
  readonly caseChain: CompiledChain | null;
  /** Per step: its triggers when it can be skipped on a value without them (trait, not case-only), else -1. */
  readonly skipUnless: readonly number[];
  /** Index of the first step without trait, or -1. */
  readonly tailAt: number;
}

interface Plan extends ChainShortcut {
  readonly chain: CompiledChain;
  /** Sub-chains from step k to the end, and from step k to tailAt (built on first use). */
  readonly suffixes: (CompiledChain | undefined)[];
  readonly heads: (CompiledChain | undefined)[];
}

/** Values this long or longer keep the memo past a step without trait (see above). */
const TAIL_MEMO_MIN_LENGTH = 256;

/** Per chain, computed once. */
const PLANS = new WeakMap<CompiledChain, Plan>();

/** A chain of the given steps of `chain`, in order (its memo keys name exactly the steps it runs). */
function subChain(chain: CompiledChain, steps: readonly number[]): CompiledChain {
  const fns = new Map<string, TransformFn>();
  for (const k of steps) fns.set(chain.names[k]!.toLowerCase(), chain.fns[k]!);
  return compileChain(steps.map((k) => chain.names[k]!), (name) => fns.get(name.toLowerCase()));
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, j) => from + j);

function build(chain: CompiledChain): Plan {
  let mask = 0;
  let tailAt = -1;
  const caseSteps: number[] = [];
  const skipUnless: number[] = [];
  for (let k = 0; k < chain.fns.length; k++) {
    const trait = transformTrait(chain.fns[k]!);
    if (trait === undefined) {
      if (tailAt < 0) tailAt = k;
      skipUnless.push(-1);
      continue;
    }
    mask |= trait.triggers;
    if (trait.caseOnly) caseSteps.push(k);
    skipUnless.push(trait.caseOnly ? -1 : trait.triggers);
  }
  const caseChain = tailAt < 0 && caseSteps.length !== 0 ? subChain(chain, caseSteps) : null;
  return { chain, mask, caseChain, skipUnless, tailAt, suffixes: [chain], heads: [] };
}

function planOf(chain: CompiledChain): Plan {
  let p = PLANS.get(chain);
  if (p === undefined) {
    p = build(chain);
    PLANS.set(chain, p);
  }
  return p;
}

/** The shortcut data of a chain (see ChainShortcut). */
export function chainShortcut(chain: CompiledChain): ChainShortcut {
  return planOf(chain);
}

function suffix(p: Plan, k: number): CompiledChain {
  return (p.suffixes[k] ??= subChain(p.chain, range(k, p.chain.fns.length)));
}

function head(p: Plan, k: number): CompiledChain {
  return (p.heads[k] ??= subChain(p.chain, range(k, p.tailAt)));
}

/** Index of the first step that may change the value (its features `f`). */
function firstActive(p: Plan, f: number): number {
  const skip = p.skipUnless;
  let k = 0;
  while (k < skip.length && skip[k]! >= 0 && (skip[k]! & f) === 0) k++;
  return k;
}

/**
 * `applyChain`, with the shortcuts. Same result, always; `features` gives traits.valueFeatures of a value
 * (the caller memoises it) and is called only when useful.
 */
export function runChain(chain: CompiledChain, value: string, features: (value: string) => number, cache?: TransformCache): string {
  const n = chain.fns.length;
  if (n === 0) return value;
  const p = planOf(chain);
  let k = 0;
  if (p.skipUnless[0]! >= 0 || (p.tailAt < 0 && p.caseChain !== null)) {
    const f = features(value);
    if (p.tailAt < 0 && (f & p.mask) === 0) return p.caseChain === null ? value : applyChain(p.caseChain, value, cache);
    k = firstActive(p, f);
    if (k === n) return value;
  }
  if (p.tailAt < 0 || value.length >= TAIL_MEMO_MIN_LENGTH) return applyChain(suffix(p, k), value, cache);
  const mid = k < p.tailAt ? applyChain(head(p, k), value, cache) : value;
  return applyChain(suffix(p, p.tailAt), mid);
}

/**
 * `applyChainSteps` (the values a multiMatch rule tests: the value, then every change), with the same
 * shortcuts: steps that cannot change the value add nothing to the list.
 */
export function runChainSteps(chain: CompiledChain, value: string, features: (value: string) => number, cache?: TransformCache): string[] {
  const n = chain.fns.length;
  if (n === 0) return [value];
  const p = planOf(chain);
  let k = 0;
  if (p.skipUnless[0]! >= 0 || (p.tailAt < 0 && p.caseChain !== null)) {
    const f = features(value);
    if (p.tailAt < 0 && (f & p.mask) === 0) return p.caseChain === null ? [value] : applyChainSteps(p.caseChain, value, cache);
    k = firstActive(p, f);
    if (k === n) return [value];
  }
  if (p.tailAt < 0 || value.length >= TAIL_MEMO_MIN_LENGTH) return applyChainSteps(suffix(p, k), value, cache);
  const first = k < p.tailAt ? applyChainSteps(head(p, k), value, cache) : [value];
  const rest = applyChainSteps(suffix(p, p.tailAt), first[first.length - 1]!);
  for (let j = 1; j < rest.length; j++) first.push(rest[j]!);
  return first;
}
