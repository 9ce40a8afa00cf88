import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { check } from 'recheck';
import type { RuleSpec } from '../../../src/rules/types.js';
import { DEFAULT_RULES } from '../../../src/rules/default/index.js';
import { isMarker } from '../../../src/rules/types.js';

/**
 * Every `@rx` pattern of the default ruleset (chain links included) must be free of ReDoS according to recheck.
 * recheck picks its backend from RECHECK_BACKEND (default `auto`: native binary, then the JAR, then pure JS).
 */
function collect(rule: RuleSpec, out: { id: number; source: string; flags: string }[], id: number): void {
  if (rule.operator.name === 'rx') {
    out.push({ id, source: rule.operator.param, flags: (rule.operator.flags ?? '').replace(/s/g, '') });
  }
  if (rule.chain) collect(rule.chain, out, id);
}

const patterns: { id: number; source: string; flags: string }[] = [];
for (const entry of DEFAULT_RULES) if (!isMarker(entry)) collect(entry, patterns, entry.id);

describe('default ruleset regexes are ReDoS-free (recheck)', () => {
  it('has regexes to check', () => {
    assert.ok(patterns.length > 50, `only ${patterns.length} rx rules found`);
  });
  for (const p of patterns) {
    it(`rule ${p.id}`, async () => {
      // No time limit and a fixed seed: the verdict must not depend on how loaded the machine is (a time-cut fuzz run
      // explores differently under load).
      const diag = await check(p.source, p.flags, { timeout: null, randomSeed: 0 });
      if (diag.status === 'vulnerable') {
        assert.fail(`rule ${p.id} is vulnerable (${diag.complexity.type}); attack: ${JSON.stringify(diag.attack.pattern)}`);
      }
      assert.notEqual(diag.status, 'vulnerable');
    });
  }
});
