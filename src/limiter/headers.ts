/**
 * IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers). Three drafts are in use:
 *   draft-6: RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset (+ RateLimit-Policy: 100;w=60)
 *   draft-7: RateLimit: limit=100, remaining=25, reset=5   and   RateLimit-Policy: 100;w=60
 *   draft-8: RateLimit-Policy: "name";q=100;w=60   and   RateLimit: "name";r=25;t=5   (structured fields, named)
 * The default is draft-8; `rateLimit.headers` picks another or `false` for none. Retry-After (RFC 9110) is sent
 * on every 429 whatever the draft.
 */
import type { ServerResponse } from 'node:http';
import type { LimitCheck } from '../stores/types.js';

export type RateLimitHeaders = 'draft-6' | 'draft-7' | 'draft-8' | false;

/** The fixed header parts of one limit (computed once per limit: see limitPolicy). */
export interface LimitPolicy {
  /** The name as an sf-string. */
  readonly sf: string;
  /** draft-8 policy item: `"name";q=100;w=60`. */
  readonly item: string;
  /** draft-6/7 policy: `100;w=60`. */
  readonly simple: string;
  readonly max: string;
}

/** A limit that applied to a request, with its decision. */
export interface AppliedLimit {
  readonly name: string;
  readonly max: number;
  readonly windowMs: number;
  readonly check: LimitCheck;
  /** The limit's header parts (the limiter passes them; computed here when absent). */
  readonly policy?: LimitPolicy | undefined;
}

const secs = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/** Policy names become sf-strings: keep them to a safe alphabet (memoised: names are few and fixed). */
const sfNames = new Map<string, string>();
const sfString = (s: string): string => {
  let v = sfNames.get(s);
  if (v === undefined) {
    v = `"${s.replace(/[^A-Za-z0-9_.:/-]/g, '_').slice(0, 64)}"`;
    if (sfNames.size < 1000) sfNames.set(s, v);
  }
  return v;
};

/** The header parts of a limit, which are the same for every request it applies to. */
export function limitPolicy(name: string, max: number, windowMs: number): LimitPolicy {
  const sf = sfString(name);
  const w = secs(windowMs);
  return { sf, item: `${sf};q=${max};w=${w}`, simple: `${max};w=${w}`, max: String(max) };
}

const policyOf = (a: AppliedLimit): LimitPolicy => a.policy ?? limitPolicy(a.name, a.max, a.windowMs);

/**
 * The draft-8 `RateLimit` value of one limit, remembered for the last (name, remaining, reset): a client that is far
 * from its limit, or many requests within the same second, get the same value again, built and flattened once.
 */
let lastSf = '';
let lastRemaining = -1;
let lastReset = -1;
let lastValue = '';
function singleValue(sf: string, remaining: number, reset: number): string {
  if (remaining !== lastRemaining || reset !== lastReset || sf !== lastSf) {
    lastSf = sf;
    lastRemaining = remaining;
    lastReset = reset;
    lastValue = `${sf};r=${remaining};t=${reset}`;
  }
  return lastValue;
}

/** Sets the headers for the limits that applied; `tightest` is the one reported by drafts with a single policy. */
export function setRateLimitHeaders(res: ServerResponse, draft: RateLimitHeaders, applied: readonly AppliedLimit[], tightest: AppliedLimit): void {
  if (draft === false || res.headersSent) return;
  const { check } = tightest;
  if (draft === 'draft-8') {
    if (applied.length === 1) {
      res.setHeader('RateLimit-Policy', policyOf(applied[0]!).item);
      res.setHeader('RateLimit', singleValue(policyOf(tightest).sf, check.remaining, secs(check.resetMs)));
    } else {
      res.setHeader('RateLimit-Policy', applied.map((a) => policyOf(a).item).join(', '));
      res.setHeader('RateLimit', applied.map((a) => `${policyOf(a).sf};r=${a.check.remaining};t=${secs(a.check.resetMs)}`).join(', '));
    }
  } else if (draft === 'draft-7') {
    const p = policyOf(tightest);
    res.setHeader('RateLimit-Policy', p.simple);
    res.setHeader('RateLimit', `limit=${p.max}, remaining=${check.remaining}, reset=${secs(check.resetMs)}`);
  } else {
    const p = policyOf(tightest);
    res.setHeader('RateLimit-Policy', p.simple);
    res.setHeader('RateLimit-Limit', p.max);
    res.setHeader('RateLimit-Remaining', String(check.remaining));
    res.setHeader('RateLimit-Reset', String(secs(check.resetMs)));
  }
}

/** Seconds for Retry-After: at least 1 (a 0 would invite an immediate retry that is refused again). */
export function retryAfterSeconds(check: LimitCheck): number {
  return Math.max(1, Math.ceil(check.retryAfterMs / 1000));
}
