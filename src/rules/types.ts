/**
 * The rule IR: the one internal form that typed TS rules and SecLang `.conf` text both compile to.
 *
 * Everything here is plain data (serialisable, no functions, no RegExp objects), so a ruleset can be
 * built, validated, diffed and hot-swapped without running anything. `engine/compile.ts` turns a list of
 * `RuleSpec` into an immutable, phase-bucketed `CompiledRuleset`.
 *
 * Strings the engine matches are *byte strings*: every char code is one byte 0..255 (the request's bytes
 * decoded as latin1). This is what ModSecurity and CRS semantics require (NOTES.md §5.4: CRS regexes match
 * raw bytes such as `\xe2\x80[\x98\x99]`). Regex sources in the IR are already JavaScript syntax.
 */

export type Phase = 1 | 2 | 3 | 4 | 5;

/** ModSecurity severities, most to least severe (numeric 0..7 in SecLang). */
export type Severity = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'notice' | 'info' | 'debug';

export const SEVERITIES: readonly Severity[] = [
  'emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug',
];

/** Collections a target can name. Upper case, as in SecLang. */
export type CollectionName =
  | 'ARGS' | 'ARGS_NAMES' | 'ARGS_GET' | 'ARGS_GET_NAMES' | 'ARGS_POST' | 'ARGS_POST_NAMES'
  | 'ARGS_COMBINED_SIZE'
  | 'REQUEST_HEADERS' | 'REQUEST_HEADERS_NAMES' | 'REQUEST_COOKIES' | 'REQUEST_COOKIES_NAMES'
  | 'REQUEST_METHOD' | 'REQUEST_PROTOCOL' | 'REQUEST_LINE' | 'REQUEST_URI' | 'REQUEST_URI_RAW'
  | 'REQUEST_FILENAME' | 'REQUEST_BASENAME' | 'QUERY_STRING' | 'PATH_INFO'
  | 'REQUEST_BODY' | 'REQUEST_BODY_LENGTH' | 'REQBODY_PROCESSOR' | 'REQBODY_ERROR' | 'REQBODY_ERROR_MSG'
  | 'REQBODY_PROCESSOR_ERROR' | 'INBOUND_DATA_ERROR'
  | 'FILES' | 'FILES_NAMES' | 'FILES_SIZES' | 'FILES_COMBINED_SIZE'
  | 'MULTIPART_PART_HEADERS' | 'MULTIPART_STRICT_ERROR' | 'MULTIPART_UNMATCHED_BOUNDARY' | 'MULTIPART_FILENAME'
  | 'MULTIPART_NAME' | 'MULTIPART_BOUNDARY_QUOTED' | 'MULTIPART_BOUNDARY_WHITESPACE' | 'MULTIPART_DATA_BEFORE'
  | 'MULTIPART_DATA_AFTER' | 'MULTIPART_HEADER_FOLDING' | 'MULTIPART_LF_LINE' | 'MULTIPART_MISSING_SEMICOLON'
  | 'MULTIPART_INVALID_QUOTING' | 'MULTIPART_INVALID_PART' | 'MULTIPART_INVALID_HEADER_FOLDING'
  | 'MULTIPART_FILE_LIMIT_EXCEEDED' | 'MULTIPART_CRLF_LF_LINES'
  | 'XML' | 'REMOTE_ADDR' | 'REMOTE_PORT' | 'SERVER_NAME' | 'SERVER_PORT' | 'UNIQUE_ID'
  | 'RESPONSE_STATUS' | 'RESPONSE_HEADERS' | 'RESPONSE_HEADERS_NAMES' | 'RESPONSE_BODY' | 'RESPONSE_PROTOCOL'
  | 'RESPONSE_CONTENT_TYPE' | 'RESPONSE_CONTENT_LENGTH'
  | 'TX' | 'ENV' | 'MATCHED_VAR' | 'MATCHED_VAR_NAME' | 'MATCHED_VARS' | 'MATCHED_VARS_NAMES'
  | 'DURATION' | 'TIME' | 'TIME_EPOCH' | 'HIGHEST_SEVERITY' | 'FULL_REQUEST' | 'FULL_REQUEST_LENGTH'
  | 'STATUS_LINE' | 'AUTH_TYPE' | 'WEBSERVER_ERROR_LOG' | 'IP' | 'GLOBAL' | 'SESSION' | 'USER' | 'RULE';

/** Which keys of a collection a target selects. Name comparison is case-insensitive. */
export type KeySelector =
  | { readonly kind: 'all' }
  | { readonly kind: 'key'; readonly name: string }
  /** JavaScript regex source, matched case-insensitively against the key. */
  | { readonly kind: 'regex'; readonly pattern: string }
  /** XPath subset for the XML collection (`/*`, `//@*`, `/a/b`, ...). */
  | { readonly kind: 'xpath'; readonly path: string };

export interface TargetSpec {
  readonly collection: CollectionName;
  readonly selector: KeySelector;
  /** `&COLLECTION`: the operator sees the number of selected values, as a decimal string. */
  readonly count: boolean;
  /** `!COLLECTION:key`: removes matching keys from the other targets of the same collection. */
  readonly exclude: boolean;
}

export interface OperatorSpec {
  /** Registered operator name without `@`: rx, pm, pmFromFile, contains, detectSQLi, ... */
  readonly name: string;
  /** Operator argument. May hold `%{...}` macros (expanded per transaction). For `rx`: JS regex source. */
  readonly param: string;
  readonly negate: boolean;
  /** For `rx`: JavaScript RegExp flags (`s` always, `i` where the source asked for it). */
  readonly flags?: string;
}

