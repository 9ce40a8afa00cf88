/**
 * Prometheus metrics for a WAF instance, registered on the caller's prom-client registry (never the global
 * one), under a prefix, so two instances with different prefixes or registries never collide. Labels are
 * bounded: actions, phases, rule ids and severities (fixed by the ruleset), jail and limit names (fixed by the
 * configuration), error codes. Never client IPs, paths or anything else a client chooses.
 *
 * Per-request facts come from the `inspected` event (emitted only while someone listens to it); rule matches
 * from `alert`; blocks, bans, rate limits, reloads and errors from their events; the active-ban gauge and the
 * stream/audit figures are read at scrape time.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { optionsObject } from '../alerts/consumer-options.js';
import { statsOf } from '../alerts/stats.js';
import type { Alert, BanEvent, InspectedEvent, RateLimitEvent, ReloadEvent, UnbanEvent } from '../alerts/types.js';
import { ERROR_CODES, PortcullisError } from '../errors.js';
import { GATE_FINDINGS } from '../middleware/gate.js';
import { LIMIT_FINDINGS } from '../middleware/middleware.js';
import type { Portcullis } from '../portcullis.js';
import { asPromClient, loadPromClient, type PromClient } from './prom-client.js';

/**
 * What is used of a prom-client `Registry` (any version from 14 on). Typed structurally so the published
 * declarations do not need prom-client's types.
 */
