import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeMatches, loadCorpus, runCorpus, statsByClass } from './load.js';

describe('labelled corpus at paranoia level 1', () => {
  it('has at least 400 attacks and 400 benign requests', () => {
    assert.ok(loadCorpus('attacks').length >= 400);
    assert.ok(loadCorpus('benign').length >= 400);
  });

  it('detects at least 97% of attacks overall and every class at least 90%', async () => {
    const outcomes = await runCorpus(loadCorpus('attacks'), 1);
    const blocked = outcomes.filter((o) => o.result.action === 'block').length;
    const rate = blocked / outcomes.length;
    const misses = outcomes.filter((o) => o.result.action !== 'block').map((o) => o.entry.id);
    assert.ok(rate >= 0.97, `detection ${(rate * 100).toFixed(1)}% < 97%; missed: ${misses.join(', ')}`);
    for (const [cls, s] of statsByClass(outcomes)) {
      assert.ok(s.detected / s.total >= 0.9, `class ${cls}: ${s.detected}/${s.total}`);
    }
  });

  it('blocks no benign request', async () => {
    const outcomes = await runCorpus(loadCorpus('benign'), 1);
    const fps = outcomes.filter((o) => o.result.action === 'block');
    assert.deepEqual(fps.map((o) => `${o.entry.id}: ${describeMatches(o.result)}`), []);
  });
});
