/**
 * Response inspection (opt-in: `inspectResponse`, or the rules' SecResponseBodyAccess On / ctl:responseBodyAccess=On
 * when the option is not set): phases 3 (status and headers) and 4 (body), then 5 (logging).
 *
 * The response methods of one `ServerResponse` (writeHead, write, end, flushHeaders) are wrapped for the request
 * that passed the request phases:
 *
 *   - headers: held until phase 3 has run; a phase-3 block answers a clean 403 (or the rule's status) instead;
 *   - body: held only when a phase-4 rule reads RESPONSE_BODY, body access is on (ctl:responseBodyAccess of the
 *     transaction, else SecResponseBodyAccess, else on when `inspectResponse` was set),
 *     the response has a body (not HEAD, 1xx, 204, 304),
 *     its type is one of the inspected MIME types (text/plain and text/html by default, like ModSecurity's
 *     SecResponseBodyMimeType) and its content-coding can be decoded (identity, gzip, deflate, br: decoded within
 *     the limit). Held at most `limits.maxResponseBodyBytes` (else SecResponseBodyLimit) and `limits.responseHoldMs`
 *     (`responseOverflow`, else SecResponseBodyLimitAction): past the size, the held
 *     prefix is inspected and the rest streams through (`responseOverflow: 'partial'`) or the response becomes a
 *     500 (`'reject'`); past the time (a slow stream), the held part is inspected and released;
 *   - a phase-4 block while nothing was sent answers a clean block response (the application's headers are
 *     dropped); once headers went out it can only abort the connection, and reports it.
 *
 * When nothing matches, the application's calls are replayed in order (same status, headers, chunks and
 * callbacks; `end(body)` stays `end(body)`, so Node frames it as it would have). Never throws into the app: an
 * internal failure is reported as an `error` event and the response is released as it is.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Alert, AlertDetail } from '../alerts/types.js';
import { attachResponse, concludeTransaction } from '../engine/engine.js';
import type { CompiledRuleset } from '../engine/compile.js';
import type { Transaction } from '../engine/transaction.js';
import type { ResolvedLimits, ResolvedResponseInspection } from '../options.js';
import type { ResponseSnapshot } from '../variables/response-variables.js';
import type { RequestSnapshot } from '../variables/types.js';
import { inflateCapped, parseContentEncoding, type ContentCoding } from './body-inflate.js';
import { sendBlock } from './respond.js';

/** What response inspection needs from the instance (a subset of the middleware host). */
export interface ResponseHost {
  readonly limits: ResolvedLimits;
  report(kind: 'alert' | 'block', alert: Alert, detail: () => AlertDetail): void;
  fail(err: unknown): void;
  blocked?(clientIp: string): void;
  /** A response body starts (+1) and stops (-1) being held, so `waf.close()` waits for it (at most responseHoldMs). */
  track?(delta: 1 | -1): void;
}

/** ModSecurity's default SecResponseBodyMimeType. */
export const DEFAULT_RESPONSE_MIME_TYPES: readonly string[] = ['text/plain', 'text/html'];

/** Built-in finding for `responseOverflow: 'reject'` (as ModSecurity's SecResponseBodyLimitAction Reject: 500). */
export const RESPONSE_LIMIT_FINDING = { id: 199500, message: 'Response body larger than limits.maxResponseBodyBytes (or SecResponseBodyLimit)' } as const;

interface ResponsePlan {
  /** Some rule runs in phase 3, 4 or 5. */
  readonly active: boolean;
  /** Some phase-4 rule reads RESPONSE_BODY. */
  readonly readsBody: boolean;
  /** Some rule says `ctl:responseBodyAccess=On` (it turns response inspection on, as SecResponseBodyAccess On). */
  readonly ctlOn: boolean;
}

const plans = new WeakMap<CompiledRuleset, ResponsePlan>();

function hasRules(ruleset: CompiledRuleset, phase: 3 | 4 | 5): boolean {
  return ruleset.phases[phase].rules.some((e) => 'id' in e);
}

function planOf(ruleset: CompiledRuleset): ResponsePlan {
  let p = plans.get(ruleset);
  if (p === undefined) {
    p = {
      active: hasRules(ruleset, 3) || hasRules(ruleset, 4) || hasRules(ruleset, 5),
      readsBody: hasRules(ruleset, 4) && ruleset.readsCollections.has('RESPONSE_BODY'),
      ctlOn: ruleset.rules.some((r) => r.ctls.some((c) => c.kind === 'responseBodyAccess' && c.value)),
    };
    plans.set(ruleset, p);
  }
  return p;
}

