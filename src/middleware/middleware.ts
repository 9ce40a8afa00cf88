/**
 * The request's way through Portcullis, in one place:
 *
 *   1. mode off or instance closed → next()
 *   2. client IP (socket address, IPv4-mapped IPv6 folded)
 *   3. phase 1: method, URI, query args, headers, cookies → may block before the body is read
 *   4. body: captured within limits (inflated for inspection), then replayed to the app untouched;
 *      over the limit → 413 (reject) or prefix inspection (partial); too slow → 408
 *   5. phase 2: body args (urlencoded / JSON / multipart / XML) → anomaly threshold → verdict
 *   6. alert / block events (only when someone listens), 403 with an incident id, or next()
 *
 * Nothing here throws into the app: an internal failure emits 'error' and lets the request through
 * (fail-open, like ModSecurity), so a WAF bug cannot take the site down.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Alert, AlertDetail } from '../alerts/types.js';
import { attachBody, concludeTransaction, startTransaction, type Engine, type Verdict } from '../engine/engine.js';
import type { Transaction } from '../engine/transaction.js';
import type { ResolvedLimits } from '../options.js';
import type { RequestSnapshot } from '../variables/types.js';
import { captureBody, declaresBody, type BodyCapture } from './body.js';
import { sendBlock } from './respond.js';
import { bodyFields, snapshotFromRequest } from './snapshot.js';

export type NextFunction = (err?: unknown) => void;

/** What the middleware needs from the Portcullis instance (kept small so this file has no cycle with index). */
export interface MiddlewareHost {
  engine(): Engine;
  readonly limits: ResolvedLimits;
  isClosed(): boolean;
  /** Emits only when someone listens; `detail` is built only then. */
  report(kind: 'alert' | 'block', alert: Alert, detail: () => AlertDetail): void;
  fail(err: unknown): void;
  /** Called when a request starts and ends inspection (for close() to wait on in-flight work). */
  track(delta: 1 | -1): void;
}

const NO_BODY: BodyCapture = { body: undefined, complete: true, tooLarge: false, consumed: false };

export function clientIpOf(req: IncomingMessage): string {
  const a = req.socket?.remoteAddress ?? '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** Bytes of the request body kept in an alert's detail (the audit log's body excerpt). */
export const DETAIL_BODY_BYTES = 8192;

/** The request detail that travels with alert/block events (built lazily, only for listeners). */
export function detailOf(snapshot: RequestSnapshot, body: Buffer | undefined): () => AlertDetail {
  let built: AlertDetail | undefined;
  return () => built ??= {
    httpVersion: snapshot.httpVersion,
    headers: snapshot.headers,
    bodyExcerpt: body === undefined ? undefined : body.subarray(0, DETAIL_BODY_BYTES),
    bodyLength: body?.length ?? 0,
  };
}

function finish(host: MiddlewareHost, tx: Transaction, snapshot: RequestSnapshot, res: ServerResponse, next: NextFunction, forced?: Verdict, body?: Buffer): void {
  const { verdict, alert } = concludeTransaction(tx, snapshot, forced);
  if (alert) {
    const detail = detailOf(snapshot, body);
    host.report('alert', alert, detail);
    if (verdict.action === 'block') {
      host.report('block', alert, detail);
      sendBlock(res, verdict.status ?? 403, alert.incidentId);
      return;
    }
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
  return function portcullisMiddleware(req: IncomingMessage, res: ServerResponse, next: NextFunction): void {
    if (host.isClosed()) { next(); return; }
    const engine = host.engine();
    if (engine.settings.mode === 'off') { next(); return; }
    let tx: Transaction;
    let snapshot: RequestSnapshot;
    const clientIp = clientIpOf(req);
    try {
      snapshot = snapshotFromRequest(req, NO_BODY, clientIp);
      tx = startTransaction(engine, snapshot, clientIp);
      if (tx.runPhase(1) || !engine.needsBody || !declaresBody(req)) {
        if (!tx.interruption) tx.runPhase(2);
        finish(host, tx, snapshot, res, next);
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
    captureBody(req, {
      limit: limits.maxBodyBytes,
      onOverflow: limits.bodyOverflow,
      inflate: limits.inflate,
      timeoutMs: limits.bodyTimeoutMs,
    }).then((capture) => {
      host.track(-1);
      try {
        if (capture.aborted) return; // client went away: nothing to answer
        if (capture.timedOut) { finish(host, tx, snapshot, res, next, limitVerdict(tx, 408), capture.body); return; }
        if (capture.tooLarge && limits.bodyOverflow === 'reject') { finish(host, tx, snapshot, res, next, limitVerdict(tx, 413), capture.body); return; }
        attachBody(tx, bodyFields(req, capture));
        if (!capture.complete || capture.encodingError) tx.tx.set('portcullis_body_incomplete', '1');
        tx.runPhase(2);
        finish(host, tx, snapshot, res, next, undefined, capture.body);
      } catch (err) {
        host.fail(err);
        next();
      }
    }, (err: unknown) => {
      host.track(-1);
      host.fail(err);
      next();
    });
  };
}
