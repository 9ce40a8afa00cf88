import type { Alert, AlertAction } from '../alerts/types.js';
import type { ResolvedConfig } from '../options.js';
import { defineRule, type RuleDefinition } from '../rules/define.js';
import { DEFAULT_RULES, DEFAULT_RULES_VERSION } from '../rules/default/index.js';
import type { RuleSource, RulesetEntry } from '../rules/types.js';
import { loadSecLangSources, loadSecLangSourcesAsync } from '../seclang/parse.js';
import { createRequestVariables } from '../variables/request-variables.js';
import type { ParseLimits, RequestSnapshot } from '../variables/types.js';
import { createResponseVariables, type ResponseSnapshot } from '../variables/response-variables.js';
import { compileRuleset, compileRulesetAsync, type CompiledRuleset } from './compile.js';
import { applyStaticExclusions, compileScopedExclusions, type ScopedExclusion } from './exclusions.js';
import { DEFAULT_REDACT_NAMES, redactQueryValues, toDisplayText } from './redact.js';
import { Transaction, type EngineSettings } from './transaction.js';

/** An engine: a compiled ruleset plus the settings every transaction runs with. Immutable; swap to reload. */
export interface Engine {
  readonly ruleset: CompiledRuleset;
  readonly settings: EngineSettings;
  readonly parseLimits: ParseLimits;
  readonly scoped: readonly ScopedExclusion[];
  /** True when some rule reads a body collection, so the middleware must capture the body. */
  readonly needsBody: boolean;
}

const BODY_COLLECTIONS = [
  'ARGS', 'ARGS_NAMES', 'ARGS_POST', 'ARGS_POST_NAMES', 'ARGS_COMBINED_SIZE', 'REQUEST_BODY', 'REQUEST_BODY_LENGTH',
  'REQBODY_ERROR', 'REQBODY_PROCESSOR_ERROR', 'FILES', 'FILES_NAMES', 'FILES_SIZES', 'FILES_COMBINED_SIZE', 'XML',
  'MULTIPART_PART_HEADERS', 'MULTIPART_STRICT_ERROR', 'MULTIPART_UNMATCHED_BOUNDARY', 'MULTIPART_FILENAME', 'MULTIPART_NAME',
];

/** Compiled entries (RuleSpec, marker) versus typed definitions: only RuleSpec has `setvars`. */
function isEntry(x: RuleDefinition | RulesetEntry): x is RulesetEntry {
  return 'marker' in x || 'setvars' in x;
}

/** The rule sources a config asks for, in load order: extra sources (SecLang) first, then defaults, then custom. */
export function ruleSourcesFor(config: ResolvedConfig, extra: readonly RuleSource[] = []): RuleSource[] {
  const sources: RuleSource[] = [...extra];
  if (config.rules.defaults) sources.push({ entries: DEFAULT_RULES, directives: {} });
  if (config.rules.custom.length) {
    sources.push({ entries: config.rules.custom.map((r) => (isEntry(r) ? r : defineRule(r))), directives: {} });
  }
  return sources.map((s) => ({ ...s, entries: applyStaticExclusions(s.entries, config.exclusions) }));
}

export function buildEngine(config: ResolvedConfig, extraIn: readonly RuleSource[] = [], version?: string): Engine {
  const extra = withSecLang(config, extraIn);
  const ruleset = compileRuleset(ruleSourcesFor(config, extra), version ?? naturalVersion(config, extra));
  return engineFrom(config, extra, ruleset);
}

/**
 * buildEngine for hot reload: the same engine, but the ruleset compiles in slices of `sliceMs` that yield to the
 * event loop, so requests keep being served while a large ruleset (CRS) loads and compiles: `rules.seclang` is read
 * with fs/promises and parsed in slices too (loadSecLangSourcesAsync). Rejects with the same errors.
 */
export async function buildEngineAsync(config: ResolvedConfig, extraIn: readonly RuleSource[] = [], version?: string, sliceMs?: number): Promise<Engine> {
  const extra = await withSecLangAsync(config, extraIn, sliceMs);
  await new Promise<void>((resolve) => setImmediate(resolve));
  const ruleset = await compileRulesetAsync(ruleSourcesFor(config, extra), version ?? naturalVersion(config, extra), sliceMs);
  return engineFrom(config, extra, ruleset);
}

/** `rules.seclang` (CRS and other .conf files) is read and parsed here, so errors surface at portcullis() time. */
function withSecLang(config: ResolvedConfig, extraIn: readonly RuleSource[]): readonly RuleSource[] {
  return config.rules.seclang.length > 0
    ? [loadSecLangSources(config.rules.seclang, { base: config.rules.seclangBase }), ...extraIn]
    : extraIn;
}

/** withSecLang off the request path: files read with fs/promises, parsing in slices of `sliceMs`. */
async function withSecLangAsync(config: ResolvedConfig, extraIn: readonly RuleSource[], sliceMs?: number): Promise<readonly RuleSource[]> {
  if (config.rules.seclang.length === 0) return extraIn;
  const loaded = await loadSecLangSourcesAsync(config.rules.seclang, { base: config.rules.seclangBase, ...(sliceMs !== undefined ? { sliceMs } : {}) });
  return [loaded, ...extraIn];
}

