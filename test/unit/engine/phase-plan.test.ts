import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileRuleset } from '../../../src/engine/compile.js';
import { FILTERED, MARKER, RULE, TX_CHECK } from '../../../src/engine/phase-plan.js';
import { portcullis } from '../../../src/index.js';
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

describe('TX_CHECK rules (evaluated inline by the rule loop)', () => {
  const text = [
    'SecAction "id:1,phase:1,pass,nolog,setvar:tx.level=1"',
    'SecRule TX:level "@lt 2" "id:2,phase:1,pass,nolog,skipAfter:END-2"',
    'SecRule REQUEST_URI "@contains /" "id:3,phase:1,deny,status:403,msg:\'should be skipped\'"',
    'SecMarker END-2',
    'SecRule MATCHED_VAR_NAME "@streq TX:level" "id:4,phase:1,pass,log,msg:\'matched var name\'"',
    'SecRule TX:level "@gt 5" "id:5,phase:1,pass,nolog,skipAfter:END-5"',
    'SecRule REQUEST_URI "@contains /" "id:6,phase:1,pass,log,msg:\'not skipped\'"',
    'SecMarker END-5',
  ].join('\n');

  it('is planned as TX_CHECK and keeps evalRule semantics: skipAfter, MATCHED_VAR, no skip on a miss', async () => {
    const rs = compileRuleset([parseSecLang(text)]);
    const { rules, plan } = rs.phases[1];
    const idx = (id: number): number => rules.findIndex((e) => 'id' in e && e.id === id);
    assert.equal(plan.kind[idx(2)], TX_CHECK);
    assert.equal(plan.kind[idx(5)], TX_CHECK);
    assert.equal(plan.kind[idx(4)], RULE); // logged: evaluated the usual way
    const waf = portcullis({ rules: { defaults: false, seclang: [{ text }] } });
    const r = await waf.inspect({ method: 'GET', url: '/x', headers: { host: 'h' } });
    assert.deepEqual(r.matches.map((m) => m.id), [4, 6]);
    assert.equal(r.action, 'pass');
    await waf.close();
  });

  it('a TX_CHECK rule removed by ctl is not evaluated', async () => {
    const removed = `SecAction "id:9,phase:1,pass,nolog,ctl:ruleRemoveById=2"\n${text}`;
    const waf = portcullis({ rules: { defaults: false, seclang: [{ text: removed }] } });
    const r = await waf.inspect({ method: 'GET', url: '/x', headers: { host: 'h' } });
    assert.equal(r.action, 'block');
    assert.ok(r.matches.some((m) => m.id === 3));
    await waf.close();
  });
});
