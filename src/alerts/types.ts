import type { Phase, Severity } from '../rules/types.js';

/** One rule that matched in a transaction, as reported in alerts and `waf.inspect()` results. */
export interface RuleMatch {
  readonly id: number;
  readonly phase: Phase;
  readonly message: string;
  readonly severity: Severity | undefined;
  readonly tags: readonly string[];
  readonly paranoiaLevel: number | undefined;
  /** Where it matched, e.g. `ARGS:q` or `REQUEST_HEADERS:User-Agent`. */
  readonly target: string;
  /** The matched value (UTF-8 text), truncated and with secrets redacted. */
  readonly value: string;
  /** The rule's logdata, macro-expanded, truncated and redacted. */
  readonly data: string;
  /** Anomaly points this match added. */
  readonly score: number;
}

/** What the engine decided for a request. */
export type AlertAction = 'block' | 'detect' | 'pass';

export interface Alert {
  /** Schema version of this object (alerts are also serialised to the stream and the audit log). */
  readonly v: 1;
  /** Unique per transaction; sent as the `x-portcullis-incident` response header on blocks. */
  readonly incidentId: string;
  /** ISO 8601. */
  readonly time: string;
  readonly clientIp: string;
  readonly method: string;
  /** The request-target as sent, except values of query parameters named like secrets (`redact`): `[redacted]`. */
  readonly url: string;
  readonly matches: readonly RuleMatch[];
  /** Inbound anomaly score at the blocking paranoia level. */
  readonly score: number;
  readonly threshold: number;
  /** `block`: the request was stopped; `detect`: it would have been, but mode is detect; `pass`: below threshold. */
  readonly action: AlertAction;
  /** HTTP status sent (or that would have been sent) on a block. */
  readonly status: number | undefined;
  /** Version string of the ruleset that decided (changes on every reload). */
  readonly rulesVersion: string;
  /**
   * Response inspection only (`inspectResponse`): the alert is about the response (its matches are those of phases
   * 3-5); the response status and the outbound anomaly score with its threshold.
   */
  readonly response?: { readonly status: number; readonly score: number; readonly threshold: number };
}

/**
 * Request detail that travels with `alert`/`block` events as their second argument, for consumers that keep a record
 * (the audit log). Raw and unredacted: every consumer that writes it anywhere redacts it first.
 */
export interface AlertDetail {
  readonly httpVersion: string;
  /** Request headers in arrival order, values as received (byte strings). */
  readonly headers: readonly (readonly [string, string])[];
  /** The first bytes of the captured request body (bounded), or undefined when there was none. */
  readonly bodyExcerpt: Buffer | undefined;
  /** Total body length seen (may exceed the excerpt). */
  readonly bodyLength: number;
  /**
   * Request-phase alerts of a transaction whose response is inspected: resolves once its response phases are
   * over (after their `alert`/`block` events, if any, with the same incidentId) or the connection closed.
   */
  readonly responseDone?: Promise<void>;
}

/** Emitted as `ban` when a client IP is banned (by a jail, by `waf.ban()`, or by another instance through a store). */
export interface BanEvent {
  readonly v: 1;
  readonly ip: string;
  /** Epoch milliseconds when the ban ends. */
  readonly until: number;
  readonly durationMs: number;
  /** Jail name, or `manual` for `waf.ban()`. */
  readonly jail: string;
  readonly reason: string;
  /** How many times this IP has been banned (1 = first offence); ban times grow with it. */
  readonly count: number;
  /** `local`: decided here; `remote`: learned from another instance through the shared store. */
  readonly source: 'local' | 'remote';
  /** ISO 8601. */
  readonly time: string;
}

/** Emitted as `unban` when a ban ends (expiry, `waf.unban()`, or another instance). */
export interface UnbanEvent {
  readonly v: 1;
  readonly ip: string;
  readonly reason: 'expired' | 'manual';
  readonly source: 'local' | 'remote';
  readonly time: string;
}

/** Emitted as `ratelimit` each time a request is refused with 429. */
export interface RateLimitEvent {
  readonly v: 1;
  readonly clientIp: string;
  /** The limiter key (the client IP unless a key function says otherwise). */
  readonly key: string;
  /** Name of the limit that refused (routes can carry their own limits). */
  readonly limit: string;
  readonly max: number;
  readonly windowMs: number;
  readonly method: string;
  readonly url: string;
  /** Seconds until the client may retry (the Retry-After value). */
  readonly retryAfter: number;
  readonly time: string;
}

/** Emitted as `reload` after `waf.reload()` (or a watched rule file change) succeeded or was rejected. */
export type ReloadEvent =
  | { readonly v: 1; readonly ok: true; readonly rulesVersion: string; readonly previousVersion: string; readonly time: string }
  | { readonly v: 1; readonly ok: false; readonly errors: readonly string[]; readonly rulesVersion: string; readonly time: string };

/**
 * Emitted as `inspected` once per request the engine inspected (middleware and `waf.inspect()`), blocked or not,
 * for metrics. Built only when someone listens, so it costs nothing otherwise.
 */
export interface InspectedEvent {
  readonly v: 1;
  readonly action: AlertAction;
  /** The last request phase that ran: 1 when phase 1 decided (the body was never inspected), else 2. */
  readonly phase: 1 | 2;
  /** Time spent in the engine for this request, in seconds (waiting for the body to arrive is not counted). */
  readonly seconds: number;
  /** Inbound anomaly score at the blocking paranoia level. */
  readonly score: number;
}
