import { randomUUID } from 'node:crypto';
import type { RuleMatch } from '../alerts/types.js';
import { compileOperator } from '../operators/registry.js';
import { createRegexMeter, enterRegexMeter, type RegexMeter } from '../operators/rx-budget.js';
import type { ResponseVariables } from '../variables/response-variables.js';
import type { CompiledOperator } from '../operators/types.js';
import { createTransformCache, type TransformCache } from '../transforms/cache.js';
import { valueFeatures } from '../transforms/traits.js';
import { SEVERITIES, type CtlSpec, type Phase, type Severity, type TargetSpec } from '../rules/types.js';
import type { RequestVariables, VarEntry } from '../variables/types.js';
import type { CompiledRule, CompiledRuleset, CompiledTarget, KeyTest } from './compile.js';
import type { MacroScope } from './macros.js';
import { cutForInspection } from './inspect-cut.js';
import { FILTERED, MARKER, TX_CHECK } from './phase-plan.js';
import { PrefilterState, type PrefilterHost } from './prefilter-state.js';
import { knownMiss, recordMiss } from './prefilter-memo.js';
import { createTargetRemoval, ruleIndexOf, type TargetRemoval } from './rule-index.js';
import { runChain, runChainSteps } from './chain-shortcut.js';
import { redactValue, toDisplayText } from './redact.js';

/** Engine settings a transaction needs (resolved from options; frozen). */
export interface EngineSettings {
  readonly mode: 'block' | 'detect' | 'off';
  /** Blocking paranoia level 1..4. */
  readonly paranoia: number;
  /** Detection paranoia level (>= paranoia): rules up to it run and are reported, only up to `paranoia` score. */
  readonly detectionParanoia: number;
  readonly threshold: number;
  readonly blockStatus: number;
  /** Per-value inspection cap in bytes; longer values are inspected up to the cap and TX:portcullis_truncated is set. */
  readonly maxValueLength: number;
  /** TX values set at transaction start (only those the user chose explicitly, so SecLang init rules keep theirs). */
  readonly presetTx: Readonly<Record<string, string>>;
  readonly severityPoints: Readonly<Record<'critical' | 'error' | 'warning' | 'notice', number>>;
  /** Secret-looking names whose values are never reported. */
  readonly redact: RegExp;
}

export interface MatchedVar {
  readonly name: string;
  readonly value: string;
  /** TX.0-9 as this variable's match left them (`capture`), restored when its setvars run. */
  readonly captures?: readonly string[];
}

export interface Interruption {
  readonly status: number;
  readonly ruleId: number;
  readonly action: 'deny' | 'drop' | 'redirect' | 'threshold';
  readonly redirectUrl?: string;
}

const MAX_DYNAMIC_OPS = 64;
const MAX_VALUE_REPORT = 200;
const EMPTY: readonly VarEntry[] = [];
const MAX_FEATURE_MEMO = 20_000;
/** TX keys of the anomaly scores per paranoia level (index 1-4). */
const INBOUND_KEYS: readonly string[] = ['', 'inbound_anomaly_score_pl1', 'inbound_anomaly_score_pl2', 'inbound_anomaly_score_pl3', 'inbound_anomaly_score_pl4'];
const OUTBOUND_KEYS: readonly string[] = ['', 'outbound_anomaly_score_pl1', 'outbound_anomaly_score_pl2', 'outbound_anomaly_score_pl3', 'outbound_anomaly_score_pl4'];
/** TX keys of the captures TX.0-9. */
const CAPTURE_KEYS: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function toInt(s: string | undefined): number {
  if (s === undefined || s === '') return 0;
  const n = parseInt(s, 10);
  return Number.isNaN(n) ? 0 : n;
}

/** True when one of `tests` holds for `key` (a loop, not `some` with an arrow: this runs per value). */
function anyKey(tests: readonly KeyTest[] | undefined, key: string): boolean {
  if (tests === undefined) return false;
  for (let i = 0; i < tests.length; i++) if (tests[i]!(key)) return true;
  return false;
}

/** MATCHED_VARS (values) or MATCHED_VARS_NAMES (names) as entries keyed by the variable's key. */
function matchedEntries(vars: readonly MatchedVar[], names: boolean): VarEntry[] {
  const out: VarEntry[] = [];
  for (const m of vars) out.push({ key: m.name.slice(m.name.indexOf(':') + 1), value: names ? m.name : m.value });
  return out;
}

