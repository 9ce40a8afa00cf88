import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  Alert, AlertAction, AlertDetail, BanEvent, InspectedEvent, RateLimitEvent, ReloadEvent, RuleMatch, UnbanEvent,
} from './alerts/types.js';
import { attachBody, buildEngine, concludeTransaction, startTransaction, type Engine } from './engine/engine.js';
import { PortcullisError } from './errors.js';
import { createReloader, type ReloadResult } from './engine/reload.js';
import { watchRuleFiles, type WatchOptions } from './engine/watch.js';
import { onClose, runCloseHooks } from './lifecycle.js';
import { createGuard } from './middleware/gate.js';
import { createMiddleware, detailOf, type NextFunction } from './middleware/middleware.js';
import { resolveOptions, type PortcullisOptions, type ResolvedConfig, type RuleOptions } from './options.js';
import type { BanEntry } from './stores/types.js';
import { utf8ToByteString } from './variables/bytes.js';
import type { RequestSnapshot } from './variables/types.js';

/** A request for `waf.inspect()`: the engine without HTTP (CLI, log replay, tests). */
export interface RequestLike {
  readonly method: string;
  /** Request-target: path and query, e.g. `/search?q=1`. */
  readonly url: string;
  readonly httpVersion?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>> | readonly (readonly [string, string])[];
  /** A string (sent as UTF-8), bytes, or an object (sent as JSON). */
  readonly body?: string | Uint8Array | object;
  readonly remoteAddress?: string;
}

export interface InspectResult {
  readonly action: AlertAction;
  /** Status a block answers with (or would, in detect mode). */
  readonly status: number | undefined;
  readonly score: number;
  readonly threshold: number;
  readonly matches: readonly RuleMatch[];
  readonly incidentId: string;
  readonly rulesVersion: string;
}

/**
 * Every event a Portcullis instance emits. Events are built only when someone listens. `alert` fires for every
 * transaction with at least one match (whatever the action); `block` for those stopped (rules, bans, deny-list).
 */
export interface PortcullisEvents {
  alert: [alert: Alert, detail: AlertDetail];
  block: [alert: Alert, detail: AlertDetail];
  ban: [event: BanEvent];
  unban: [event: UnbanEvent];
  ratelimit: [event: RateLimitEvent];
  reload: [event: ReloadEvent];
  /** Every inspected request, for metrics (action, phase, engine time, score); built only when someone listens. */
  inspected: [event: InspectedEvent];
  error: [err: Error];
  /** An alert of another instance sharing the Redis store (`store.relayAlerts`); never counted as a local one. */
  remoteAlert: [alert: Alert, origin: { readonly instance: string; readonly kind: 'alert' | 'block' }];
}

/** A Connect/Express middleware that is also a typed event emitter. */
export interface Portcullis extends EventEmitter<PortcullisEvents> {
  (req: IncomingMessage, res: ServerResponse, next: NextFunction): void;
  /** Runs the engine on a request-like object, without HTTP. */
  inspect(request: RequestLike): Promise<InspectResult>;
  /** Stops inspecting (requests pass through untouched) and waits for in-flight body reads. */
  close(): Promise<void>;
  /** The validated, frozen configuration (its `rules` change with each successful reload). */
  readonly config: ResolvedConfig;
  /** Version string of the active ruleset (in every alert). */
  readonly rulesVersion: string;
  /**
   * Replaces the rules (the whole `rules` option) without a restart: compiled off the request path, swapped in
   * atomically; requests in flight finish on the old ruleset. Resolves `{ ok: false, errors }` (old rules stay)
   * when the new ones do not validate or compile. Emits `reload` either way.
   */
  reload(rules: RuleOptions): Promise<ReloadResult>;
  /**
   * Reloads the current rules when rule files change (debounced). `paths` default to the `rules.seclang` paths.
   * Returns a function that stops watching; close() stops it too. Reload results arrive as `reload` events.
   */
  watch(paths?: readonly string[], options?: WatchOptions): () => void;
  /**
   * Bans an IP (every instance, with a Redis store). Without `durationMs` the first jail's ban time applies, grown
   * for repeat offenders; -1 is permanent. Rejects with ERR_PORTCULLIS_BAN_IP when `ip` is not an address.
   */
  ban(ip: string, durationMs?: number, reason?: string): Promise<BanEvent>;
  /** Lifts a ban and forgets the IP's history. Resolves true when a ban was active. */
  unban(ip: string): Promise<boolean>;
  /** Active bans. */
  bans(): Promise<readonly BanEntry[]>;
  /** Counts a failure (e.g. a failed login) toward a jail: the named one, or every jail counting `strike`. */
  strike(ip: string, reason?: string, jail?: string): Promise<void>;
  /** The client IP Portcullis resolves for a request (socket address, or through `trustProxy` only). */
  clientIp(req: IncomingMessage): string;
}

