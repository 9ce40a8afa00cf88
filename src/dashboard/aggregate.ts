/**
 * What the dashboard shows when it opens: totals, counts over time by category, top rules, top offending IPs
 * and the most recent events, kept from the WAF's events in bounded memory (fixed time buckets, a capped
 * LRU of IPs, rule ids bounded by the ruleset, a ring of recent events). The page then keeps them current
 * from the alert stream, applying the same rules (see page-script.ts).
 */
import { LRUCache } from 'lru-cache';
import { createRingBuffer } from '../alerts/ring-buffer.js';
import { categoryOf, highestSeverity } from '../alerts/severity.js';
import type { Alert, BanEvent, RateLimitEvent, UnbanEvent } from '../alerts/types.js';
import { GATE_FINDINGS } from '../middleware/gate.js';

/** A 429 emits `ratelimit` and a `block` carrying this finding: the dashboard counts it once, as rate-limited. */
export const RATELIMIT_RULE: number = GATE_FINDINGS.ratelimit.id;

export const BUCKET_MS = 10_000;
export const BUCKETS = 60;
const MAX_IPS = 10_000;
const MAX_RULES = 5_000;
const RECENT = 100;
const TOP = 10;

/** One line of the live feed: a summary, never request headers or bodies. */
export interface FeedItem {
  readonly type: 'alert' | 'block' | 'ban' | 'unban' | 'ratelimit';
  readonly key: string;
  readonly time: string;
  readonly ip: string;
  readonly category: string;
  readonly action: string;
  readonly method: string;
  readonly url: string;
  readonly score: number;
  readonly rules: readonly number[];
  readonly severity: string | null;
  readonly text: string;
}

export interface DashboardSnapshot {
  readonly totals: Readonly<Record<'alerts' | 'blocked' | 'detected' | 'ratelimited' | 'bans', number>>;
  readonly bucketMs: number;
  /** Oldest first; `t` is the bucket's start (epoch ms). */
  readonly timeline: readonly { readonly t: number; readonly counts: Readonly<Record<string, number>> }[];
  readonly topRules: readonly { readonly id: number; readonly message: string; readonly severity: string | null; readonly count: number }[];
  readonly topIps: readonly { readonly ip: string; readonly count: number; readonly last: string }[];
  readonly recent: readonly FeedItem[];
}

export interface DashboardAggregate {
  alert(a: Alert): void;
  block(a: Alert): void;
  ban(e: BanEvent): void;
  unban(e: UnbanEvent): void;
  ratelimit(e: RateLimitEvent): void;
  snapshot(now?: number): DashboardSnapshot;
}

/** The feed item for an event (the page builds the same shape from stream messages). */
export function feedItem(type: FeedItem['type'], data: Alert | BanEvent | UnbanEvent | RateLimitEvent): FeedItem {
  if (type === 'alert' || type === 'block') {
    const a = data as Alert;
    const top = a.matches[0];
    return {
      type, key: `${type}:${a.incidentId}`, time: a.time, ip: a.clientIp, category: categoryOf(a), action: a.action,
      method: a.method, url: a.url, score: a.score, rules: a.matches.map((m) => m.id), severity: highestSeverity(a) ?? null,
      text: top ? top.message : '',
    };
  }
  if (type === 'ratelimit') {
    const e = data as RateLimitEvent;
    return { type, key: `ratelimit:${e.clientIp}:${e.time}`, time: e.time, ip: e.clientIp, category: 'ratelimit', action: 'block', method: e.method, url: e.url, score: 0, rules: [], severity: null, text: `limit ${e.limit}: ${e.max} per ${e.windowMs} ms` };
  }
  if (type === 'ban') {
    const e = data as BanEvent;
    return { type, key: `ban:${e.ip}:${e.time}`, time: e.time, ip: e.ip, category: 'ban', action: 'ban', method: '', url: '', score: 0, rules: [], severity: null, text: `banned by ${e.jail} for ${Math.round(e.durationMs / 1000)} s: ${e.reason}` };
  }
  const e = data as UnbanEvent;
  return { type, key: `unban:${e.ip}:${e.time}`, time: e.time, ip: e.ip, category: 'unban', action: 'unban', method: '', url: '', score: 0, rules: [], severity: null, text: `unbanned (${e.reason})` };
}

