import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileRuleset } from '../../../src/engine/compile.js';
import { FILTERED, MARKER, RULE } from '../../../src/engine/phase-plan.js';
import { parseSecLang } from '../../../src/seclang/parse.js';

/** The typed-array view of a phase (phase-plan.ts) must describe its list exactly: the rule loop trusts it. */
describe('phase plan', () => {
  const text = [
    'SecRule ARGS "@contains union" "id:1,phase:2,pass,tag:paranoia-level/2"',
    'SecMarker END',
    'SecRule TX:foo "@eq 1" "id:2,phase:2,pass"',
    'SecRule ARGS|REQUEST_HEADERS "@rx sel(ect)+" "id:3,phase:2,pass,t:lowercase"',
    'SecRule REQUEST_METHOD "!@rx ^GET$" "id:4,phase:1,pass"',
  ].join('\n');
  const rs = compileRuleset([parseSecLang(text)]);

  it('mirrors each phase list: markers, rules, prefiltered rules, paranoia levels', () => {
    const { rules, plan } = rs.phases[2];
    assert.equal(plan.kind.length, rules.length);
    const kinds = rules.map((e) => ('marker' in e ? MARKER : e.pf !== null ? FILTERED : RULE));
    assert.deepEqual([...plan.kind], kinds);
    assert.ok(kinds.includes(FILTERED) && kinds.includes(RULE) && kinds.includes(MARKER));
    rules.forEach((e, i) => { if (!('marker' in e)) assert.equal(plan.paranoia[i], e.paranoiaLevel); });
    assert.deepEqual([...rs.phases[1].plan.kind].filter((k) => k !== MARKER), [RULE]); // negated: never skipped
  });

  it('holds each prefiltered rule\'s clauses and distinct slots', () => {
    const { rules, plan } = rs.phases[2];
    rules.forEach((e, i) => {
      if ('marker' in e || e.pf === null) {
        assert.equal(plan.clauseFrom[i + 1], plan.clauseFrom[i]);
        assert.equal(plan.slotFrom[i + 1], plan.slotFrom[i]);
        return;
      }
      assert.deepEqual([...plan.words.subarray(plan.clauseFrom[i], plan.clauseFrom[i + 1])], [...e.pf.words]);
      assert.deepEqual([...plan.masks.subarray(plan.clauseFrom[i], plan.clauseFrom[i + 1])], [...e.pf.masks]);
      assert.deepEqual([...plan.slots.subarray(plan.slotFrom[i], plan.slotFrom[i + 1])], [...new Set(e.pf.slots)]);
    });
  });
});
