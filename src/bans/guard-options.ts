/**
 * Options of everything that runs before the rules: client IP (`trustProxy`), `allow`/`deny` lists, `bans` (jails),
 * `rateLimit` and `store`. Validated here and merged into the frozen config by src/options.ts.
 */
import { resolve as resolvePath } from 'node:path';
import { PortcullisError } from '../errors.js';
import type { RateLimitHeaders } from '../limiter/headers.js';
import type { KeyFunction } from '../limiter/limiter.js';
import type { FailureKind } from './ban-manager.js';
import type { BanTimePolicy } from './ban-time.js';
import type { TrustProxy } from './client-ip.js';
import { createIpList } from './ip-list.js';

export type IpListOption = string | readonly string[];

export interface BanIncrementOptions {
  /** Multiplies the grown ban time. Default 1. */
  readonly factor?: number;
  /** Upper bound of a grown ban, ms. Default 1 week. */
  readonly maxTimeMs?: number;
  /** Replace the 2^count formula: banTime * factor * multipliers[min(count, last)]. */
  readonly multipliers?: readonly number[];
  /** Up to this many random ms added to each ban. Default 0. */
  readonly rndTimeMs?: number;
}

export interface JailOptions {
  readonly name: string;
  /** Failures within findTimeMs that ban. Default 5. */
  readonly maxRetry?: number;
  /** Default 10 minutes. */
  readonly findTimeMs?: number;
  /** Default 10 minutes; -1 bans permanently. */
  readonly banTimeMs?: number;
  /** Grow ban times for repeat offenders (fail2ban bantime.increment). Default false. */
  readonly increment?: boolean | BanIncrementOptions;
  /** Addresses/CIDRs this jail never bans. */
  readonly ignore?: IpListOption;
  /** What counts as a failure. Default ['block', 'strike']. */
  readonly failures?: readonly FailureKind[];
}

export interface BanOptions {
  /** Default: one jail `waf` (5 blocks in 10 min → 10 min ban). */
  readonly jails?: readonly JailOptions[];
  /** Addresses/CIDRs no jail bans (global ignore list). */
  readonly ignore?: IpListOption;
  /** Snapshot file for bans and history (memory store). Default `.portcullis/bans.json`; false: memory only. */
  readonly file?: string | false;
  /** Active bans and history entries kept at most. Default 100000. */
  readonly maxEntries?: number;
  /** How long an IP's offence count is remembered. Default 7 days. */
  readonly historyMs?: number;
  /** Status answered to banned clients. Default 403. */
  readonly status?: number;
}

export interface RouteLimitOptions {
  /** Policy name (in headers and events). Default `route<N>`. */
  readonly name?: string;
  readonly method?: string | readonly string[];
  /** Exact path, `prefix*`, or a RegExp. */
  readonly path?: string | RegExp;
  readonly max: number;
  readonly windowMs: number;
  readonly key?: KeyFunction;
}

export interface RateLimitOptions {
  /** Requests per window for every request (the `default` policy). Default 100, unless only routes are given. */
  readonly max?: number;
  /** Default 60000. */
  readonly windowMs?: number;
  /** Limiter key; default the client IP (IPv6 by /ipv6Subnet). Return undefined to skip limiting a request. */
  readonly key?: KeyFunction;
  readonly routes?: readonly RouteLimitOptions[];
  /** IETF RateLimit header draft. Default 'draft-8'. */
  readonly headers?: RateLimitHeaders;
  /** IPv6 prefix length used as the default key. Default 56. */
  readonly ipv6Subnet?: number;
  /** Keys the memory store holds at most (lru-cache). Default 100000. */
  readonly maxKeys?: number;
  /** Status of refused requests. Default 429. */
  readonly status?: number;
}

/** Any ioredis or node-redis (v4+) client; see src/stores/redis/adapter.ts. */
export type RedisClientLike = object;

export interface RedisStoreOptions {
  /** A connected ioredis or node-redis client (you own it: Portcullis never closes it). */
  readonly redis: RedisClientLike;
  /** A client for pub/sub; default a duplicate of `redis` that Portcullis opens and closes. */
  readonly subscriber?: RedisClientLike;
  /** Key and channel prefix. Default `portcullis:`. */
  readonly prefix?: string;
  /** Longest wait for Redis on the request path, ms; past it the local state decides. Default 250. */
  readonly timeoutMs?: number;
  /** While Redis is failing, how often to probe it, ms. Default 1000. */
  readonly retryMs?: number;
  /** Publish this instance's alerts and emit other instances' as `remoteAlert`. Default false. */
  readonly relayAlerts?: boolean;
}

