/**
 * The audit log: one JSON line per alerting or blocked transaction (like ModSecurity's JSON audit log), with
 * secrets redacted before anything is written. With response inspection a transaction can alert twice (request
 * phases, then response phases, same incidentId): its request-phase record waits until the response phases are
 * over (AlertDetail.responseDone) and takes in their matches, verdict and `response`, so it is still one record.
 * Writing happens off the request path (audit-writer.ts): a full queue drops records and a failing disk loses
 * batches, both counted and reported as `error` events, while the WAF keeps serving. `waf.close()` (or `log.close()`) writes every record accepted before it.
 *
 * Record format (version 1), one per line:
 *   { v: 1, incidentId, time, client: { ip },
 *     request: { method, url, httpVersion, line, headers: [[name, value], ...],
 *                body?: { excerpt, encoding: 'utf8' | 'base64', length, truncated } },
 *     action, status, score, threshold, rulesVersion,
 *     matches: [{ id, phase, message, severity, tags, paranoiaLevel, target, value, data, score }],
 *     response?: { status, score, threshold } }   (present when the response phases matched)
 */
import { PortcullisError } from '../errors.js';
import { onClose } from '../lifecycle.js';
import type { Portcullis } from '../portcullis.js';
import { createLineWriter } from './audit-writer.js';
import { intOption, optionsObject, regexOption } from './consumer-options.js';
import {
  DEFAULT_REDACT_FIELDS, DEFAULT_REDACT_HEADERS, redactBody, redactHeaders, redactUrl, type RedactionRules,
} from './redact-request.js';
import { statsOf } from './stats.js';
import type { Alert, AlertAction, AlertDetail } from './types.js';

/** Version of the audit record format (the `v` of every line). */
export const AUDIT_RECORD_VERSION = 1;

export interface AuditLogOptions {
  /** Path of the JSON-lines file (appended to; its folder must exist). */
  readonly file: string;
  /** Rotate when the file would grow past this many bytes. Default 100 MiB; 0 never rotates. */
  readonly maxBytes?: number;
  /** Rotated files kept: `file.1` (newest) .. `file.N`. Default 5. */
  readonly maxFiles?: number;
  /** Bytes of records waiting to be written before new ones are dropped. Default 8 MiB. */
  readonly maxQueueBytes?: number;
  /** Request body bytes kept per record (at most 8192, what alert details carry). Default 4096. */
  readonly bodyBytes?: number;
  /** Which alert actions are recorded. Default all: `['block', 'detect', 'pass']`. */
  readonly actions?: readonly AlertAction[];
  /** Header names whose values are replaced by `[redacted]`. Default: Authorization, Cookie, Set-Cookie, and token/secret/key/session/auth-like names. */
  readonly redactHeaders?: RegExp;
  /** Query and body field names whose values are replaced. Default: password/token/secret/key/session/card-like names. */
  readonly redactFields?: RegExp;
  /** Mode of a newly created file. Default 0o640. */
  readonly fileMode?: number;
}

export interface AuditLog {
  readonly file: string;
  /** Records written to the file. */
  readonly written: number;
  /** Records dropped (queue full) or lost (write error). */
  readonly dropped: number;
  /** Resolves when every record accepted so far is written (or failed). */
  flush(): Promise<void>;
  /** Closes the file; the next record opens it again (after an external tool moved it). */
  reopen(): Promise<void>;
  /** Stops recording, writes what was accepted, closes the file. Also run by `waf.close()`. */
  close(): Promise<void>;
}

const KNOWN_KEYS = new Set(['file', 'maxBytes', 'maxFiles', 'maxQueueBytes', 'bodyBytes', 'actions', 'redactHeaders', 'redactFields', 'fileMode']);
const ACTIONS: readonly AlertAction[] = ['block', 'detect', 'pass'];
/** Incident ids remembered to keep one record per transaction (a response can come long after its request). */
export const RECENT_INCIDENTS = 10_000;
/** Request-phase records waiting for their response phases (each holds its request detail, up to 8 KiB of body); past this many, new ones are written at once. */
export const MAX_WAITING_RECORDS = 1000;
/** At most one error event per this interval while the file keeps failing (the counts say what was lost). */
const ERROR_INTERVAL_MS = 10_000;