function severityKey(s: Severity | undefined): 'critical' | 'error' | 'warning' | 'notice' | null {
  switch (s) {
    case 'emergency': case 'alert': case 'critical': return 'critical';
    case 'error': return 'error';
    case 'warning': return 'warning';
    case 'notice': return 'notice';
    default: return null;
  }
}

/**
 * One request's state: TX collection, captures, matched rules, score, per-transaction exclusions (ctl),
 * and the transformation cache. Created per request, discarded after; never shared.
 */
export class Transaction implements MacroScope {
  readonly ruleset: CompiledRuleset;
  readonly settings: EngineSettings;
  readonly vars: RequestVariables;
  readonly tx = new Map<string, string>();
  /** Rules that logged a match, in order. */
  readonly matches: RuleMatch[] = [];
  interruption: Interruption | null = null;
  /** `allow` ran: no more rules for this request. */
  allowed = false;
  engineMode: 'On' | 'Off' | 'DetectionOnly';
  private id: string | null = null;
  private removed: Set<CompiledRule> | null = null;
  /** Targets removed by ctl for this transaction (rule-index.ts; usually one, shared by many rules). */
  private removals: TargetRemoval[] | null = null;
  /**
   * Some removal is of TX targets. Only those concern TX_CHECK rules: CRS 941010's ctl (REQUEST_FILENAME out of
   * the xss-perf-disable rules) runs on most requests and must not send the ~40 TX checks back to evalRule.
   */
  private txRemovals = false;
  private tcache: TransformCache | null = null;
  /** Feature bits (traits.ts) of the values transformed so far. */
  private features: Map<string, number> | null = null;
  private featuresFn: ((value: string) => number) | null = null;
  /** Rule prefilter state (prefilter-state.ts) of the running phase, taken on first use. */
  private pf: PrefilterState | null = null;
  private pfHost: PrefilterHost | null = null;
  private matchedVar: MatchedVar | null = null;
  private matchedVars: readonly MatchedVar[] = [];
  private detectionPL: number;
  private readonly captureBuf: string[] = [];
  private currentRule: CompiledRule | null = null;
  private scoreDelta = 0;
  /** Set by the middleware/inspect for reporting. */
  clientIp = '';
  /** Time budget of the super-linear @rx patterns for this transaction (operators/rx-budget.ts). */
  readonly regexMeter: RegexMeter = createRegexMeter(undefined, () => this.tx.set('portcullis_regex_budget', '1'));
  /** Response collections (RESPONSE_*), attached before phase 3; null while the request is inspected. */
  response: ResponseVariables | null = null;
  /** `ctl:responseBodyAccess` of this transaction (null: SecResponseBodyAccess decides). */
  responseBodyAccess: boolean | null = null;

  constructor(ruleset: CompiledRuleset, settings: EngineSettings, vars: RequestVariables) {
    this.ruleset = ruleset;
    this.settings = settings;
    this.vars = vars;
    const d = ruleset.directives.ruleEngine;
    this.engineMode = settings.mode === 'off' ? 'Off' : settings.mode === 'detect' ? 'DetectionOnly' : d === 'DetectionOnly' || d === 'Off' ? d : 'On';
    for (const k in settings.presetTx) this.tx.set(k, settings.presetTx[k]!);
    this.detectionPL = this.computeDetectionPL();
  }

  get uniqueId(): string {
    if (this.id === null) this.id = randomUUID();
    return this.id;
  }

  // ---------------------------------------------------------------- decisions

  /** A numeric TX setting, or `fallback` when it is unset, 0 or not a number. */
  private txSetting(key: string, fallback: number): number {
    const v = this.tx.get(key);
    return v !== undefined ? toInt(v) || fallback : fallback;
  }

  /** The sum of the per-level scores in `keys` (index 1-4) for levels 1..`upTo`. */
  private scoreSum(keys: readonly string[], upTo: number): number {
    let sum = 0;
    for (let i = 1; i <= upTo && i <= 4; i++) sum += toInt(this.tx.get(keys[i]!));
    return sum;
  }

  blockingParanoia(): number {
    return this.txSetting('blocking_paranoia_level', this.settings.paranoia);
  }