export interface ResolvedJail {
  readonly name: string;
  readonly maxRetry: number;
  readonly findTimeMs: number;
  readonly policy: BanTimePolicy;
  readonly ignore: IpListOption;
  readonly failures: readonly FailureKind[];
}

export interface ResolvedBans {
  readonly jails: readonly ResolvedJail[];
  readonly ignore: IpListOption;
  readonly file: string | false;
  readonly maxEntries: number;
  readonly historyMs: number;
  readonly status: number;
}

export interface ResolvedRouteLimit {
  readonly name: string;
  readonly method: string | readonly string[] | undefined;
  readonly path: string | RegExp | undefined;
  readonly max: number;
  readonly windowMs: number;
  readonly key: KeyFunction | undefined;
}

export interface ResolvedRateLimit {
  readonly limits: readonly ResolvedRouteLimit[];
  readonly headers: RateLimitHeaders;
  readonly ipv6Subnet: number;
  readonly maxKeys: number;
  readonly status: number;
}

export interface ResolvedStore {
  readonly kind: 'memory' | 'redis';
  readonly redis: RedisStoreOptions | undefined;
}

export interface ResolvedGuard {
  readonly trustProxy: TrustProxy | undefined;
  readonly allow: IpListOption;
  readonly deny: IpListOption;
  readonly bans: ResolvedBans | undefined;
  readonly rateLimit: ResolvedRateLimit | undefined;
  readonly store: ResolvedStore;
}

export const GUARD_KEYS = ['trustProxy', 'allow', 'deny', 'bans', 'rateLimit', 'store'] as const;

const DAY = 24 * 3600_000;
const FAILURES: readonly FailureKind[] = ['block', 'ratelimit', 'strike'];

function bad(path: string, what: string): never {
  throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', `option "${path}" ${what}`);
}
function keys(obj: object, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new PortcullisError('ERR_PORTCULLIS_OPTION_UNKNOWN', `unknown option "${path}.${k}"; known: ${allowed.join(', ')}`);
    }
  }
}
const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RegExp);
function num(v: unknown, path: string, min: number, max: number, dflt: number, integer = true): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) bad(path, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}
function ipList(v: unknown, path: string): IpListOption {
  if (v === undefined) return [];
  if (typeof v !== 'string' && !Array.isArray(v)) bad(path, 'must be a string or an array of addresses/CIDR ranges');
  createIpList(v as IpListOption, path); // validates every entry
  return typeof v === 'string' ? v : Object.freeze([...(v as string[])]);
}
function fn(v: unknown, path: string): KeyFunction | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'function') bad(path, 'must be a function (req, clientIp) => string | undefined');
  return v as KeyFunction;
}

function resolveJail(j: unknown, i: number): ResolvedJail {
  const path = `bans.jails[${i}]`;
  if (!obj(j)) bad(path, 'must be an object');
  keys(j, ['name', 'maxRetry', 'findTimeMs', 'banTimeMs', 'increment', 'ignore', 'failures'], path);
  if (typeof j.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(j.name)) bad(`${path}.name`, 'must be 1-64 characters of A-Z a-z 0-9 _ . -');
  const banTimeMs = j.banTimeMs === -1 ? -1 : num(j.banTimeMs, `${path}.banTimeMs`, 1, 10 * 365 * DAY, 10 * 60_000);
  let inc: Record<string, unknown> = {};
  const increment = j.increment !== undefined && j.increment !== false;
  if (j.increment !== undefined && typeof j.increment !== 'boolean') {
    if (!obj(j.increment)) bad(`${path}.increment`, 'must be a boolean or an object');
    keys(j.increment, ['factor', 'maxTimeMs', 'multipliers', 'rndTimeMs'], `${path}.increment`);
    inc = j.increment;
  }
  const m = inc.multipliers;
  if (m !== undefined && (!Array.isArray(m) || m.length === 0 || m.some((x) => typeof x !== 'number' || !(x > 0)))) bad(`${path}.increment.multipliers`, 'must be a non-empty array of positive numbers');
  const failures = j.failures ?? ['block', 'strike'];
  if (!Array.isArray(failures) || failures.some((f) => !FAILURES.includes(f as FailureKind))) bad(`${path}.failures`, `must be an array of ${FAILURES.map((f) => `"${f}"`).join(', ')}`);
  return Object.freeze({
    name: j.name,
    maxRetry: num(j.maxRetry, `${path}.maxRetry`, 1, 1_000_000, 5),
    findTimeMs: num(j.findTimeMs, `${path}.findTimeMs`, 1, 365 * DAY, 10 * 60_000),
    policy: Object.freeze({
      banTimeMs,
      increment,
      factor: num(inc.factor, `${path}.increment.factor`, 0.001, 1000, 1, false),
      maxTimeMs: num(inc.maxTimeMs, `${path}.increment.maxTimeMs`, 1, 10 * 365 * DAY, 7 * DAY),
      multipliers: m === undefined ? undefined : Object.freeze([...(m as number[])]),
      rndTimeMs: num(inc.rndTimeMs, `${path}.increment.rndTimeMs`, 0, DAY, 0),
    }),
    ignore: ipList(j.ignore, `${path}.ignore`),
    failures: Object.freeze([...(failures as FailureKind[])]),
  });
}

