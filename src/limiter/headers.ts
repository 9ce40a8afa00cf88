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

/** A limit that applied to a request, with its decision. */
export interface AppliedLimit {
  readonly name: string;
  readonly max: number;
  readonly windowMs: number;
  readonly check: LimitCheck;
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

/** The policy header is the same for every request the same limits apply to. */
const policies = new Map<string, string>();
const policyOf = (applied: readonly AppliedLimit[]): string => {
  let key = '';
  for (const a of applied) key += `${a.name}\u0000${a.max}\u0000${a.windowMs}\u0000`;
  let v = policies.get(key);
  if (v === undefined) {
    v = applied.map((a) => `${sfString(a.name)};q=${a.max};w=${secs(a.windowMs)}`).join(', ');
    if (policies.size < 1000) policies.set(key, v);
  }
  return v;
};

/** Sets the headers for the limits that applied; `tightest` is the one reported by drafts with a single policy. */
export function setRateLimitHeaders(res: ServerResponse, draft: RateLimitHeaders, applied: readonly AppliedLimit[], tightest: AppliedLimit): void {
  if (draft === false || res.headersSent) return;
  const { max, windowMs, check } = tightest;
  const w = secs(windowMs);
  if (draft === 'draft-8') {
    res.setHeader('RateLimit-Policy', policyOf(applied));
    res.setHeader('RateLimit', applied.length === 1
      ? `${sfString(tightest.name)};r=${check.remaining};t=${secs(check.resetMs)}`
      : applied.map((a) => `${sfString(a.name)};r=${a.check.remaining};t=${secs(a.check.resetMs)}`).join(', '));
  } else if (draft === 'draft-7') {
    res.setHeader('RateLimit-Policy', `${max};w=${w}`);
    res.setHeader('RateLimit', `limit=${max}, remaining=${check.remaining}, reset=${secs(check.resetMs)}`);
  } else {
    res.setHeader('RateLimit-Policy', `${max};w=${w}`);
    res.setHeader('RateLimit-Limit', String(max));
    res.setHeader('RateLimit-Remaining', String(check.remaining));
    res.setHeader('RateLimit-Reset', String(secs(check.resetMs)));
  }
}

/** Seconds for Retry-After: at least 1 (a 0 would invite an immediate retry that is refused again). */
export function retryAfterSeconds(check: LimitCheck): number {
  return Math.max(1, Math.ceil(check.retryAfterMs / 1000));
}
