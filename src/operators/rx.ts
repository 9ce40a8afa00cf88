import { operatorError } from './operator-error.js';
import { regexPrefilter } from './regex-prefilter.js';
import type { CompiledOperator, OperatorFactory, OperatorPrefilter } from './types.js';
import { budgetPlanFor } from './rx-budget.js';
import { createWindowedRx } from './rx-windowed.js';

/** Flags the registry's @rx uses when the rule gives none: dotAll, as PCRE_DOTALL in ModSecurity. */
export const DEFAULT_RX_FLAGS = 's';

/** Groups written to captures: `captures[0]` the whole match, `[1..9]` groups (TX.0-TX.9). */
const MAX_CAPTURES = 10;

/**
 * Compiles `@rx`. `source` is JavaScript regex syntax (translated from PCRE upstream). `g` and `y` are
 * dropped from `flags`: they would make `test` stateful through `lastIndex`. Without `captures` the
 * operator calls `RegExp.prototype.test`; with them, `exec`, and unmatched groups capture ''.
 */
export function createRx(source: string, flags: string = DEFAULT_RX_FLAGS): CompiledOperator {
  const cleanFlags = flags.replace(/[gy]/g, '');
  let re: RegExp;
  try {
    re = new RegExp(source, cleanFlags);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw operatorError('rx', source, `does not compile as a JavaScript regex with flags "${cleanFlags}": ${reason}`, err);
  }
  // Patterns measured super-linear (rx-cost-table.ts) run within a window/work budget (rx-budget.ts).
  const plan = budgetPlanFor(source, cleanFlags);
  if (plan !== null) return createWindowedRx(re, source, cleanFlags, plan, MAX_CAPTURES);
  let pf: OperatorPrefilter | null | undefined; // derived once: a skeleton predicate builds automata
  const prefilter = (): OperatorPrefilter | null => (pf === undefined ? (pf = regexPrefilter(source, cleanFlags)) : pf);
  // `^.*$` with dotAll matches every value whole, whatever the other flags (CRS 920450 runs it, with capture,
  // on every request header name): the match is the value itself, without a RegExp run and its result array.
  if (source === '^.*$' && cleanFlags.includes('s')) {
    return {
      test(value: string, captures?: string[]): boolean {
        if (captures !== undefined) {
          captures[0] = value;
          captures.length = 1;
        }
        return true;
      },
      prefilter,
    };
  }
  return {
    test(value: string, captures?: string[]): boolean {
      if (captures === undefined) return re.test(value);
      const m = re.exec(value);
      if (m === null) return false;
      const count = Math.min(m.length, MAX_CAPTURES);
      for (let i = 0; i < count; i++) captures[i] = m[i] ?? '';
      captures.length = count;
      return true;
    },
    prefilter,
  };
}

/** The registry entry: `@rx` with the default flags. */
export const rxOperator: OperatorFactory = (param) => createRx(param, DEFAULT_RX_FLAGS);
