import { isAbsolute, join } from 'node:path';
import { PortcullisError } from '../errors.js';
import { parseOperatorString } from '../rules/define.js';
import type { Disruptive, OperatorSpec, Phase, RuleSpec, TargetSpec } from '../rules/types.js';
import type { ActionSet } from './actions.js';
import { where, type Location } from './lexer.js';
import { translatePcre } from './regex.js';

/** What `SecDefaultAction` contributes to the rules of one phase that follow it. */
export interface DefaultAction {
  readonly transforms: readonly string[];
  readonly log?: boolean;
  readonly auditlog?: boolean;
  readonly disruptive: Disruptive;
  readonly status?: number;
  readonly redirectUrl?: string;
}

/** One parsed SecRule/SecAction before it is linked into its chain. */
export interface PendingRule {
  readonly targets: readonly TargetSpec[];
  readonly operator: OperatorSpec;
  readonly actions: ActionSet;
  readonly loc: Location;
}

function bad(loc: Location, problem: string): never {
  throw new PortcullisError('ERR_PORTCULLIS_SECLANG_DIRECTIVE', `${where(loc)}: ${problem}`);
}

/** Operators ModSecurity v2/v3 define, by lower-case name → canonical spelling. */
const OPERATOR_NAMES: ReadonlyMap<string, string> = new Map([
  'beginsWith', 'contains', 'containsWord', 'detectSQLi', 'detectXSS', 'endsWith', 'eq', 'fuzzyHash', 'ge',
  'geoLookup', 'gsbLookup', 'gt', 'inspectFile', 'ipMatch', 'ipMatchF', 'ipMatchFromFile', 'le', 'lt', 'noMatch',
  'pm', 'pmf', 'pmFromFile', 'rbl', 'rsub', 'rx', 'rxGlobal', 'streq', 'strmatch', 'unconditionalMatch',
  'validateByteRange', 'validateDTD', 'validateHash', 'validateSchema', 'validateUrlEncoding',
  'validateUtf8Encoding', 'verifyCC', 'verifyCPF', 'verifySSN', 'verifySVNR', 'within',
].map((n) => [n.toLowerCase(), n]));

/** Operators whose parameter is a (space-separated) list of data files, resolved like ModSecurity does. */
const FILE_OPERATORS = new Set(['pmFromFile', 'pmf', 'ipMatchFromFile', 'ipMatchF', 'validateDTD', 'validateSchema']);

/**
 * Parses a SecRule operator: canonical name, `@rx` (and `@rxGlobal`) translated from PCRE with its flags, data
 * file paths made relative to `dataDir` (the rule file's directory) when they are relative.
 */
