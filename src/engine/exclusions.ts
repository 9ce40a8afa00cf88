import { PortcullisError } from '../errors.js';
import type { Exclusion, ExclusionScope } from '../options.js';
import { parseTarget } from '../rules/targets.js';
import type { CtlSpec, RuleSpec, RulesetEntry, TargetSpec } from '../rules/types.js';
import { isMarker } from '../rules/types.js';

type Range = readonly [number, number];

function toRanges(ids: Exclusion['ids']): Range[] {
  return (ids ?? []).map((id): Range => {
    if (typeof id === 'number') return [id, id];
    if (typeof id === 'string') {
      const [a, b] = id.split('-');
      const lo = Number(a);
      return [lo, b === undefined ? lo : Number(b)];
    }
    return [id[0], id[1]];
  });
}

function toTargets(list: Exclusion['targets']): TargetSpec[] {
  return (list ?? []).map((t) => {
    const spec = parseTarget(t.replace(/^!/, ''));
    if (spec.count) throw new PortcullisError('ERR_PORTCULLIS_EXCLUSION_INVALID', `exclusion target "${t}" cannot be a count (&)`);
    return spec;
  });
}

function selects(rule: RuleSpec, ranges: readonly Range[], tags: readonly string[], hasSelector: boolean): boolean {
  if (!hasSelector) return true;
  if (rule.id && ranges.some(([lo, hi]) => rule.id >= lo && rule.id <= hi)) return true;
  return tags.some((t) => rule.tags.includes(t));
}

function withExcludedTargets(rule: RuleSpec, targets: readonly TargetSpec[]): RuleSpec {
  const extra = targets
    .filter((t) => rule.targets.some((rt) => rt.collection === t.collection && !rt.exclude))
    .map((t) => ({ ...t, exclude: true }));
  return {
    ...rule,
    targets: extra.length ? [...rule.targets, ...extra] : rule.targets,
    ...(rule.chain ? { chain: withExcludedTargets(rule.chain, targets) } : {}),
  };
}

/** Applies exclusions without a `when` scope to the rule entries (load time). */
export function applyStaticExclusions(entries: readonly RulesetEntry[], exclusions: readonly Exclusion[]): RulesetEntry[] {
  let out = [...entries];
  for (const ex of exclusions) {
    if (ex.when) continue;
    const ranges = toRanges(ex.ids);
    const tags = ex.tags ?? [];
    const targets = toTargets(ex.targets);
    const hasSelector = ranges.length > 0 || tags.length > 0;
    out = out.flatMap((e) => {
      if (isMarker(e) || !e.id || !selects(e, ranges, tags, hasSelector)) return [e];
      if (targets.length === 0) return [];
      return [withExcludedTargets(e, targets)];
    });
  }
  return out;
}

/** A route-scoped exclusion, applied per transaction as ctl actions. */
export interface ScopedExclusion {
  matches(method: string, path: string): boolean;
  readonly ctls: readonly CtlSpec[];
}

function compileScope(scope: ExclusionScope): (method: string, path: string) => boolean {
  const methods = scope.method === undefined ? null : new Set((typeof scope.method === 'string' ? [scope.method] : scope.method).map((m) => m.toUpperCase()));
  const p = scope.path;
  let pathTest: ((path: string) => boolean) | null = null;
  if (p instanceof RegExp) {
    const re = new RegExp(p.source, p.flags.replace(/[gy]/g, ''));
    pathTest = (path) => re.test(path);
  } else if (typeof p === 'string') {
    if (p.endsWith('*')) {
      const prefix = p.slice(0, -1).toLowerCase();
      pathTest = (path) => path.toLowerCase().startsWith(prefix);
    } else {
      // Express routing is case-insensitive and tolerates a trailing slash: match it the same way.
      const exact = p.toLowerCase().replace(/\/+$/, '') || '/';
      pathTest = (path) => (path.toLowerCase().replace(/\/+$/, '') || '/') === exact;
    }
  }
  return (method, path) => (methods === null || methods.has(method.toUpperCase())) && (pathTest === null || pathTest(path));
}

export function compileScopedExclusions(exclusions: readonly Exclusion[]): ScopedExclusion[] {
  const out: ScopedExclusion[] = [];
  for (const ex of exclusions) {
    if (!ex.when) continue;
    const ranges = toRanges(ex.ids);
    const tags = ex.tags ?? [];
    const targets = toTargets(ex.targets);
    const ctls: CtlSpec[] = [];
    if (targets.length === 0) {
      if (ranges.length) ctls.push({ kind: 'ruleRemoveById', ranges });
      for (const tag of tags) ctls.push({ kind: 'ruleRemoveByTag', tag });
    } else {
      for (const target of targets) {
        if (ranges.length) ctls.push({ kind: 'ruleRemoveTargetById', ranges, target });
        for (const tag of tags) ctls.push({ kind: 'ruleRemoveTargetByTag', tag, target });
        if (!ranges.length && !tags.length) ctls.push({ kind: 'ruleRemoveTargetById', ranges: [[1, Number.MAX_SAFE_INTEGER]], target });
      }
    }
    out.push({ matches: compileScope(ex.when), ctls });
  }
  return out;
}
