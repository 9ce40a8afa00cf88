import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRuleset, compileRulesetAsync } from '../../../src/engine/compile.js';
import { buildEngine, buildEngineAsync } from '../../../src/engine/engine.js';
import { resolveOptions } from '../../../src/options.js';
import { DEFAULT_RULES } from '../../../src/rules/default/index.js';
import type { RuleSource } from '../../../src/rules/types.js';

const shape = (rs: ReturnType<typeof compileRuleset>): unknown => ({
  ids: rs.rules.map((r) => r.id),
  phases: ([1, 2, 3, 4, 5] as const).map((p) => rs.phases[p].rules.map((e) => ('marker' in e ? `m:${e.marker}` : e.id))),
  skips: rs.rules.map((r) => r.skipTo),
  reads: [...rs.readsCollections].sort(),
  directives: rs.directives,
});

describe('compile in slices (hot reload)', () => {
  it('compileRulesetAsync builds the same ruleset as compileRuleset, yielding between slices', async () => {
    const sources: RuleSource[] = [{ entries: DEFAULT_RULES, directives: { ruleEngine: 'On' } }];
    const sync = compileRuleset(sources, 'v');
    let ticks = 0;
    let running = true;
    const spin = (): void => { ticks++; if (running) setImmediate(spin); };
    setImmediate(spin);
    const sliced = await compileRulesetAsync(sources, 'v', 0); // sliceMs 0: yield after every rule
    running = false;
    assert.deepEqual(shape(sliced), shape(sync));
    assert.ok(ticks >= DEFAULT_RULES.length / 2, `yielded ${ticks} times for ${DEFAULT_RULES.length} rules`);
  });

  it('rejects with the same error as the synchronous compile', async () => {
    const bad: RuleSource[] = [{ entries: [...DEFAULT_RULES, { ...DEFAULT_RULES[0]!, id: 999_001, skipAfter: 'NOPE' } as never], directives: {} }];
    let syncErr: unknown;
    try { compileRuleset(bad); } catch (err) { syncErr = err; }
    assert.ok(syncErr instanceof Error);
    await assert.rejects(compileRulesetAsync(bad), (err: Error) => err.message === (syncErr as Error).message);
  });

  it('buildEngineAsync gives an engine equal to buildEngine (settings, body need, rules)', async () => {
    const config = resolveOptions({ paranoia: 2, threshold: 7 });
    const a = buildEngine(config, [], 'x');
    const b = await buildEngineAsync(config, [], 'x');
    assert.deepEqual(b.settings, a.settings);
    assert.equal(b.needsBody, a.needsBody);
    assert.deepEqual(shape(b.ruleset), shape(a.ruleset));
    assert.equal(b.ruleset.version, 'x');
  });
});
