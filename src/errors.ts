/**
 * Errors thrown at configuration time carry a stable code `ERR_PORTCULLIS_<AREA>_<WHAT>`.
 * Every code is listed, with its meaning, in docs/errors.md (test/unit/errors.test.ts keeps them in step).
 * Nothing on the request path throws into the app: request-time problems become findings or 'error' events.
 */
export const ERROR_CODES = {
  ERR_PORTCULLIS_OPTION_UNKNOWN: 'An option name is not recognised (typo or option from another version).',
  ERR_PORTCULLIS_OPTION_INVALID: 'An option has a value of the wrong type or out of range.',
  ERR_PORTCULLIS_RULE_INVALID: 'A rule is malformed: missing id/phase, bad target, unknown action, duplicate id.',
  ERR_PORTCULLIS_RULE_OPERATOR: 'An operator is unknown or its parameter does not compile (bad regex, bad CIDR, missing data file).',
  ERR_PORTCULLIS_RULE_TRANSFORM: 'A transformation name is unknown.',
  ERR_PORTCULLIS_RULE_MARKER: 'A skipAfter names a marker that does not exist in the same ruleset.',
  ERR_PORTCULLIS_SECLANG_SYNTAX: 'SecLang text could not be parsed; the message names file, line and cause.',
  ERR_PORTCULLIS_SECLANG_DIRECTIVE: 'A SecLang directive is unknown or has bad arguments.',
  ERR_PORTCULLIS_SECLANG_INCLUDE: 'An Include could not be read, or Include nesting went past its depth limit.',
  ERR_PORTCULLIS_REGEX_TRANSLATE: 'A PCRE pattern uses a feature that has no JavaScript equivalent.',
  ERR_PORTCULLIS_EXCLUSION_INVALID: 'An exclusion names no rule, tag or target, or has a bad route scope.',
  ERR_PORTCULLIS_CLOSED: 'The WAF instance was closed; it no longer inspects requests.',
  ERR_PORTCULLIS_INSPECT_INPUT: 'waf.inspect() was given a request-like object without method or url.',
  ERR_PORTCULLIS_BAN_IP: 'waf.ban()/waf.strike() was given something that is not an IP address, a bad duration, or an unknown jail.',
  ERR_PORTCULLIS_BANS_SNAPSHOT: "The ban snapshot file could not be read or written ('error' event; bans stay in memory).",
  ERR_PORTCULLIS_STORE_UNAVAILABLE: "Redis failed or did not answer within store.timeoutMs ('error' event; local state decides until it recovers).",
  ERR_PORTCULLIS_AUDIT_WRITE: "The audit log could not write records (full disk, missing folder, permissions) ('error' event; the WAF keeps serving).",
  ERR_PORTCULLIS_AUDIT_QUEUE_FULL: "The audit log's write queue is full; records are dropped and counted until it drains ('error' event).",
  ERR_PORTCULLIS_AUTH_CALLBACK: "An authenticate callback of alertStream()/dashboard() threw or rejected; the request was refused ('error' event).",
  ERR_PORTCULLIS_METRICS_PROM_CLIENT: 'prometheusMetrics() could not load prom-client (an optional peer dependency: install it) or got no registry.',
  ERR_PORTCULLIS_METRICS_REGISTER: 'prometheusMetrics() could not register a metric: the registry already has one of that name (use another prefix or registry).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class PortcullisError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${message} [${code}]`, options);
    this.name = 'PortcullisError';
    this.code = code;
  }
}

/** An error's message without the ` [ERR_PORTCULLIS_...]` suffix PortcullisError adds (for re-wrapping with context). */
export function bareMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/ \[ERR_PORTCULLIS_[A-Z_]+\]$/, '');
}