  threshold(): number {
    return this.txSetting('inbound_anomaly_score_threshold', this.settings.threshold);
  }

  /** Inbound anomaly score counted for blocking: levels 1..blocking paranoia. */
  inboundScore(): number {
    return this.scoreSum(INBOUND_KEYS, this.blockingParanoia());
  }

  /** Score over every level that ran (what detect-only reports as "would score"). */
  detectionScore(): number {
    return this.scoreSum(INBOUND_KEYS, 4);
  }

  /** True when the anomaly score reached the threshold (independent of mode). */
  overThreshold(): boolean {
    return this.inboundScore() >= this.threshold();
  }

  /** Outbound (response) threshold: TX outbound_anomaly_score_threshold (CRS sets 4), else the inbound option. */
  outboundThreshold(): number {
    return this.txSetting('outbound_anomaly_score_threshold', this.settings.threshold);
  }

  /** Outbound anomaly score counted for blocking: levels 1..blocking paranoia. */
  outboundScore(): number {
    return this.scoreSum(OUTBOUND_KEYS, this.blockingParanoia());
  }

  private computeDetectionPL(): number {
    const v = this.tx.get('detection_paranoia_level');
    const blocking = this.blockingParanoia();
    const configured = v !== undefined ? toInt(v) : this.settings.detectionParanoia;
    return Math.max(configured, blocking);
  }

  // ---------------------------------------------------------------- phases

  /**
   * Runs the rules of one phase. Returns the interruption if the request must stop (only in engine mode On),
   * else null. Phase 2 (and 1 with `tx.early_blocking`) ends with the anomaly threshold check.
   */
  runPhase(phase: Phase): Interruption | null {
    // DetectionOnly records the first interruption ("would block") but, like ModSecurity, keeps evaluating.
    const stops = this.engineMode === 'On';
    if (this.engineMode === 'Off' || this.allowed || (stops && this.interruption)) return stops ? this.interruption : null;
    if (phase === 2) this.vars.processBody();
    // A state kept from phase 1 rescans only the collections that changed since (the body-derived ones).
    this.pf?.reset();
    const { rules: list, plan } = this.ruleset.phases[phase];
    const filtered = this.ruleset.prefilter !== null;
    const { kind, paranoia } = plan;
    const outerMeter = enterRegexMeter(this.regexMeter);
    try {
      for (let i = 0; i < list.length; i++) {
        const k = kind[i]!;
        if (k === MARKER) continue;
        if (paranoia[i]! > this.detectionPL) continue;
        // The prefilter's rule test without touching the rule (phase-plan.ts).
        if (k === FILTERED && filtered && !this.prefilterState().entryMayMatch(plan, i)) continue;
        const e = list[i] as CompiledRule;
        if (this.removed !== null && this.removed.has(e)) continue;
        if (k === TX_CHECK && !this.txRemovals) {
          // A control-flow-only rule on one TX variable (phase-plan.ts TX_CHECK): the variable's test (visit sets
          // MATCHED_VAR) and the skip are all evalRule would do.
          const target = e.targets[0]!;
          const v = this.tx.get(target.key!);
          if (v === undefined) continue;
          this.currentRule = e;
          if (this.visit(e, target, e.operator!, target.key!, v, undefined, null) !== null && e.skipTo >= 0) i = e.skipTo;
          continue;
        }
        if (!this.evalRule(e)) continue;
        if ((stops && this.interruption) || this.allowed) break;
        if (e.skipTo >= 0) i = e.skipTo;
      }
    } finally {
      enterRegexMeter(outerMeter);
      // Phase 2 mostly reads what phase 1 read (headers, URI, query): the state and its scans are kept.
      if (this.pf !== null && (phase !== 1 || this.allowed || (stops && this.interruption !== null))) {
        PrefilterState.release(this.pf);
        this.pf = null;
      }
    }
    if (!this.interruption && !this.allowed && (phase === 2 || (phase === 1 && this.tx.get('early_blocking') === '1'))) {
      if (this.overThreshold()) this.interrupt({ status: this.settings.blockStatus, ruleId: 0, action: 'threshold' });
    }
    if (!this.interruption && !this.allowed && (phase === 4 || (phase === 3 && this.tx.get('early_blocking') === '1'))) {
      if (this.outboundScore() >= this.outboundThreshold()) this.interrupt({ status: this.settings.blockStatus, ruleId: 0, action: 'threshold' });
    }
    return this.engineMode === 'On' ? this.interruption : null;
  }