function snapshotFromLike(r: RequestLike): RequestSnapshot {
  if (!r || typeof r.method !== 'string' || typeof r.url !== 'string') {
    throw new PortcullisError('ERR_PORTCULLIS_INSPECT_INPUT', 'inspect() needs { method, url }');
  }
  const headers: [string, string][] = [];
  let hasType = false;
  if (Array.isArray(r.headers)) {
    for (const [k, v] of r.headers as readonly (readonly [string, string])[]) headers.push([k, utf8ToByteString(String(v))]);
  } else if (r.headers) {
    for (const [k, v] of Object.entries(r.headers)) {
      if (v === undefined) continue;
      if (typeof v === 'string') headers.push([k, utf8ToByteString(v)]);
      else for (const one of v) headers.push([k, utf8ToByteString(String(one))]);
    }
  }
  for (const [k] of headers) if (k.toLowerCase() === 'content-type') hasType = true;
  let body: Buffer | undefined;
  if (r.body !== undefined && r.body !== null) {
    if (typeof r.body === 'string') body = Buffer.from(r.body, 'utf8');
    else if (r.body instanceof Uint8Array) body = Buffer.from(r.body);
    else {
      body = Buffer.from(JSON.stringify(r.body), 'utf8');
      if (!hasType) headers.push(['content-type', 'application/json']);
    }
    if (!headers.some(([k]) => k.toLowerCase() === 'content-length')) headers.push(['content-length', String(body.length)]);
  }
  return {
    method: r.method,
    url: utf8ToByteString(r.url),
    httpVersion: r.httpVersion ?? '1.1',
    headers,
    remoteAddress: r.remoteAddress ?? '127.0.0.1',
    ...(body !== undefined ? { body, bodyComplete: true } : {}),
  };
}

/**
 * Creates a WAF instance: `app.use(portcullis())`. Options are validated now; a bad option throws a
 * PortcullisError with an ERR_PORTCULLIS_* code. See README for every option.
 */
