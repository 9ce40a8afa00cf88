/**
 * Counters and bans shared by every instance through Redis (any ioredis or node-redis client, src/stores/redis/
 * adapter.ts). Keys under `prefix`: `rl:<limit>:<key>` (limiter TAT, PX TTL), `fail:<jail>:<ip>` (failure log,
 * TTL findTime), `ban:<ip>` (ban entry JSON, TTL = ban time), `hist:<ip>` (offence count, TTL historyMs). One
 * channel `<prefix>events` carries ban/unban (and, with relayAlerts, alerts) between instances.
 *
 * Bans are mirrored in each instance's memory (so the ban check never waits on the network): loaded with SCAN at
 * start and after every recovery, kept in step by pub/sub. When Redis fails or is slower than `timeoutMs`, the
 * request goes on with local state (the memory counter store and the ban mirror), an `error` event says so once,
 * and a PING every `retryMs` finds out when Redis is back; then bans made meanwhile are pushed and the mirror is
 * reloaded. Nothing on the request path waits longer than `timeoutMs`.
 */
import { randomUUID } from 'node:crypto';
import { normalizeIp } from '../../bans/ip.js';
import { PortcullisError } from '../../errors.js';
import type { MemoryBanStore } from '../memory/ban-store.js';
import type { MemoryCounterStore } from '../memory/counter-store.js';
import type { BanEntry, BanRequest, BanStore, BanStoreListener, CounterStore, LimitCheck } from '../types.js';
import { PERMANENT_UNTIL } from '../types.js';
import { commanderOf, subscribe, type RedisCommander, type RedisSubscription } from './adapter.js';
import { BAN, CONSUME, FAIL, OFFENCE, UNBAN, runScript, type Script } from './scripts.js';

export interface RedisStoreConfig {
  readonly redis: object;
  readonly subscriber?: object | undefined;
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly retryMs: number;
  readonly historyMs: number;
  /** Local state: what decides while Redis is unavailable, and the ban mirror. */
  readonly localCounters: MemoryCounterStore;
  readonly localBans: MemoryBanStore;
  readonly listener: BanStoreListener & { alert?(kind: 'alert' | 'block', alert: unknown, instance: string): void };
  readonly onError: (err: Error) => void;
}

export interface RedisStore {
  readonly counters: CounterStore;
  readonly bans: BanStore;
  /** This instance's id in relayed messages. */
  readonly instance: string;
  /** True while Redis answers. */
  readonly healthy: boolean;
  /** Subscribes and loads the bans; resolves when done (or failed: the store then runs on local state). */
  readonly ready: Promise<void>;
  publishAlert(kind: 'alert' | 'block', alert: unknown): void;
  close(): Promise<void>;
}

type Message =
  | { t: 'ban'; from: string; e: BanEntry }
  | { t: 'unban'; from: string; ip: string }
  | { t: 'alert'; from: string; kind: 'alert' | 'block'; alert: unknown };

const SCAN_COUNT = 1000;

function validEntry(e: unknown): e is BanEntry {
  const o = e as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.ip === 'string' && normalizeIp(o.ip) === o.ip
    && typeof o.until === 'number' && typeof o.jail === 'string' && typeof o.reason === 'string' && typeof o.count === 'number';
}

