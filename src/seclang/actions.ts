import { bareMessage, PortcullisError } from '../errors.js';
import { parseSetVar } from '../rules/define.js';
import type { CtlSpec, Disruptive, Phase, SetVarSpec, Severity } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';
import { parseIdRanges, parseSecLangTarget } from './targets.js';

/**
 * SecLang action lists (`"id:1,phase:2,t:none,msg:'a, b',block"`), NOTES.md §4.4-4.5.4.
 *
 * Splitting: on commas outside single quotes. A quote opens only where a value or action starts (after `:`, `=`,
 * `,` or at the start), so an apostrophe inside an unquoted word (`msg:Bob's`) is literal; inside quotes `\'` is an
 * escaped quote. Names are case-insensitive. Values that are wholly quoted lose their quotes.
 *
 * Actions that have no place in the IR are parsed and dropped: expirevar, deprecatevar, initcol, setenv, setuid,
 * setsid, setrsc, sanitiseArg/Matched/MatchedBytes/RequestHeader/ResponseHeader, exec, append, prepend, xmlns,
 * pause. `allow:phase|request` keeps only `allow`. `proxy` is rejected (no equivalent).
 */
export interface RawAction {
  /** Lower case. */
  readonly name: string;
  readonly value?: string;
}

/** What an action list says, before defaults are merged. */
export interface ActionSet {
  id?: number;
  phase?: Phase;
  msg?: string;
  logdata?: string;
  tags: string[];
  severity?: Severity;
  ver?: string;
  rev?: string;
  maturity?: number;
  accuracy?: number;
  /** Transformations after the last `t:none`. */
  transforms: string[];
  /** A `t:none` was seen: inherited transformations are dropped. */
  resetTransforms: boolean;
  disruptive?: Disruptive;
  status?: number;
  redirectUrl?: string;
  capture?: boolean;
  multiMatch?: boolean;
  log?: boolean;
  auditlog?: boolean;
  setvars: SetVarSpec[];
  ctls: CtlSpec[];
  skipAfter?: string;
  skip?: number;
  chain: boolean;
  /** Lower-case names of every action written (for placement checks). */
  readonly seen: Set<string>;
}

export function emptyActionSet(): ActionSet {
  return { tags: [], transforms: [], resetTransforms: false, setvars: [], ctls: [], chain: false, seen: new Set() };
}

function bad(problem: string): never {
  throw new PortcullisError('ERR_PORTCULLIS_SECLANG_DIRECTIVE', problem);
}

// ---------------------------------------------------------------------------------------------------------------
// Splitting

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
    return value.slice(1, -1).replace(/\\'/g, "'");
  }
  return value;
}

/** Splits an action list into `{ name, value }` pairs. */
export function splitActions(text: string): RawAction[] {
  const parts: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuote) {
      if (ch === '\\' && text[i + 1] === "'") { cur += "\\'"; i++; continue; }
      if (ch === "'") inQuote = false;
      cur += ch;
      continue;
    }
    if (ch === "'") {
      const before = cur.trimEnd();
      const last = before[before.length - 1];
      if (before.length === 0 || last === ':' || last === '=') inQuote = true;
      cur += ch;
      continue;
    }
    if (ch === ',') { parts.push(cur); cur = ''; continue; }
    cur += ch;
  }
  if (inQuote) bad('missing closing quote in action list');
  parts.push(cur);
  const out: RawAction[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part.length === 0) continue;
    const colon = part.indexOf(':');
    if (colon === -1) { out.push({ name: unquote(part).toLowerCase() }); continue; }
    const name = part.slice(0, colon).trim().toLowerCase();
    const value = unquote(part.slice(colon + 1).trim());
    out.push({ name, value });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Value parsers

/** Transformation names ModSecurity v2/v3 know (NOTES.md §4.3 plus the rest), compared case-insensitively. */
export const TRANSFORM_NAMES: ReadonlySet<string> = new Set([
  'none', 'base64decode', 'base64decodeext', 'base64encode', 'cmdline', 'compresswhitespace', 'cssdecode',
  'escapeseqdecode', 'hexdecode', 'hexencode', 'htmlentitydecode', 'jsdecode', 'length', 'lowercase', 'md5',
  'normalisepath', 'normalizepath', 'normalisepathwin', 'normalizepathwin', 'parityeven7bit',
  'parityodd7bit', 'parityzero7bit', 'removenulls', 'removewhitespace', 'replacecomments', 'removecommentschar',
  'removecomments', 'replacenulls', 'sha1', 'sqlhexdecode', 'trimleft', 'trimright', 'trim', 'uppercase',
  'urldecode', 'urldecodeuni', 'urlencode', 'utf8tounicode',
]);

const PHASE_NAMES: Readonly<Record<string, Phase>> = { request: 2, response: 4, logging: 5 };