export function createDashboardAggregate(): DashboardAggregate {
  const totals = { alerts: 0, blocked: 0, detected: 0, ratelimited: 0, bans: 0 };
  /** Bucket index (t / BUCKET_MS) → counts by category; at most BUCKETS kept. */
  const buckets = new Map<number, Record<string, number>>();
  const rules = new Map<number, { id: number; message: string; severity: string | null; count: number }>();
  const ips = new LRUCache<string, { count: number; last: string }>({ max: MAX_IPS });
  const recent = createRingBuffer<FeedItem>(RECENT);
  /** Incident ids seen as `alert`, so the `block` that follows the same transaction is not counted twice. */
  const seen = new LRUCache<string, true>({ max: 1000 });

  function count(time: string, category: string): void {
    const t = Date.parse(time);
    const i = Math.floor((Number.isFinite(t) ? t : Date.now()) / BUCKET_MS);
    let b = buckets.get(i);
    if (!b) {
      buckets.set(i, (b = {}));
      if (buckets.size > BUCKETS) {
        const oldest = Math.min(...buckets.keys());
        buckets.delete(oldest);
      }
    }
    b[category] = (b[category] ?? 0) + 1;
  }

  function offender(ip: string, time: string): void {
    const e = ips.get(ip);
    if (e) { e.count++; e.last = time; } else ips.set(ip, { count: 1, last: time });
  }

  function transaction(type: 'alert' | 'block', a: Alert): void {
    if (type === 'block' && seen.has(a.incidentId)) return; // its alert was counted (as blocked) already
    if (type === 'block' && a.matches[0]?.id === RATELIMIT_RULE) return; // counted by its ratelimit event
    if (type === 'alert') seen.set(a.incidentId, true);
    totals.alerts++;
    if (a.action === 'block') totals.blocked++;
    else if (a.action === 'detect') totals.detected++;
    count(a.time, categoryOf(a));
    offender(a.clientIp, a.time);
    for (const m of a.matches) {
      const r = rules.get(m.id);
      if (r) r.count++;
      else if (rules.size < MAX_RULES) rules.set(m.id, { id: m.id, message: m.message, severity: m.severity ?? null, count: 1 });
    }
    recent.push(feedItem(type, a));
  }

  return {
    alert: (a) => transaction('alert', a),
    block: (a) => transaction('block', a),
    ban(e) {
      totals.bans++;
      count(e.time, 'ban');
      recent.push(feedItem('ban', e));
    },
    unban(e) {
      recent.push(feedItem('unban', e));
    },
    ratelimit(e) {
      totals.ratelimited++;
      count(e.time, 'ratelimit');
      offender(e.clientIp, e.time);
      recent.push(feedItem('ratelimit', e));
    },
    snapshot(now = Date.now()) {
      const last = Math.floor(now / BUCKET_MS);
      const timeline = [];
      for (let i = last - BUCKETS + 1; i <= last; i++) timeline.push({ t: i * BUCKET_MS, counts: { ...(buckets.get(i) ?? {}) } });
      const topRules = [...rules.values()].sort((a, b) => b.count - a.count || a.id - b.id).slice(0, TOP).map((r) => ({ ...r }));
      const topIps = [...ips.entries()].map(([ip, v]) => ({ ip, count: v.count, last: v.last }))
        .sort((a, b) => b.count - a.count || (a.ip < b.ip ? -1 : 1)).slice(0, TOP);
      return { totals: { ...totals }, bucketMs: BUCKET_MS, timeline, topRules, topIps, recent: recent.last(RECENT) };
    },
  };
}
