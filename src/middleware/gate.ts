/**
 * What runs before the rules, in this order (README "Rate limiting, bans and client IP"):
 *   client IP (trusted proxies only) → allow-list: skip limiter and rules → deny-list: 403 → active ban: 403 →
 *   rate limits: 429 with RateLimit headers and Retry-After → the rules.
 * With the memory store everything here is synchronous (map and lru-cache lookups); a promise is returned only
 * when a Redis round trip is under way, and that is bounded by store.timeoutMs.
 *
 * Stopped requests emit `block` with one synthetic finding (199403 banned, 199404 deny-listed, 199429 rate
 * limited) so alert consumers see them; a 429 also emits `ratelimit`. In detect mode nothing is refused, the
 * events say `detect`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Alert, AlertAction, AlertDetail, BanEvent, RateLimitEvent, UnbanEvent } from '../alerts/types.js';
import { createBanManager, type BanManager, type JailConfig } from '../bans/ban-manager.js';
import { createClientIpResolver, type ClientIpResolver } from '../bans/client-ip.js';
import { createIpList } from '../bans/ip-list.js';
import { normalizeIp } from '../bans/ip.js';
import { PortcullisError } from '../errors.js';
import { DEFAULT_REDACT_NAMES, redactQueryValues, toDisplayText } from '../engine/redact.js';
import { retryAfterSeconds, setRateLimitHeaders } from '../limiter/headers.js';
import { compileRoute, createLimiter, type Limiter, type LimitOutcome } from '../limiter/limiter.js';
import type { ResolvedConfig } from '../options.js';
import { createMemoryBanStore } from '../stores/memory/ban-store.js';
import { createMemoryCounterStore } from '../stores/memory/counter-store.js';
import { createRedisStore, type RedisStore } from '../stores/redis/redis-store.js';
import type { BanEntry, BanStore, CounterStore } from '../stores/types.js';
import { sendBlock } from './respond.js';
import { headerPairs } from './snapshot.js';

/** Built-in findings of the gate (documented in the README with 199408/199413). */
export const GATE_FINDINGS = {
  ban: { id: 199403, message: 'Client IP is banned', tag: 'portcullis-ban' },
  deny: { id: 199404, message: 'Client IP is on the deny list', tag: 'portcullis-deny' },
  ratelimit: { id: 199429, message: 'Rate limit exceeded', tag: 'portcullis-ratelimit' },
} as const;

/** 'skip': allow-listed, straight to the app; 'stop': answered here; 'continue': on to the rules. */
export type GateResult = 'skip' | 'stop' | 'continue';

export interface GuardHost {
  /** Emits `block` (only when someone listens; `detail` built only then). */
  block(alert: Alert, detail: () => AlertDetail): void;
  ban(event: BanEvent): void;
  unban(event: UnbanEvent): void;
  ratelimit(event: RateLimitEvent): void;
  remoteAlert(kind: 'alert' | 'block', alert: Alert, instance: string): void;
  fail(err: unknown): void;
  rulesVersion(): string;
}

