/**
 * The seams between the request path and where its state lives. A store method returns a plain value when it can
 * answer at once (the memory store: an lru-cache lookup) and a promise only when it must ask elsewhere (Redis), so
 * the middleware awaits only then.
 */

/** One limiter decision (token bucket / GCRA, see src/limiter/gcra.ts). Times in milliseconds. */
export interface LimitCheck {
  readonly allowed: boolean;
  /** Requests still allowed right now after this one. */
  readonly remaining: number;
  /** Until the bucket is full again (the quota fully restored). */
  readonly resetMs: number;
  /** Until one request will be allowed again (0 when allowed). */
  readonly retryAfterMs: number;
}

/** Per-key counters for the limiter and the jails' failure logs. */
export interface CounterStore {
  /** Takes one token from `key`'s bucket of `max` tokens refilled over `windowMs`. */
  consume(key: string, max: number, windowMs: number): LimitCheck | Promise<LimitCheck>;
  /**
   * Records a failure of `weight` for `key`, forgets failures older than `findTimeMs`; when the weights in the
   * window reach `maxRetry` it clears the log and returns true (so of concurrent callers exactly one wins).
   */
  fail(key: string, weight: number, maxRetry: number, findTimeMs: number): boolean | Promise<boolean>;
  /** Forgets a key's failures (after a manual unban). */
  forget(key: string): void | Promise<void>;
}

/** An active ban, as listed by `waf.bans()`. */
export interface BanEntry {
  readonly ip: string;
  /** Epoch ms when the ban ends; PERMANENT_UNTIL for a permanent ban. */
  readonly until: number;
  /** Jail name, or `manual` for `waf.ban()`. */
  readonly jail: string;
  readonly reason: string;
  /** Offence number: 1 for a first ban; ban times grow with it. */
  readonly count: number;
}

/** `until` of a permanent ban: the last instant a JavaScript Date can hold (year 275760), JSON-safe. */
export const PERMANENT_UNTIL = 8.64e15;

/** What a ban store needs to create a ban: the duration follows from the IP's previous offences. */
export interface BanRequest {
  readonly ip: string;
  readonly jail: string;
  readonly reason: string;
  /** Duration in ms (-1 = permanent) given the number of earlier bans of this IP. */
  duration(previousCount: number): number;
}

/** Notifications a ban store gives its owner about bans it learned from elsewhere (other instances). */
export interface BanStoreListener {
  banned(entry: BanEntry): void;
  unbanned(ip: string): void;
}

/**
 * Active bans and their history. `get` is always synchronous (a local map, kept in step with a shared store by
 * its notifications), so the ban check never waits on the network.
 */
export interface BanStore {
  get(ip: string, now: number): BanEntry | undefined;
  list(now: number): BanEntry[];
  /** Earlier bans of this IP still in the history (for repeat-offender weighting). */
  offences(ip: string): number;
  add(request: BanRequest, now: number): BanEntry | Promise<BanEntry>;
  /** Removes a ban and the IP's history (like fail2ban's unban). True when a ban was active. */
  remove(ip: string, now: number): boolean | Promise<boolean>;
  /** Removes expired bans from the local view and returns them (for `unban` events). */
  sweep(now: number): BanEntry[];
  /** Number of active bans held locally. */
  readonly size: number;
  close(): Promise<void>;
}

/** Relays alerts between instances that share a store, so one broadcaster can see them all. */
export interface AlertRelay {
  publish(kind: 'alert' | 'block', alert: unknown): void;
}

/** A failure in a store (Redis unreachable, snapshot not writable); reported as an `error` event, never thrown. */
export type StoreFailure = (err: Error) => void;
