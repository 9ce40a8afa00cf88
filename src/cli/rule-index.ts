import { ruleSourcesFor } from '../engine/engine.js';
import type { ResolvedConfig } from '../options.js';
import { isMarker, type RuleSource, type RuleSpec } from '../rules/types.js';
import { loadSecLangSources } from '../seclang/parse.js';

/** The rule sources a config loads, in order (SecLang first, then defaults, then custom), as the engine sees them. */
export function configRuleSources(config: ResolvedConfig): RuleSource[] {
  const seclang = config.rules.seclang.length > 0 ? [loadSecLangSources(config.rules.seclang, { base: config.rules.seclangBase })] : [];
  return ruleSourcesFor(config, seclang);
}

/** Rule id → its spec (for showing transformations and the file:line a match came from). */
export function indexRules(sources: readonly RuleSource[]): Map<number, RuleSpec> {
  const byId = new Map<number, RuleSpec>();
  for (const s of sources) for (const e of s.entries) if (!isMarker(e) && e.id) byId.set(e.id, e);
  return byId;
}
