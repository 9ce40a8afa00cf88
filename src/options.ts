import { GUARD_KEYS, resolveGuardOptions, type BanOptions, type IpListOption, type RateLimitOptions, type RedisStoreOptions, type ResolvedGuard } from './bans/guard-options.js';
import type { TrustProxy } from './bans/client-ip.js';
import { PortcullisError } from './errors.js';
import type { RuleDefinition } from './rules/define.js';
import type { RulesetEntry } from './rules/types.js';
import type { SecLangSource } from './seclang/parse.js';

/** Scope an exclusion to some requests (route-scoped tuning). */
export interface ExclusionScope {
  /** One method or several (case-insensitive). */
  readonly method?: string | readonly string[];
  /** Exact path (`/login`), a prefix ending in `*` (`/api/*`), or a RegExp tested on the path. */
  readonly path?: string | RegExp;
}

/**
 * A false-positive exclusion. With `ids`/`tags` only: those rules are disabled. With `targets` too: those
 * targets are removed from those rules. With `targets` only: removed from every rule. `when` limits it to
 * matching requests; without `when` it is applied once, at load time.
 */
export interface Exclusion {
  readonly ids?: readonly (number | string | readonly [number, number])[];
  readonly tags?: readonly string[];
  readonly targets?: readonly string[];
  readonly when?: ExclusionScope;
}

export interface LimitOptions {
  /** Max request body bytes inspected (after decompression). Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** `reject` (default): answer 413 past maxBodyBytes. `partial`: inspect the prefix, score it, pass the rest. */
  readonly bodyOverflow?: 'reject' | 'partial';
  /** Decode gzip/deflate/br request bodies for inspection (within maxBodyBytes). Default true. */
  readonly inflate?: boolean;
  /** Max time to wait for the request body, ms. Default 10000; past it the request gets 408. */
  readonly bodyTimeoutMs?: number;
  /** Max arguments (query + body) collected. Default 1000. */
  readonly maxArgs?: number;
  /** Max JSON/XML/name nesting depth. Default 32. */
  readonly maxDepth?: number;
  /** Max multipart parts. Default 100. */
  readonly maxParts?: number;
  /** Bytes of one value that operators inspect. Default 65536. */
  readonly maxValueLength?: number;
  /** Response body bytes held back for inspection (phase 4, with `inspectResponse`). Default 1 MiB. */
  readonly maxResponseBodyBytes?: number;
  /** `partial` (default): past maxResponseBodyBytes inspect the prefix and send the rest through. `reject`: answer 500. */
  readonly responseOverflow?: 'partial' | 'reject';
  /** Longest time a response body is held back for inspection, ms; then the part held is inspected and released. Default 2000. */
  readonly responseHoldMs?: number;
}

/** Response inspection (phases 3 and 4). */
export interface ResponseInspectionOptions {
  /** Content types whose bodies are buffered and inspected. Default: SecResponseBodyMimeType of the rules, else text/plain and text/html. */
  readonly mimeTypes?: readonly string[];
}

export interface RuleOptions {
  /** Load Portcullis' own default ruleset. Default true. */
  readonly defaults?: boolean;
  /** Your own rules: typed definitions or compiled RuleSpec/marker entries. */
  readonly custom?: readonly (RuleDefinition | RulesetEntry)[];
  /**
   * SecLang rules (OWASP CRS, ModSecurity rule files), loaded in order as one configuration: a `.conf` file path,
   * a directory (its `*.conf` files, sorted) or `{ text, name? }`. With CRS you usually set `defaults: false`.
   */
  readonly seclang?: readonly SecLangSource[];
  /** Load the built-in ModSecurity base rules (200000-200007) before `seclang`. Default true. */
  readonly seclangBase?: boolean;
}

export interface PortcullisOptions {
  /** `block` (default): stop requests over the threshold. `detect`: report only. `off`: do nothing. */
  readonly mode?: 'block' | 'detect' | 'off';
  /** Blocking paranoia level 1..4. Default 1. */
  readonly paranoia?: number;
  /** Run (and report) rules up to this level; only up to `paranoia` counts for blocking. Default = paranoia. */
  readonly detectionParanoia?: number;
  /** Inbound anomaly score that blocks. Default 5 (one critical match). */
  readonly threshold?: number;
  /** HTTP status for blocked requests. Default 403. */
  readonly blockStatus?: number;
  readonly rules?: RuleOptions;
  readonly exclusions?: readonly Exclusion[];
  readonly limits?: LimitOptions;
  /** Anomaly points per severity. Default critical 5, error 4, warning 3, notice 2. */
  readonly severityPoints?: Partial<Record<'critical' | 'error' | 'warning' | 'notice', number>>;
  /** Target names whose matched values are never reported (alerts, logs). Default: password/token/secret/... */
  readonly redact?: RegExp;
  /** Inspect responses (phases 3-4: status, headers, text bodies within limits). Off by default. */
  readonly inspectResponse?: boolean | ResponseInspectionOptions;
  /** Client IP through trusted proxies only: false (default: the socket address), a hop count, proxy addresses/CIDRs, a function; true is spoofable. */
  readonly trustProxy?: TrustProxy;
  /** Addresses/CIDRs that skip the limiter and the rules. */
  readonly allow?: IpListOption;
  /** Addresses/CIDRs answered 403 before anything else. */
  readonly deny?: IpListOption;
  /** fail2ban-style jails and the ban list; `true` for the default jail. Off by default. */
  readonly bans?: boolean | BanOptions;
  /** Rate limits (token bucket, IETF RateLimit headers); `true` for 100 requests/minute per IP. Off by default. */
  readonly rateLimit?: boolean | RateLimitOptions;
  /** Where limiter counters and bans live: 'memory' (default) or Redis, shared by every instance. */
  readonly store?: 'memory' | RedisStoreOptions;
}

