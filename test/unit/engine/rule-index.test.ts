import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { portcullis } from '../../../src/portcullis.js';

/**
 * ctl:ruleRemove* finds its rules through a per-ruleset index (rule-index.ts) and keeps the answer per ctl:
 * the removal must hit exactly the rules the ctl names, on every request, and only for the request that ran it.
 */
const waf = (text: string) => portcullis({ rules: { defaults: false, seclangBase: false, seclang: [{ text, name: 't.conf' }] } });
const headers = { host: 'x' };
const ids = async (w: ReturnType<typeof waf>, url: string): Promise<number[]> =>
  (await w.inspect({ method: 'GET', url, headers })).matches.map((m) => m.id);

describe('ctl removals through the rule index', () => {
  it('ruleRemoveTargetByTag removes the target from the tagged rules only, per request', async () => {
    const w = waf([
      'SecRule ARGS:off "@streq 1" "id:1,phase:1,pass,nolog,ctl:ruleRemoveTargetByTag=perf;ARGS:q"',
      'SecRule ARGS "@rx evil" "id:10,phase:1,pass,log,tag:perf"',
      'SecRule ARGS "@rx evil" "id:11,phase:1,pass,log,tag:other"',
      'SecRule ARGS "@rx evil" "id:12,phase:1,pass,log,tag:perf,tag:other"',
    ].join('\n'));
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await ids(w, '/?q=evil&off=1'), [11]);
      assert.deepEqual(await ids(w, '/?q=evil'), [10, 11, 12]);
      assert.deepEqual(await ids(w, '/?Q=evil&off=1'), [11], 'key match is case-insensitive');
      assert.deepEqual(await ids(w, '/?p=evil&off=1'), [10, 11, 12], 'other keys stay');
    }
    await w.close();
  });

  it('ruleRemoveTargetByTag with a regex key and a tag nobody has', async () => {
    const w = waf([
      'SecRule ARGS:off "@streq 1" "id:1,phase:1,pass,nolog,ctl:ruleRemoveTargetByTag=perf;ARGS:/^x_/,ctl:ruleRemoveTargetByTag=nobody;ARGS"',
      'SecRule ARGS "@rx evil" "id:10,phase:1,pass,log,tag:perf"',
    ].join('\n'));
    assert.deepEqual(await ids(w, '/?x_a=evil&off=1'), []);
    assert.deepEqual(await ids(w, '/?y_a=evil&off=1'), [10]);
    await w.close();
  });

  it('ruleRemoveById with overlapping ranges, ruleRemoveByTag and ruleRemoveByMsg', async () => {
    const w = waf([
      'SecRule ARGS:a "@streq 1" "id:1,phase:1,pass,nolog,ctl:ruleRemoveById=20-22,ctl:ruleRemoveById=21-30"',
      'SecRule ARGS:b "@streq 1" "id:2,phase:1,pass,nolog,ctl:ruleRemoveByTag=t1"',
      'SecRule ARGS:c "@streq 1" "id:3,phase:1,pass,nolog,ctl:ruleRemoveByMsg=Bad thing"',
      'SecRule ARGS:d "@streq 1" "id:4,phase:1,pass,nolog,ctl:ruleRemoveTargetById=20-21;ARGS:v,ctl:ruleRemoveTargetByMsg=Bad thing;ARGS:v"',
      'SecRule ARGS:v "@rx x" "id:20,phase:2,pass,log,tag:t1"',
      'SecRule ARGS:v "@rx x" "id:21,phase:2,pass,log"',
      'SecRule ARGS:v "@rx x" "id:30,phase:2,pass,log,msg:\'Bad thing\'"',
      'SecRule ARGS:v "@rx x" "id:31,phase:2,pass,log,msg:\'Bad thing\'"',
      'SecRule ARGS:v "@rx x" "id:40,phase:2,pass,log,msg:\'Other\'"',
    ].join('\n'));
    assert.deepEqual(await ids(w, '/?v=x'), [20, 21, 30, 31, 40]);
    assert.deepEqual(await ids(w, '/?v=x&a=1'), [31, 40]);
    assert.deepEqual(await ids(w, '/?v=x&b=1'), [21, 30, 31, 40]);
    assert.deepEqual(await ids(w, '/?v=x&c=1'), [20, 21, 40]);
    assert.deepEqual(await ids(w, '/?v=x&d=1'), [40]);
    assert.deepEqual(await ids(w, '/?v=x'), [20, 21, 30, 31, 40], 'removals do not leak into the next request');
    await w.close();
  });

  it('route-scoped exclusions (ctl decided outside rules) use the same index', async () => {
    const w = portcullis({
      rules: { defaults: false, seclangBase: false, seclang: [{ text: 'SecRule ARGS "@rx evil" "id:10,phase:1,pass,log,tag:perf"\nSecRule ARGS "@rx evil" "id:11,phase:1,pass,log"', name: 't.conf' }] },
      exclusions: [{ when: { path: '/a' }, tags: ['perf'], targets: ['ARGS:q'] }, { when: { path: '/b' }, ids: ['11-11'] }],
    });
    const at = async (path: string): Promise<number[]> => (await w.inspect({ method: 'GET', url: `${path}?q=evil`, headers })).matches.map((m) => m.id);
    assert.deepEqual(await at('/a'), [11]);
    assert.deepEqual(await at('/b'), [10]);
    assert.deepEqual(await at('/c'), [10, 11]);
    await w.close();
  });
});
