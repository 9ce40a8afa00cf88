/**
 * The request's way through Portcullis, in one place:
 *
 *   1. mode off or instance closed → next()
 *   2. client IP (socket address, or through trusted proxies only; normalised), then the gate (gate.ts):
 *      allow-list → skip the rules; deny-list / active ban → 403; rate limits → 429
 *   3. phase 1: method, URI, query args, headers, cookies → may block before the body is read
 *   4. body: captured within limits (inflated for inspection), then replayed to the app untouched;
 *      over the limit → 413 (reject) or prefix inspection (partial); too slow → 408
 *   5. phase 2: body args (urlencoded / JSON / multipart / XML) → anomaly threshold → verdict
 *   6. alert / block events (only when someone listens), 403 with an incident id, or next()
 *      (and one `inspected` event per request for metrics: action, phase, engine time, score; timed
 *      only while someone listens to it)
 *
 * Nothing here throws into the app: an internal failure emits 'error' and lets the request through
 * (fail-open, like ModSecurity), so a WAF bug cannot take the site down.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Alert, AlertAction, AlertDetail } from '../alerts/types.js';
import { attachBody, concludeTransaction, startTransaction, type Engine, type Verdict } from '../engine/engine.js';
import type { Transaction } from '../engine/transaction.js';
import type { ResolvedLimits, ResolvedResponseInspection } from '../options.js';
import type { RequestSnapshot } from '../variables/types.js';
import { captureBody, declaresBody, type BodyCapture } from './body.js';
import type { GateResult } from './gate.js';
import { sendBlock } from './respond.js';
import { inspectsResponses, watchResponse } from './response.js';
import { bodyFields, snapshotFromRequest } from './snapshot.js';

export type NextFunction = (err?: unknown) => void;

/** What the middleware needs from the Portcullis instance (kept small so this file has no cycle with index). */
export interface MiddlewareHost {
  engine(): Engine;
  readonly limits: ResolvedLimits;
  /** Response inspection (phases 3-5, src/middleware/response.ts); absent or disabled: responses are not touched. */
  readonly inspectResponse?: ResolvedResponseInspection;
  isClosed(): boolean;
  /** Emits only when someone listens; `detail` is built only then. */
  report(kind: 'alert' | 'block', alert: Alert, detail: () => AlertDetail): void;
  fail(err: unknown): void;
  /** Called when a request starts and ends inspection (for close() to wait on in-flight work). */
  track(delta: 1 | -1): void;
  /** True when someone listens to `inspected`: asked once per request, so timing costs nothing otherwise. */
  timed(): boolean;
  /** Reports one inspected request (called only when timed() was true when the request started). */
  inspected(action: AlertAction, phase: 1 | 2, seconds: number, score: number): void;
  /** Client IP through trusted proxies only (src/bans/client-ip.ts); default: the socket address. */
  clientIp?(req: IncomingMessage): string;
  /** Allow/deny lists, bans and rate limits before the rules (src/middleware/gate.ts). */
  gate?(req: IncomingMessage, res: ServerResponse, clientIp: string, mode: 'block' | 'detect'): GateResult | Promise<GateResult>;
  /** The rules blocked a request from `clientIp` (counts toward the jails). */
  blocked?(clientIp: string): void;
}

const NO_BODY: BodyCapture = { body: undefined, complete: true, tooLarge: false, consumed: false };

