import { compileChain, type CompiledChain } from '../transforms/cache.js';
import { transformTrait } from '../transforms/traits.js';
import type { TransformFn } from '../transforms/types.js';

/**
 * What a transformation chain does to a value that has none of its triggers (traits.ts): every step returns
 * its input unchanged, except the case-only steps, which only re-case ASCII letters (and re-casing adds or
 * removes no feature, so the other steps stay no-ops). Such a value comes out of the chain as the value itself,
 * or as the value run through the chain's case-only steps alone. The transaction uses this to skip the memo
 * lookups and the step calls for most values of most CRS chains (7-step chains on every argument and cookie).
 */
export interface ChainShortcut {
  /** Values whose features (traits.valueFeatures) share no bit with this mask take the shortcut. */
  readonly mask: number;
  /** The case-only steps to run on such a value, in chain order (null: the value comes out unchanged). */
  readonly caseChain: CompiledChain | null;
}

/** Per chain, computed once (null: some step has no trait, e.g. base64Decode, so the chain always runs). */
const SHORTCUTS = new WeakMap<CompiledChain, ChainShortcut | null>();

function build(chain: CompiledChain): ChainShortcut | null {
  let mask = 0;
  const caseNames: string[] = [];
  const caseFns = new Map<string, TransformFn>();
  for (let k = 0; k < chain.fns.length; k++) {
    const fn = chain.fns[k]!;
    const trait = transformTrait(fn);
    if (trait === undefined) return null;
    mask |= trait.triggers;
    if (trait.caseOnly) {
      const name = chain.names[k]!;
      caseNames.push(name);
      caseFns.set(name.toLowerCase(), fn);
    }
  }
  // The case-only sub-chain is a chain in its own right (its memo keys name exactly the steps it runs).
  const caseChain = caseNames.length === 0 ? null : compileChain(caseNames, (name) => caseFns.get(name.toLowerCase()));
  return { mask, caseChain };
}

/** The shortcut of a chain (see ChainShortcut), or null when it has none. */
export function chainShortcut(chain: CompiledChain): ChainShortcut | null {
  let s = SHORTCUTS.get(chain);
  if (s === undefined) {
    s = build(chain);
    SHORTCUTS.set(chain, s);
  }
  return s;
}