  private interrupt(i: Interruption): void {
    if (this.interruption) return;
    this.interruption = i;
  }

  // ---------------------------------------------------------------- rule evaluation

  /** Evaluates a rule and its chain; on a full match runs actions. Returns whether it matched. */
  private evalRule(rule: CompiledRule): boolean {
    this.currentRule = rule;
    this.scoreDelta = 0;
    const head = this.evalLink(rule);
    if (head === null) return false;
    // setvar runs as soon as its own link matched, before the next link is evaluated (ModSecurity/Coraza: CRS
    // 920420 and 931130 set a TX variable in the chain head that the chained rule reads); ctl waits for the
    // whole chain.
    if (rule.setvars.length !== 0) this.runActions(rule, head, false);
    let links: { rule: CompiledRule; vars: MatchedVar[] }[] | null = null;
    if (rule.chain) {
      links = [{ rule, vars: head }];
      let prev = head;
      for (let link: CompiledRule | null = rule.chain; link; link = link.chain) {
        this.matchedVars = prev;
        const got = this.evalLink(link);
        if (got === null) return false;
        if (link.setvars.length !== 0) this.runActions(link, got, false);
        links.push({ rule: link, vars: got });
        prev = got;
      }
    }
    if (links) {
      for (const l of links) if (l.rule.ctls.length !== 0) this.runActions(l.rule, l.vars, true);
    } else if (rule.ctls.length !== 0) {
      this.runActions(rule, head, true);
    }
    this.nativeScore(rule);
    this.record(rule, head);
    this.disrupt(rule);
    return true;
  }

  /** Evaluates one link over its targets; returns the matched variables, or null when nothing matched. */
  private evalLink(rule: CompiledRule): MatchedVar[] | null {
    let matched: MatchedVar[] | null = null;
    const op = rule.operator ?? this.dynamicOperator(rule);
    const captures = rule.spec.capture ? this.captureBuf : undefined;
    const targets = rule.targets;
    if (targets.length === 0) {
      // SecAction (and target-less rules): the operator runs once, on an empty value.
      let r = op.test('', captures);
      if (rule.negate) r = !r;
      return r ? [] : null;
    }
    // Prefilter: only the values that may match (prefilter.ts). Whether the rule can match at all was decided by
    // runPhase (phase-plan.ts entryMayMatch) before it got here.
    const pf = this.ruleset.prefilter !== null ? rule.pf : null;
    const state = pf !== null ? this.prefilterState() : null;
    for (let t = 0; t < targets.length; t++) {
      const target = targets[t]!;
      if (state === null && target.key !== null && target.collection === 'TX' && !target.count) {
        // One TX variable (CRS reads TX:DETECTION_PARANOIA_LEVEL and friends in ~150 rules a request): no entry list.
        const v = this.tx.get(target.key);
        if (v === undefined) continue;
        const excl = rule.exclusions.get('TX');
        if (anyKey(excl, target.key)) continue;
        if (this.removals !== null && anyKey(this.removedKeys(this.currentRule ?? rule, 'TX'), target.key)) continue;
        matched = this.visit(rule, target, op, target.key, v, captures, matched);
        continue;
      }
      let entries: readonly VarEntry[];
      let excl: readonly KeyTest[] | undefined;
      let dyn: readonly KeyTest[] | undefined;
      let picked: readonly number[] | null = null;
      if (state !== null) {
        // The prefilter's view of the target: collect()'s entries and order, only the values that may match,
        // exclusions applied below.
        entries = state.targetEntries(pf!, t);
        picked = state.candidates(pf!, t);
        excl = rule.exclusions.get(target.collection);
        dyn = this.removals !== null ? this.removedKeys(this.currentRule ?? rule, target.collection) : undefined;
      } else {
        entries = this.collect(target, rule);
      }
      const count = picked !== null ? picked.length : entries.length;
      // A pure operator's "no match" on a memoised value is kept in the memo: the next request with the same value
      // (User-Agent, Accept, a common argument) skips the transformations and the operator.
      const remember = state !== null && rule.pureOperator;
      for (let q = 0; q < count; q++) {
        const at = picked !== null ? picked[q]! : q;
        const entry = entries[at]!;
        if (anyKey(excl, entry.key) || anyKey(dyn, entry.key)) continue;
        const memo = remember ? state.memoEntryOf(pf!, t, at) : undefined;
        if (memo !== undefined && knownMiss(memo, rule.index)) continue;
        const before = matched === null ? 0 : matched.length;
        matched = this.visit(rule, target, op, entry.key, entry.value, captures, matched);
        // Not when the regex time budget cut a test short: that "no match" is not the operator's answer.
        if (memo !== undefined && (matched === null ? 0 : matched.length) === before && !this.regexMeter.notified) {
          recordMiss(memo, rule.index, this.ruleset.rules.length);
        }
      }
    }
    return matched;
  }

