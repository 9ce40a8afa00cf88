/**
 * Jails and the ban list (fail2ban semantics, HARDENING §5):
 *   - a jail bans an IP once its failures within `findTimeMs` weigh `maxRetry` (an exact sliding log, stricter than
 *     fail2ban's rescaled counter; failures exactly findTime old no longer count);
 *   - a known offender's failure weighs 2^count/2 + 1 (capped at maxRetry), so it is banned again sooner;
 *   - ban times grow with the offence count (src/bans/ban-time.ts); history is kept `historyMs`;
 *   - ignore lists (per jail and global) are never banned by a jail, and are dropped from restored snapshots;
 *   - a failure of an IP that is already banned is not counted; concurrent failures ban once;
 *   - `unban` also clears the IP's history and failure logs, so its next ban starts from banTime again.
 * What counts as a failure is per jail: WAF blocks, rate-limit refusals, and/or `waf.strike()`.
 */
import type { BanEvent, UnbanEvent } from '../alerts/types.js';
import { PortcullisError } from '../errors.js';
import type { BanEntry, BanStore, CounterStore } from '../stores/types.js';
import { banDuration, failureWeight, type BanTimePolicy } from './ban-time.js';
import type { IpList } from './ip-list.js';
import { normalizeIp } from './ip.js';

export type FailureKind = 'block' | 'ratelimit' | 'strike';

export interface JailConfig {
  readonly name: string;
  readonly maxRetry: number;
  readonly findTimeMs: number;
  readonly policy: BanTimePolicy;
  readonly ignore: IpList;
  readonly failures: ReadonlySet<FailureKind>;
}

export interface BanManagerHost {
  ban(event: BanEvent): void;
  unban(event: UnbanEvent): void;
  fail(err: unknown): void;
}

export interface BanManager {
  /** The active ban of `ip`, synchronously (a map lookup). */
  check(ip: string): BanEntry | undefined;
  /** Counts a failure toward the jails that count this kind (or the named jail). */
  failure(kind: FailureKind, ip: string, reason: string, jail?: string): Promise<void> | void;
  ban(ip: string, durationMs?: number, reason?: string): Promise<BanEvent>;
  unban(ip: string): Promise<boolean>;
  list(): readonly BanEntry[];
  /** A ban learned from another instance. */
  remoteBan(entry: BanEntry): void;
  remoteUnban(ip: string): void;
  close(): Promise<void>;
}

export const DEFAULT_POLICY: BanTimePolicy = {
  banTimeMs: 10 * 60_000, increment: false, factor: 1, maxTimeMs: 7 * 24 * 3600_000, multipliers: undefined, rndTimeMs: 0,
};

export interface BanManagerOptions {
  readonly jails: readonly JailConfig[];
  readonly ignore: IpList;
  readonly store: BanStore;
  readonly counters: CounterStore;
  readonly host: BanManagerHost;
  readonly sweepMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

export function createBanManager(o: BanManagerOptions): BanManager {
  const now = o.now ?? Date.now;
  const { store, counters, host } = o;

  const event = (e: BanEntry, source: 'local' | 'remote'): BanEvent => ({
    v: 1, ip: e.ip, until: e.until, durationMs: e.until >= 8.64e15 ? -1 : Math.max(0, e.until - now()), jail: e.jail,
    reason: e.reason, count: e.count, source, time: new Date().toISOString(),
  });
  const unbanEvent = (ip: string, reason: 'expired' | 'manual', source: 'local' | 'remote'): UnbanEvent => ({
    v: 1, ip, reason, source, time: new Date().toISOString(),
  });

  const banned = (entry: BanEntry | Promise<BanEntry>): Promise<BanEvent> | BanEvent => {
    if (entry instanceof Promise) return entry.then((e) => banned(e));
    const ev = event(entry, 'local');
    host.ban(ev);
    return ev;
  };

  const jailBan = (jail: JailConfig, ip: string, reason: string): void | Promise<void> => {
    const r = banned(store.add({ ip, jail: jail.name, reason, duration: (prev) => banDuration(jail.policy, prev, o.random) }, now()));
    if (r instanceof Promise) return r.then(() => undefined);
  };

  const failIn = (jail: JailConfig, ip: string, reason: string): void | Promise<void> => {
    if (jail.ignore.has(ip)) return;
    const weight = failureWeight(store.offences(ip), jail.maxRetry);
    const reached = counters.fail(`${jail.name}\u0000${ip}`, weight, jail.maxRetry, jail.findTimeMs);
    if (reached instanceof Promise) {
      return reached.then((hit) => (hit && store.get(ip, now()) === undefined ? jailBan(jail, ip, reason) : undefined));
    }
    if (reached) return jailBan(jail, ip, reason);
  };

  const sweep = (): void => {
    try {
      for (const b of store.sweep(now())) host.unban(unbanEvent(b.ip, 'expired', 'local'));
    } catch (err) {
      host.fail(err);
    }
  };
  const timer = setInterval(sweep, o.sweepMs ?? 1000);
  timer.unref();

  return {
    check(ip) {
      return store.get(ip, now());
    },
    failure(kind, ip, reason, jailName) {
      if (o.ignore.has(ip) || store.get(ip, now()) !== undefined) return;
      let pending: Promise<void>[] | undefined;
      for (const jail of o.jails) {
        if (jailName !== undefined ? jail.name !== jailName : !jail.failures.has(kind)) continue;
        const r = failIn(jail, ip, reason);
        if (r instanceof Promise) (pending ??= []).push(r);
      }
      if (pending) return Promise.all(pending).then(() => undefined);
    },
    async ban(ipText, durationMs, reason) {
      const ip = normalizeIp(ipText);
      if (ip === undefined) throw new PortcullisError('ERR_PORTCULLIS_BAN_IP', `waf.ban(): ${JSON.stringify(String(ipText)).slice(0, 80)} is not an IP address`);
      if (durationMs !== undefined && (typeof durationMs !== 'number' || !(durationMs === -1 || (Number.isFinite(durationMs) && durationMs > 0)))) {
        throw new PortcullisError('ERR_PORTCULLIS_BAN_IP', `waf.ban(): durationMs must be a positive number of ms or -1 (permanent), got ${String(durationMs)}`);
      }
      const policy = o.jails[0]?.policy ?? DEFAULT_POLICY;
      const duration = durationMs !== undefined ? () => durationMs : (prev: number) => banDuration(policy, prev, o.random);
      return banned(store.add({ ip, jail: 'manual', reason: reason ?? 'manual ban', duration }, now()));
    },
    async unban(ipText) {
      const ip = normalizeIp(ipText);
      if (ip === undefined) return false;
      const was = await store.remove(ip, now());
      await Promise.all(o.jails.map((j) => counters.forget(`${j.name}\u0000${ip}`)));
      if (was) host.unban(unbanEvent(ip, 'manual', 'local'));
      return was;
    },
    list() {
      return store.list(now());
    },
    remoteBan(entry) {
      host.ban(event(entry, 'remote'));
    },
    remoteUnban(ip) {
      host.unban(unbanEvent(ip, 'manual', 'remote'));
    },
    async close() {
      clearInterval(timer);
      await store.close();
    },
  };
}