export interface Guard {
  readonly clientIp: ClientIpResolver;
  check(req: IncomingMessage, res: ServerResponse, ip: string, mode: 'block' | 'detect'): GateResult | Promise<GateResult>;
  /** The rules blocked a request from `ip` (a jail failure). */
  blocked(ip: string): void;
  ban(ip: string, durationMs?: number, reason?: string): Promise<BanEvent>;
  unban(ip: string): Promise<boolean>;
  bans(): Promise<readonly BanEntry[]>;
  strike(ip: string, reason?: string, jail?: string): Promise<void>;
  /** Relays a local alert to other instances (Redis store with relayAlerts). */
  relay(kind: 'alert' | 'block', alert: Alert): void;
  /** With a Redis store: settles when it has subscribed and loaded the bans. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

function detailOfReq(req: IncomingMessage): () => AlertDetail {
  let built: AlertDetail | undefined;
  return () => built ??= { httpVersion: req.httpVersion || '1.1', headers: headerPairs(req.rawHeaders), bodyExcerpt: undefined, bodyLength: 0 };
}

export function createGuard(config: ResolvedConfig, host: GuardHost): Guard {
  const clientIp = createClientIpResolver(config.trustProxy);
  const allow = createIpList(config.allow, 'allow');
  const deny = createIpList(config.deny, 'deny');
  const rl = config.rateLimit;
  const bansCfg = config.bans;
  const onError = (err: Error): void => host.fail(err);

  const localCounters = createMemoryCounterStore({ maxKeys: rl?.maxKeys ?? 100_000 });
  const globalIgnore = createIpList(bansCfg?.ignore, 'bans.ignore');
  const jails: JailConfig[] = (bansCfg?.jails ?? []).map((j) => ({
    name: j.name, maxRetry: j.maxRetry, findTimeMs: j.findTimeMs, policy: j.policy,
    ignore: createIpList(j.ignore, `bans.jails.${j.name}.ignore`), failures: new Set(j.failures),
  }));
  const ignoredEverywhere = (ip: string): boolean => globalIgnore.has(ip) || (jails.length > 0 && jails.every((j) => j.ignore.has(ip)));
  const redisCfg = config.store.redis;
  const localBans = createMemoryBanStore({
    maxEntries: bansCfg?.maxEntries ?? 100_000,
    historyMs: bansCfg?.historyMs ?? 7 * 24 * 3600_000,
    file: redisCfg === undefined && bansCfg && bansCfg.file !== false ? bansCfg.file : undefined,
    ignored: ignoredEverywhere,
    onError,
  });

  let manager: BanManager | undefined;
  let redis: RedisStore | undefined;
  if (redisCfg !== undefined) {
    redis = createRedisStore({
      redis: redisCfg.redis, subscriber: redisCfg.subscriber, prefix: redisCfg.prefix ?? 'portcullis:',
      timeoutMs: redisCfg.timeoutMs ?? 250, retryMs: redisCfg.retryMs ?? 1000,
      historyMs: bansCfg?.historyMs ?? 7 * 24 * 3600_000,
      localCounters, localBans, onError,
      listener: {
        banned: (e) => manager?.remoteBan(e),
        unbanned: (ip) => manager?.remoteUnban(ip),
        alert: (kind, alert, instance) => host.remoteAlert(kind, alert as Alert, instance),
      },
    });
  }
  const counters: CounterStore = redis?.counters ?? localCounters;
  const banStore: BanStore = redis?.bans ?? localBans;
  // The ban list exists whenever bans are configured or a shared store may carry bans from elsewhere; waf.ban()
  // works in every configuration.
  manager = createBanManager({
    jails, ignore: globalIgnore, store: banStore, counters,
    host: { ban: host.ban, unban: host.unban, fail: host.fail },
  });
  const bans = manager;

  const limiter: Limiter | undefined = rl === undefined ? undefined : createLimiter(
    rl.limits.map((l) => ({ name: l.name, max: l.max, windowMs: l.windowMs, key: l.key, matches: compileRoute(l.method, l.path) })),
    counters, rl.ipv6Subnet,
  );
  const strikeOnLimit = jails.some((j) => j.failures.has('ratelimit'));
  const strikeOnBlock = jails.some((j) => j.failures.has('block'));

  const gateAlert = (req: IncomingMessage, ip: string, f: typeof GATE_FINDINGS[keyof typeof GATE_FINDINGS], data: string, action: AlertAction, status: number): Alert => ({
    v: 1,
    incidentId: randomUUID(),
    time: new Date().toISOString(),
    clientIp: ip,
    method: req.method ?? 'GET',
    url: toDisplayText(redactQueryValues((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/', config.redact ?? DEFAULT_REDACT_NAMES), 2048),
    matches: [{
      id: f.id, phase: 1, message: f.message, severity: 'critical', tags: [f.tag], paranoiaLevel: 1,
      target: 'REMOTE_ADDR', value: ip, data, score: 0,
    }],
    score: 0,
    threshold: config.threshold,
    action,
    status: action === 'pass' ? undefined : status,
    rulesVersion: host.rulesVersion(),
  });

  const stop = (req: IncomingMessage, res: ServerResponse, ip: string, f: typeof GATE_FINDINGS[keyof typeof GATE_FINDINGS], data: string, status: number, mode: 'block' | 'detect'): GateResult => {
    const action: AlertAction = mode === 'block' ? 'block' : 'detect';
    const alert = gateAlert(req, ip, f, data, action, status);
    host.block(alert, detailOfReq(req));
    if (mode !== 'block') return 'continue';
    sendBlock(res, status, alert.incidentId);
    return 'stop';
  };

  const afterLimit = (req: IncomingMessage, res: ServerResponse, ip: string, o: LimitOutcome, mode: 'block' | 'detect'): GateResult => {
    if (rl === undefined) return 'continue';
    setRateLimitHeaders(res, rl.headers, o.applied, o.tightest);
    const refused = o.refused;
    if (refused === undefined) return 'continue';
    const retryAfter = retryAfterSeconds(refused.check);
    host.ratelimit({
      v: 1, clientIp: ip, key: o.key, limit: refused.name, max: refused.max, windowMs: refused.windowMs,
      method: req.method ?? 'GET', url: toDisplayText(redactQueryValues(req.url ?? '/', config.redact ?? DEFAULT_REDACT_NAMES), 2048), retryAfter, time: new Date().toISOString(),
    });
    if (strikeOnLimit) {
      const r = bans.failure('ratelimit', ip, `rate limit ${refused.name} exceeded`);
      if (r instanceof Promise) r.catch(host.fail);
    }
    if (mode === 'block' && !res.headersSent) res.setHeader('Retry-After', String(retryAfter));
    return stop(req, res, ip, GATE_FINDINGS.ratelimit, `${refused.name}: ${refused.max} per ${refused.windowMs} ms`, rl.status, mode);
  };

  return {
    clientIp,
    ready: redis?.ready ?? Promise.resolve(),
    check(req, res, ip, mode) {
      if (allow.size > 0 && allow.has(ip)) return 'skip';
      if (deny.size > 0 && deny.has(ip)) return stop(req, res, ip, GATE_FINDINGS.deny, 'deny list', bansCfg?.status ?? 403, mode);
      if (banStore.size > 0) {
        const b = bans.check(ip);
        if (b !== undefined) return stop(req, res, ip, GATE_FINDINGS.ban, `jail ${b.jail} until ${new Date(b.until).toISOString()}: ${b.reason}`.slice(0, 200), bansCfg?.status ?? 403, mode);
      }
      if (limiter === undefined) return 'continue';
      const o = limiter.check(req, ip);
      if (o === undefined) return 'continue';
      if (o instanceof Promise) return o.then((out) => afterLimit(req, res, ip, out, mode));
      return afterLimit(req, res, ip, o, mode);
    },
    blocked(ip) {
      if (!strikeOnBlock) return;
      try {
        const r = bans.failure('block', ip, 'blocked by the WAF rules');
        if (r instanceof Promise) r.catch(host.fail);
      } catch (err) {
        host.fail(err);
      }
    },
    ban: (ip, durationMs, reason) => bans.ban(ip, durationMs, reason),
    unban: (ip) => bans.unban(ip),
    bans: async () => bans.list(),
    async strike(ipText, reason, jail) {
      const ip = normalizeIp(ipText);
      if (ip === undefined) throw new PortcullisError('ERR_PORTCULLIS_BAN_IP', `waf.strike(): ${JSON.stringify(String(ipText)).slice(0, 80)} is not an IP address`);
      if (jail !== undefined && !jails.some((j) => j.name === jail)) throw new PortcullisError('ERR_PORTCULLIS_BAN_IP', `waf.strike(): no jail named ${JSON.stringify(String(jail)).slice(0, 80)}`);
      await bans.failure('strike', ip, reason ?? 'strike', jail);
    },
    relay(kind, alert) {
      redis?.publishAlert(kind, alert);
    },
    async close() {
      await redis?.close();
      await bans.close();
    },
  };
}
