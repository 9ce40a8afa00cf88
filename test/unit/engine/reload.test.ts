import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRuleset, compileRulesetAsync } from '../../../src/engine/compile.js';
import { buildEngine, buildEngineAsync } from '../../../src/engine/engine.js';
import { resolveOptions } from '../../../src/options.js';
import { DEFAULT_RULES } from '../../../src/rules/default/index.js';
import type { RuleSource } from '../../../src/rules/types.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { planPrefilter, planPrefilterSteps } from '../../../src/engine/prefilter.js';
import { loadSecLangSources, loadSecLangSourcesAsync } from '../../../src/seclang/parse.js';
import { portcullis } from '../../../src/portcullis.js';
import { CRS_DIR } from '../../helpers/crs.js';
import { startLoopProbe } from '../../helpers/loop-probe.js';

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
    const probe = startLoopProbe();
    const sliced = await compileRulesetAsync(sources, 'v', 0); // sliceMs 0: yield after every rule
    const { ticks } = probe.stop();
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

describe('CRS reload in slices (no long event-loop stall)', () => {
  const crsPresent = CRS_DIR !== undefined && existsSync(join(CRS_DIR, 'rules'));
  const skip = crsPresent ? false : 'CRS not found';
  const crs = (): RuleSource[] => [loadSecLangSources([join(CRS_DIR!, 'crs-setup.conf.example'), join(CRS_DIR!, 'rules')])];

  it('the prefilter plan of CRS is built in many small steps, with the same result as in one go', { skip }, () => {
    const rules = compileRuleset(crs(), 'v').rules;
    const steps = planPrefilterSteps(rules);
    let yields = 0;
    let planned;
    for (;;) {
      const r = steps.next();
      if (r.done) { planned = r.value; break; }
      yields++;
    }
    const once = planPrefilter(rules);
    assert.ok(planned !== null && once !== null);
    // One step per rule, and the automaton (~10k states) in bounded steps on top of that.
    assert.ok(yields >= rules.length + 100, `${yields} steps for ${rules.length} rules`);
    assert.equal(planned.plan.clauseCount, once.plan.clauseCount);
    assert.deepEqual(planned.plan.slots.map((s) => s.source), once.plan.slots.map((s) => s.source));
    const probe = 'GET /index.php?id=1 union select password from users -- <script>alert(1)</script> ../../etc/passwd';
    const a = new Array<number>(planned.plan.words).fill(0);
    const b = new Array<number>(once.plan.words).fill(0);
    assert.equal(planned.plan.scanner.scan(probe, a, 0), once.plan.scanner.scan(probe, b, 0));
    assert.deepEqual(a, b);
    assert.ok(a.some((w) => w !== 0));
  });

  it('compileRulesetAsync on CRS yields to the event loop throughout (longest gap reported)', { skip }, async (t) => {
    const sources = crs();
    const probe = startLoopProbe();
    const t0 = performance.now();
    const rs = await compileRulesetAsync(sources, 'v', 4);
    const { ticks, longestMs: longest } = probe.stop();
    t.diagnostic(`CRS compile: ${rs.rules.length} rules in ${(performance.now() - t0).toFixed(0)} ms, ${ticks} event-loop ticks, longest gap ${longest.toFixed(1)} ms`);
    assert.ok(rs.prefilter !== null);
    // Slices of ~4 ms over several hundred ms of work: generous bound, not a timing assertion.
    assert.ok(ticks >= 20, `only ${ticks} ticks during the CRS compile`);
  });

  it('buildEngineAsync loads CRS SecLang in slices too, with the same engine as buildEngine', { skip }, async () => {
    const config = resolveOptions({ rules: { defaults: false, seclang: [join(CRS_DIR!, 'crs-setup.conf.example'), join(CRS_DIR!, 'rules')] } });
    const a = buildEngine(config, [], 'crs');
    const b = await buildEngineAsync(config, [], 'crs');
    assert.deepEqual(shape(b.ruleset), shape(a.ruleset));
    assert.deepEqual(b.settings, a.settings);
    // The loader alone: one slice per file at least (crs-setup + 26 rules/*.conf), at most one per directive + file.
    let slices = 0;
    let fine = 0;
    const loaded = await loadSecLangSourcesAsync(config.rules.seclang, { onYield: () => { slices++; } });
    await loadSecLangSourcesAsync(config.rules.seclang, { sliceMs: 0, onYield: () => { fine++; } });
    assert.deepEqual(loaded, loadSecLangSources(config.rules.seclang));
    assert.ok(slices >= 27 && slices <= fine, `${slices} slices (${fine} with sliceMs 0)`);
    assert.ok(fine >= 27 + loaded.entries.length, `${fine} slices with sliceMs 0 for ${loaded.entries.length} entries`);
  });

  it('waf.reload(CRS) keeps the event loop turning from file reading to swap (longest gap reported)', { skip }, async (t) => {
    const waf = portcullis({ rules: { defaults: true } });
    try {
      const probe = startLoopProbe();
      const t0 = performance.now();
      const r = await waf.reload({ defaults: false, seclang: [join(CRS_DIR!, 'crs-setup.conf.example'), join(CRS_DIR!, 'rules')] });
      const { ticks, longestMs: longest } = probe.stop();
      t.diagnostic(`CRS reload (load + compile): ${(performance.now() - t0).toFixed(0)} ms, ${ticks} event-loop ticks, longest gap ${longest.toFixed(1)} ms`);
      assert.ok(r.ok, JSON.stringify(r));
      // Load (≥ 27 file slices) and compile (≥ 20 slices) both yield: far more turns than a one-go parse allows.
      assert.ok(ticks >= 47, `only ${ticks} ticks during the CRS reload`);
    } finally {
      await waf.close();
    }
  });
});
