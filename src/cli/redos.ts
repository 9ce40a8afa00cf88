/**
 * Regexes that are slow on hostile input (ReDoS), found with `recheck` (an automaton analysis with a fuzzing
 * fallback). Each pattern gets a time budget; a pattern the checker cannot settle within it is reported as
 * unchecked, not as safe. recheck is loaded only when `lint` needs it.
 */
export interface RegexVerdict {
  readonly status: 'safe' | 'vulnerable' | 'unknown';
  /** `exponential` or `polynomial` (with its degree) when vulnerable. */
  readonly complexity?: string;
  /** A hostile input that triggers the backtracking (shortened for display). */
  readonly attack?: string;
  /** Why the checker could not decide (timeout, unsupported syntax). */
  readonly reason?: string;
}

type Check = (source: string, flags: string, params: { timeout: number }) => Promise<{
  status: 'safe' | 'vulnerable' | 'unknown';
  complexity?: { type: string; degree?: number; summary: string };
  attack?: { string: string };
  error?: { kind: string; message?: string };
}>;

let checker: Promise<Check> | undefined;

async function loadChecker(): Promise<Check> {
  const mod = (await import('recheck')) as unknown as { check: Check };
  return mod.check;
}

const show = (s: string): string => {
  const short = s.length > 80 ? `${s.slice(0, 80)}… (${s.length} chars)` : s;
  return JSON.stringify(short);
};

/** Checks one pattern (JavaScript syntax and flags) within `budgetMs`. */
export async function checkRegex(source: string, flags: string, budgetMs: number): Promise<RegexVerdict> {
  const check = await (checker ??= loadChecker());
  // recheck knows the flags gimsuy; others (d, v) do not change backtracking.
  const f = [...new Set(flags)].filter((c) => 'gimsuy'.includes(c)).join('');
  const d = await check(source, f, { timeout: budgetMs });
  if (d.status === 'vulnerable') {
    const c = d.complexity;
    return {
      status: 'vulnerable',
      complexity: c ? (c.type === 'polynomial' ? c.summary : c.type) : 'unknown',
      ...(d.attack ? { attack: show(d.attack.string) } : {}),
    };
  }
  if (d.status === 'unknown') return { status: 'unknown', reason: d.error ? (d.error.message ?? d.error.kind) : 'undecided' };
  return { status: 'safe' };
}

/** Checks patterns with at most `concurrency` checks at a time; results in input order. */
export async function checkRegexes(
  patterns: readonly { readonly source: string; readonly flags: string }[], budgetMs: number, concurrency = 2,
): Promise<RegexVerdict[]> {
  const out: RegexVerdict[] = new Array(patterns.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < patterns.length) {
      const i = next++;
      const p = patterns[i]!;
      try {
        out[i] = await checkRegex(p.source, p.flags, budgetMs);
      } catch (err) {
        out[i] = { status: 'unknown', reason: (err as Error).message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, patterns.length)) }, worker));
  return out;
}