function resolveBans(v: unknown): ResolvedBans | undefined {
  if (v === undefined || v === false) return undefined;
  const b: Record<string, unknown> = v === true ? {} : (v as Record<string, unknown>);
  if (!obj(b)) bad('bans', 'must be true, false or an object');
  keys(b, ['jails', 'ignore', 'file', 'maxEntries', 'historyMs', 'status'], 'bans');
  const jailsIn = b.jails ?? [{ name: 'waf' }];
  if (!Array.isArray(jailsIn)) bad('bans.jails', 'must be an array');
  const jails = jailsIn.map(resolveJail);
  const names = new Set<string>();
  for (const j of jails) {
    if (names.has(j.name)) bad('bans.jails', `has two jails named "${j.name}"`);
    names.add(j.name);
  }
  if (b.file !== undefined && b.file !== false && (typeof b.file !== 'string' || b.file === '')) bad('bans.file', 'must be a file path or false');
  return Object.freeze({
    jails: Object.freeze(jails),
    ignore: ipList(b.ignore, 'bans.ignore'),
    file: b.file === undefined ? resolvePath('.portcullis/bans.json') : b.file === false ? false : resolvePath(b.file as string),
    maxEntries: num(b.maxEntries, 'bans.maxEntries', 1, 10_000_000, 100_000),
    historyMs: num(b.historyMs, 'bans.historyMs', 1, 10 * 365 * DAY, 7 * DAY),
    status: num(b.status, 'bans.status', 400, 599, 403),
  });
}

function resolveRoute(r: unknown, i: number): ResolvedRouteLimit {
  const path = `rateLimit.routes[${i}]`;
  if (!obj(r)) bad(path, 'must be an object');
  keys(r, ['name', 'method', 'path', 'max', 'windowMs', 'key'], path);
  if (r.name !== undefined && (typeof r.name !== 'string' || !/^[A-Za-z0-9_.:/-]{1,64}$/.test(r.name))) bad(`${path}.name`, 'must be 1-64 characters of A-Z a-z 0-9 _ . : / -');
  if (r.method !== undefined && typeof r.method !== 'string' && !(Array.isArray(r.method) && r.method.every((m) => typeof m === 'string'))) bad(`${path}.method`, 'must be a string or array of strings');
  if (r.path !== undefined && typeof r.path !== 'string' && !(r.path instanceof RegExp)) bad(`${path}.path`, 'must be a string or RegExp');
  if (r.max === undefined || r.windowMs === undefined) bad(path, 'needs max and windowMs');
  return Object.freeze({
    name: (r.name as string | undefined) ?? `route${i}`,
    method: r.method as string | readonly string[] | undefined,
    path: r.path as string | RegExp | undefined,
    max: num(r.max, `${path}.max`, 1, 1_000_000_000, 0),
    windowMs: num(r.windowMs, `${path}.windowMs`, 1, 365 * DAY, 0),
    key: fn(r.key, `${path}.key`),
  });
}

