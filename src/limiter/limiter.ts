/**
 * Per-key rate limits over a CounterStore. A request is counted against every limit whose scope matches it (the
 * global limit, if any, and each matching route limit); it is refused when any of them is exhausted. The key is the
 * client IP by default (IPv6 reduced to its /56, see src/bans/ip.ts), or what a key function returns.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ipKey } from '../bans/ip.js';
import type { CounterStore, LimitCheck } from '../stores/types.js';
import { limitPolicy, type AppliedLimit } from './headers.js';

export type KeyFunction = (req: IncomingMessage, clientIp: string) => string | undefined;

export interface CompiledLimit {
  readonly name: string;
  readonly max: number;
  readonly windowMs: number;
  readonly key: KeyFunction | undefined;
  matches(method: string, path: string): boolean;
}

export interface LimitOutcome {
  readonly applied: readonly AppliedLimit[];
  /** The refusing limit (with the longest wait), or undefined when every limit allowed the request. */
  readonly refused: AppliedLimit | undefined;
  /** The limit with the fewest remaining requests (what single-policy headers report). */
  readonly tightest: AppliedLimit;
  readonly key: string;
}

export interface Limiter {
  /** undefined when no limit applies (no await, no headers). */
  check(req: IncomingMessage, clientIp: string): LimitOutcome | Promise<LimitOutcome> | undefined;
}

/** The matcher of a limit without method or path: it matches every request, so the limiter does not call it. */
const anyRoute = (): boolean => true;

/** Route scope like exclusions': exact path (case-insensitive, trailing slash ignored), `prefix*`, or a RegExp. */
export function compileRoute(method: string | readonly string[] | undefined, path: string | RegExp | undefined): (method: string, path: string) => boolean {
  const methods = method === undefined ? null : new Set((typeof method === 'string' ? [method] : method).map((m) => m.toUpperCase()));
  let test: ((p: string) => boolean) | null = null;
  if (path instanceof RegExp) {
    const re = new RegExp(path.source, path.flags.replace(/[gy]/g, ''));
    test = (p) => re.test(p);
  } else if (typeof path === 'string') {
    if (path.endsWith('*')) {
      const prefix = path.slice(0, -1).toLowerCase();
      test = (p) => p.toLowerCase().startsWith(prefix);
    } else {
      const exact = path.toLowerCase().replace(/\/+$/, '') || '/';
      test = (p) => (p.toLowerCase().replace(/\/+$/, '') || '/') === exact;
    }
  }
  if (test === null) {
    if (methods === null) return anyRoute;
    return (m) => methods.has(m.toUpperCase());
  }
  const t = test;
  // A percent-encoded path (`/%6Cogin`) reaches the same route: test the decoded form too.
  return (m, p) => (methods === null || methods.has(m.toUpperCase())) && (t(p) || (p.includes('%') && t(decodePath(p))));
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

const MAX_KEY_LENGTH = 200;

/** Keys from key functions are bounded: a long one is replaced by its hash. */
function boundKey(k: string): string {
  return k.length <= MAX_KEY_LENGTH ? k : `#${createHash('sha256').update(k).digest('base64url')}`;
}

export function createLimiter(limits: readonly CompiledLimit[], store: CounterStore, ipv6Subnet: number): Limiter {
  // What does not change per request, computed once per limit: the store key prefix and the header parts.
  const prepared = limits.map((l) => ({
    limit: l, prefix: `${l.name}\u0000`, policy: limitPolicy(l.name, l.max, l.windowMs), always: l.matches === anyRoute,
    // The last client IP and its keys: the same client again (keep-alive, a burst) reuses the store key string,
    // whose hash V8 has already computed, instead of parsing and concatenating anew.
    lastIp: '', lastKey: '', lastStoreKey: '',
  }));
  // The path is needed only when some limit is scoped to routes.
  const needsPath = prepared.some((p) => !p.always);
  return {
    check(req, clientIp) {
      let method = '';
      let path = '';
      if (needsPath) {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        path = q === -1 ? url : url.slice(0, q);
        method = req.method ?? 'GET';
      }
      let applied: AppliedLimit[] | undefined;
      let pending: Promise<unknown>[] | undefined;
      let firstKey = '';
      for (const p of prepared) {
        const { limit, prefix, policy, always } = p;
        if (!always && !limit.matches(method, path)) continue;
        let key: string | undefined;
        let storeKey: string;
        if (!limit.key) {
          if (clientIp !== p.lastIp || p.lastIp === '') {
            p.lastKey = boundKey(ipKey(clientIp, ipv6Subnet));
            p.lastStoreKey = prefix + p.lastKey;
            p.lastIp = clientIp;
          }
          key = p.lastKey;
          storeKey = p.lastStoreKey;
        } else {
          try {
            key = limit.key(req, clientIp);
          } catch {
            key = ipKey(clientIp, ipv6Subnet);
          }
          if (typeof key !== 'string') continue; // the key function skips this request
          key = boundKey(key);
          storeKey = prefix + key;
        }
        if (firstKey === '') firstKey = key;
        const r = store.consume(storeKey, limit.max, limit.windowMs);
        const a: AppliedLimit = { name: limit.name, max: limit.max, windowMs: limit.windowMs, check: r instanceof Promise ? PENDING : r, policy };
        // A literal for the first: most requests meet one limit (push on [] would reserve 17 slots).
        if (applied === undefined) applied = [a];
        else applied.push(a);
        if (r instanceof Promise) {
          const list = applied;
          const i = list.length - 1;
          (pending ??= []).push(r.then((check) => { list[i] = { ...list[i]!, check }; }));
        }
      }
      if (applied === undefined) return undefined;
      const done = applied;
      if (pending) return Promise.all(pending).then(() => outcome(done, firstKey));
      return outcome(done, firstKey);
    },
  };
}

const PENDING: LimitCheck = { allowed: true, remaining: 0, resetMs: 0, retryAfterMs: 0 };

function outcome(applied: AppliedLimit[], key: string): LimitOutcome {
  let refused: AppliedLimit | undefined;
  let tightest = applied[0]!;
  for (const a of applied) {
    if (!a.check.allowed && (refused === undefined || a.check.retryAfterMs > refused.check.retryAfterMs)) refused = a;
    if (a.check.remaining < tightest.check.remaining) tightest = a;
  }
  return { applied, refused, tightest: refused ?? tightest, key };
}