  /** Tests one variable of a target; a match is appended to `matched` (created on the first). */
  private visit(rule: CompiledRule, target: CompiledTarget, op: CompiledOperator, key: string, raw: string, captures: string[] | undefined, matched: MatchedVar[] | null): MatchedVar[] | null {
    let value = raw;
    if (value.length > this.settings.maxValueLength) {
      value = cutForInspection(value, this.settings.maxValueLength);
      this.tx.set('portcullis_truncated', '1');
    }
    const hit = rule.spec.multiMatch ? this.testMulti(rule, op, value, captures) : this.testOne(rule, op, value, captures);
    if (hit === null) return matched;
    const name = key === '' || target.count ? target.collection : `${target.collection}:${key}`;
    const mv: MatchedVar = captures && !rule.negate ? { name, value: hit, captures: captures.slice() } : { name, value: hit };
    this.matchedVar = mv;
    (matched ??= []).push(mv);
    return matched;
  }

  /** Returns the (transformed) value that matched, or null. */
  private testOne(rule: CompiledRule, op: CompiledOperator, value: string, captures: string[] | undefined): string | null {
    const v = this.transform(rule, value);
    let r = op.test(v, captures);
    if (rule.negate) r = !r;
    if (!r) return null;
    if (captures && !rule.negate) this.storeCaptures(captures);
    return v;
  }

  private testMulti(rule: CompiledRule, op: CompiledOperator, value: string, captures: string[] | undefined): string | null {
    const steps = runChainSteps(rule.transforms, value, this.featureReader(), (this.tcache ??= createTransformCache()));
    for (const v of steps) {
      let r = op.test(v, captures);
      if (rule.negate) r = !r;
      if (!r) continue;
      if (captures && !rule.negate) this.storeCaptures(captures);
      return v;
    }
    return null;
  }

  private storeCaptures(c: readonly string[]): void {
    for (let i = 0; i < 10; i++) {
      if (i < c.length) this.tx.set(CAPTURE_KEYS[i]!, c[i] ?? '');
      else this.tx.delete(CAPTURE_KEYS[i]!);
    }
  }

  private transform(rule: CompiledRule, value: string): string {
    if (rule.transforms.fns.length === 0) return value;
    // A value without the chain's triggers skips the steps that cannot change it (chain-shortcut.ts).
    return runChain(rule.transforms, value, this.featureReader(), (this.tcache ??= createTransformCache()));
  }

  /**
   * featuresOf as a function value, made once per transaction. Hot methods call this rather than holding an
   * arrow function themselves: a method with a closure over `this` allocates a context on every call in V8.
   */
  private featureReader(): (value: string) => number {
    return (this.featuresFn ??= (v) => this.featuresOf(v));
  }

  /** traits.valueFeatures of a value, memoised for the transaction (values are shared by many rules). */
  private featuresOf(value: string): number {
    const memo = (this.features ??= new Map());
    let f = memo.get(value);
    if (f === undefined) {
      f = valueFeatures(value);
      if (memo.size < MAX_FEATURE_MEMO) memo.set(value, f);
    }
    return f;
  }

  /** The prefilter state of the running phase (from the plan's pool; released when the phase ends). */
  private prefilterState(): PrefilterState {
    if (this.pf === null) this.pf = PrefilterState.acquire(this.ruleset.prefilter!, this.pfHost ?? this.createPrefilterHost());
    return this.pf;
  }