export function clientIpOf(req: IncomingMessage): string {
  const a = req.socket?.remoteAddress ?? '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** Bytes of the request body kept in an alert's detail (the audit log's body excerpt). */
export const DETAIL_BODY_BYTES = 8192;

/** The request detail that travels with alert/block events (built lazily, only for listeners). */
export function detailOf(snapshot: RequestSnapshot, body: Buffer | undefined, responseDone?: Promise<void>): () => AlertDetail {
  let built: AlertDetail | undefined;
  return () => built ??= {
    httpVersion: snapshot.httpVersion,
    headers: snapshot.headers,
    bodyExcerpt: body === undefined ? undefined : body.subarray(0, DETAIL_BODY_BYTES),
    bodyLength: body?.length ?? 0,
    ...(responseDone === undefined ? {} : { responseDone }),
  };
}

/** `mark`: performance.now() at the start, shifted by the time spent waiting for the body; -1 when not timed. */
function finish(host: MiddlewareHost, tx: Transaction, snapshot: RequestSnapshot, res: ServerResponse, next: NextFunction, forced?: Verdict, body?: Buffer, mark = -1, phase: 1 | 2 = 2): void {
  const { verdict, alert } = concludeTransaction(tx, snapshot, forced);
  if (mark >= 0) host.inspected(verdict.action, phase, (performance.now() - mark) / 1000, verdict.score);
  const watching = verdict.action !== 'block' && host.inspectResponse !== undefined && inspectsResponses(tx.ruleset, host.inspectResponse);
  let settle: (() => void) | undefined; // the response phases are over (AlertDetail.responseDone)
  const responseDone = watching && alert ? new Promise<void>((resolve) => { settle = resolve; }) : undefined;
  if (alert) {
    const detail = detailOf(snapshot, body, responseDone);
    host.report('alert', alert, detail);
    if (verdict.action === 'block') {
      host.report('block', alert, detail);
      host.blocked?.(tx.clientIp);
      sendBlock(res, verdict.status ?? 403, alert.incidentId);
      return;
    }
  }
  if (watching && host.inspectResponse !== undefined) {
    try { watchResponse(host, host.inspectResponse, tx, snapshot, res, settle); } catch (err) { host.fail(err); settle?.(); }
  }
  next();
}

/** Built-in findings for limits the engine enforces itself (documented in the README). */
export const LIMIT_FINDINGS = {
  408: { id: 199408, message: 'Request body not received within limits.bodyTimeoutMs' },
  413: { id: 199413, message: 'Request body larger than limits.maxBodyBytes' },
} as const;

function limitVerdict(tx: Transaction, status: 408 | 413): Verdict {
  const f = LIMIT_FINDINGS[status];
  tx.matches.push({
    id: f.id, phase: 2, message: f.message, severity: 'critical', tags: ['portcullis-limit'], paranoiaLevel: 1,
    target: 'REQUEST_BODY', value: '', data: '', score: 0,
  });
  return { action: tx.engineMode === 'On' ? 'block' : 'detect', status, score: tx.inboundScore(), threshold: tx.threshold() };
}

export function createMiddleware(host: MiddlewareHost) {
  const gate = host.gate;
  const resolveIp = host.clientIp ?? clientIpOf;
  /**
   * After an asynchronous gate (Redis) let the request on: what re-entering the middleware did, without a per-request
   * marker (a WeakSet lookup on every request) to skip the gate the second time.
   */
  const afterGate = (req: IncomingMessage, res: ServerResponse, next: NextFunction): void => {
    if (host.isClosed()) { next(); return; }
    const engine = host.engine();
    if (engine.settings.mode === 'off') { next(); return; }
    inspect(engine, req, res, next, resolveIp(req));
  };
  return function portcullisMiddleware(req: IncomingMessage, res: ServerResponse, next: NextFunction): void {
    if (host.isClosed()) { next(); return; }
    const engine = host.engine();
    const settingsMode = engine.settings.mode;
    if (settingsMode === 'off') { next(); return; }
    const clientIp = resolveIp(req);
    if (gate !== undefined) {
      let g: GateResult | Promise<GateResult> = 'continue';
      const mode = settingsMode === 'detect' || engine.ruleset.directives.ruleEngine === 'DetectionOnly' ? 'detect' : 'block';
      try { g = gate(req, res, clientIp, mode); } catch (err) { host.fail(err); }
      if (g instanceof Promise) {
        const go = (r: GateResult): void => {
          if (r === 'skip') next();
          else if (r === 'continue') afterGate(req, res, next);
        };
        g.then(go, (err: unknown) => { host.fail(err); go('continue'); });
        return;
      }
      if (g === 'skip') { next(); return; }
      if (g === 'stop') return;
    }
    inspect(engine, req, res, next, clientIp);
  };

  /** The rules: phase 1, the body when the rules need it, phase 2, the verdict. */
  function inspect(engine: Engine, req: IncomingMessage, res: ServerResponse, next: NextFunction, clientIp: string): void {
    let tx: Transaction;
    let snapshot: RequestSnapshot;
    let mark = host.timed() ? performance.now() : -1;
    let phase: 1 | 2 = 2;
    try {
      snapshot = snapshotFromRequest(req, NO_BODY, clientIp);
      tx = startTransaction(engine, snapshot, clientIp);
      const stopped = tx.runPhase(1);
      if (tx.interruption) phase = 1;
      if (stopped || !engine.needsBody || !declaresBody(req)) {
        tx.runPhase(2); // returns at once after a blocking phase-1 interruption; DetectionOnly keeps evaluating
        finish(host, tx, snapshot, res, next, undefined, undefined, mark, phase);
        return;
      }
    } catch (err) {
      host.fail(err);
      next();
      return;
    }
    // The body: asynchronous, bounded in size and time.
    host.track(1);
    const limits = host.limits;
    const waitFrom = mark >= 0 ? performance.now() : 0;
    captureBody(req, {
      limit: limits.maxBodyBytes,
      onOverflow: limits.bodyOverflow,
      inflate: limits.inflate,
      timeoutMs: limits.bodyTimeoutMs,
    }).then((capture) => {
      host.track(-1);
      try {
        if (capture.aborted) return; // client went away: nothing to answer
        if (mark >= 0) mark += performance.now() - waitFrom;
        if (capture.timedOut) { finish(host, tx, snapshot, res, next, limitVerdict(tx, 408), capture.body, mark); return; }
        if (capture.tooLarge && limits.bodyOverflow === 'reject') { finish(host, tx, snapshot, res, next, limitVerdict(tx, 413), capture.body, mark); return; }
        attachBody(tx, bodyFields(req, capture));
        if (!capture.complete || capture.encodingError) tx.tx.set('portcullis_body_incomplete', '1');
        tx.runPhase(2);
        finish(host, tx, snapshot, res, next, undefined, capture.body, mark, phase);
      } catch (err) {
        host.fail(err);
        next();
      }
    }, (err: unknown) => {
      host.track(-1);
      host.fail(err);
      next();
    });
  }
}