export interface MetricsRegistry {
  registerMetric(metric: never): void;
  removeSingleMetric(name: string): void;
  getSingleMetric(name: string): unknown;
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface PrometheusMetricsOptions {
  /** Your prom-client Registry (`new Registry()`). Required: nothing is registered on the global one. */
  readonly registry: MetricsRegistry;
  /** Prefix of every metric name. Default `portcullis_`. */
  readonly prefix?: string;
  /** The prom-client module to build metrics with, when the app has several copies. Default: loaded on first use. */
  readonly client?: unknown;
  /** Buckets of the inspection duration histogram, in seconds. */
  readonly durationBuckets?: readonly number[];
  /** Buckets of the anomaly score histogram. */
  readonly scoreBuckets?: readonly number[];
}

/** A `/metrics` handler for node:http, Express or Connect; `remove()` unregisters the metrics and stops listening. */
export interface MetricsHandler {
  (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
  readonly registry: MetricsRegistry;
  /** Names of the metrics registered. */
  readonly names: readonly string[];
  remove(): void;
}

/** Synthetic finding ids → the `reason` label of blocked requests (anything else: `rules`). */
const BLOCK_REASONS: ReadonlyMap<number, string> = new Map([
  [GATE_FINDINGS.ban.id, 'ban'], [GATE_FINDINGS.deny.id, 'deny'], [GATE_FINDINGS.ratelimit.id, 'ratelimit'],
  [LIMIT_FINDINGS[408].id, 'body_limit'], [LIMIT_FINDINGS[413].id, 'body_limit'],
]);

const KNOWN_KEYS = new Set(['registry', 'prefix', 'client', 'durationBuckets', 'scoreBuckets']);
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
export const DEFAULT_SCORE_BUCKETS: readonly number[] = [0, 2, 3, 5, 8, 10, 15, 20, 30, 50, 100];

function bucketsOption(o: Record<string, unknown>, key: string, dflt: readonly number[]): number[] {
  const v = o[key];
  if (v === undefined) return [...dflt];
  if (!Array.isArray(v) || v.length === 0 || v.length > 64 || v.some((x, i) => typeof x !== 'number' || !Number.isFinite(x) || (i > 0 && x <= (v[i - 1] as number)))) {
    throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', `option "${key}" must be 1 to 64 increasing finite numbers`);
  }
  return [...(v as number[])];
}

function isRegistry(r: unknown): r is MetricsRegistry {
  const x = r as Partial<MetricsRegistry> | null;
  return !!x && typeof x.registerMetric === 'function' && typeof x.metrics === 'function' && typeof x.removeSingleMetric === 'function';
}

/**
 * Registers the WAF's metrics on `options.registry` and returns a handler that serves the registry in the
 * Prometheus text format. Throws ERR_PORTCULLIS_METRICS_REGISTER (and registers nothing) when a name is taken.
 */
export function prometheusMetrics(waf: Portcullis, options: PrometheusMetricsOptions): MetricsHandler {
  const o = optionsObject(options, 'prometheusMetrics', KNOWN_KEYS);
  const registry = o.registry;
  if (!isRegistry(registry)) {
    throw new PortcullisError('ERR_PORTCULLIS_METRICS_PROM_CLIENT', 'prometheusMetrics() needs option "registry": a prom-client Registry (new Registry()); the global registry is never used implicitly');
  }
  const prefix = o.prefix ?? 'portcullis_';
  if (typeof prefix !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$|^$/.test(prefix)) {
    throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', 'option "prefix" must match [a-zA-Z_:][a-zA-Z0-9_:]*');
  }
  const durationBuckets = bucketsOption(o, 'durationBuckets', DEFAULT_DURATION_BUCKETS);
  const scoreBuckets = bucketsOption(o, 'scoreBuckets', DEFAULT_SCORE_BUCKETS);
  const client: PromClient = o.client !== undefined ? asPromClient(o.client) : loadPromClient();
  const { Counter, Gauge, Histogram } = client;
  const registers = [registry as never];
  const stats = statsOf(waf);
  const names: string[] = [];

  // Built in one go; if any name is taken, the ones already registered are removed again.
  const build = () => {
    const n = (s: string): string => { const name = prefix + s; names.push(name); return name; };
    return {
      inspected: new Counter({ name: n('requests_inspected_total'), help: 'Requests inspected by the engine, by action (block, detect, pass) and the last phase that ran.', labelNames: ['action', 'phase'] as const, registers }),
      blocked: new Counter({ name: n('requests_blocked_total'), help: 'Requests stopped, by the phase that decided and the reason (rules, body_limit, ban, deny, ratelimit).', labelNames: ['phase', 'reason'] as const, registers }),
      matches: new Counter({ name: n('rule_matches_total'), help: 'Rule matches, by rule id and severity.', labelNames: ['rule_id', 'severity'] as const, registers }),
      score: new Histogram({ name: n('anomaly_score'), help: 'Inbound anomaly score of inspected requests.', buckets: scoreBuckets, registers }),
      duration: new Histogram({ name: n('inspection_duration_seconds'), help: 'Time the engine spent on a request, in seconds (waiting for the body excluded).', buckets: durationBuckets, registers }),
      ratelimited: new Counter({ name: n('ratelimited_requests_total'), help: 'Requests refused with 429, by limit name.', labelNames: ['limit'] as const, registers }),
      bans: new Counter({ name: n('bans_total'), help: 'Bans started, by jail and source (local, remote).', labelNames: ['jail', 'source'] as const, registers }),
      unbans: new Counter({ name: n('unbans_total'), help: 'Bans ended, by reason (expired, manual).', labelNames: ['reason'] as const, registers }),
      activeBans: new Gauge({
        name: n('bans_active'), help: 'Client IPs banned now, by jail (read from waf.bans() at scrape time).', labelNames: ['jail'] as const, registers,
        async collect() {
          const list = await waf.bans().catch(() => null);
          if (list === null) return; // the ban store did not answer: keep the last values
          this.reset();
          const byJail = new Map<string, number>();
          for (const b of list) byJail.set(b.jail, (byJail.get(b.jail) ?? 0) + 1);
          for (const [jail, count] of byJail) this.set({ jail }, count);
        },
      }),
      streamClients: new Gauge({
        name: n('alert_stream_clients'), help: 'Alert stream (WebSocket) clients connected.', registers,
        collect() { this.set(stats.streamClients); },
      }),
      streamDropped: counterFrom(Counter, n('alert_stream_dropped_events_total'), 'Alert stream events not delivered to a client that was too slow (over its buffered-bytes cap).', registers, () => stats.streamDropped),
      auditWritten: counterFrom(Counter, n('audit_records_total'), 'Audit log records written.', registers, () => stats.auditWritten),
      auditDropped: counterFrom(Counter, n('audit_dropped_records_total'), 'Audit log records dropped (queue full) or lost (write errors).', registers, () => stats.auditDropped),
      reloads: new Counter({ name: n('rule_reloads_total'), help: 'Ruleset reloads, by result (ok, rejected).', labelNames: ['result'] as const, registers }),
      errors: new Counter({ name: n('errors_total'), help: 'Internal errors reported as error events (the request was let through), by code.', labelNames: ['code'] as const, registers }),
    };
  };
  let m: ReturnType<typeof build>;
  try {
    m = build();
  } catch (err) {
    for (const name of names.slice(0, -1)) registry.removeSingleMetric(name);
    throw new PortcullisError('ERR_PORTCULLIS_METRICS_REGISTER', `prometheusMetrics(): cannot register ${names[names.length - 1] ?? 'metrics'}: ${err instanceof Error ? err.message : String(err)} (use another prefix or registry)`, { cause: err });
  }

  // Label children bound once: the per-request path does no label hashing for the common series.
  const inspectedChild = new Map<string, ReturnType<typeof m.inspected.labels>>();
  // The engine emits `inspected` then `alert`/`block` for one transaction in the same tick: a block that
  // follows an inspected block is that transaction, and takes its exact phase.
  let lastBlockPhase = 0;
  const onInspected = (e: InspectedEvent): void => {
    lastBlockPhase = e.action === 'block' ? e.phase : 0;
    const key = `${e.action}${e.phase}`;
    let child = inspectedChild.get(key);
    if (!child) inspectedChild.set(key, (child = m.inspected.labels({ action: e.action, phase: String(e.phase) })));
    child.inc();
    m.score.observe(e.score);
    m.duration.observe(e.seconds);
  };
  const onAlert = (a: Alert): void => {
    for (const x of a.matches) m.matches.inc({ rule_id: String(x.id), severity: x.severity ?? 'none' });
  };
  const onBlock = (a: Alert): void => {
    if (a.action !== 'block') return; // detect mode reports would-be blocks as block events too
    const first = a.matches[0]?.id;
    const reason = BLOCK_REASONS.get(first ?? 0) ?? 'rules';
    let phase = lastBlockPhase;
    lastBlockPhase = 0;
    if (reason === 'ban' || reason === 'deny' || reason === 'ratelimit') phase = 1; // decided before the rules
    else if (phase === 0) for (const x of a.matches) if (x.phase > phase) phase = x.phase;
    m.blocked.inc({ phase: String(phase || 1), reason });
  };
  const onRateLimit = (e: RateLimitEvent): void => { m.ratelimited.inc({ limit: e.limit }); };
  const onBan = (e: BanEvent): void => { m.bans.inc({ jail: e.jail, source: e.source }); };
  const onUnban = (e: UnbanEvent): void => { m.unbans.inc({ reason: e.reason }); };
  const onReload = (e: ReloadEvent): void => { m.reloads.inc({ result: e.ok ? 'ok' : 'rejected' }); };
  const onError = (err: Error): void => {
    const code = (err as { code?: unknown }).code;
    m.errors.inc({ code: typeof code === 'string' && code in ERROR_CODES ? code : 'other' });
  };
  // One table of (event, listener) pairs, attached here and detached by remove().
  const listeners: [string, (...args: never[]) => void][] = [
    ['inspected', onInspected], ['alert', onAlert], ['block', onBlock], ['ratelimit', onRateLimit],
    ['ban', onBan], ['unban', onUnban], ['reload', onReload], ['error', onError],
  ];
  const emitter = waf as unknown as EventEmitter;
  for (const [event, fn] of listeners) emitter.on(event, fn as (...args: unknown[]) => void);

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void => {
    void req;
    registry.metrics().then((text) => {
      res.statusCode = 200;
      res.setHeader('Content-Type', registry.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.end(text);
    }, (err: unknown) => {
      if (next) { next(err); return; }
      res.statusCode = 500;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('metrics collection failed\n');
    });
  }) as MetricsHandler;
  Object.defineProperties(handler, {
    registry: { value: registry, enumerable: true },
    names: { value: Object.freeze([...names]), enumerable: true },
    remove: {
      value: (): void => {
        for (const [event, fn] of listeners) emitter.off(event, fn as (...args: unknown[]) => void);
        for (const name of names) registry.removeSingleMetric(name);
      },
    },
  });
  return handler;
}

/** A counter mirroring a monotonic running total kept elsewhere (read at scrape time). */
function counterFrom(Counter: PromClient['Counter'], name: string, help: string, registers: never[], read: () => number) {
  let seen = 0;
  return new Counter({
    name, help, registers,
    collect() {
      const now = read();
      if (now > seen) { this.inc(now - seen); seen = now; }
    },
  });
}