  /** The state's view of this transaction (made once; its closures live here, not in the hot methods). */
  private createPrefilterHost(): PrefilterHost {
    return (this.pfHost = {
      vars: this.vars,
      maxValueLength: this.settings.maxValueLength,
      transform: (chain, value) => runChain(chain, value, this.featureReader(), (this.tcache ??= createTransformCache())),
      steps: (chain, value) => runChainSteps(chain, value, this.featureReader(), (this.tcache ??= createTransformCache())),
      truncated: () => this.tx.set('portcullis_truncated', '1'),
    });
  }

  private dynamicOperator(rule: CompiledRule): CompiledOperator {
    const param = rule.operatorParam!(this);
    let op = rule.dynamicOps.get(param);
    if (!op) {
      const spec = rule.spec.operator;
      try {
        op = compileOperator(spec.name, param, rule.compileCtx, spec.flags);
      } catch {
        op = { test: () => false };
      }
      if (rule.dynamicOps.size >= MAX_DYNAMIC_OPS) rule.dynamicOps.clear();
      rule.dynamicOps.set(param, op);
    }
    return op;
  }

  // ---------------------------------------------------------------- variables

  private collect(target: CompiledTarget, rule: CompiledRule): readonly VarEntry[] {
    let entries: readonly VarEntry[];
    switch (target.collection) {
      case 'TX': entries = this.txEntries(target); break;
      case 'MATCHED_VAR': entries = this.matchedVar ? [{ key: '', value: this.matchedVar.value }] : EMPTY; break;
      case 'MATCHED_VAR_NAME': entries = this.matchedVar ? [{ key: '', value: this.matchedVar.name }] : EMPTY; break;
      case 'MATCHED_VARS': entries = matchedEntries(this.matchedVars, false); break;
      case 'MATCHED_VARS_NAMES': entries = matchedEntries(this.matchedVars, true); break;
      case 'UNIQUE_ID': entries = [{ key: '', value: this.uniqueId }]; break;
      case 'HIGHEST_SEVERITY': entries = [{ key: '', value: String(this.highestSeverity()) }]; break;
      case 'TIME_EPOCH': entries = [{ key: '', value: String(Math.floor(Date.now() / 1000)) }]; break;
      case 'ENV': case 'IP': case 'GLOBAL': case 'SESSION': case 'USER': case 'RULE': entries = EMPTY; break;
      default: entries = this.response?.get(target.spec.collection) ?? this.vars.get(target.spec.collection);
    }
    // txEntries applies the TX key selector itself.
    const test = target.collection === 'TX' ? null : target.test;
    const excl = rule.exclusions.get(target.collection);
    const dyn = this.removals !== null ? this.removedKeys(this.currentRule ?? rule, target.collection) : undefined;
    if (test !== null || excl !== undefined || dyn !== undefined) {
      const out: VarEntry[] = [];
      for (const e of entries) {
        if (test !== null && !test(e.key)) continue;
        if (anyKey(excl, e.key) || anyKey(dyn, e.key)) continue;
        out.push(e);
      }
      entries = out;
    }
    if (target.count) return [{ key: '', value: String(entries.length) }];
    return entries;
  }

  private txEntries(target: CompiledTarget): readonly VarEntry[] {
    if (target.key !== null) {
      const v = this.tx.get(target.key);
      return v === undefined ? EMPTY : [{ key: target.key, value: v }];
    }
    // Only the entries the selector keeps are materialised (CRS reads `TX:/^header_name_920450_/` out of ~100 keys).
    const test = target.test;
    const out: VarEntry[] = [];
    for (const [key, value] of this.tx) if (test === null || test(key)) out.push({ key, value });
    return out;
  }

  private highestSeverity(): number {
    let best = 255;
    for (const m of this.matches) if (m.severity) best = Math.min(best, SEVERITIES.indexOf(m.severity)); // index = ModSecurity's numeric severity
    return best;
  }

