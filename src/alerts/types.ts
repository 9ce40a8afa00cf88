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
}
