import { bareMessage, PortcullisError } from '../errors.js';
import { compileOperator, isPureOperator } from '../operators/registry.js';
import type { CompiledOperator, OperatorCompileContext } from '../operators/types.js';
import { compileChain, type CompiledChain } from '../transforms/cache.js';
import type {
  CtlSpec, Disruptive, EngineDirectives, KeySelector, Phase, RuleSource, RuleSpec, RulesetEntry, SetVarSpec,
  TargetSpec,
} from '../rules/types.js';
import { isMarker } from '../rules/types.js';
import { compileMacro, hasMacro, type CompiledMacro } from './macros.js';
import { planPhase, type PhasePlan } from './phase-plan.js';
import { planPrefilterSteps, type PrefilterPlan, type RulePrefilter } from './prefilter.js';

/** A key filter compiled from a KeySelector. Keys are compared case-insensitively. */
export type KeyTest = (key: string) => boolean;

export interface CompiledTarget {
  readonly spec: TargetSpec;
  readonly collection: string;
  /** null = every key. */
  readonly test: KeyTest | null;
  readonly count: boolean;
  /** For TX and scalar collections: the lower-cased key when the selector is a plain key. */
  readonly key: string | null;
}

export interface CompiledSetVar {
  readonly spec: SetVarSpec;
  readonly name: CompiledMacro;
  readonly value: CompiledMacro;
  /** Lower-cased constant name when it has no macro (fast path), else null. */
  readonly constName: string | null;
}

export interface CompiledRule {
  readonly spec: RuleSpec;
  readonly id: number;
  readonly phase: Phase;
  /** Position in the ruleset (stable order for reports). */
  readonly index: number;
  readonly targets: readonly CompiledTarget[];
  /** Exclusions (`!COLLECTION:key`), grouped by collection. */
  readonly exclusions: ReadonlyMap<string, readonly KeyTest[]>;
  /** The transformation chain (cache keys per prefix, so chains that start alike share work). */
  readonly transforms: CompiledChain;
  /** Static operator, or null when the parameter has macros (then `operatorFor` compiles per value). */
  readonly operator: CompiledOperator | null;
  readonly operatorParam: CompiledMacro | null;
  readonly negate: boolean;
  readonly msg: CompiledMacro | null;
  readonly logdata: CompiledMacro | null;
  readonly setvars: readonly CompiledSetVar[];
  readonly ctls: readonly CtlSpec[];
  readonly disruptive: Disruptive | undefined;
  readonly chain: CompiledRule | null;
  readonly paranoiaLevel: number;
  /** Index in the phase list to continue at after a match (skipAfter), or -1. */
  skipTo: number;
  readonly tags: ReadonlySet<string>;
  /** Per-rule cache of operators compiled from macro-expanded parameters (bounded). */
  readonly dynamicOps: Map<string, CompiledOperator>;
  readonly compileCtx: OperatorCompileContext;
  /** The rule's prefilter (chain heads only; null: always evaluated). Set once the whole ruleset is compiled. */
  pf: RulePrefilter | null;
  /**
   * The static operator is a pure function of the value (operators/registry.ts isPureOperator): a value's "no match" can be kept in the
   * prefilter memo (transaction.ts evalLink) and not tested again on a later request.
   */
  readonly pureOperator: boolean;
}

export interface PhaseList {
  readonly rules: readonly (CompiledRule | { readonly marker: string })[];
  /** The same list in typed arrays for the rule loop (phase-plan.ts). */
  readonly plan: PhasePlan;
}

export interface CompiledRuleset {
  readonly phases: Readonly<Record<Phase, PhaseList>>;
  readonly rules: readonly CompiledRule[];
  readonly byId: ReadonlyMap<number, CompiledRule>;
  readonly directives: EngineDirectives;
  /** Changes on every compile; reported in every alert. */
  readonly version: string;
  /** Collections any rule reads (lets the middleware skip body capture when no rule needs the body). */
  readonly readsCollections: ReadonlySet<string>;
  /** The rule prefilter (prefilter.ts), or null when no rule has one. */
  readonly prefilter: PrefilterPlan | null;
}