function resolveRateLimit(v: unknown): ResolvedRateLimit | undefined {
  if (v === undefined || v === false) return undefined;
  const r: Record<string, unknown> = v === true ? {} : (v as Record<string, unknown>);
  if (!obj(r)) bad('rateLimit', 'must be true, false or an object');
  keys(r, ['max', 'windowMs', 'key', 'routes', 'headers', 'ipv6Subnet', 'maxKeys', 'status'], 'rateLimit');
  const routesIn = r.routes ?? [];
  if (!Array.isArray(routesIn)) bad('rateLimit.routes', 'must be an array');
  const limits: ResolvedRouteLimit[] = [];
  if (r.max !== undefined || routesIn.length === 0) {
    limits.push(Object.freeze({
      name: 'default', method: undefined, path: undefined,
      max: num(r.max, 'rateLimit.max', 1, 1_000_000_000, 100),
      windowMs: num(r.windowMs, 'rateLimit.windowMs', 1, 365 * DAY, 60_000),
      key: fn(r.key, 'rateLimit.key'),
    }));
  }
  limits.push(...routesIn.map(resolveRoute));
  const names = new Set<string>();
  for (const l of limits) {
    if (names.has(l.name)) bad('rateLimit.routes', `has two limits named "${l.name}"`);
    names.add(l.name);
  }
  const headers = r.headers ?? 'draft-8';
  if (!['draft-6', 'draft-7', 'draft-8', false].includes(headers as string)) bad('rateLimit.headers', 'must be "draft-6", "draft-7", "draft-8" or false');
  return Object.freeze({
    limits: Object.freeze(limits),
    headers: headers as RateLimitHeaders,
    ipv6Subnet: num(r.ipv6Subnet, 'rateLimit.ipv6Subnet', 32, 128, 56),
    maxKeys: num(r.maxKeys, 'rateLimit.maxKeys', 100, 100_000_000, 100_000),
    status: num(r.status, 'rateLimit.status', 400, 599, 429),
  });
}

function isRedisClient(c: unknown): boolean {
  const o = c as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.duplicate === 'function'
    && (typeof o.call === 'function' || typeof o.sendCommand === 'function');
}

function resolveStore(v: unknown): ResolvedStore {
  if (v === undefined || v === 'memory') return Object.freeze({ kind: 'memory' as const, redis: undefined });
  if (!obj(v)) bad('store', 'must be "memory" or { redis: client, ... }');
  keys(v, ['redis', 'subscriber', 'prefix', 'timeoutMs', 'retryMs', 'relayAlerts'], 'store');
  if (!isRedisClient(v.redis)) bad('store.redis', 'must be an ioredis or node-redis client');
  if (v.subscriber !== undefined && !isRedisClient(v.subscriber)) bad('store.subscriber', 'must be an ioredis or node-redis client');
  if (v.prefix !== undefined && (typeof v.prefix !== 'string' || v.prefix.length > 200)) bad('store.prefix', 'must be a string (at most 200 characters)');
  if (v.relayAlerts !== undefined && typeof v.relayAlerts !== 'boolean') bad('store.relayAlerts', 'must be a boolean');
  const redis: RedisStoreOptions = {
    redis: v.redis as RedisClientLike,
    ...(v.subscriber !== undefined ? { subscriber: v.subscriber as RedisClientLike } : {}),
    prefix: (v.prefix as string | undefined) ?? 'portcullis:',
    timeoutMs: num(v.timeoutMs, 'store.timeoutMs', 1, 60_000, 250),
    retryMs: num(v.retryMs, 'store.retryMs', 10, 600_000, 1000),
    relayAlerts: (v.relayAlerts as boolean | undefined) ?? false,
  };
  return Object.freeze({ kind: 'redis' as const, redis: Object.freeze(redis) });
}

function resolveTrust(v: unknown): TrustProxy | undefined {
  if (v === undefined || typeof v === 'boolean' || typeof v === 'function') return v as TrustProxy | undefined;
  if (typeof v === 'number') return num(v, 'trustProxy', 0, 64, 0);
  if (typeof v === 'string' || Array.isArray(v)) return ipList(v, 'trustProxy');
  bad('trustProxy', 'must be false, a hop count, a list of proxy addresses/CIDRs, a function, or true');
}

/** Validates the pre-engine options (input is the whole options object; only GUARD_KEYS are read). */
export function resolveGuardOptions(o: Record<string, unknown>): ResolvedGuard {
  return Object.freeze({
    trustProxy: resolveTrust(o.trustProxy),
    allow: ipList(o.allow, 'allow'),
    deny: ipList(o.deny, 'deny'),
    bans: resolveBans(o.bans),
    rateLimit: resolveRateLimit(o.rateLimit),
    store: resolveStore(o.store),
  });
}
