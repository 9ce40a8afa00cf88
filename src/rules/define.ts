import { PortcullisError } from '../errors.js';
import { parseTargets } from './targets.js';
import type {
  AnomalySpec, CtlSpec, Disruptive, OperatorSpec, Phase, RuleSpec, SetVarSpec, Severity, TargetSpec,
} from './types.js';

/**
 * A rule written as a typed TS object. `defineRule` compiles it to the same `RuleSpec` IR that SecLang
 * produces. Example:
 *
 * ```ts
 * defineRule({
 *   id: 100100, phase: 2, targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES',
 *   transforms: ['urlDecodeUni', 'lowercase'],
 *   operator: /\bunion\b[\s\S]{0,40}\bselect\b/,
 *   msg: 'SQL injection: UNION SELECT', severity: 'critical', paranoia: 1,
 *   tags: ['attack-sqli'], category: 'sql_injection_score',
 * })
 * ```
 */
export interface RuleDefinition {
  readonly id: number;
  /** Default 2 (request body available). */
  readonly phase?: Phase;
  /** SecLang target list (`ARGS|!ARGS:password`) or an array of targets. */
  readonly targets: string | readonly string[];
  readonly transforms?: readonly string[];
  /**
   * A JS RegExp (compiled as `@rx`; its flags are kept and `s` is added), a SecLang operator string such as
   * `'@pm select union'` or `'!@within GET POST'` (an `@rx` string here is JavaScript regex syntax),
   * or a full OperatorSpec.
   */
  readonly operator: RegExp | string | OperatorSpec;
  readonly msg?: string;
  readonly logdata?: string;
  readonly tags?: readonly string[];
  readonly severity?: Severity;
  /** Paranoia level 1..4 (default 1). */
  readonly paranoia?: number;
  /** Default 'block': add anomaly score, let the threshold decide. */
  readonly action?: Disruptive;
  readonly status?: number;
  /** Anomaly points on a match; default: the score of the rule's severity (critical 5, error 4, ...). 0 disables. */
  readonly score?: number;
  /** CRS-style category counter in TX, e.g. `sql_injection_score`. */
  readonly category?: string;
  readonly capture?: boolean;
  readonly multiMatch?: boolean;
  /** Default true. */
  readonly log?: boolean;
  readonly setvar?: readonly string[];
  readonly ctl?: readonly CtlSpec[];
  readonly skipAfter?: string;
  /** Next link of a chain: matches only when every link matches. */
  readonly chain?: Omit<RuleDefinition, 'id' | 'phase' | 'msg' | 'severity' | 'paranoia' | 'action' | 'score' | 'category' | 'tags'>;
}

const OPERATOR_RE = /^(!)?@([A-Za-z][A-Za-z0-9]*)(?:\s([\s\S]*))?$/;

/** Parses `'@pm a b'`, `'!@rx ^x'`; a string without `@` is an `@rx` pattern (SecLang's implicit operator). */
export function parseOperatorString(text: string, flags?: string): OperatorSpec {
  const m = OPERATOR_RE.exec(text);
  if (!m) {
    const negate = text.startsWith('!');
    return { name: 'rx', param: negate ? text.slice(1) : text, negate, flags: flags ?? 's' };
  }
  const name = m[2]!;
  const spec: OperatorSpec = { name, param: m[3] ?? '', negate: m[1] === '!' };
  return name === 'rx' ? { ...spec, flags: flags ?? 's' } : spec;
}

/** Parses `tx.name=+5`, `tx.name=value`, `!tx.name`, `tx.name` (sets 1). */
export function parseSetVar(text: string): SetVarSpec {
  let t = text.trim();
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2) t = t.slice(1, -1);
  let op: SetVarSpec['op'] = '=';
  if (t.startsWith('!')) {
    op = '!';
    t = t.slice(1);
  }
  const eq = t.indexOf('=');
  let lhs = eq === -1 ? t : t.slice(0, eq);
  let value = eq === -1 ? (op === '!' ? '' : '1') : t.slice(eq + 1);
  if (op !== '!' && eq !== -1) {
    if (value.startsWith('+')) { op = '=+'; value = value.slice(1); }
    else if (value.startsWith('-')) { op = '=-'; value = value.slice(1); }
  }
  lhs = lhs.trim();
  const dot = lhs.indexOf('.');
  if (dot <= 0 || dot === lhs.length - 1) {
    throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', `setvar needs collection.name, got "${text}"`);
  }
  return { collection: lhs.slice(0, dot).toUpperCase(), name: lhs.slice(dot + 1), op, value };
}

function toOperator(op: RuleDefinition['operator']): OperatorSpec {
  if (op instanceof RegExp) {
    const flags = op.flags.includes('s') ? op.flags : op.flags + 's';
    return { name: 'rx', param: op.source, negate: false, flags: flags.replace(/[gy]/g, '') };
  }
  if (typeof op === 'string') return parseOperatorString(op);
  return op;
}

function link(def: NonNullable<RuleDefinition['chain']>, phase: Phase, ruleId: number): RuleSpec {
  let targets: TargetSpec[];
  try {
    targets = parseTargets(def.targets);
  } catch (err) {
    throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', `rule ${ruleId}: ${(err as Error).message}`);
  }
  const spec: RuleSpec = {
    id: 0,
    phase,
    targets,
    transforms: [...(def.transforms ?? [])],
    operator: toOperator(def.operator),
    tags: [],
    capture: def.capture ?? false,
    multiMatch: def.multiMatch ?? false,
    log: def.log ?? true,
    auditlog: true,
    setvars: (def.setvar ?? []).map(parseSetVar),
    ctls: [...(def.ctl ?? [])],
    ...(def.logdata !== undefined ? { logdata: def.logdata } : {}),
    ...(def.skipAfter !== undefined ? { skipAfter: def.skipAfter } : {}),
    ...(def.chain ? { chain: link(def.chain, phase, ruleId) } : {}),
  };
  return spec;
}

/** Compiles a typed rule definition into the rule IR. Throws ERR_PORTCULLIS_RULE_INVALID on bad input. */
export function defineRule(def: RuleDefinition): RuleSpec {
  if (!Number.isInteger(def.id) || def.id <= 0) {
    throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', `rule id must be a positive integer, got ${String(def.id)}`);
  }
  const phase = def.phase ?? 2;
  if (![1, 2, 3, 4, 5].includes(phase)) {
    throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', `rule ${def.id}: phase must be 1..5`);
  }
  const paranoia = def.paranoia ?? 1;
  if (!Number.isInteger(paranoia) || paranoia < 1 || paranoia > 4) {
    throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', `rule ${def.id}: paranoia must be 1..4`);
  }
  const base = link(def, phase, def.id);
  const action = def.action ?? 'block';
  const scoring = action === 'block' && def.score !== 0 && def.severity !== undefined;
  const anomaly: AnomalySpec | undefined = scoring
    ? { points: def.score ?? 'severity', ...(def.category !== undefined ? { category: def.category } : {}) }
    : undefined;
  const tags = [...(def.tags ?? [])];
  if (!tags.some((t) => t.startsWith('paranoia-level/'))) tags.push(`paranoia-level/${paranoia}`);
  return {
    ...base,
    id: def.id,
    tags,
    paranoiaLevel: paranoia,
    disruptive: action,
    ...(def.msg !== undefined ? { msg: def.msg } : {}),
    ...(def.severity !== undefined ? { severity: def.severity } : {}),
    ...(def.status !== undefined ? { status: def.status } : {}),
    ...(anomaly ? { anomaly } : {}),
  };
}