/**
 * Whether responses are inspected with this ruleset: `inspectResponse` when the caller set it, else the rules'
 * SecResponseBodyAccess On (or a `ctl:responseBodyAccess=On` in some rule), as in ModSecurity.
 */
export function responseInspectionOn(ruleset: CompiledRuleset, opt: ResolvedResponseInspection): boolean {
  if (opt.explicit.enabled) return opt.enabled;
  return ruleset.directives.responseBodyAccess === true || planOf(ruleset).ctlOn;
}

/** True when response inspection has anything to do for this ruleset. */
export function inspectsResponses(ruleset: CompiledRuleset, opt: ResolvedResponseInspection | undefined): boolean {
  return opt !== undefined && responseInspectionOn(ruleset, opt) && planOf(ruleset).active;
}

/** Largest response body held, as ModSecurity's SecResponseBodyLimit ceiling (1 GiB). */
const MAX_RESPONSE_LIMIT = 1024 * 1024 * 1024;

/**
 * The response limits in force for this ruleset: explicit `limits.maxResponseBodyBytes` / `limits.responseOverflow`,
 * else SecResponseBodyLimit / SecResponseBodyLimitAction (Reject → 'reject', ProcessPartial → 'partial'), else the
 * option defaults.
 */
export function responseLimitsFor(ruleset: CompiledRuleset, limits: ResolvedLimits, opt: ResolvedResponseInspection): ResolvedLimits {
  const d = ruleset.directives;
  const bytes = !opt.explicit.maxResponseBodyBytes && d.responseBodyLimit !== undefined ? Math.min(d.responseBodyLimit, MAX_RESPONSE_LIMIT) : limits.maxResponseBodyBytes;
  const overflow = !opt.explicit.responseOverflow && d.responseBodyLimitAction !== undefined
    ? (d.responseBodyLimitAction === 'Reject' ? 'reject' : 'partial')
    : limits.responseOverflow;
  if (bytes === limits.maxResponseBodyBytes && overflow === limits.responseOverflow) return limits;
  return { ...limits, maxResponseBodyBytes: bytes, responseOverflow: overflow };
}

function mimeTypesFor(ruleset: CompiledRuleset, opt: ResolvedResponseInspection): readonly string[] {
  return opt.mimeTypes ?? ruleset.directives.responseBodyMimeTypes?.map((t) => t.toLowerCase()) ?? DEFAULT_RESPONSE_MIME_TYPES;
}

function mediaType(contentType: unknown): string {
  if (typeof contentType !== 'string') return '';
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

function headerPairsOf(res: ServerResponse): [string, string][] {
  const out: [string, string][] = [];
  const raw = (res as ServerResponse & { getRawHeaderNames?: () => string[] }).getRawHeaderNames?.() ?? res.getHeaderNames();
  for (const name of raw) {
    const v = res.getHeader(name);
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const one of v) out.push([name, String(one)]);
    else out.push([name, String(v)]);
  }
  return out;
}

/**
 * Applies writeHead's header argument (object, [k, v][] or flat [k, v, k, v]) with setHeader, as Node does: when
 * headers were already set, each pair is set in turn (a repeated name keeps its last value); otherwise a repeated
 * name keeps every value.
 */
function applyHeaders(res: ServerResponse, headers: unknown): void {
  if (headers === undefined || headers === null) return;
  if (Array.isArray(headers)) {
    const pairs: [string, unknown][] = [];
    if (headers.length > 0 && Array.isArray(headers[0])) for (const p of headers as [string, unknown][]) pairs.push([p[0], p[1]]);
    else for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([String(headers[i]), headers[i + 1]]);
    if (res.getHeaderNames().length > 0) {
      for (const [k, v] of pairs) if (k) res.setHeader(k, String(v));
      return;
    }
    const grouped = new Map<string, { name: string; values: string[] }>();
    for (const [k, v] of pairs) {
      const g = grouped.get(k.toLowerCase()) ?? { name: k, values: [] };
      g.values.push(String(v));
      grouped.set(k.toLowerCase(), g);
    }
    for (const g of grouped.values()) res.setHeader(g.name, g.values.length === 1 ? g.values[0]! : g.values);
    return;
  }
  for (const [k, v] of Object.entries(headers as OutgoingHttpHeaders)) if (v !== undefined) res.setHeader(k, v);
}

type Callback = (err?: Error | null) => void;
type Held = { chunk: Buffer; cb: Callback | undefined };

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
}