export function portcullis(options?: PortcullisOptions): Portcullis {
  let config = resolveOptions(options);
  let engine: Engine = buildEngine(config);
  let currentOptions: PortcullisOptions = options ?? {};
  let closed = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const emitIf = <K extends keyof PortcullisEvents>(kind: K, ...args: PortcullisEvents[K]): void => {
    if (waf.listenerCount(kind) > 0) (waf.emit as (k: K, ...a: PortcullisEvents[K]) => boolean)(kind, ...args);
  };
  // Client IP, allow/deny lists, bans and rate limits: what runs before the rules.
  const guard = createGuard(config, {
    block: (alert, detail) => report('block', alert, detail),
    ban: (e) => emitIf('ban', e),
    unban: (e) => emitIf('unban', e),
    ratelimit: (e) => emitIf('ratelimit', e),
    remoteAlert: (kind, alert, instance) => emitIf('remoteAlert', alert, { instance, kind }),
    fail: (err) => emitIf('error', err instanceof Error ? err : new Error(String(err))),
    rulesVersion: () => engine.ruleset.version,
  });
  const relayAlerts = config.store.redis?.relayAlerts === true;

  /** Events are only emitted (and so only built into listeners' hands) when someone listens. */
  const report = (kind: 'alert' | 'block', alert: Alert, detail: () => AlertDetail): void => {
    if (waf.listenerCount(kind) > 0) waf.emit(kind, alert, detail());
    if (relayAlerts) guard.relay(kind, alert);
  };

  const middleware = createMiddleware({
    engine: () => engine,
    limits: config.limits,
    inspectResponse: config.inspectResponse,
    isClosed: () => closed,
    report,
    fail(err) {
      if (waf.listenerCount('error') > 0) waf.emit('error', err instanceof Error ? err : new Error(String(err)));
    },
    track(delta) {
      inFlight += delta;
      if (inFlight === 0 && drained) drained();
    },
    timed: () => waf.listenerCount('inspected') > 0,
    inspected(action, phase, seconds, score) {
      waf.emit('inspected', { v: 1, action, phase, seconds, score });
    },
    clientIp: guard.clientIp,
    gate: guard.check,
    blocked: (ip) => guard.blocked(ip),
  });

  const waf = function portcullisInstance(req: IncomingMessage, res: ServerResponse, next: NextFunction): void {
    middleware(req, res, next);
  } as Portcullis;

  // A function that is also an EventEmitter: its prototype chain gets EventEmitter.prototype, plus the
  // Function.prototype methods frameworks may call (call/apply/bind).
  const proto = Object.create(EventEmitter.prototype) as Record<string, unknown>;
  proto.call = Function.prototype.call;
  proto.apply = Function.prototype.apply;
  proto.bind = Function.prototype.bind;
  Object.setPrototypeOf(waf, proto);
  EventEmitter.call(waf as unknown as EventEmitter);

  Object.defineProperties(waf, {
    config: { get: () => config, enumerable: true },
    rulesVersion: { get: () => engine.ruleset.version, enumerable: true },
    ban: { value: guard.ban },
    unban: { value: guard.unban },
    bans: { value: guard.bans },
    strike: { value: guard.strike },
    clientIp: { value: guard.clientIp },
    reload: {
      value: createReloader({
        options: () => currentOptions,
        engine: () => engine,
        swap(next, nextConfig, nextOptions) { engine = next; config = nextConfig; currentOptions = nextOptions; },
        isClosed: () => closed,
        listening: () => waf.listenerCount('reload') > 0,
        report: (event) => { waf.emit('reload', event); },
      }),
    },
    watch: {
      value: (paths?: readonly string[], watchOptions?: WatchOptions): (() => void) => {
        if (closed) throw new PortcullisError('ERR_PORTCULLIS_CLOSED', 'watch() called after close()');
        const files = paths ?? config.rules.seclang.filter((s): s is string => typeof s === 'string');
        if (files.length === 0) throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', 'watch(): nothing to watch (no paths given and rules.seclang names no file or directory)');
        const stop = watchRuleFiles(files, () => {
          waf.reload(currentOptions.rules ?? {}).then((r) => {
            // Nobody listens to `reload`: a refused reload must not go unnoticed, so it becomes an `error`.
            if (!r.ok && waf.listenerCount('reload') === 0 && waf.listenerCount('error') > 0) {
              waf.emit('error', new Error(`rule files changed but the reload was refused (rules ${r.rulesVersion} stay): ${r.errors.join('; ')}`));
            }
          }, () => undefined); // closed meanwhile: nothing to do
        }, (err) => {
          if (waf.listenerCount('error') > 0) waf.emit('error', err);
        }, watchOptions);
        const unregister = onClose(waf, stop);
        return () => { unregister(); stop(); };
      },
    },
    inspect: {
      value: async (request: RequestLike): Promise<InspectResult> => {
        if (closed) throw new PortcullisError('ERR_PORTCULLIS_CLOSED', 'inspect() called after close()');
        const mark = waf.listenerCount('inspected') > 0 ? performance.now() : -1;
        const snapshot = snapshotFromLike(request);
        const current = engine;
        const ip = snapshot.remoteAddress;
        // Phase 1 sees no body (snapshotFromLike sets no other optional field): built directly, no object rest.
        const head: RequestSnapshot = { method: snapshot.method, url: snapshot.url, httpVersion: snapshot.httpVersion, headers: snapshot.headers, remoteAddress: snapshot.remoteAddress };
        const tx = startTransaction(current, head, ip);
        const stopped = tx.runPhase(1);
        const phase: 1 | 2 = tx.interruption ? 1 : 2;
        if (!stopped) {
          if (snapshot.body) attachBody(tx, snapshot);
          tx.runPhase(2);
        }
        const { verdict, alert } = concludeTransaction(tx, snapshot);
        if (mark >= 0) waf.emit('inspected', { v: 1, action: verdict.action, phase, seconds: (performance.now() - mark) / 1000, score: verdict.score });
        if (alert) {
          const detail = detailOf(snapshot, snapshot.body);
          report('alert', alert, detail);
          if (verdict.action === 'block') report('block', alert, detail);
        }
        return {
          action: verdict.action,
          status: verdict.status,
          score: verdict.score,
          threshold: verdict.threshold,
          matches: tx.matches,
          incidentId: tx.uniqueId,
          rulesVersion: current.ruleset.version,
        };
      },
    },
    close: {
      value: async (): Promise<void> => {
        closed = true;
        if (inFlight > 0) await new Promise<void>((resolve) => { drained = resolve; });
        // Then the consumers (audit log flush, stream sockets, stores), each registered with onClose().
        for (const err of await runCloseHooks(waf)) {
          if (waf.listenerCount('error') > 0) waf.emit('error', err);
        }
      },
    },
  });
  onClose(waf, () => guard.close());
  return waf;
}