export type SetVarOp = '=' | '=+' | '=-' | '!';

/** `setvar:tx.name=value`; name and value may hold macros. */
export interface SetVarSpec {
  readonly collection: string;
  readonly name: string;
  readonly op: SetVarOp;
  readonly value: string;
}

export type CtlSpec =
  | { readonly kind: 'ruleRemoveById'; readonly ranges: readonly (readonly [number, number])[] }
  | { readonly kind: 'ruleRemoveByTag'; readonly tag: string }
  | { readonly kind: 'ruleRemoveByMsg'; readonly msg: string }
  | { readonly kind: 'ruleRemoveTargetById'; readonly ranges: readonly (readonly [number, number])[]; readonly target: TargetSpec }
  | { readonly kind: 'ruleRemoveTargetByTag'; readonly tag: string; readonly target: TargetSpec }
  | { readonly kind: 'ruleRemoveTargetByMsg'; readonly msg: string; readonly target: TargetSpec }
  | { readonly kind: 'ruleEngine'; readonly value: 'On' | 'Off' | 'DetectionOnly' }
  | { readonly kind: 'requestBodyProcessor'; readonly value: string }
  | { readonly kind: 'requestBodyAccess'; readonly value: boolean }
  | { readonly kind: 'forceRequestBodyVariable'; readonly value: boolean }
  | { readonly kind: 'responseBodyAccess'; readonly value: boolean }
  | { readonly kind: 'auditEngine'; readonly value: string }
  | { readonly kind: 'other'; readonly name: string; readonly value: string };

export type Disruptive = 'pass' | 'block' | 'deny' | 'drop' | 'allow' | 'redirect';

/**
 * Native anomaly scoring for typed rules: on a match, add `points` (or the TX score of the rule's severity)
 * to `tx.inbound_anomaly_score_pl<paranoiaLevel>` (or outbound for phases 3-4). Equivalent to the CRS
 * `setvar:tx.inbound_anomaly_score_plN=+%{tx.critical_anomaly_score}` idiom, without the macro work.
 */
export interface AnomalySpec {
  readonly points: number | 'severity';
  /** CRS-style category counter, e.g. `sql_injection_score`; also incremented. */
  readonly category?: string;
}

export interface RuleSpec {
  /** Chain heads and standalone rules carry an id; chained links do not (0). */
  readonly id: number;
  readonly phase: Phase;
  readonly targets: readonly TargetSpec[];
  /** Transformation names in order, already resolved (`none` has reset the inherited ones). */
  readonly transforms: readonly string[];
  readonly operator: OperatorSpec;
  readonly msg?: string;
  readonly logdata?: string;
  readonly tags: readonly string[];
  readonly severity?: Severity;
  /** 1..4. Rules above the transaction's detection paranoia level are not run. */
  readonly paranoiaLevel?: number;
  readonly disruptive?: Disruptive;
  /** HTTP status for deny/redirect. */
  readonly status?: number;
  readonly redirectUrl?: string;
  readonly capture: boolean;
  readonly multiMatch: boolean;
  readonly log: boolean;
  readonly auditlog: boolean;
  readonly setvars: readonly SetVarSpec[];
  readonly ctls: readonly CtlSpec[];
  readonly anomaly?: AnomalySpec;
  readonly skipAfter?: string;
  readonly skip?: number;
  /** The next link: this rule matches only if the chain does. */
  readonly chain?: RuleSpec;
  readonly ver?: string;
  readonly rev?: string;
  readonly maturity?: number;
  readonly accuracy?: number;
  /** Where the rule came from, for error messages and `portcullis test`. */
  readonly source?: { readonly file: string; readonly line: number };
}

/** A `SecMarker` (target of skipAfter). Lives in every phase. */
export interface MarkerSpec {
  readonly marker: string;
}

export type RulesetEntry = RuleSpec | MarkerSpec;

export function isMarker(e: RulesetEntry): e is MarkerSpec {
  return (e as MarkerSpec).marker !== undefined;
}

/** Engine settings that SecLang directives (SecRuleEngine, SecRequestBodyLimit, ...) can carry. */
export interface EngineDirectives {
  ruleEngine?: 'On' | 'Off' | 'DetectionOnly';
  requestBodyAccess?: boolean;
  requestBodyLimit?: number;
  requestBodyNoFilesLimit?: number;
  requestBodyLimitAction?: 'Reject' | 'ProcessPartial';
  requestBodyJsonDepthLimit?: number;
  argumentsLimit?: number;
  responseBodyAccess?: boolean;
  responseBodyMimeTypes?: string[];
  responseBodyLimit?: number;
  responseBodyLimitAction?: 'Reject' | 'ProcessPartial';
  componentSignatures?: string[];
  /**
   * `SecDefaultAction` per phase: what `block` resolves to (CRS sets `pass`, so detection rules only add
   * score and the evaluation rules deny). When unset, `block` behaves as `pass` plus anomaly scoring.
   */
  defaultActions?: Partial<Record<Phase, { readonly disruptive: Disruptive; readonly status?: number }>>;
}

/** Rules plus the engine directives that came with them: what a loader (typed or SecLang) produces. */
export interface RuleSource {
  readonly entries: readonly RulesetEntry[];
  readonly directives: EngineDirectives;
  /** Base directory for @pmFromFile and friends. */
  readonly baseDir?: string;
}
