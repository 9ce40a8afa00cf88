import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  Alert, AlertAction, AlertDetail, BanEvent, RateLimitEvent, ReloadEvent, RuleMatch, UnbanEvent,
} from './alerts/types.js';
import { attachBody, buildEngine, concludeTransaction, startTransaction, type Engine } from './engine/engine.js';
import { PortcullisError } from './errors.js';
import { runCloseHooks } from './lifecycle.js';
import { createMiddleware, detailOf, type NextFunction } from './middleware/middleware.js';
import { resolveOptions, type PortcullisOptions, type ResolvedConfig } from './options.js';
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
  error: [err: Error];
}

/** A Connect/Express middleware that is also a typed event emitter. */
export interface Portcullis extends EventEmitter<PortcullisEvents> {
  (req: IncomingMessage, res: ServerResponse, next: NextFunction): void;
  /** Runs the engine on a request-like object, without HTTP. */
  inspect(request: RequestLike): Promise<InspectResult>;
  /** Stops inspecting (requests pass through untouched) and waits for in-flight body reads. */
  close(): Promise<void>;
  /** The validated, frozen configuration. */
  readonly config: ResolvedConfig;
  /** Version string of the active ruleset (in every alert). */
  readonly rulesVersion: string;
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
      for (const one of typeof v === 'string' ? [v] : v) headers.push([k, utf8ToByteString(String(one))]);
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
  const config = resolveOptions(options);
  let engine: Engine = buildEngine(config);
  let closed = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  /** Events are only emitted (and so only built into listeners' hands) when someone listens. */
  const report = (kind: 'alert' | 'block', alert: Alert, detail: () => AlertDetail): void => {
    if (waf.listenerCount(kind) > 0) waf.emit(kind, alert, detail());
  };

  const middleware = createMiddleware({
    engine: () => engine,
    limits: config.limits,
    isClosed: () => closed,
    report,
    fail(err) {
      if (waf.listenerCount('error') > 0) waf.emit('error', err instanceof Error ? err : new Error(String(err)));
    },
    track(delta) {
      inFlight += delta;
      if (inFlight === 0 && drained) drained();
    },
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
    config: { value: config, enumerable: true },
    rulesVersion: { get: () => engine.ruleset.version, enumerable: true },
    inspect: {
      value: async (request: RequestLike): Promise<InspectResult> => {
        if (closed) throw new PortcullisError('ERR_PORTCULLIS_CLOSED', 'inspect() called after close()');
        const snapshot = snapshotFromLike(request);
        const current = engine;
        const ip = snapshot.remoteAddress;
        const { body: _body, bodyComplete: _complete, ...head } = snapshot;
        const tx = startTransaction(current, head, ip);
        if (!tx.runPhase(1)) {
          if (snapshot.body) attachBody(tx, snapshot);
          tx.runPhase(2);
        }
        const { verdict, alert } = concludeTransaction(tx, snapshot);
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
  return waf;
}
