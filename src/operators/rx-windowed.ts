import { regexPrefilter } from './regex-prefilter.js';
import type { CompiledOperator, OperatorPrefilter } from './types.js';
import { currentRegexMeter, noteExceeded, rightOpenSource, VALUE_MS, type RegexBudgetPlan } from './rx-budget.js';

/** Work a windowed operator did on its last value (for tests and profiling). */
export interface WindowedStats {
  /** RegExp runs on the last value. */
  runs: number;
  /** Longest span of bytes one run could search (its end minus its start). */
  longestSpan: number;
  /** The value was examined only in part (maxWindows or VALUE_MS reached). */
  truncated: boolean;
}

export interface WindowedRx extends CompiledOperator {
  readonly plan: RegexBudgetPlan;
  readonly stats: WindowedStats;
}

/** Literal clauses an in-operator check tests at most (each costs one pass over the value per literal). */
const CHECK_LITERALS_MAX = 16;

interface Checks {
  /** Literal clauses, lower-cased, tested with `includes` on the lower-cased value. */
  readonly literals: string[][];
  /** Predicate clauses, tested on the value as is. */
  readonly predicates: ((value: string) => boolean)[];
}

/**
 * The prefilter's clauses in a form `mayMatch` tests: literal clauses with `includes` on a lower-cased value
 * (lower-casing both sides keeps the check necessary: an ASCII-case-insensitive occurrence survives
 * `toLowerCase`), predicate clauses (one pass each) as they are. Null: no check.
 */
function valueChecks(pf: OperatorPrefilter | null): Checks | null {
  if (pf === null) return null;
  const literals: string[][] = [];
  const predicates: ((value: string) => boolean)[] = [];
  for (const c of pf.clauses) {
    if (c.kind === 'predicate') {
      predicates.push(c.test);
      continue;
    }
    if (c.literals.length === 0 || c.literals.length > CHECK_LITERALS_MAX) continue;
    literals.push(c.literals.map((l) => l.toLowerCase()));
  }
  return literals.length === 0 && predicates.length === 0 ? null : { literals, predicates };
}

function fill(m: RegExpExecArray, captures: string[], max: number): void {
  const count = Math.min(m.length, max);
  for (let i = 0; i < count; i++) captures[i] = m[i] ?? '';
  captures.length = count;
}

/**
 * `@rx` for a pattern measured super-linear: runs it within `plan` (see rx-budget.ts for the guarantees).
 * `re` is the plain compiled pattern (no g/y), used as is for values up to `plan.whole` bytes.
 */
export function createWindowedRx(re: RegExp, source: string, flags: string, plan: RegexBudgetPlan, maxCaptures: number): WindowedRx {
  let whole: RegExp | null = null; // g variant: the final window, which ends where the value ends
  let open: RegExp | null | undefined; // g variant for windows ending before the value does
  const stats: WindowedStats = { runs: 0, longestSpan: 0, truncated: false };
  // V8 compiles a RegExp on its first runs (tens of ms for the largest CRS patterns): the first whole-value test
  // and the first windowed test are not charged to the transaction, and a value's time starts after its first window.
  let wholeWarm = false;
  let windowsWarm = false;

  // Before windowing a long value: its prefilter (required literals and predicates, which the engine also checks
  // when it can), so that a value that cannot match runs no window at all.
  let pf: OperatorPrefilter | null | undefined;
  const prefilter = (): OperatorPrefilter | null => (pf === undefined ? (pf = regexPrefilter(source, flags)) : pf);
  let checks: Checks | null | undefined;
  const mayMatch = (value: string): boolean => {
    if (checks === undefined) checks = valueChecks(prefilter());
    if (checks === null) return true;
    const lower = value.toLowerCase();
    for (const clause of checks.literals) {
      let hit = false;
      for (const l of clause) {
        if (lower.includes(l)) {
          hit = true;
          break;
        }
      }
      if (!hit) return false;
    }
    for (const test of checks.predicates) if (!test(value)) return false;
    return true;
  };

  const run = (r: RegExp, text: string, from: number, captures: string[] | undefined): boolean => {
    stats.runs++;
    stats.longestSpan = Math.max(stats.longestSpan, text.length - from);
    r.lastIndex = from;
    const m = r.exec(text);
    if (m === null) return false;
    if (captures !== undefined) fill(m, captures, maxCaptures);
    return true;
  };

  /** The value is examined only in part: reported to the transaction meter (which flags TX). */
  const truncate = (): false => {
    stats.truncated = true;
    const meter = currentRegexMeter();
    if (meter) {
      meter.truncated++;
      noteExceeded(meter);
    }
    return false;
  };

  const windows = (value: string, captures: string[] | undefined): boolean => {
    whole ??= new RegExp(source, `${flags}g`);
    if (open === undefined) {
      const o = rightOpenSource(source, flags.includes('m'));
      open = o === null ? null : new RegExp(o, `${flags}g`);
    }
    let started = 0;
    for (let s = 0, n = 0; ; s += plan.step, n++) {
      if (n === 1) started = performance.now();
      if (n >= plan.maxWindows || (n > 1 && (currentRegexMeter()?.exhausted === true || performance.now() - started > VALUE_MS))) {
        return truncate();
      }
      const end = s + plan.window;
      if (end >= value.length) return run(whole, value, s, captures);
      if (open === null) return truncate(); // no sound right-open form (lookahead, backreference)
      if (run(open, value.slice(0, end), s, captures)) return true;
    }
  };

  return {
    plan,
    stats,
    test(value: string, captures?: string[]): boolean {
      stats.runs = 0;
      stats.longestSpan = 0;
      stats.truncated = false;
      const meter = currentRegexMeter();
      if (meter !== null && meter.exhausted) return false;
      // Short values cost a few µs at worst (plan.untimed): not worth two clock reads each.
      const inWhole = value.length <= plan.whole;
      const timed = meter !== null && value.length > plan.untimed && (inWhole ? wholeWarm : windowsWarm);
      const t0 = timed ? performance.now() : 0;
      try {
        if (inWhole) {
          wholeWarm = true;
          stats.runs = 1;
          stats.longestSpan = value.length;
          if (captures === undefined) return re.test(value);
          const m = re.exec(value);
          if (m === null) return false;
          fill(m, captures, maxCaptures);
          return true;
        }
        if (!mayMatch(value)) return false;
        windowsWarm = true;
        return windows(value, captures);
      } finally {
        if (timed) {
          meter.spentNs += (performance.now() - t0) * 1e6;
          if (meter.spentNs > meter.limitNs) { meter.exhausted = true; noteExceeded(meter); }
        }
      }
    },
    prefilter,
  };
}