/** Splits end()'s arguments: end(cb), end(chunk, cb), end(chunk, encoding, cb). */
function endArgs(a: unknown, b: unknown, c: unknown): { chunk: Buffer | undefined; cb: Callback | undefined } {
  if (typeof a === 'function') return { chunk: undefined, cb: a as Callback };
  const cb = (typeof b === 'function' ? b : typeof c === 'function' ? c : undefined) as Callback | undefined;
  const chunk = a === undefined || a === null ? undefined : toBuffer(a, typeof b === 'string' ? b : undefined);
  return { chunk, cb };
}

/** Status codes whose responses carry no body. */
function bodiless(status: number, method: string): boolean {
  return method === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304;
}

type State = 'head' | 'holding' | 'passing' | 'forward' | 'blocked' | 'done';

/**
 * Wraps `res` so that phases 3-5 of `tx` run on the response. Call after the request phases passed, before
 * handing the request to the application.
 */
export function watchResponse(host: ResponseHost, opt: ResolvedResponseInspection, tx: Transaction, snapshot: RequestSnapshot, res: ServerResponse, onDone?: () => void): void {
  const ruleset = tx.ruleset;
  const plan = planOf(ruleset);
  const limits = responseLimitsFor(ruleset, host.limits, opt);
  const req = (res as ServerResponse & { req?: IncomingMessage }).req;
  const method = (req?.method ?? snapshot.method).toUpperCase();
  const orig = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  const firstMatch = tx.matches.length;
  const interruptedBefore = tx.interruption;

  let state: State = 'head';
  const now = (): State => state; // read through a call: the callbacks below change it
  let head: ResponseSnapshot | null = null;
  let held: Held[] = [];
  let heldBytes = 0;
  let sentBytes = 0;
  let ended: { chunk: Buffer | undefined; cb: Callback | undefined } | null = null;
  let codings: readonly ContentCoding[] = [];
  let deciding = false;
  let phase4Done = false;
  let concluded = false;
  let needDrain = false;
  let explicitHead = false; // the app called writeHead: Node fixes the header then (no Content-Length added later)
  let timer: NodeJS.Timeout | null = null;
  let tracked = false; // counted in the instance's in-flight work while the body is held
  let doneCalled = false;

  /** The response phases are over (reported, or the connection closed): tells `onDone` once. */
  const done = (): void => {
    if (doneCalled) return;
    doneCalled = true;
    try { onDone?.(); } catch (err) { host.fail(err); }
  };

  const untrack = (): void => {
    if (!tracked) return;
    tracked = false;
    host.track?.(-1);
  };

  const call = (fn: (...a: never[]) => unknown, args: unknown[]): unknown => (fn as (...a: unknown[]) => unknown).apply(res, args);

  const fail = (err: unknown): void => {
    host.fail(err);
    release();
  };

  /** Ends inspection: reports what phases 3-5 found (only matches of these phases) and runs phase 5. */
  const conclude = (action: 'block' | 'pass', status: number | undefined): void => {
    if (concluded) return;
    concluded = true;
    try {
      if (head !== null) tx.runPhase(5);
      if (tx.matches.length === firstMatch && action === 'pass') return;
      const { alert } = concludeTransaction(tx, snapshot);
      if (alert === null) return;
      const newInterruption = tx.interruption !== interruptedBefore ? tx.interruption : null;
      const out: Alert = {
        ...alert,
        matches: tx.matches.slice(firstMatch),
        action: action === 'block' ? 'block' : newInterruption ? 'detect' : 'pass',
        status: action === 'block' ? status : newInterruption?.status,
        response: { status: head?.status ?? res.statusCode, score: tx.outboundScore(), threshold: tx.outboundThreshold() },
      };
      const detail = (): AlertDetail => ({
        httpVersion: snapshot.httpVersion,
        headers: snapshot.headers,
        bodyExcerpt: undefined,
        bodyLength: 0,
      });
      host.report('alert', out, detail);
      if (action === 'block') {
        host.report('block', out, detail);
        host.blocked?.(tx.clientIp);
      }
    } catch (err) {
      host.fail(err);
    } finally {
      done();
    }
  };

  /** The transaction decided to stop the response (engine On). Clean answer when nothing was sent, else abort. */
  const block = (status: number): void => {
    stopTimer();
    const cbs = held.map((h) => h.cb).concat(ended?.cb ?? []);
    held = [];
    heldBytes = 0;
    state = 'forward';
    try {
      if (!res.headersSent) for (const name of res.getHeaderNames()) res.removeHeader(name);
      sendBlock(res, status, tx.uniqueId); // destroys the connection when headers already went out
    } finally {
      state = 'blocked';
    }
    for (const cb of cbs) if (cb) process.nextTick(cb);
    conclude('block', status);
    untrack(); // after the verdict was reported: close() may go on to flush the consumers
  };

  /** Whether the transaction stops here (engine On and an interruption from the response phases). */
  const stopping = (): number | null => {
    const i = tx.interruption;
    if (tx.engineMode !== 'On' || i === null || i === interruptedBefore) return null;
    return i.status;
  };

  const stopTimer = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  /** Sends what was held, in order, then lets the rest through. */
  const release = (): void => {
    stopTimer();
    untrack();
    if (state === 'blocked' || state === 'done' || state === 'passing') return;
    state = 'passing';
    const list = held;
    held = [];
    heldBytes = 0;
    try {
      if (explicitHead && !res.headersSent) call(orig.writeHead, res.statusMessage ? [res.statusCode, res.statusMessage] : [res.statusCode]);
      for (const h of list) call(orig.write, h.cb ? [h.chunk, h.cb] : [h.chunk]);
      if (ended !== null) {
        const e = ended;
        call(orig.end, e.chunk !== undefined ? (e.cb ? [e.chunk, e.cb] : [e.chunk]) : (e.cb ? [e.cb] : []));
      }
    } catch (err) {
      host.fail(err);
    }
    if (needDrain) {
      needDrain = false;
      process.nextTick(() => res.emit('drain'));
    }
  };

  /** Phase 3 on status and headers; picks holding or passing for the body. */
  const onHead = (): void => {
    const status = res.statusCode;
    head = {
      status,
      protocol: 'HTTP/1.1',
      statusMessage: res.statusMessage ?? '',
      headers: headerPairsOf(res),
    };
    attachResponse(tx, head);
    tx.runPhase(3);
    const stop = stopping();
    if (stop !== null) {
      block(stop);
      return;
    }
    const enc = parseContentEncoding(typeof res.getHeader('content-encoding') === 'string' ? String(res.getHeader('content-encoding')) : undefined);
    // ctl:responseBodyAccess (phases 1-3) over SecResponseBodyAccess; neither: on when `inspectResponse` was set.
    const bodyAccess = tx.responseBodyAccess ?? ruleset.directives.responseBodyAccess ?? opt.enabled;
    const hold = plan.readsBody && bodyAccess && !bodiless(status, method)
      && limits.maxResponseBodyBytes > 0 && enc.ok
      && mimeTypesFor(ruleset, opt).includes(mediaType(res.getHeader('content-type')));
    if (!hold) {
      state = 'passing';
      return;
    }
    if (enc.ok) codings = enc.codings;
    state = 'holding';
    tracked = true;
    host.track?.(1);
    timer = setTimeout(() => { timer = null; decide(false); }, limits.responseHoldMs);
    timer.unref();
  };

  /** Phase 4 on the held body (complete: the application ended it). Asynchronous when it must be decoded. */
  const decide = (complete: boolean): void => {
    if (deciding || phase4Done || state !== 'holding') return;
    deciding = true;
    stopTimer();
    const limit = limits.maxResponseBodyBytes;
    const over = heldBytes > limit;
    if (over && limits.responseOverflow === 'reject') {
      phase4Done = true;
      tx.matches.push({
        id: RESPONSE_LIMIT_FINDING.id, phase: 4, message: RESPONSE_LIMIT_FINDING.message, severity: 'critical',
        tags: ['portcullis-limit'], paranoiaLevel: 1, target: 'RESPONSE_BODY', value: '', data: '', score: 0,
      });
      if (tx.engineMode === 'On') block(500);
      else { release(); conclude('pass', undefined); }
      return;
    }
    const raw = Buffer.concat(held.map((h) => h.chunk).concat(ended?.chunk ?? []));
    const prefix = raw.length > limit ? raw.subarray(0, limit) : raw;
    const run = (body: Buffer): void => {
      try {
        phase4Done = true;
        deciding = false;
        if (state !== 'holding') return; // the client went away meanwhile
        attachResponse(tx, { ...head!, body, bodyLength: sentBytes });
        if (!complete || over) tx.tx.set('portcullis_response_partial', '1');
        tx.runPhase(4);
        const stop = stopping();
        if (stop !== null) { block(stop); return; }
        release();
        if (ended !== null) conclude('pass', undefined);
      } catch (err) {
        fail(err);
      }
    };
    if (codings.length === 0) { run(prefix); return; }
    inflateCapped(prefix, codings, limit, complete && !over).then((r) => {
      if (r.error !== undefined) tx.tx.set('portcullis_response_decode_error', '1');
      run(r.output);
    }, fail);
  };

  /** Phase 4 without a held body (passing responses), when the application ends. Returns a status to abort with. */
  const phase4AtEnd = (): number | null => {
    if (phase4Done || head === null) return null;
    phase4Done = true;
    attachResponse(tx, { ...head, bodyLength: sentBytes });
    tx.runPhase(4);
    return stopping();
  };

  const startHead = (): void => {
    if (state !== 'head') return;
    try {
      onHead();
    } catch (err) {
      state = 'passing';
      host.fail(err);
    }
  };

  res.writeHead = function writeHead(this: ServerResponse, ...args: unknown[]): ServerResponse {
    if (state !== 'head') return call(orig.writeHead, args) as ServerResponse;
    const [code, reason, headers] = args;
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 999) {
      state = 'passing'; // let Node report the invalid status as it would
      return call(orig.writeHead, args) as ServerResponse;
    }
    res.statusCode = code;
    explicitHead = true;
    if (typeof reason === 'string') res.statusMessage = reason;
    applyHeaders(res, typeof reason === 'string' ? headers : reason);
    startHead();
    // Explicit writeHead: send the head now unless it is held (holding) or was replaced (blocked).
    if (now() === 'passing') call(orig.writeHead, res.statusMessage ? [res.statusCode, res.statusMessage] : [res.statusCode]);
    return res;
  } as ServerResponse['writeHead'];

  res.flushHeaders = function flushHeaders(this: ServerResponse): void {
    startHead();
    if (state === 'passing' || state === 'forward') call(orig.flushHeaders, []);
  };

  res.write = function write(this: ServerResponse, chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    startHead();
    if (state === 'passing' || state === 'forward') {
      if (state === 'passing' && chunk !== undefined && chunk !== null) sentBytes += toBuffer(chunk, encoding).length;
      return call(orig.write, [chunk, encoding, cb].filter((x) => x !== undefined)) as boolean;
    }
    const callback = (typeof encoding === 'function' ? encoding : typeof cb === 'function' ? cb : undefined) as Callback | undefined;
    if (state !== 'holding') { // blocked or done: the data goes nowhere
      if (callback) process.nextTick(callback);
      return true;
    }
    try {
      const buf = toBuffer(chunk, typeof encoding === 'string' ? encoding : undefined);
      held.push({ chunk: buf, cb: callback });
      heldBytes += buf.length;
      sentBytes += buf.length;
      if (heldBytes > limits.maxResponseBodyBytes) {
        decide(false);
        if (now() === 'holding') { needDrain = true; return false; } // still deciding (decoding): apply backpressure
      }
      return now() !== 'blocked';
    } catch (err) {
      fail(err);
      return true;
    }
  } as ServerResponse['write'];

  res.end = function end(this: ServerResponse, a?: unknown, b?: unknown, c?: unknown): ServerResponse {
    startHead();
    if (state === 'forward') return call(orig.end, [a, b, c].filter((x) => x !== undefined)) as ServerResponse;
    if (state === 'passing') {
      const e = endArgs(a, b, c);
      if (e.chunk) sentBytes += e.chunk.length;
      let stop: number | null = null;
      try { stop = phase4AtEnd(); } catch (err) { host.fail(err); }
      if (stop !== null) { block(stop); return res; }
      const r = call(orig.end, [a, b, c].filter((x) => x !== undefined)) as ServerResponse;
      conclude('pass', undefined);
      return r;
    }
    if (state !== 'holding') {
      const e = endArgs(a, b, c);
      if (e.cb) process.nextTick(e.cb);
      return res;
    }
    if (ended !== null) return res; // a second end() is a no-op, as in Node
    try {
      ended = endArgs(a, b, c);
      if (ended.chunk) { heldBytes += ended.chunk.length; sentBytes += ended.chunk.length; }
      if (phase4Done) release(); // decided on a prefix already (time or size): only the rest was waiting
      else decide(true);
    } catch (err) {
      fail(err);
    }
    return res;
  } as ServerResponse['end'];

  res.once('close', () => {
    stopTimer();
    untrack();
    done();
    if (state === 'holding') { // client gone while the response was held: nothing left to send
      state = 'done';
      held = [];
      heldBytes = 0;
    }
  });
}