export interface ResolvedLimits {
  readonly maxBodyBytes: number;
  readonly bodyOverflow: 'reject' | 'partial';
  readonly inflate: boolean;
  readonly bodyTimeoutMs: number;
  readonly maxArgs: number;
  readonly maxDepth: number;
  readonly maxParts: number;
  readonly maxValueLength: number;
  readonly maxResponseBodyBytes: number;
  readonly responseOverflow: 'partial' | 'reject';
  readonly responseHoldMs: number;
}

/** Response inspection as resolved: off, or on with the MIME types given (null: the rules' or the default). */
export interface ResolvedResponseInspection {
  readonly enabled: boolean;
  readonly mimeTypes: readonly string[] | null;
  /**
   * What the caller set explicitly, which takes precedence over the rules' SecLang directives: `enabled`
   * (`inspectResponse`) over SecResponseBodyAccess, `maxResponseBodyBytes` over SecResponseBodyLimit,
   * `responseOverflow` over SecResponseBodyLimitAction. Unset: the directive, else the option's default.
   */
  readonly explicit: { readonly enabled: boolean; readonly maxResponseBodyBytes: boolean; readonly responseOverflow: boolean };
}

export interface ResolvedConfig extends ResolvedGuard {
  readonly mode: 'block' | 'detect' | 'off';
  readonly paranoia: number;
  readonly detectionParanoia: number;
  readonly threshold: number;
  readonly blockStatus: number;
  readonly rules: {
    readonly defaults: boolean;
    readonly custom: readonly (RuleDefinition | RulesetEntry)[];
    readonly seclang: readonly SecLangSource[];
    readonly seclangBase: boolean;
  };
  readonly exclusions: readonly Exclusion[];
  readonly limits: ResolvedLimits;
  readonly severityPoints: Readonly<Record<'critical' | 'error' | 'warning' | 'notice', number>>;
  readonly redact: RegExp | undefined;
  readonly inspectResponse: ResolvedResponseInspection;
  /** Options the caller set explicitly (so SecLang init rules keep their own defaults for the rest). */
  readonly explicit: ReadonlySet<string>;
}

const TOP_KEYS = new Set(['mode', 'paranoia', 'detectionParanoia', 'threshold', 'blockStatus', 'rules', 'exclusions', 'limits', 'severityPoints', 'redact', 'inspectResponse', ...GUARD_KEYS]);
const LIMIT_KEYS = new Set(['maxBodyBytes', 'bodyOverflow', 'inflate', 'bodyTimeoutMs', 'maxArgs', 'maxDepth', 'maxParts', 'maxValueLength', 'maxResponseBodyBytes', 'responseOverflow', 'responseHoldMs']);
const RULE_KEYS = new Set(['defaults', 'custom', 'seclang', 'seclangBase']);
const EXCLUSION_KEYS = new Set(['ids', 'tags', 'targets', 'when']);
const SCOPE_KEYS = new Set(['method', 'path']);
const SEVERITY_KEYS = new Set(['critical', 'error', 'warning', 'notice']);

function bad(path: string, what: string): never {
  throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', `option "${path}" ${what}`);
}

function checkKeys(obj: object, allowed: Set<string>, path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) {
      const hint = [...allowed].find((a) => a.toLowerCase() === k.toLowerCase());
      throw new PortcullisError(
        'ERR_PORTCULLIS_OPTION_UNKNOWN',
        `unknown option "${path ? `${path}.` : ''}${k}"${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${[...allowed].join(', ')}`,
      );
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RegExp);
}

