/**
 * Severity order and the summary facts consumers filter and group alerts by: the highest severity among an
 * alert's matches, its tags, and its attack category.
 */
import type { Severity } from '../rules/types.js';
import type { Alert } from './types.js';

/** Severities from least to most severe (ModSecurity's 0 = emergency ... 7 = debug, reversed). */
export const SEVERITY_ORDER: readonly Severity[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

const RANK: ReadonlyMap<string, number> = new Map(SEVERITY_ORDER.map((s, i) => [s, i]));

/** 0 (debug) .. 7 (emergency); -1 for undefined or unknown. */
export function severityRank(s: string | undefined): number {
  return s === undefined ? -1 : RANK.get(s) ?? -1;
}

export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && RANK.has(s);
}

/** The most severe severity among the alert's matches, or undefined when none carries one. */
export function highestSeverity(alert: Alert): Severity | undefined {
  let best = -1;
  for (const m of alert.matches) {
    const r = severityRank(m.severity);
    if (r > best) best = r;
  }
  return best < 0 ? undefined : SEVERITY_ORDER[best];
}

/**
 * The alert's attack category, from the first `attack-*` tag of its highest-scoring match (`attack-sqli` → `sqli`);
 * for Portcullis' own findings the rest of their `portcullis-*` tag (`limit`, `ban`, `deny`, `ratelimit`); else `other`. Bounded by the ruleset's tags, so safe to group and count by.
 */
export function categoryOf(alert: Alert): string {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of alert.matches) {
    for (const t of m.tags) {
      if (t.startsWith('attack-') && t.length > 7) {
        if (m.score > bestScore) { best = t.slice(7); bestScore = m.score; }
        break;
      }
      if (best === undefined && t.startsWith('portcullis-') && t.length > 11) best = t.slice(11); // limit, ban, deny, ratelimit
    }
  }
  return best ?? 'other';
}
