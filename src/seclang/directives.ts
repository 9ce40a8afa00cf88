import { PortcullisError } from '../errors.js';
import { formatTarget } from '../rules/targets.js';
import type { EngineDirectives, Phase, RuleSpec, RulesetEntry, TargetSpec } from '../rules/types.js';
import { isMarker } from '../rules/types.js';
import { parseActions, parseRuleEngineValue, type ActionSet } from './actions.js';
import { where, type Location } from './lexer.js';
import {
  buildChain, checkLinkActions, paranoiaFromTags, parseSecLangOperator, SEC_ACTION_OPERATOR, writtenActions,
  type DefaultAction, type PendingRule,
} from './rule-builder.js';
import { inRanges, parseIdRanges, parseSecLangTargets, rethrowAt } from './targets.js';

/**
 * One handler per SecLang directive, in a table keyed by lower-case name (directive names are case-insensitive
 * like all Apache directives). Configuration-time edits (SecRuleRemove*, SecRuleUpdate*) act on the rules
 * defined *before* them (also in earlier files) and replace RuleSpec objects instead of mutating them.
 *
 * Tag and msg selectors (SecRuleRemoveByTag/ByMsg, SecRuleUpdateTargetByTag/ByMsg) compare exactly
 * (libmodsecurity v3 / Coraza behaviour), not as regexes (ModSecurity v2).
 */
export interface ParserState {
  readonly entries: RulesetEntry[];
  readonly directives: EngineDirectives;
  readonly defaults: Map<Phase, DefaultAction>;
  readonly ids: Set<number>;
  /** Links of a chain still waiting for its last SecRule (head first). */
  chain: PendingRule[] | undefined;
}

export function createParserState(): ParserState {
  return { entries: [], directives: {}, defaults: new Map(), ids: new Set(), chain: undefined };
}

export interface DirectiveContext {
  readonly state: ParserState;
  readonly loc: Location;
  /** Directory relative data files (@pmFromFile) resolve against; undefined = leave relative. */
  readonly dataDir: string | undefined;
  /** Asks for the files an Include names (glob allowed) to be parsed, right after the handler returns; `optional` = IncludeOptional. */
  include(pattern: string, optional: boolean): void;
}

export type DirectiveHandler = (ctx: DirectiveContext, args: readonly string[]) => void;

function bad(loc: Location, problem: string): never {
  throw new PortcullisError('ERR_PORTCULLIS_SECLANG_DIRECTIVE', `${where(loc)}: ${problem}`);
}