function int(v: unknown, path: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(path, `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) bad(path, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

function validateExclusion(e: unknown, i: number): Exclusion {
  const path = `exclusions[${i}]`;
  if (!isPlainObject(e)) bad(path, 'must be an object');
  checkKeys(e, EXCLUSION_KEYS, path);
  const ex = e as Exclusion;
  if (ex.ids === undefined && ex.tags === undefined && ex.targets === undefined) {
    throw new PortcullisError('ERR_PORTCULLIS_EXCLUSION_INVALID', `${path} names no rule ids, tags or targets`);
  }
  if (ex.ids !== undefined) {
    if (!Array.isArray(ex.ids)) bad(`${path}.ids`, 'must be an array');
    for (const id of ex.ids) {
      const ok = (typeof id === 'number' && Number.isInteger(id) && id > 0)
        || (typeof id === 'string' && /^\d+(-\d+)?$/.test(id))
        || (Array.isArray(id) && id.length === 2 && id.every((n) => Number.isInteger(n)));
      if (!ok) throw new PortcullisError('ERR_PORTCULLIS_EXCLUSION_INVALID', `${path}.ids: bad id ${JSON.stringify(id)} (use 942100, "942100-942199" or [942100, 942199])`);
    }
  }
  for (const k of ['tags', 'targets'] as const) {
    const v = ex[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length === 0))) bad(`${path}.${k}`, 'must be an array of non-empty strings');
  }
  if (ex.when !== undefined) {
    if (!isPlainObject(ex.when)) bad(`${path}.when`, 'must be an object');
    checkKeys(ex.when, SCOPE_KEYS, `${path}.when`);
    const { method, path: p } = ex.when;
    if (method !== undefined && typeof method !== 'string' && !(Array.isArray(method) && method.every((m) => typeof m === 'string'))) bad(`${path}.when.method`, 'must be a string or array of strings');
    if (p !== undefined && typeof p !== 'string' && !(p instanceof RegExp)) bad(`${path}.when.path`, 'must be a string or RegExp');
    if (method === undefined && p === undefined) throw new PortcullisError('ERR_PORTCULLIS_EXCLUSION_INVALID', `${path}.when needs method or path`);
  }
  return ex;
}

const SECLANG_TEXT_KEYS = new Set(['text', 'name']);

/** `rules.seclang`: paths (file or directory) and `{ text, name? }` objects; file contents are read by the engine. */
function validateSecLang(v: unknown): readonly SecLangSource[] {
  if (v === undefined) return Object.freeze([]);
  if (!Array.isArray(v)) bad('rules.seclang', 'must be an array of file/directory paths or { text, name? } objects');
  return Object.freeze(v.map((e: unknown, i): SecLangSource => {
    const path = `rules.seclang[${i}]`;
    if (typeof e === 'string') {
      if (e.length === 0) bad(path, 'must be a non-empty path');
      if (/[*?[]/.test(e)) bad(path, `must be a file or directory path without wildcards (a directory loads its *.conf files), got ${JSON.stringify(e)}`);
      return e;
    }
    if (!isPlainObject(e)) bad(path, 'must be a path string or a { text, name? } object');
    checkKeys(e, SECLANG_TEXT_KEYS, path);
    if (typeof e.text !== 'string') bad(`${path}.text`, 'must be a string of SecLang rules');
    if (e.name !== undefined && (typeof e.name !== 'string' || e.name.length === 0)) bad(`${path}.name`, 'must be a non-empty string');
    return Object.freeze(e.name === undefined ? { text: e.text } : { text: e.text, name: e.name });
  }));
}

function resolveResponseInspection(v: unknown, limits: LimitOptions): ResolvedResponseInspection {
  const explicit = Object.freeze({
    enabled: v !== undefined,
    maxResponseBodyBytes: limits.maxResponseBodyBytes !== undefined,
    responseOverflow: limits.responseOverflow !== undefined,
  });
  if (v === undefined || v === false) return Object.freeze({ enabled: false, mimeTypes: null, explicit });
  if (v === true) return Object.freeze({ enabled: true, mimeTypes: null, explicit });
  if (!isPlainObject(v)) bad('inspectResponse', 'must be a boolean or { mimeTypes }');
  checkKeys(v, new Set(['mimeTypes']), 'inspectResponse');
  const m = (v as ResponseInspectionOptions).mimeTypes;
  if (m !== undefined && (!Array.isArray(m) || m.some((t) => typeof t !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(t)))) {
    bad('inspectResponse.mimeTypes', 'must be an array of type/subtype strings such as "text/html"');
  }
  return Object.freeze({ enabled: true, mimeTypes: m === undefined ? null : Object.freeze(m.map((t) => t.toLowerCase())), explicit });
}

/** Validates options and returns a frozen config. Throws PortcullisError with ERR_PORTCULLIS_OPTION_* codes. */
export function resolveOptions(input: PortcullisOptions | undefined): ResolvedConfig {
  const o: Record<string, unknown> = input === undefined ? {} : (input as Record<string, unknown>);
  if (!isPlainObject(o)) bad('options', 'must be an object');
  checkKeys(o, TOP_KEYS, '');
  const explicit = new Set(Object.keys(o).filter((k) => o[k] !== undefined));
  const paranoia = int(o.paranoia, 'paranoia', 1, 4, 1);
  const detectionParanoia = int(o.detectionParanoia, 'detectionParanoia', 1, 4, paranoia);
  if (detectionParanoia < paranoia) bad('detectionParanoia', `must be >= paranoia (${paranoia})`);
  const limitsIn = o.limits ?? {};
  if (!isPlainObject(limitsIn)) bad('limits', 'must be an object');
  checkKeys(limitsIn, LIMIT_KEYS, 'limits');
  const l = limitsIn as LimitOptions;
  if (l.inflate !== undefined && typeof l.inflate !== 'boolean') bad('limits.inflate', 'must be a boolean');
  for (const k of Object.keys(l) as (keyof LimitOptions)[]) if (l[k] !== undefined) explicit.add(`limits.${k}`);
  const limits: ResolvedLimits = Object.freeze({
    maxBodyBytes: int(l.maxBodyBytes, 'limits.maxBodyBytes', 0, 1024 * 1024 * 1024, 1024 * 1024),
    bodyOverflow: oneOf(l.bodyOverflow, 'limits.bodyOverflow', ['reject', 'partial'] as const, 'reject'),
    inflate: l.inflate ?? true,
    bodyTimeoutMs: int(l.bodyTimeoutMs, 'limits.bodyTimeoutMs', 1, 10 * 60 * 1000, 10_000),
    maxArgs: int(l.maxArgs, 'limits.maxArgs', 1, 1_000_000, 1000),
    maxDepth: int(l.maxDepth, 'limits.maxDepth', 1, 10_000, 32),
    maxParts: int(l.maxParts, 'limits.maxParts', 1, 100_000, 100),
    maxValueLength: int(l.maxValueLength, 'limits.maxValueLength', 16, 64 * 1024 * 1024, 65536),
    maxResponseBodyBytes: int(l.maxResponseBodyBytes, 'limits.maxResponseBodyBytes', 0, 1024 * 1024 * 1024, 1024 * 1024),
    responseOverflow: oneOf(l.responseOverflow, 'limits.responseOverflow', ['partial', 'reject'] as const, 'partial'),
    responseHoldMs: int(l.responseHoldMs, 'limits.responseHoldMs', 1, 10 * 60 * 1000, 2000),
  });
  const rulesIn = o.rules ?? {};
  if (!isPlainObject(rulesIn)) bad('rules', 'must be an object');
  checkKeys(rulesIn, RULE_KEYS, 'rules');
  const r = rulesIn as RuleOptions;
  if (r.defaults !== undefined && typeof r.defaults !== 'boolean') bad('rules.defaults', 'must be a boolean');
  if (r.custom !== undefined && !Array.isArray(r.custom)) bad('rules.custom', 'must be an array of rules');
  const seclang = validateSecLang(r.seclang);
  if (r.seclangBase !== undefined && typeof r.seclangBase !== 'boolean') bad('rules.seclangBase', 'must be a boolean');
  const exIn = o.exclusions ?? [];
  if (!Array.isArray(exIn)) bad('exclusions', 'must be an array');
  const sevIn = o.severityPoints ?? {};
  if (!isPlainObject(sevIn)) bad('severityPoints', 'must be an object');
  checkKeys(sevIn, SEVERITY_KEYS, 'severityPoints');
  const sev = sevIn as PortcullisOptions['severityPoints'] & object;
  if (o.redact !== undefined && !(o.redact instanceof RegExp)) bad('redact', 'must be a RegExp');
  return Object.freeze({
    mode: oneOf(o.mode, 'mode', ['block', 'detect', 'off'] as const, 'block'),
    paranoia,
    detectionParanoia,
    threshold: int(o.threshold, 'threshold', 1, 100_000, 5),
    blockStatus: int(o.blockStatus, 'blockStatus', 400, 599, 403),
    rules: Object.freeze({
      defaults: r.defaults ?? true,
      custom: Object.freeze([...(r.custom ?? [])]),
      seclang,
      seclangBase: r.seclangBase ?? true,
    }),
    exclusions: Object.freeze(exIn.map(validateExclusion)),
    limits,
    severityPoints: Object.freeze({
      critical: int(sev.critical, 'severityPoints.critical', 0, 1000, 5),
      error: int(sev.error, 'severityPoints.error', 0, 1000, 4),
      warning: int(sev.warning, 'severityPoints.warning', 0, 1000, 3),
      notice: int(sev.notice, 'severityPoints.notice', 0, 1000, 2),
    }),
    redact: o.redact as RegExp | undefined,
    inspectResponse: resolveResponseInspection(o.inspectResponse, l),
    ...resolveGuardOptions(o),
    explicit,
  });
}

