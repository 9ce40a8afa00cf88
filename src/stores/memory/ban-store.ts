/**
 * Bans held in this process: active bans in a Map (bounded by maxEntries: when full, the ban ending soonest makes
 * room), the offence history in an lru-cache (bounded too). With `file`, both survive a restart through an atomic
 * snapshot (src/stores/snapshot-file.ts): loaded when the store is created, written shortly after each change and on
 * close. Restored bans end at the same absolute time they would have; expired ones are dropped; history older than
 * `historyMs` is purged, except that of permanent bans.
 */
import { LRUCache } from 'lru-cache';
import { PortcullisError } from '../../errors.js';
import { readSnapshot, writeSnapshot, type BanSnapshot } from '../snapshot-file.js';
import { PERMANENT_UNTIL, type BanEntry, type BanRequest, type BanStore, type StoreFailure } from '../types.js';

export interface MemoryBanStoreOptions {
  readonly maxEntries: number;
  /** How long an IP's offence count is remembered after its last ban. */
  readonly historyMs: number;
  /** Snapshot file; undefined keeps bans in memory only. */
  readonly file?: string | undefined;
  /** Delay before a change is written (changes in between are coalesced). */
  readonly writeDelayMs?: number;
  /** Restored bans and history for these IPs are dropped (the jails' ignore lists). */
  readonly ignored?: (ip: string) => boolean;
  readonly onError: StoreFailure;
  readonly now?: () => number;
}

export interface MemoryBanStore extends BanStore {
  add(request: BanRequest, now: number): BanEntry;
  remove(ip: string, now: number): boolean;
  /** Puts an entry learned elsewhere (another instance) without touching the history count beyond it. */
  put(entry: BanEntry): void;
  /** Writes the snapshot now (if a file is configured). */
  flush(): Promise<void>;
}

interface History { count: number; last: number }

export function createMemoryBanStore(opts: MemoryBanStoreOptions): MemoryBanStore {
  const bans = new Map<string, BanEntry>();
  // Created on the first write: lru-cache allocates its `max` slots up front (arrays of maxEntries), which an
  // instance that never bans need not hold, nor every full GC mark.
  let historyCache: LRUCache<string, History> | undefined;
  const history = (): LRUCache<string, History> => historyCache ??= new LRUCache<string, History>({ max: opts.maxEntries });
  const now = opts.now ?? Date.now;
  const file = opts.file;
  const delay = opts.writeDelayMs ?? 250;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  if (file !== undefined) {
    try {
      const snap = readSnapshot(file, opts.maxEntries);
      const t = now();
      for (const h of snap.history) {
        const [ip, count, last] = h;
        if (opts.ignored?.(ip) || (last + opts.historyMs < t && !snap.bans.some((b) => b.ip === ip && b.until === PERMANENT_UNTIL))) continue;
        history().set(ip, { count, last });
      }
      for (const b of snap.bans) {
        if (b.until <= t || opts.ignored?.(b.ip)) continue;
        bans.set(b.ip, b);
      }
    } catch (err) {
      opts.onError(new PortcullisError('ERR_PORTCULLIS_BANS_SNAPSHOT', `cannot read ban snapshot ${file}: ${(err as Error).message}`, { cause: err }));
    }
  }

  const snapshot = (): BanSnapshot => {
    const t = now();
    return {
      v: 1,
      savedAt: t,
      bans: [...bans.values()].filter((b) => b.until > t),
      history: historyCache === undefined ? [] : [...historyCache.entries()].map(([ip, h]) => [ip, h.count, h.last] as const),
    };
  };
  const write = (): Promise<void> => {
    if (file === undefined) return Promise.resolve();
    writing = writing.then(() => writeSnapshot(file, snapshot())).catch((err: unknown) => {
      opts.onError(new PortcullisError('ERR_PORTCULLIS_BANS_SNAPSHOT', `cannot write ban snapshot ${file}: ${(err as Error).message}`, { cause: err }));
    });
    return writing;
  };
  const changed = (): void => {
    if (file === undefined || closed || timer !== null) return;
    timer = setTimeout(() => { timer = null; void write(); }, delay);
    timer.unref();
  };
  const makeRoom = (): void => {
    if (bans.size < opts.maxEntries) return;
    let soonest: BanEntry | undefined;
    for (const b of bans.values()) if (soonest === undefined || b.until < soonest.until) soonest = b;
    if (soonest) bans.delete(soonest.ip);
  };

  const store: MemoryBanStore = {
    get size() { return bans.size; },
    get(ip, t) {
      const b = bans.get(ip);
      return b !== undefined && b.until > t ? b : undefined;
    },
    list(t) {
      return [...bans.values()].filter((b) => b.until > t);
    },
    offences(ip) {
      return historyCache?.get(ip)?.count ?? 0;
    },
    add(request, t) {
      const previous = historyCache?.get(request.ip)?.count ?? 0;
      const ms = request.duration(previous);
      const entry: BanEntry = {
        ip: request.ip, jail: request.jail, reason: request.reason, count: previous + 1,
        until: ms < 0 ? PERMANENT_UNTIL : t + ms,
      };
      history().set(request.ip, { count: entry.count, last: t });
      if (!bans.has(request.ip)) makeRoom();
      bans.set(request.ip, entry);
      changed();
      return entry;
    },
    put(entry) {
      const h = historyCache?.get(entry.ip);
      history().set(entry.ip, { count: Math.max(h?.count ?? 0, entry.count), last: now() });
      if (!bans.has(entry.ip)) makeRoom();
      bans.set(entry.ip, entry);
      changed();
    },
    remove(ip) {
      const t = now();
      const b = bans.get(ip);
      bans.delete(ip);
      historyCache?.delete(ip);
      changed();
      return b !== undefined && b.until > t;
    },
    sweep(t) {
      const out: BanEntry[] = [];
      for (const b of bans.values()) if (b.until <= t) out.push(b);
      for (const b of out) bans.delete(b.ip);
      if (out.length > 0) changed();
      return out;
    },
    flush() {
      if (timer !== null) { clearTimeout(timer); timer = null; }
      return write();
    },
    async close() {
      if (closed) return;
      await store.flush();
      closed = true;
    },
  };
  return store;
}