export function parsePhase(value: string): Phase {
  const v = value.trim().toLowerCase();
  if (Object.hasOwn(PHASE_NAMES, v)) return PHASE_NAMES[v]!;
  if (/^[1-5]$/.test(v)) return Number(v) as Phase;
  return bad(`phase must be 1-5, request, response or logging, got "${value}"`);
}

export function parseSeverity(value: string): Severity {
  const v = value.trim().toLowerCase();
  if (/^[0-7]$/.test(v)) return SEVERITIES[Number(v)]!;
  const found = SEVERITIES.find((s) => s === v);
  if (found === undefined) bad(`unknown severity "${value}"`);
  return found;
}

function parseInteger(name: string, value: string | undefined, min: number, max: number): number {
  const v = (value ?? '').trim();
  if (!/^\d{1,10}$/.test(v)) bad(`${name} needs an integer, got "${value ?? ''}"`);
  const n = Number(v);
  if (n < min || n > max) bad(`${name} must be ${min}-${max}, got ${n}`);
  return n;
}

function required(name: string, value: string | undefined): string {
  if (value === undefined || value.length === 0) bad(`action ${name} needs a value`);
  return value;
}

function onOff(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  return bad(`${name} must be On or Off, got "${value}"`);
}

export function parseRuleEngineValue(value: string): 'On' | 'Off' | 'DetectionOnly' {
  const v = value.trim().toLowerCase();
  if (v === 'on') return 'On';
  if (v === 'off') return 'Off';
  if (v === 'detectiononly') return 'DetectionOnly';
  return bad(`rule engine must be On, Off or DetectionOnly, got "${value}"`);
}

function splitTargetArg(name: string, value: string): [string, string] {
  const semi = value.indexOf(';');
  if (semi <= 0 || semi === value.length - 1) bad(`ctl:${name} needs "<selector>;<TARGET>", got "${value}"`);
  return [value.slice(0, semi).trim(), value.slice(semi + 1).trim()];
}

type CtlParser = (value: string, name: string) => CtlSpec;

const CTL_PARSERS: Readonly<Record<string, CtlParser>> = {
  ruleremovebyid: (v) => ({ kind: 'ruleRemoveById', ranges: parseIdRanges(v) }),
  ruleremovebytag: (v) => ({ kind: 'ruleRemoveByTag', tag: v }),
  ruleremovebymsg: (v) => ({ kind: 'ruleRemoveByMsg', msg: v }),
  ruleremovetargetbyid: (v, n) => {
    const [ids, target] = splitTargetArg(n, v);
    return { kind: 'ruleRemoveTargetById', ranges: parseIdRanges(ids), target: parseSecLangTarget(target) };
  },
  ruleremovetargetbytag: (v, n) => {
    const [tag, target] = splitTargetArg(n, v);
    return { kind: 'ruleRemoveTargetByTag', tag, target: parseSecLangTarget(target) };
  },
  ruleremovetargetbymsg: (v, n) => {
    const [msg, target] = splitTargetArg(n, v);
    return { kind: 'ruleRemoveTargetByMsg', msg, target: parseSecLangTarget(target) };
  },
  ruleengine: (v) => ({ kind: 'ruleEngine', value: parseRuleEngineValue(v) }),
  requestbodyprocessor: (v) => {
    if (!/^[A-Za-z0-9_-]+$/.test(v)) bad(`bad ctl:requestBodyProcessor value "${v}"`);
    return { kind: 'requestBodyProcessor', value: v.toUpperCase() };
  },
  requestbodyaccess: (v, n) => ({ kind: 'requestBodyAccess', value: onOff(`ctl:${n}`, v) }),
  forcerequestbodyvariable: (v, n) => ({ kind: 'forceRequestBodyVariable', value: onOff(`ctl:${n}`, v) }),
  responsebodyaccess: (v, n) => ({ kind: 'responseBodyAccess', value: onOff(`ctl:${n}`, v) }),
  auditengine: (v) => ({ kind: 'auditEngine', value: v }),
};

