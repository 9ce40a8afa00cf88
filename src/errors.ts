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