/** Compiles a key selector; null means "every key". Also used for exclusions decided per transaction. */
export function compileKeySelector(sel: KeySelector, where: string): KeyTest | null {
  switch (sel.kind) {
    case 'all':
      return null;
    case 'key': {
      const want = sel.name.toLowerCase();
      return (key) => key.length === want.length && key.toLowerCase() === want;
    }
    case 'regex': {
      let re: RegExp;
      try {
        re = new RegExp(sel.pattern, 'is');
      } catch (err) {
        throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', `${where}: bad key regex /${sel.pattern}/: ${(err as Error).message}`);
      }
      // `^literal` (CRS: TX:/^header_name_920450_/ over every TX key): an ASCII case-insensitive prefix test,
      // what the regex does without the `u` flag.
      if (/^\^[0-9A-Za-z_]+$/.test(sel.pattern)) return prefixTest(sel.pattern.slice(1).toLowerCase());
      return (key) => re.test(key);
    }
    case 'xpath': {
      const path = sel.path;
      return (key) => key === path;
    }
  }
}

/** Keys starting with `lower` (lower-case ASCII letters, digits, `_`), ASCII letters compared case-insensitively. */
function prefixTest(lower: string): KeyTest {
  const n = lower.length;
  return (key) => {
    if (key.length < n) return false;
    for (let i = 0; i < n; i++) {
      const c = key.charCodeAt(i);
      if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
    }
    return true;
  };
}

function compileTransforms(names: readonly string[], where: string): CompiledChain {
  try {
    return compileChain(names);
  } catch (err) {
    throw new PortcullisError('ERR_PORTCULLIS_RULE_TRANSFORM', `${where}: ${bareMessage(err)}`);
  }
}

function paranoiaOf(spec: RuleSpec): number {
  if (spec.paranoiaLevel !== undefined) return spec.paranoiaLevel;
  for (const t of spec.tags) {
    if (t.startsWith('paranoia-level/')) {
      const n = Number(t.slice('paranoia-level/'.length));
      if (Number.isInteger(n) && n >= 1 && n <= 4) return n;
    }
  }
  return 0;
}

function compileRule(spec: RuleSpec, index: number, ctx: OperatorCompileContext, headPhase: Phase): CompiledRule {
  const where = spec.source ? `rule ${spec.id || '(chained)'} at ${spec.source.file}:${spec.source.line}` : `rule ${spec.id || '(chained)'}`;
  const targets: CompiledTarget[] = [];
  const exclusions = new Map<string, KeyTest[]>();
  for (const t of spec.targets) {
    const test = compileKeySelector(t.selector, where);
    if (t.exclude) {
      if (!test) continue; // `!ARGS` alone excludes nothing meaningful
      const list = exclusions.get(t.collection) ?? [];
      list.push(test);
      exclusions.set(t.collection, list);
      continue;
    }
    const key = t.selector.kind === 'key' ? t.selector.name.toLowerCase() : null;
    targets.push({ spec: t, collection: t.collection, test, count: t.count, key });
  }
  const op = spec.operator;
  let operator: CompiledOperator | null = null;
  let operatorParam: CompiledMacro | null = null;
  if (hasMacro(op.param) && op.name !== 'rx') {
    operatorParam = compileMacro(op.param);
  } else {
    try {
      operator = compileOperator(op.name, op.param, ctx, op.flags);
    } catch (err) {
      if (err instanceof PortcullisError) {
        throw new PortcullisError(err.code, `${where}: ${bareMessage(err)}`);
      }
      throw err;
    }
  }
  const transforms = compileTransforms(spec.transforms, where);
  const setvars: CompiledSetVar[] = spec.setvars.map((sv) => ({
    spec: sv,
    name: compileMacro(sv.name),
    value: compileMacro(sv.value),
    constName: hasMacro(sv.name) ? null : sv.name.toLowerCase(),
  }));
  return {
    spec,
    id: spec.id,
    phase: headPhase,
    index,
    targets,
    exclusions,
    transforms,
    operator,
    operatorParam,
    negate: op.negate,
    msg: spec.msg !== undefined ? compileMacro(spec.msg) : null,
    logdata: spec.logdata !== undefined ? compileMacro(spec.logdata) : null,
    setvars,
    ctls: spec.ctls,
    disruptive: spec.disruptive,
    chain: spec.chain ? compileRule(spec.chain, index, ctx, headPhase) : null,
    paranoiaLevel: paranoiaOf(spec),
    skipTo: -1,
    tags: new Set(spec.tags),
    dynamicOps: new Map(),
    compileCtx: ctx,
    pf: null,
    pureOperator: operator !== null && isPureOperator(op.name),
  };
}

function collectReads(rule: CompiledRule, into: Set<string>): void {
  for (const t of rule.targets) into.add(t.collection);
  if (rule.chain) collectReads(rule.chain, into);
}