/** Parses the value of `ctl:name=value`. Unknown ctl names become `{ kind: 'other' }`. */
export function parseCtl(text: string): CtlSpec {
  const eq = text.indexOf('=');
  if (eq <= 0) bad(`ctl needs name=value, got "${text}"`);
  const name = text.slice(0, eq).trim();
  const value = text.slice(eq + 1).trim();
  const parser = Object.hasOwn(CTL_PARSERS, name.toLowerCase()) ? CTL_PARSERS[name.toLowerCase()] : undefined;
  if (!parser) return { kind: 'other', name, value };
  try {
    return parser(value, name);
  } catch (err) {
    return bad(`ctl:${name}: ${bareMessage(err)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The action table

type ActionHandler = (set: ActionSet, value: string | undefined, name: string) => void;

const ignore: ActionHandler = () => undefined;

function disruptive(kind: Disruptive): ActionHandler {
  return (set) => { set.disruptive = kind; };
}

const ACTIONS: Readonly<Record<string, ActionHandler>> = {
  id: (s, v) => { s.id = parseInteger('id', v, 1, 2 ** 53 - 1); },
  phase: (s, v) => { s.phase = parsePhase(required('phase', v)); },
  msg: (s, v) => { s.msg = v ?? ''; },
  logdata: (s, v) => { s.logdata = v ?? ''; },
  tag: (s, v) => { s.tags.push(required('tag', v)); },
  severity: (s, v) => { s.severity = parseSeverity(required('severity', v)); },
  ver: (s, v) => { s.ver = required('ver', v); },
  rev: (s, v) => { s.rev = required('rev', v); },
  maturity: (s, v) => { s.maturity = parseInteger('maturity', v, 0, 9); },
  accuracy: (s, v) => { s.accuracy = parseInteger('accuracy', v, 0, 9); },
  t: (s, v) => {
    const name = required('t', v).trim();
    if (!TRANSFORM_NAMES.has(name.toLowerCase())) bad(`unknown transformation t:${name}`);
    if (name.toLowerCase() === 'none') { s.transforms = []; s.resetTransforms = true; return; }
    s.transforms.push(name);
  },
  block: disruptive('block'),
  deny: disruptive('deny'),
  pass: disruptive('pass'),
  drop: disruptive('drop'),
  allow: (s, v) => {
    if (v !== undefined && !/^(phase|request)$/i.test(v.trim())) bad(`allow takes phase or request, got "${v}"`);
    s.disruptive = 'allow';
  },
  redirect: (s, v) => { s.disruptive = 'redirect'; s.redirectUrl = required('redirect', v); },
  proxy: () => bad('action proxy is not supported'),
  status: (s, v) => { s.status = parseInteger('status', v, 100, 599); },
  capture: (s) => { s.capture = true; },
  multimatch: (s) => { s.multiMatch = true; },
  log: (s) => { s.log = true; },
  nolog: (s) => { s.log = false; },
  auditlog: (s) => { s.auditlog = true; },
  noauditlog: (s) => { s.auditlog = false; },
  setvar: (s, v) => { s.setvars.push(parseSetVar(required('setvar', v))); },
  ctl: (s, v) => { s.ctls.push(parseCtl(required('ctl', v))); },
  skipafter: (s, v) => { s.skipAfter = required('skipAfter', v).trim(); },
  skip: (s, v) => { s.skip = parseInteger('skip', v, 1, 1_000_000); },
  chain: (s) => { s.chain = true; },
  // Parsed and dropped (no IR field; see the file comment).
  expirevar: (_s, v, n) => { required(n, v); },
  deprecatevar: (_s, v, n) => { required(n, v); },
  initcol: (_s, v, n) => { required(n, v); },
  setenv: (_s, v, n) => { required(n, v); },
  setuid: (_s, v, n) => { required(n, v); },
  setsid: (_s, v, n) => { required(n, v); },
  setrsc: (_s, v, n) => { required(n, v); },
  sanitisearg: (_s, v, n) => { required(n, v); },
  sanitiserequestheader: (_s, v, n) => { required(n, v); },
  sanitiseresponseheader: (_s, v, n) => { required(n, v); },
  sanitisematched: ignore,
  sanitisematchedbytes: ignore,
  exec: (_s, v, n) => { required(n, v); },
  append: (_s, v, n) => { required(n, v); },
  prepend: (_s, v, n) => { required(n, v); },
  xmlns: (_s, v, n) => { required(n, v); },
  pause: (_s, v, n) => { parseInteger(n, v, 0, 2 ** 31); },
};

/** Applies raw actions to `set` (mutated). Throws ERR_PORTCULLIS_SECLANG_DIRECTIVE on an unknown or bad action. */
export function applyActions(set: ActionSet, actions: readonly RawAction[]): ActionSet {
  for (const a of actions) {
    const handler = Object.hasOwn(ACTIONS, a.name) ? ACTIONS[a.name] : undefined;
    if (!handler) bad(`unknown action "${a.name}"`);
    try {
      handler(set, a.value, a.name);
    } catch (err) {
      if (err instanceof PortcullisError && err.code === 'ERR_PORTCULLIS_SECLANG_DIRECTIVE') throw err;
      if (err instanceof PortcullisError && err.code === 'ERR_PORTCULLIS_REGEX_TRANSLATE') throw err;
      bad(`action ${a.name}: ${bareMessage(err)}`);
    }
    set.seen.add(a.name);
  }
  return set;
}

/** Parses an action list string into an ActionSet. */
export function parseActions(text: string): ActionSet {
  return applyActions(emptyActionSet(), splitActions(text));
}