function headerOf(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  for (const [k, v] of headers) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Builds one audit record (redacted). Exported for tests and for writing records elsewhere. */
export function auditRecord(alert: Alert, detail: AlertDetail, rules: RedactionRules, bodyBytes: number): Record<string, unknown> {
  const url = redactUrl(alert.url, rules);
  const request: Record<string, unknown> = {
    method: alert.method,
    url,
    httpVersion: detail.httpVersion,
    line: `${alert.method} ${url} HTTP/${detail.httpVersion}`,
    headers: redactHeaders(detail.headers, rules),
  };
  if (detail.bodyExcerpt !== undefined && detail.bodyLength > 0) {
    request.body = redactBody(detail.bodyExcerpt, detail.bodyLength, headerOf(detail.headers, 'content-type'), bodyBytes, rules);
  }
  return {
    v: AUDIT_RECORD_VERSION,
    incidentId: alert.incidentId,
    time: alert.time,
    client: { ip: alert.clientIp },
    request,
    action: alert.action,
    status: alert.status ?? null,
    score: alert.score,
    threshold: alert.threshold,
    rulesVersion: alert.rulesVersion,
    matches: alert.matches.map((m) => ({
      id: m.id, phase: m.phase, message: m.message, severity: m.severity ?? null, tags: m.tags,
      paranoiaLevel: m.paranoiaLevel ?? null, target: m.target, value: m.value, data: m.data, score: m.score,
    })),
    ...(alert.response === undefined ? {} : { response: { status: alert.response.status, score: alert.response.score, threshold: alert.response.threshold } }),
  };
}

const ACTION_RANK: Readonly<Record<AlertAction, number>> = { pass: 0, detect: 1, block: 2 };

/** A transaction's request-phase alert with its response-phase alert: every match, the stronger verdict. */
export function mergeResponseAlert(request: Alert, response: Alert | undefined): Alert {
  if (response === undefined) return request;
  const worse = ACTION_RANK[response.action] > ACTION_RANK[request.action] ? response : request;
  return {
    ...request,
    matches: [...request.matches, ...response.matches],
    action: worse.action,
    status: worse.status,
    ...(response.response === undefined ? {} : { response: response.response }),
  };
}

/** Records the WAF's alerting and blocked transactions to a JSON-lines file. See the module comment. */
export function auditLog(waf: Portcullis, options: AuditLogOptions): AuditLog {
  const o = optionsObject(options, 'auditLog', KNOWN_KEYS);
  if (typeof options.file !== 'string' || options.file.length === 0) throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', 'option "file" must be a file path');
  const actionsIn = options.actions ?? ACTIONS;
  if (!Array.isArray(actionsIn) || actionsIn.some((a) => !ACTIONS.includes(a as AlertAction))) {
    throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', `option "actions" must be an array of ${ACTIONS.map((a) => `"${a}"`).join(', ')}`);
  }
  const actions = new Set<AlertAction>(actionsIn);
  const rules: RedactionRules = {
    headers: regexOption(o, 'redactHeaders', DEFAULT_REDACT_HEADERS),
    fields: regexOption(o, 'redactFields', DEFAULT_REDACT_FIELDS),
  };
  const bodyBytes = intOption(o, 'bodyBytes', 0, 8192, 4096);
  const file = options.file;
  const stats = statsOf(waf);
  let written = 0;
  let dropped = 0;
  let closed = false;
  let lastErrorAt = -Infinity;
  let unreported = 0;
  let queueFull = false;

  const emit = (err: Error): void => { if (waf.listenerCount('error') > 0) waf.emit('error', err); };

  const writer = createLineWriter({
    file,
    maxBytes: intOption(o, 'maxBytes', 0, Number.MAX_SAFE_INTEGER, 100 * 1024 * 1024),
    maxFiles: intOption(o, 'maxFiles', 0, 1000, 5),
    maxQueueBytes: intOption(o, 'maxQueueBytes', 1024, 1024 * 1024 * 1024, 8 * 1024 * 1024),
    mode: intOption(o, 'fileMode', 0, 0o777, 0o640),
    onWritten(n) {
      written += n;
      stats.auditWritten += n;
      if (queueFull && writer.pendingBytes === 0) queueFull = false;
    },
    onError(err, lost) {
      dropped += lost;
      stats.auditDropped += lost;
      unreported += lost;
      const now = Date.now();
      if (now - lastErrorAt < ERROR_INTERVAL_MS) return;
      lastErrorAt = now;
      const n = unreported;
      unreported = 0;
      emit(new PortcullisError('ERR_PORTCULLIS_AUDIT_WRITE', `audit log ${file}: ${err.message}; ${n} record(s) lost`, { cause: err }));
    },
    onDrop() {
      dropped++;
      stats.auditDropped++;
      if (queueFull || closed) return;
      queueFull = true; // reported once until the queue has drained
      emit(new PortcullisError('ERR_PORTCULLIS_AUDIT_QUEUE_FULL', `audit log ${file}: write queue full, dropping records until it drains`));
    },
  });

  // One record per transaction: the engine emits `alert` then `block` for the same transaction, and with response
  // inspection a transaction that alerted at request time may alert again from its response (other requests'
  // records in between). A request-phase record waits for its response phases and takes them in; incident ids
  // recorded lately are remembered (the oldest forgotten first) for the rest.
  const recent = new Set<string>();
  const waiting = new Map<string, { alert: Alert; detail: AlertDetail; response: Alert | undefined }>();
  const settle = (incidentId: string): void => {
    const w = waiting.get(incidentId);
    if (w === undefined) return;
    waiting.delete(incidentId);
    write(mergeResponseAlert(w.alert, w.response), w.detail);
  };
  const record = (alert: Alert, detail: AlertDetail): void => {
    if (closed) return;
    const w = waiting.get(alert.incidentId);
    if (w !== undefined) { // the response phases of a waiting record (or the request's `block` twin)
      if (alert.response !== undefined) w.response = alert;
      return;
    }
    if (recent.has(alert.incidentId)) return;
    if (detail.responseDone !== undefined && alert.response === undefined && waiting.size < MAX_WAITING_RECORDS) {
      waiting.set(alert.incidentId, { alert, detail, response: undefined });
      detail.responseDone.then(() => settle(alert.incidentId), () => settle(alert.incidentId));
      return;
    }
    write(alert, detail);
  };
  const write = (alert: Alert, detail: AlertDetail): void => {
    if (!actions.has(alert.action)) return;
    recent.add(alert.incidentId);
    if (recent.size > RECENT_INCIDENTS) recent.delete(recent.values().next().value as string);
    let line: string;
    try {
      line = `${JSON.stringify(auditRecord(alert, detail, rules, bodyBytes))}\n`;
    } catch (err) {
      emit(new PortcullisError('ERR_PORTCULLIS_AUDIT_WRITE', `audit log ${file}: record not built: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
      return;
    }
    writer.write(line);
  };
  waf.on('alert', record);
  waf.on('block', record);

  async function close(): Promise<void> {
    if (closed) return writer.close();
    closed = true;
    waf.off('alert', record);
    waf.off('block', record);
    unregister();
    for (const id of [...waiting.keys()]) settle(id); // responses still running: what is known so far
    await writer.close();
  }
  const unregister = onClose(waf, close);

  return {
    file,
    get written() { return written; },
    get dropped() { return dropped; },
    flush: () => writer.flush(),
    reopen: () => writer.reopen(),
    close,
  };
}