  /** MacroScope: resolves `%{COLLECTION.key}`. */
  resolve(collection: string, key: string): string {
    switch (collection) {
      case 'TX': return this.tx.get(key.toLowerCase()) ?? '';
      case 'MATCHED_VAR': return this.matchedVar?.value ?? '';
      case 'MATCHED_VAR_NAME': return this.matchedVar?.name ?? '';
      case 'UNIQUE_ID': return this.uniqueId;
      case 'RULE': {
        const r = this.currentRule;
        if (!r) return '';
        const k = key.toLowerCase();
        if (k === 'id') return String(r.id);
        if (k === 'msg') return r.msg ? r.msg(this) : '';
        if (k === 'phase') return String(r.phase);
        if (k === 'severity') return r.spec.severity ?? '';
        return '';
      }
      case 'ENV': return '';
      default: {
        const entries = this.response?.get(collection) ?? this.vars.get(collection as TargetSpec['collection']);
        if (key === '') return entries[0]?.value ?? '';
        const want = key.toLowerCase();
        for (const e of entries) if (e.key.toLowerCase() === want) return e.value;
        return '';
      }
    }
  }

  // ---------------------------------------------------------------- actions

  /** Runs a link's setvars (`ctls` false) or its ctls (`ctls` true). */
  private runActions(rule: CompiledRule, vars: readonly MatchedVar[], ctls: boolean): void {
    // Non-disruptive actions run once per matched variable (ModSecurity semantics: counters keyed by
    // %{MATCHED_VAR_NAME} need it), with MATCHED_VAR pointing at that variable.
    const saved = this.matchedVar;
    const list = vars.length > 0 ? vars : [null];
    for (const mv of list) {
      if (mv) this.matchedVar = mv;
      if (mv?.captures && list.length > 1) this.storeCaptures(mv.captures);
      if (ctls) for (const c of rule.ctls) this.ctl(c);
      else for (const sv of rule.setvars) this.setvar(sv.spec.collection, sv.constName ?? sv.name(this).toLowerCase(), sv.spec.op, sv.value);
    }
    this.matchedVar = saved ?? this.matchedVar;
  }

  private setvar(collection: string, name: string, op: '=' | '=+' | '=-' | '!', value: (s: MacroScope) => string): void {
    if (collection !== 'TX') return; // persistent collections (IP, GLOBAL, ...) are not kept by this engine
    if (op === '!') {
      this.tx.delete(name);
    } else if (op === '=') {
      this.tx.set(name, value(this));
    } else {
      const delta = toInt(value(this)) * (op === '=+' ? 1 : -1);
      this.tx.set(name, String(toInt(this.tx.get(name)) + delta));
      if (name.startsWith('inbound_anomaly_score_pl')) this.scoreDelta += delta;
    }
    if (name === 'detection_paranoia_level' || name === 'blocking_paranoia_level') this.detectionPL = this.computeDetectionPL();
  }

  private nativeScore(rule: CompiledRule): void {
    const a = rule.spec.anomaly;
    if (!a) return;
    let points: number;
    if (a.points === 'severity') {
      const k = severityKey(rule.spec.severity);
      if (k === null) return;
      const fromTx = this.tx.get(`${k}_anomaly_score`);
      points = fromTx !== undefined ? toInt(fromTx) : this.settings.severityPoints[k];
    } else {
      points = a.points;
    }
    const pl = Math.min(4, Math.max(1, rule.paranoiaLevel || 1));
    const dir = rule.phase === 3 || rule.phase === 4 ? 'outbound' : 'inbound';
    const key = (dir === 'inbound' ? INBOUND_KEYS : OUTBOUND_KEYS)[pl]!;
    this.tx.set(key, String(toInt(this.tx.get(key)) + points));
    if (dir === 'inbound') this.scoreDelta += points;
    if (a.category) this.tx.set(a.category, String(toInt(this.tx.get(a.category)) + points));
  }

  private record(rule: CompiledRule, head: readonly MatchedVar[]): void {
    if (!rule.spec.log || rule.id === 0) return;
    const first = head[0];
    // msg/logdata expand with MATCHED_VAR of the chain's last link (ModSecurity; CRS 932207's logdata relies on
    // it); a single rule reports its first matched variable.
    if (!rule.chain) this.matchedVar = first ?? this.matchedVar;
    const target = first?.name ?? '';
    const redact = this.settings.redact;
    const secret = redact.test(target);
    this.matches.push({
      id: rule.id,
      phase: rule.phase,
      message: rule.msg ? toDisplayText(rule.msg(this), MAX_VALUE_REPORT) : '',
      severity: rule.spec.severity,
      tags: rule.spec.tags,
      paranoiaLevel: rule.paranoiaLevel || undefined,
      target,
      value: first ? (secret ? '[redacted]' : redactValue(toDisplayText(first.value, MAX_VALUE_REPORT))) : '',
      data: rule.logdata ? (secret ? '[redacted]' : redactValue(toDisplayText(rule.logdata(this), MAX_VALUE_REPORT))) : '',
      score: this.scoreDelta,
    });
  }