function expectArgs(ctx: DirectiveContext, name: string, args: readonly string[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min}-${max}`;
    bad(ctx.loc, `${name} takes ${want} argument(s), got ${args.length}`);
  }
}

function guarded<T>(ctx: DirectiveContext, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    return rethrowAt(ctx.loc, err);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rules

function addRule(ctx: DirectiveContext, targets: readonly TargetSpec[], opText: string | undefined, actionText: string): void {
  const { state, loc } = ctx;
  const actions = guarded(ctx, () => parseActions(actionText));
  const operator = opText === undefined ? SEC_ACTION_OPERATOR : guarded(ctx, () => parseSecLangOperator(opText, loc, ctx.dataDir));
  const pending: PendingRule = { targets, operator, actions, loc };
  if (state.chain) {
    checkLinkActions(actions, loc);
    state.chain.push(pending);
  } else {
    if (actions.id === undefined) bad(loc, 'rule has no id action');
    if (state.ids.has(actions.id)) bad(loc, `duplicate rule id ${actions.id}`);
    state.chain = [pending];
  }
  if (actions.chain) return;
  const links = state.chain;
  state.chain = undefined;
  const spec = buildChain(links, state.defaults);
  state.ids.add(spec.id);
  state.entries.push(spec);
}

const secRule: DirectiveHandler = (ctx, args) => {
  expectArgs(ctx, 'SecRule', args, 2, 3);
  const targets = guarded(ctx, () => parseSecLangTargets(args[0]!));
  addRule(ctx, targets, args[1]!, args[2] ?? '');
};

const secAction: DirectiveHandler = (ctx, args) => {
  expectArgs(ctx, 'SecAction', args, 0, 1);
  addRule(ctx, [], undefined, args[0] ?? '');
};

const secMarker: DirectiveHandler = (ctx, args) => {
  expectArgs(ctx, 'SecMarker', args, 1, 1);
  const marker = args[0]!.trim();
  if (marker.length === 0) bad(ctx.loc, 'SecMarker needs a name');
  ctx.state.entries.push({ marker });
};

const FORBIDDEN_IN_DEFAULT = ['id', 'msg', 'logdata', 'tag', 'severity', 'rev', 'ver', 'maturity', 'accuracy', 'chain', 'skipafter', 'skip'];

const secDefaultAction: DirectiveHandler = (ctx, args) => {
  expectArgs(ctx, 'SecDefaultAction', args, 1, 1);
  const a: ActionSet = guarded(ctx, () => parseActions(args[0]!));
  for (const name of FORBIDDEN_IN_DEFAULT) {
    if (a.seen.has(name)) bad(ctx.loc, `SecDefaultAction cannot contain ${name}`);
  }
  if (a.disruptive === undefined) bad(ctx.loc, 'SecDefaultAction must specify a disruptive action');
  const phase: Phase = a.phase ?? 2;
  const def: DefaultAction = {
    transforms: [...a.transforms],
    disruptive: a.disruptive,
    ...(a.log !== undefined ? { log: a.log } : {}),
    ...(a.auditlog !== undefined ? { auditlog: a.auditlog } : a.log === false ? { auditlog: false } : {}),
    ...(a.status !== undefined ? { status: a.status } : {}),
    ...(a.redirectUrl !== undefined ? { redirectUrl: a.redirectUrl } : {}),
  };
  ctx.state.defaults.set(phase, def);
  const d = ctx.state.directives;
  d.defaultActions = {
    ...(d.defaultActions ?? {}),
    [phase]: { disruptive: a.disruptive, ...(a.status !== undefined ? { status: a.status } : {}) },
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Configuration-time edits of earlier rules

function sameTarget(a: TargetSpec, b: TargetSpec): boolean {
  return formatTarget(a).toLowerCase() === formatTarget(b).toLowerCase();
}

/** Replaces each earlier rule (chain head) for which `match` holds by `update(rule)`. */
function updateRules(state: ParserState, match: (r: RuleSpec) => boolean, update: (r: RuleSpec) => RuleSpec): number {
  let n = 0;
  for (let i = 0; i < state.entries.length; i++) {
    const e = state.entries[i]!;
    if (isMarker(e) || !match(e)) continue;
    state.entries[i] = update(e);
    n++;
  }
  return n;
}

function removeRules(state: ParserState, match: (r: RuleSpec) => boolean): void {
  for (let i = state.entries.length - 1; i >= 0; i--) {
    const e = state.entries[i]!;
    if (isMarker(e) || !match(e)) continue;
    state.entries.splice(i, 1);
    state.ids.delete(e.id);
  }
}

function withTargets(rule: RuleSpec, add: readonly TargetSpec[], replaced: TargetSpec | undefined): RuleSpec {
  let targets = [...rule.targets];
  if (replaced) targets = targets.filter((t) => !sameTarget(t, replaced));
  for (const t of add) if (!targets.some((x) => sameTarget(x, t))) targets.push(t);
  return { ...rule, targets };
}

function targetUpdate(name: string, selector: (arg: string) => (r: RuleSpec) => boolean): DirectiveHandler {
  return (ctx, args) => {
    expectArgs(ctx, name, args, 2, 3);
    const match = guarded(ctx, () => selector(args[0]!));
    const add = guarded(ctx, () => parseSecLangTargets(args[1]!));
    const replaced = args[2] === undefined ? undefined : guarded(ctx, () => {
      const list = parseSecLangTargets(args[2]!);
      if (list.length !== 1) bad(ctx.loc, `${name}: the replaced target must be a single target`);
      return list[0]!;
    });
    updateRules(ctx.state, match, (r) => withTargets(r, add, replaced));
  };
}

const byIds = (arg: string): ((r: RuleSpec) => boolean) => {
  const ranges = parseIdRanges(arg);
  return (r) => inRanges(r.id, ranges);
};
const byTag = (arg: string): ((r: RuleSpec) => boolean) => (r) => r.tags.includes(arg);
const byMsg = (arg: string): ((r: RuleSpec) => boolean) => (r) => r.msg === arg;

const secRuleRemoveById: DirectiveHandler = (ctx, args) => {
  expectArgs(ctx, 'SecRuleRemoveById', args, 1, Infinity);
  const ranges = guarded(ctx, () => args.flatMap((a) => parseIdRanges(a)));
  removeRules(ctx.state, (r) => inRanges(r.id, ranges));
};

const secRuleRemoveByTag: DirectiveHandler = (ctx, args) => {
  expectArgs(ctx, 'SecRuleRemoveByTag', args, 1, Infinity);
  removeRules(ctx.state, (r) => args.some((t) => r.tags.includes(t)));
};

const secRuleRemoveByMsg: DirectiveHandler = (ctx, args) => {
  expectArgs(ctx, 'SecRuleRemoveByMsg', args, 1, Infinity);
  removeRules(ctx.state, (r) => args.some((m) => r.msg === m));
};

/** Applies an action list on top of an existing rule: single-valued actions overwrite, lists append. */
function applyActionUpdate(rule: RuleSpec, a: ActionSet, isHead: boolean, loc: Location): RuleSpec {
  if (!isHead) checkLinkActions(a, loc);
  const tags = [...rule.tags, ...a.tags];
  const paranoiaLevel = paranoiaFromTags(tags) ?? rule.paranoiaLevel;
  const disruptive = a.disruptive ?? rule.disruptive;
  const log = a.log ?? rule.log;
  const auditlog = a.auditlog ?? (a.log === false ? false : rule.auditlog);
  const redirectUrl = a.redirectUrl ?? rule.redirectUrl;
  const { redirectUrl: _dropRedirect, ...rest } = rule;
  void _dropRedirect;
  return {
    ...rest,
    transforms: a.resetTransforms ? [...a.transforms] : [...rule.transforms, ...a.transforms],
    tags,
    log,
    auditlog,
    capture: a.capture ?? rule.capture,
    multiMatch: a.multiMatch ?? rule.multiMatch,
    setvars: [...rule.setvars, ...a.setvars],
    ctls: [...rule.ctls, ...a.ctls],
    ...(paranoiaLevel !== undefined ? { paranoiaLevel } : {}),
    ...(disruptive !== undefined ? { disruptive } : {}),
    ...(disruptive === 'redirect' && redirectUrl !== undefined ? { redirectUrl } : {}),
    ...writtenActions(a),
    ...(a.status !== undefined ? { status: a.status } : {}),
  };
}

function updateLink(rule: RuleSpec, offset: number, fn: (r: RuleSpec) => RuleSpec, loc: Location): RuleSpec {
  if (offset === 0) return fn(rule);
  if (!rule.chain) bad(loc, `rule ${rule.id || '(chained)'} has no chained rule at that offset`);
  return { ...rule, chain: updateLink(rule.chain, offset - 1, fn, loc) };
}

const secRuleUpdateActionById: DirectiveHandler = (ctx, args) => {
  expectArgs(ctx, 'SecRuleUpdateActionById', args, 2, 2);
  const m = /^(\d{1,15})(?::(\d{1,3}))?$/.exec(args[0]!.trim());
  if (!m) bad(ctx.loc, `SecRuleUpdateActionById needs RULEID[:offset], got "${args[0]!}"`);
  const id = Number(m[1]);
  const offset = m[2] === undefined ? 0 : Number(m[2]);
  const a = guarded(ctx, () => parseActions(args[1]!));
  if (a.seen.has('id') || a.seen.has('phase')) bad(ctx.loc, 'SecRuleUpdateActionById cannot change id or phase');
  updateRules(ctx.state, (r) => r.id === id, (r) => updateLink(r, offset, (x) => applyActionUpdate(x, a, offset === 0, ctx.loc), ctx.loc));
};

// ---------------------------------------------------------------------------------------------------------------
// Engine settings

function onOff(ctx: DirectiveContext, name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  return bad(ctx.loc, `${name} must be On or Off, got "${value}"`);
}

function size(ctx: DirectiveContext, name: string, value: string): number {
  const v = value.trim();
  if (!/^\d{1,15}$/.test(v)) bad(ctx.loc, `${name} needs a non-negative integer, got "${value}"`);
  return Number(v);
}

/** SecResponseBodyLimit: as ModSecurity, at most 1 GiB (the response is held in memory up to it). */
function responseLimit(ctx: DirectiveContext, name: string, value: string): number {
  const n = size(ctx, name, value);
  if (n > 1024 * 1024 * 1024) bad(ctx.loc, `${name} must be at most 1073741824 (1 GiB), got ${n}`);
  return n;
}

function limitAction(ctx: DirectiveContext, name: string, value: string): 'Reject' | 'ProcessPartial' {
  const v = value.trim().toLowerCase();
  if (v === 'reject') return 'Reject';
  if (v === 'processpartial') return 'ProcessPartial';
  return bad(ctx.loc, `${name} must be Reject or ProcessPartial, got "${value}"`);
}

function setting<K extends keyof EngineDirectives>(
  name: string, key: K, parse: (ctx: DirectiveContext, name: string, v: string) => EngineDirectives[K],
): DirectiveHandler {
  return (ctx, args) => {
    expectArgs(ctx, name, args, 1, 1);
    ctx.state.directives[key] = parse(ctx, name, args[0]!);
  };
}

const secResponseBodyMimeType: DirectiveHandler = (ctx, args) => {
  expectArgs(ctx, 'SecResponseBodyMimeType', args, 1, Infinity);
  const types = args.flatMap((a) => a.split(/\s+/)).filter((t) => t.length > 0).map((t) => t.toLowerCase());
  const d = ctx.state.directives;
  const list = [...(d.responseBodyMimeTypes ?? [])];
  for (const t of types) if (!list.includes(t)) list.push(t);
  d.responseBodyMimeTypes = list;
};

const secComponentSignature: DirectiveHandler = (ctx, args) => {
  expectArgs(ctx, 'SecComponentSignature', args, 1, 1);
  const d = ctx.state.directives;
  d.componentSignatures = [...(d.componentSignatures ?? []), args[0]!];
};

const include = (optional: boolean): DirectiveHandler => (ctx, args) => {
  expectArgs(ctx, optional ? 'IncludeOptional' : 'Include', args, 1, 1);
  ctx.include(args[0]!, optional);
};

const ignored: DirectiveHandler = () => undefined;

/**
 * Accepted and ignored: logging, storage and engine internals that have no meaning for an in-process Node WAF
 * (NOTES.md §4 "Other SecLang directives"). Any `SecAudit*` / `SecDebugLog*` directive is ignored as well.
 */
const IGNORED = [
  'SecArgumentSeparator', 'SecCacheTransformations', 'SecChrootDir', 'SecCollectionTimeout', 'SecConnEngine',
  'SecConnReadStateLimit', 'SecConnWriteStateLimit', 'SecContentInjection', 'SecCookieFormat',
  'SecCookieV0Separator', 'SecDataDir', 'SecDisableBackendCompression', 'SecGeoLookupDb', 'SecGsbLookupDb',
  'SecGuardianLog', 'SecHashEngine', 'SecHashKey', 'SecHashMethodPm', 'SecHashMethodRx', 'SecHashParam',
  'SecHttpBlKey', 'SecInterceptOnError', 'SecPcreMatchLimit', 'SecPcreMatchLimitRecursion', 'SecReadStateLimit',
  'SecRequestBodyInMemoryLimit', 'SecRuleInheritance', 'SecRulePerfTime', 'SecSensorId', 'SecServerSignature',
  'SecStatusEngine', 'SecStreamInBodyInspection', 'SecStreamOutBodyInspection', 'SecTmpDir',
  'SecTmpSaveUploadedFiles', 'SecUnicodeCodePage', 'SecUnicodeMapFile', 'SecUploadDir', 'SecUploadFileLimit',
  'SecUploadFileMode', 'SecUploadKeepFiles', 'SecWebAppId', 'SecWriteStateLimit', 'SecXmlExternalEntity',
];

const TABLE: Record<string, DirectiveHandler> = {
  secrule: secRule,
  secaction: secAction,
  secmarker: secMarker,
  secdefaultaction: secDefaultAction,
  secruleengine: setting('SecRuleEngine', 'ruleEngine', (ctx, _n, v) => guarded(ctx, () => parseRuleEngineValue(v))),
  secrequestbodyaccess: setting('SecRequestBodyAccess', 'requestBodyAccess', onOff),
  secrequestbodylimit: setting('SecRequestBodyLimit', 'requestBodyLimit', size),
  secrequestbodynofileslimit: setting('SecRequestBodyNoFilesLimit', 'requestBodyNoFilesLimit', size),
  secrequestbodylimitaction: setting('SecRequestBodyLimitAction', 'requestBodyLimitAction', limitAction),
  secrequestbodyjsondepthlimit: setting('SecRequestBodyJsonDepthLimit', 'requestBodyJsonDepthLimit', size),
  secargumentslimit: setting('SecArgumentsLimit', 'argumentsLimit', size),
  secresponsebodyaccess: setting('SecResponseBodyAccess', 'responseBodyAccess', onOff),
  secresponsebodymimetype: secResponseBodyMimeType,
  secresponsebodymimetypesclear: (ctx, args) => {
    expectArgs(ctx, 'SecResponseBodyMimeTypesClear', args, 0, 0);
    ctx.state.directives.responseBodyMimeTypes = [];
  },
  secresponsebodylimit: setting('SecResponseBodyLimit', 'responseBodyLimit', responseLimit),
  secresponsebodylimitaction: setting('SecResponseBodyLimitAction', 'responseBodyLimitAction', limitAction),
  seccomponentsignature: secComponentSignature,
  secruleremovebyid: secRuleRemoveById,
  secruleremovebytag: secRuleRemoveByTag,
  secruleremovebymsg: secRuleRemoveByMsg,
  secruleupdatetargetbyid: targetUpdate('SecRuleUpdateTargetById', byIds),
  secruleupdatetargetbytag: targetUpdate('SecRuleUpdateTargetByTag', byTag),
  secruleupdatetargetbymsg: targetUpdate('SecRuleUpdateTargetByMsg', byMsg),
  secruleupdateactionbyid: secRuleUpdateActionById,
  include: include(false),
  includeoptional: include(true),
};
for (const name of IGNORED) TABLE[name.toLowerCase()] = ignored;

export const DIRECTIVES: Readonly<Record<string, DirectiveHandler>> = TABLE;

/** Finds the handler for a directive name (case-insensitive); undefined when unknown. */
export function directiveHandler(name: string): DirectiveHandler | undefined {
  const key = name.toLowerCase();
  if (Object.hasOwn(TABLE, key)) return TABLE[key];
  if (key.startsWith('secaudit') || key.startsWith('secdebuglog')) return ignored;
  return undefined;
}

/** Directives that may appear between the links of a chain (none but the rules themselves). */
export function continuesChain(name: string): boolean {
  const key = name.toLowerCase();
  return key === 'secrule' || key === 'secaction';
}