export function createRedisStore(cfg: RedisStoreConfig): RedisStore {
  const redis: RedisCommander = commanderOf(cfg.redis);
  const instance = randomUUID();
  const p = cfg.prefix;
  const channel = `${p}events`;
  const local = cfg.localBans;
  let healthy = true;
  let closed = false;
  let probe: NodeJS.Timeout | null = null;
  /** Bans and unbans decided while Redis was unavailable, pushed on recovery. */
  const pendingBans = new Map<string, BanEntry>();
  const pendingUnbans = new Set<string>();

  const fail = (err: unknown): void => {
    if (closed) return;
    if (healthy) {
      healthy = false;
      cfg.onError(new PortcullisError('ERR_PORTCULLIS_STORE_UNAVAILABLE', `Redis store unavailable, using local state: ${(err as Error)?.message ?? String(err)}`, { cause: err }));
    }
    if (probe === null) {
      probe = setInterval(() => { void check(); }, cfg.retryMs);
      probe.unref();
    }
  };

  /** A command bounded by timeoutMs. */
  const timed = <T>(work: Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${cfg.timeoutMs} ms`)), cfg.timeoutMs);
    work.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
  const run = (s: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> => timed(runScript(redis, s, keys, args));

  let checking = false;
  const check = async (): Promise<void> => {
    if (checking || closed) return;
    checking = true;
    try {
      await timed(redis.send(['PING']));
      healthy = true;
      if (probe !== null) { clearInterval(probe); probe = null; }
      await resync();
    } catch {
      // still down; the next probe tries again
    } finally {
      checking = false;
    }
  };

  const message = (m: Message): string => JSON.stringify(m);

  const pushBan = async (entry: BanEntry): Promise<void> => {
    const ttl = entry.until >= PERMANENT_UNTIL ? -1 : entry.until - Date.now();
    if (ttl === 0 || (ttl < 0 && entry.until < PERMANENT_UNTIL)) return;
    await run(BAN, [`${p}ban:${entry.ip}`, `${p}hist:${entry.ip}`], [JSON.stringify(entry), Math.ceil(ttl), cfg.historyMs, channel, message({ t: 'ban', from: instance, e: entry })]);
  };
  const pushUnban = async (ip: string): Promise<boolean> => {
    const n = await run(UNBAN, [`${p}ban:${ip}`, `${p}hist:${ip}`], [channel, message({ t: 'unban', from: instance, ip })]);
    return Number(n) > 0;
  };

  /** Pushes what was decided locally while down, then makes the mirror equal to Redis' active bans. */
  const resync = async (): Promise<void> => {
    for (const ip of [...pendingUnbans]) { await pushUnban(ip); pendingUnbans.delete(ip); }
    for (const [ip, e] of [...pendingBans]) { await pushBan(e); pendingBans.delete(ip); }
    const found = new Map<string, BanEntry>();
    let cursor = '0';
    do {
      const reply = await timed(redis.send(['SCAN', cursor, 'MATCH', `${p}ban:*`, 'COUNT', SCAN_COUNT])) as [string, string[]];
      cursor = String(reply[0]);
      const keys = reply[1];
      if (keys.length > 0) {
        const values = await timed(redis.send(['MGET', ...keys])) as (string | null)[];
        for (const v of values) {
          if (typeof v !== 'string') continue;
          try {
            const e = JSON.parse(v) as unknown;
            if (validEntry(e)) found.set(e.ip, e);
          } catch { /* a foreign value under our prefix: ignore */ }
        }
      }
    } while (cursor !== '0' && !closed);
    const now = Date.now();
    for (const e of found.values()) {
      const mine = local.get(e.ip, now);
      if (mine === undefined || mine.until !== e.until) {
        local.put(e);
        cfg.listener.banned(e);
      }
    }
    for (const e of local.list(now)) {
      if (!found.has(e.ip)) {
        local.remove(e.ip, now);
        cfg.listener.unbanned(e.ip);
      }
    }
  };

  const onMessage = (text: string): void => {
    let m: Message;
    try {
      m = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (typeof m !== 'object' || m === null || m.from === instance) return;
    try {
      apply(m);
    } catch (err) {
      cfg.onError(err instanceof Error ? err : new Error(String(err))); // a throwing listener must not break pub/sub
    }
  };
  const apply = (m: Message): void => {
    if (m.t === 'ban' && validEntry(m.e)) {
      local.put(m.e);
      cfg.listener.banned(m.e);
    } else if (m.t === 'unban' && typeof m.ip === 'string' && normalizeIp(m.ip) === m.ip) {
      if (local.remove(m.ip, Date.now())) cfg.listener.unbanned(m.ip);
    } else if (m.t === 'alert' && (m.kind === 'alert' || m.kind === 'block') && typeof m.alert === 'object' && m.alert !== null) {
      cfg.listener.alert?.(m.kind, m.alert, m.from);
    }
  };

  const subscription: RedisSubscription = subscribe(cfg.redis, cfg.subscriber, channel, onMessage, (err) => fail(err));
  subscription.ready.catch(() => undefined); // failures reach fail() through the race below or the error listener
  const ready = (async () => {
    try {
      // Subscribe first, then load: a ban published in between is then seen twice, never missed.
      await Promise.race([subscription.ready, new Promise((_r, reject) => setTimeout(() => reject(new Error('subscribe timed out')), Math.max(2000, cfg.timeoutMs * 4)).unref())]);
      if (!closed) await resync();
    } catch (err) {
      fail(err);
    }
  })();

  const counters: CounterStore = {
    consume(key, max, windowMs) {
      if (!healthy) return cfg.localCounters.consume(key, max, windowMs);
      return run(CONSUME, [`${p}rl:${key.replace('\u0000', ':')}`], [max, windowMs]).then((r): LimitCheck => {
        const [a, rem, reset, retry] = r as [number, number, string, string];
        return { allowed: Number(a) === 1, remaining: Number(rem), resetMs: Number(reset), retryAfterMs: Number(retry) };
      }, (err: unknown) => {
        fail(err);
        return cfg.localCounters.consume(key, max, windowMs);
      });
    },
    fail(key, weight, maxRetry, findTimeMs) {
      if (!healthy) return cfg.localCounters.fail(key, weight, maxRetry, findTimeMs);
      return run(FAIL, [`${p}fail:${key.replace('\u0000', ':')}`], [weight, maxRetry, findTimeMs]).then((r) => Number(r) === 1, (err: unknown) => {
        fail(err);
        return cfg.localCounters.fail(key, weight, maxRetry, findTimeMs);
      });
    },
    forget(key) {
      cfg.localCounters.forget(key);
      if (!healthy) return;
      return timed(redis.send(['DEL', `${p}fail:${key.replace('\u0000', ':')}`])).then(() => undefined, fail);
    },
  };

  const bans: BanStore = {
    get size() { return local.size; },
    get: (ip, now) => local.get(ip, now),
    list: (now) => local.list(now),
    offences: (ip) => local.offences(ip),
    sweep: (now) => local.sweep(now),
    async add(request: BanRequest, now: number): Promise<BanEntry> {
      if (healthy) {
        try {
          const count = Number(await run(OFFENCE, [`${p}hist:${request.ip}`], [cfg.historyMs]));
          const ms = request.duration(count - 1);
          const entry: BanEntry = { ip: request.ip, jail: request.jail, reason: request.reason, count, until: ms < 0 ? PERMANENT_UNTIL : now + ms };
          local.put(entry);
          await pushBan(entry);
          return entry;
        } catch (err) {
          fail(err);
        }
      }
      const entry = local.add(request, now);
      pendingUnbans.delete(entry.ip);
      pendingBans.set(entry.ip, entry);
      return entry;
    },
    async remove(ip: string, now: number): Promise<boolean> {
      const wasLocal = local.remove(ip, now);
      pendingBans.delete(ip);
      if (healthy) {
        try {
          return (await pushUnban(ip)) || wasLocal;
        } catch (err) {
          fail(err);
        }
      }
      pendingUnbans.add(ip);
      return wasLocal;
    },
    async close() {
      await local.close();
    },
  };

  return {
    counters,
    bans,
    instance,
    get healthy() { return healthy; },
    ready,
    publishAlert(kind, alert) {
      if (!healthy || closed) return;
      timed(redis.send(['PUBLISH', channel, message({ t: 'alert', from: instance, kind, alert })])).catch(fail);
    },
    async close() {
      closed = true;
      if (probe !== null) { clearInterval(probe); probe = null; }
      await subscription.close().catch(() => undefined);
      await ready;
    },
  };
}