  private disrupt(rule: CompiledRule): void {
    let action = rule.disruptive;
    let status = rule.spec.status;
    if (action === 'block') {
      const def = this.ruleset.directives.defaultActions?.[rule.phase];
      action = def?.disruptive ?? 'pass';
      if (status === undefined && def?.status !== undefined) status = def.status;
      if (action === 'block') action = 'pass';
    }
    switch (action) {
      case 'deny':
        this.interrupt({ status: status ?? this.settings.blockStatus, ruleId: rule.id, action: 'deny' });
        break;
      case 'drop':
        this.interrupt({ status: status ?? this.settings.blockStatus, ruleId: rule.id, action: 'drop' });
        break;
      case 'redirect':
        this.interrupt({
          status: status ?? 302, ruleId: rule.id, action: 'redirect',
          ...(rule.spec.redirectUrl !== undefined ? { redirectUrl: rule.spec.redirectUrl } : {}),
        });
        break;
      case 'allow':
        if (this.engineMode === 'On') this.allowed = true;
        break;
      default:
        break;
    }
    // In DetectionOnly an interruption is recorded (reported as "would block") but runPhase returns null.
  }

  private ctl(c: CtlSpec): void {
    switch (c.kind) {
      case 'ruleRemoveById':
      case 'ruleRemoveByTag':
      case 'ruleRemoveByMsg':
        // The affected rules come from the ruleset's index (rule-index.ts), computed once per ctl.
        for (const r of ruleIndexOf(this.ruleset.rules).rulesFor(c)) this.removeRule(r);
        break;
      case 'ruleRemoveTargetById':
      case 'ruleRemoveTargetByTag':
      case 'ruleRemoveTargetByMsg': {
        const rm = ruleIndexOf(this.ruleset.rules).targetRemoval(c);
        if (rm !== null) this.addRemoval(rm);
        break;
      }
      case 'ruleEngine':
        if (this.settings.mode === 'block') this.engineMode = c.value;
        else if (c.value === 'Off') this.engineMode = 'Off';
        break;
      case 'requestBodyProcessor': {
        const v = c.value.toUpperCase();
        if (v === 'URLENCODED' || v === 'MULTIPART' || v === 'JSON' || v === 'XML' || v === 'TEXT' || v === 'NONE') this.vars.setBodyProcessor(v);
        this.pf?.reset();
        break;
      }
      case 'forceRequestBodyVariable':
        this.vars.forceRequestBodyVariable(c.value);
        this.pf?.reset();
        break;
      case 'responseBodyAccess':
        this.responseBodyAccess = c.value;
        break;
      default:
        break;
    }
  }

  private removeRule(r: CompiledRule): void {
    (this.removed ??= new Set()).add(r);
  }

  /** Removes a target from a rule for this transaction (exclusions scoped to a route or matched by ctl). */
  removeTarget(r: CompiledRule, t: TargetSpec): void {
    this.addRemoval(createTargetRemoval(r, t));
  }

  private addRemoval(rm: TargetRemoval): void {
    const list = (this.removals ??= []);
    if (!list.includes(rm)) list.push(rm);
    if (rm.collection === 'TX') this.txRemovals = true;
  }

  /** Key tests of the targets of `collection` removed from `rule` for this transaction, or undefined. */
  private removedKeys(rule: CompiledRule, collection: string): readonly KeyTest[] | undefined {
    let found: readonly KeyTest[] | undefined;
    let merged: KeyTest[] | undefined;
    for (const rm of this.removals!) {
      if (rm.collection !== collection || !rm.rules.has(rule)) continue;
      if (found === undefined) found = rm.tests;
      else (merged ??= [...found]).push(...rm.tests);
    }
    return merged ?? found;
  }

  /** Applies `ctl:` style removals decided outside rules (route-scoped exclusions). */
  applyCtl(c: CtlSpec): void {
    this.ctl(c);
  }
}