let versionCounter = 0;

function phaseList(rules: readonly (CompiledRule | { readonly marker: string })[]): PhaseList {
  return { rules, plan: planPhase(rules) };
}

/** Plans the rule prefilter (in steps, see compileSteps) and attaches each head's part to it. */
function* plannedPrefilter(rules: readonly CompiledRule[]): Generator<void, PrefilterPlan | null, void> {
  const planned = yield* planPrefilterSteps(rules);
  if (planned === null) return null;
  for (const [rule, pf] of planned.byRule) rule.pf = pf;
  return planned.plan;
}

/** The same ruleset with the prefilter off (every rule evaluated on every value): for differential tests. */
export function withoutPrefilter(ruleset: CompiledRuleset): CompiledRuleset {
  return { ...ruleset, prefilter: null };
}

/**
 * Compiles rule sources into an immutable ruleset bucketed by phase. Sources are concatenated in order;
 * directives merge with later sources winning. Throws PortcullisError on any invalid rule, so a bad
 * ruleset never replaces a good one.
 */
export function compileRuleset(sources: readonly RuleSource[], version?: string): CompiledRuleset {
  const steps = compileSteps(sources, version);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same compile, in slices: yields to the event loop (setImmediate) whenever `sliceMs` of work has run, so a
 * hot reload of a CRS-size ruleset does not stall requests being served meanwhile. Same result, same errors.
 */
export async function compileRulesetAsync(sources: readonly RuleSource[], version?: string, sliceMs = 4): Promise<CompiledRuleset> {
  const steps = compileSteps(sources, version);
  let start = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - start >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      start = performance.now();
    }
  }
}

/** compileRuleset's body as a generator: yields after each rule (the unit of work a slice is made of). */
function* compileSteps(sources: readonly RuleSource[], version?: string): Generator<void, CompiledRuleset, void> {
  const phases: Record<Phase, (CompiledRule | { marker: string })[]> = { 1: [], 2: [], 3: [], 4: [], 5: [] };
  const rules: CompiledRule[] = [];
  const byId = new Map<number, CompiledRule>();
  const directives: EngineDirectives = {};
  const reads = new Set<string>();
  let index = 0;
  for (const source of sources) {
    Object.assign(directives, source.directives);
    if (source.directives.defaultActions) {
      directives.defaultActions = { ...(directives.defaultActions ?? {}), ...source.directives.defaultActions };
    }
    const ctx: OperatorCompileContext = source.baseDir !== undefined ? { baseDir: source.baseDir } : {};
    for (const entry of source.entries as readonly RulesetEntry[]) {
      if (isMarker(entry)) {
        for (const p of [1, 2, 3, 4, 5] as const) phases[p].push({ marker: entry.marker });
        continue;
      }
      if (entry.id && byId.has(entry.id)) {
        throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', `duplicate rule id ${entry.id}`);
      }
      const rule = compileRule(entry, index++, ctx, entry.phase);
      rules.push(rule);
      if (rule.id) byId.set(rule.id, rule);
      phases[rule.phase].push(rule);
      collectReads(rule, reads);
      yield;
    }
  }
  // Resolve skipAfter markers to positions inside each phase list.
  for (const p of [1, 2, 3, 4, 5] as const) {
    const list = phases[p];
    const markerPos = new Map<string, number>();
    list.forEach((e, i) => { if ('marker' in e) markerPos.set(e.marker, i); });
    list.forEach((e, i) => {
      if ('marker' in e) return;
      const target = e.spec.skipAfter;
      if (target === undefined) return;
      const pos = markerPos.get(target);
      if (pos === undefined) {
        throw new PortcullisError('ERR_PORTCULLIS_RULE_MARKER', `rule ${e.id}: skipAfter:${target} names no SecMarker`);
      }
      // Markers before the rule are allowed by ModSecurity but would loop; treat them as "skip to end".
      e.skipTo = pos > i ? pos : list.length;
    });
  }
  const prefilter = yield* plannedPrefilter(rules);
  return {
    phases: {
      1: phaseList(phases[1]), 2: phaseList(phases[2]), 3: phaseList(phases[3]), 4: phaseList(phases[4]), 5: phaseList(phases[5]),
    },
    rules,
    byId,
    directives,
    version: version ?? `r${Date.now().toString(36)}-${(++versionCounter).toString(36)}`,
    readsCollections: reads,
    prefilter,
  };
}
