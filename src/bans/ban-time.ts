/**
 * Ban durations for repeat offenders, after fail2ban's `bantime.increment`:
 *   duration = max(banTime, banTime * 2^min(count, 20) * factor)   capped at maxTime
 * where `count` is the number of earlier bans of the IP; or, with `multipliers`, banTime * factor *
 * multipliers[min(count, last)]. `rndTime` adds up to that many random ms so a botnet cannot compute the unban time.
 * banTime -1 is permanent. Golden vectors from fail2ban's observer tests are in test/unit/bans/ban-time.test.ts.
 */
export interface BanTimePolicy {
  readonly banTimeMs: number;
  readonly increment: boolean;
  readonly factor: number;
  readonly maxTimeMs: number;
  readonly multipliers: readonly number[] | undefined;
  readonly rndTimeMs: number;
}

export function banDuration(p: BanTimePolicy, previousCount: number, random: () => number = Math.random): number {
  if (p.banTimeMs < 0) return -1;
  let ms = p.banTimeMs;
  if (p.increment && previousCount > 0) {
    const m = p.multipliers;
    const grown = m && m.length > 0
      ? p.banTimeMs * p.factor * m[Math.min(previousCount, m.length - 1)]!
      : p.banTimeMs * 2 ** Math.min(previousCount, 20) * p.factor;
    ms = Math.min(p.maxTimeMs, Math.max(p.banTimeMs, Math.floor(grown)));
  }
  if (p.rndTimeMs > 0) ms += Math.floor(random() * p.rndTimeMs);
  return ms;
}

/**
 * How much one failure of a known offender counts (fail2ban's observer: "one try will count than 2, 3, 5, 9 ..."):
 * 2^count/2 + 1, capped at maxRetry, so a repeat offender is banned again sooner.
 */
export function failureWeight(previousCount: number, maxRetry: number): number {
  if (previousCount <= 0) return 1;
  return Math.min(maxRetry, Math.floor(2 ** Math.min(previousCount, 20) / 2) + 1);
}