function naturalVersion(config: ResolvedConfig, extra: readonly RuleSource[]): string | undefined {
  return extra.length === 0 && config.rules.custom.length === 0 ? DEFAULT_RULES_VERSION : undefined;
}

function engineFrom(config: ResolvedConfig, extra: readonly RuleSource[], ruleset: CompiledRuleset): Engine {
  const presetTx: Record<string, string> = {};
  // TX values from options. With SecLang sources, only explicit options are preset: their init rules
  // (CRS 901xxx) set their own defaults only where TX is still empty.
  const seclang = extra.length > 0;
  const want = (k: string): boolean => !seclang || config.explicit.has(k);
  if (want('paranoia')) presetTx.blocking_paranoia_level = String(config.paranoia);
  if (want('detectionParanoia') || want('paranoia')) presetTx.detection_paranoia_level = String(config.detectionParanoia);
  if (want('threshold')) presetTx.inbound_anomaly_score_threshold = String(config.threshold);
  if (!seclang || config.explicit.has('severityPoints')) {
    presetTx.critical_anomaly_score = String(config.severityPoints.critical);
    presetTx.error_anomaly_score = String(config.severityPoints.error);
    presetTx.warning_anomaly_score = String(config.severityPoints.warning);
    presetTx.notice_anomaly_score = String(config.severityPoints.notice);
  }
  const settings: EngineSettings = Object.freeze({
    mode: config.mode,
    paranoia: config.paranoia,
    detectionParanoia: config.detectionParanoia,
    threshold: config.threshold,
    blockStatus: config.blockStatus,
    maxValueLength: config.limits.maxValueLength,
    presetTx: Object.freeze(presetTx),
    severityPoints: config.severityPoints,
    redact: config.redact ?? DEFAULT_REDACT_NAMES,
  });
  const needsBody = BODY_COLLECTIONS.some((c) => ruleset.readsCollections.has(c)) || ruleset.directives.requestBodyAccess === true;
  return Object.freeze({
    ruleset,
    settings,
    parseLimits: Object.freeze({ maxArgs: config.limits.maxArgs, maxDepth: config.limits.maxDepth, maxParts: config.limits.maxParts }),
    scoped: compileScopedExclusions(config.exclusions),
    needsBody: needsBody && ruleset.directives.requestBodyAccess !== false,
  });
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Starts a transaction for a request (phase 1 variables; the body may come later via `attachBody`). */
export function startTransaction(engine: Engine, snapshot: RequestSnapshot, clientIp: string): Transaction {
  const tx = new Transaction(engine.ruleset, engine.settings, createRequestVariables(snapshot, engine.parseLimits));
  tx.clientIp = clientIp;
  if (engine.scoped.length) {
    const path = pathOf(snapshot.url);
    for (const s of engine.scoped) if (s.matches(snapshot.method, path)) for (const c of s.ctls) tx.applyCtl(c);
  }
  return tx;
}

/** Gives the transaction the request body before phase 2 (phase-1 variables and ctl choices are kept). */
export function attachBody(tx: Transaction, body: Pick<RequestSnapshot, 'body' | 'bodyComplete' | 'parsedBody'>): void {
  tx.vars.setBody(body);
}

/** Gives the transaction the response (status, headers, and for phase 4 the body) before phases 3-5. */
export function attachResponse(tx: Transaction, response: ResponseSnapshot): void {
  tx.response = createResponseVariables(response);
}

export interface Verdict {
  readonly action: AlertAction;
  /** Status to send when action is 'block'. */
  readonly status: number | undefined;
  readonly score: number;
  readonly threshold: number;
}

/** What the transaction decided. `block` only when the engine was On; DetectionOnly reports `detect`. */
function verdictOf(tx: Transaction): Verdict {
  const score = tx.inboundScore();
  const threshold = tx.threshold();
  const i = tx.interruption;
  if (i) {
    return { action: tx.engineMode === 'On' ? 'block' : 'detect', status: i.status, score, threshold };
  }
  return { action: 'pass', status: undefined, score, threshold };
}

/**
 * Builds the alert object for a transaction that matched something. Its `url` is the request-target with the
 * values of secret-named query parameters (the instance's `redact` pattern) replaced, so every consumer (events,
 * audit log, CLI, stream) gets it without `?password=...`.
 */
function buildAlert(tx: Transaction, snapshot: RequestSnapshot, verdict: Verdict): Alert {
  return {
    v: 1,
    incidentId: tx.uniqueId,
    time: new Date().toISOString(),
    clientIp: tx.clientIp,
    method: snapshot.method,
    url: toDisplayText(redactQueryValues(snapshot.url, tx.settings.redact), 2048),
    matches: tx.matches.slice(), // a copy: response phases may add matches to the transaction later
    score: verdict.score,
    threshold: verdict.threshold,
    action: verdict.action,
    status: verdict.status,
    rulesVersion: tx.ruleset.version,
  };
}

/**
 * Ends a transaction: its verdict, and the alert when anything matched or the request is stopped
 * (null otherwise). The one place middleware and inspect() both decide from.
 */
export function concludeTransaction(tx: Transaction, snapshot: RequestSnapshot, forced?: Verdict): { verdict: Verdict; alert: Alert | null } {
  const verdict = forced ?? verdictOf(tx);
  const alert = tx.matches.length > 0 || verdict.action !== 'pass' ? buildAlert(tx, snapshot, verdict) : null;
  return { verdict, alert };
}