export function parseSecLangOperator(text: string, loc: Location, dataDir: string | undefined): OperatorSpec {
  const parsed = parseOperatorString(text);
  const canonical = OPERATOR_NAMES.get(parsed.name.toLowerCase());
  if (canonical === undefined) bad(loc, `unknown operator @${parsed.name}`);
  const base: OperatorSpec = { name: canonical, param: parsed.param, negate: parsed.negate };
  if (canonical === 'rx' || canonical === 'rxGlobal') {
    if (parsed.param.includes('%{')) bad(loc, `macros in @${canonical} parameters are not supported`);
    try {
      const { source, flags } = translatePcre(parsed.param);
      return { ...base, param: source, flags };
    } catch (err) {
      const msg = (err as Error).message.replace(/ \[ERR_PORTCULLIS_[A-Z_]+\]$/, '');
      throw new PortcullisError('ERR_PORTCULLIS_REGEX_TRANSLATE', `${where(loc)}: ${msg}`, { cause: err });
    }
  }
  if (FILE_OPERATORS.has(canonical) && dataDir !== undefined) {
    const files = parsed.param.split(/\s+/).filter((f) => f.length > 0)
      .map((f) => (isAbsolute(f) || /^[a-z]+:\/\//i.test(f) ? f : join(dataDir, f)));
    return { ...base, param: files.join(' ') };
  }
  return base;
}

export const SEC_ACTION_OPERATOR: OperatorSpec = { name: 'unconditionalMatch', param: '', negate: false };

/** `paranoia-level/N` tag → N (1..4 as CRS uses; any positive integer accepted). */
export function paranoiaFromTags(tags: readonly string[]): number | undefined {
  for (const t of tags) {
    const m = /^paranoia-level\/(\d{1,2})$/i.exec(t);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Checks what a chained link (not the head) may not carry, as ModSecurity does. */
export function checkLinkActions(set: ActionSet, loc: Location): void {
  for (const name of ['id', 'phase', 'skipafter', 'skip']) {
    if (set.seen.has(name)) bad(loc, `a chained rule cannot have ${name}: only the chain head can`);
  }
  if (set.disruptive !== undefined) bad(loc, 'a chained rule cannot have a disruptive action: only the chain head can');
}

interface BuildContext {
  readonly phase: Phase;
  readonly defaults: DefaultAction | undefined;
  readonly head: boolean;
}

type WrittenActions = Partial<Pick<RuleSpec, 'msg' | 'logdata' | 'severity' | 'skipAfter' | 'skip' | 'ver' | 'rev' | 'maturity' | 'accuracy'>>;

/** The single-valued actions a rule carries only when written (so exactOptionalPropertyTypes holds). */
export function writtenActions(a: ActionSet): WrittenActions {
  return {
    ...(a.msg !== undefined ? { msg: a.msg } : {}),
    ...(a.logdata !== undefined ? { logdata: a.logdata } : {}),
    ...(a.severity !== undefined ? { severity: a.severity } : {}),
    ...(a.skipAfter !== undefined ? { skipAfter: a.skipAfter } : {}),
    ...(a.skip !== undefined ? { skip: a.skip } : {}),
    ...(a.ver !== undefined ? { ver: a.ver } : {}),
    ...(a.rev !== undefined ? { rev: a.rev } : {}),
    ...(a.maturity !== undefined ? { maturity: a.maturity } : {}),
    ...(a.accuracy !== undefined ? { accuracy: a.accuracy } : {}),
  };
}

/** Builds one RuleSpec (without its `chain`) from parsed pieces and the phase's default action. */
export function buildRule(p: PendingRule, ctx: BuildContext): RuleSpec {
  const a = p.actions;
  const def = ctx.defaults;
  const transforms = a.resetTransforms ? [...a.transforms] : [...(def?.transforms ?? []), ...a.transforms];
  const log = a.log ?? def?.log ?? true;
  // `nolog` also silences the audit log unless `auditlog` is written explicitly (ModSecurity semantics).
  const auditlog = a.auditlog ?? (a.log === false ? false : def?.auditlog ?? true);
  let disruptive: Disruptive | undefined;
  let status: number | undefined = a.status;
  let redirectUrl: string | undefined = a.redirectUrl;
  if (ctx.head) {
    disruptive = a.disruptive ?? def?.disruptive ?? 'pass';
    status ??= def?.status;
    if (disruptive === 'redirect') redirectUrl ??= def?.redirectUrl;
  }
  const paranoiaLevel = paranoiaFromTags(a.tags);
  const spec: RuleSpec = {
    id: ctx.head ? a.id ?? 0 : 0,
    phase: ctx.phase,
    targets: [...p.targets],
    transforms,
    operator: p.operator,
    tags: [...a.tags],
    capture: a.capture ?? false,
    multiMatch: a.multiMatch ?? false,
    log,
    auditlog,
    setvars: [...a.setvars],
    ctls: [...a.ctls],
    source: { file: p.loc.file, line: p.loc.line },
    ...writtenActions(a),
    ...(paranoiaLevel !== undefined ? { paranoiaLevel } : {}),
    ...(disruptive !== undefined ? { disruptive } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(redirectUrl !== undefined && disruptive === 'redirect' ? { redirectUrl } : {}),
  };
  return spec;
}

/** Links a finished chain (head first) into one RuleSpec tree. */
export function buildChain(links: readonly PendingRule[], defaults: ReadonlyMap<Phase, DefaultAction>): RuleSpec {
  const head = links[0]!;
  const phase: Phase = head.actions.phase ?? 2;
  const d = defaults.get(phase);
  let next: RuleSpec | undefined;
  for (let i = links.length - 1; i >= 1; i--) {
    const r = buildRule(links[i]!, { phase, defaults: d, head: false });
    next = next ? { ...r, chain: next } : r;
  }
  const h = buildRule(head, { phase, defaults: d, head: true });
  return next ? { ...h, chain: next } : h;
}
