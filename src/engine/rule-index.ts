import { inRanges } from '../rules/ids.js';
import type { CtlSpec, TargetSpec } from '../rules/types.js';
import { compileKeySelector, type CompiledRule, type KeyTest } from './compile.js';

/**
 * Which rules a `ctl:ruleRemove*` (or a route-scoped exclusion) touches, found without scanning the whole
 * ruleset on every request. Built once per ruleset on first use; the answer for one ctl (a compile-time object)
 * is computed once and kept, so a ctl that runs on every request (CRS 941010 removes REQUEST_FILENAME from the
 * `xss-perf-disable` rules) costs O(rules it affects).
 */
export interface RuleIndex {
  /** The chain heads a removal ctl selects, in ruleset order (empty for other ctls). */
  rulesFor(c: CtlSpec): readonly CompiledRule[];
  /** What a `ctl:ruleRemoveTarget*` removes (null when it selects no rule), made once per ctl. */
  targetRemoval(c: Extract<CtlSpec, { kind: 'ruleRemoveTargetById' | 'ruleRemoveTargetByTag' | 'ruleRemoveTargetByMsg' }>): TargetRemoval | null;
}

/** A target removed from some rules for one transaction: keys of `collection` that `tests[0]` accepts. */
export interface TargetRemoval {
  readonly rules: ReadonlySet<CompiledRule>;
  readonly collection: string;
  /** The one key test, as a list (what the transaction hands to rule evaluation). */
  readonly tests: readonly KeyTest[];
}

/** A removal of one target from one rule (the transaction's `removeTarget`). */
export function createTargetRemoval(rule: CompiledRule, t: TargetSpec): TargetRemoval {
  return { rules: new Set([rule]), collection: t.collection, tests: [removedTargetTest(t)] };
}

type Selecting = Extract<CtlSpec, { kind: 'ruleRemoveById' | 'ruleRemoveByTag' | 'ruleRemoveByMsg' | 'ruleRemoveTargetById' | 'ruleRemoveTargetByTag' | 'ruleRemoveTargetByMsg' }>;

const NONE: readonly CompiledRule[] = Object.freeze([]);
/** Keyed by the ruleset's rule list (shared by `withoutPrefilter` copies of a ruleset). */
const INDEXES = new WeakMap<readonly CompiledRule[], RuleIndex>();

function group(rules: readonly CompiledRule[], keys: (r: CompiledRule) => Iterable<string>): Map<string, CompiledRule[]> {
  const out = new Map<string, CompiledRule[]>();
  for (const r of rules) {
    for (const k of keys(r)) {
      const list = out.get(k);
      if (list === undefined) out.set(k, [r]);
      else if (list[list.length - 1] !== r) list.push(r);
    }
  }
  return out;
}

function createRuleIndex(rules: readonly CompiledRule[]): RuleIndex {
  let byTag: Map<string, CompiledRule[]> | null = null;
  let byMsg: Map<string, CompiledRule[]> | null = null;
  const memo = new WeakMap<CtlSpec, readonly CompiledRule[]>();
  const removals = new WeakMap<CtlSpec, TargetRemoval | null>();
  const compute = (c: Selecting): readonly CompiledRule[] => {
    switch (c.kind) {
      case 'ruleRemoveByTag':
      case 'ruleRemoveTargetByTag':
        return (byTag ??= group(rules, (r) => r.tags)).get(c.tag) ?? NONE;
      case 'ruleRemoveByMsg':
      case 'ruleRemoveTargetByMsg':
        return (byMsg ??= group(rules, (r) => (r.spec.msg !== undefined ? [r.spec.msg] : []))).get(c.msg) ?? NONE;
      case 'ruleRemoveById':
      case 'ruleRemoveTargetById':
        // Ranges are few and computed once per ctl: a plain scan keeps the exact inRanges semantics.
        return rules.filter((r) => r.id !== 0 && inRanges(r.id, c.ranges));
    }
  };
  return {
    rulesFor(c) {
      switch (c.kind) {
        case 'ruleRemoveById': case 'ruleRemoveByTag': case 'ruleRemoveByMsg':
        case 'ruleRemoveTargetById': case 'ruleRemoveTargetByTag': case 'ruleRemoveTargetByMsg': {
          let list = memo.get(c);
          if (list === undefined) {
            list = compute(c);
            memo.set(c, list);
          }
          return list;
        }
        default:
          return NONE;
      }
    },
    targetRemoval(c) {
      let rm = removals.get(c);
      if (rm === undefined) {
        const rules = this.rulesFor(c);
        // The key test is compiled only when some rule is affected (a bad key regex throws, as before).
        rm = rules.length === 0 ? null : { rules: new Set(rules), collection: c.target.collection, tests: [removedTargetTest(c.target)] };
        removals.set(c, rm);
      }
      return rm;
    },
  };
}

/** The index of a ruleset's rules (built on first use, then shared). */
export function ruleIndexOf(rules: readonly CompiledRule[]): RuleIndex {
  let index = INDEXES.get(rules);
  if (index === undefined) {
    index = createRuleIndex(rules);
    INDEXES.set(rules, index);
  }
  return index;
}

const SELECTORS = new WeakMap<TargetSpec, KeyTest>();
const EVERY_KEY: KeyTest = () => true;

/**
 * The key test of a target removed per transaction (`ctl:ruleRemoveTarget*`, scoped exclusions), compiled once
 * per target object. Throws `ERR_PORTCULLIS_RULE_INVALID` on a bad key regex, every time (nothing is cached).
 */
export function removedTargetTest(t: TargetSpec): KeyTest {
  let test = SELECTORS.get(t);
  if (test === undefined) {
    test = compileKeySelector(t.selector, `exclusion of ${t.collection}`) ?? EVERY_KEY;
    SELECTORS.set(t, test);
  }
  return test;
}
