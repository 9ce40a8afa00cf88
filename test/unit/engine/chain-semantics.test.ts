import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { portcullis } from '../../../src/portcullis.js';

/**
 * ModSecurity semantics the CRS regression suite depends on (found by `npm run conformance`):
 * setvar of a chain link runs as soon as that link matched; capture-based setvars see their own variable's
 * captures; msg/logdata of a chain expand with the last link's MATCHED_VAR; DetectionOnly keeps evaluating
 * after a deny.
 */
const waf = (text: string, mode?: 'detect') =>
  portcullis({ ...(mode ? { mode } : {}), rules: { defaults: false, seclangBase: false, seclang: [{ text, name: 't.conf' }] } });
const headers = { host: 'x' };

describe('chains, captures and DetectionOnly as ModSecurity runs them', () => {
  it('a chain head setvar is visible to the chained rule (CRS 920420 style)', async () => {
    const w = waf([
      'SecRule REQUEST_HEADERS:Content-Type "@rx ^([^;\\s]+)" "id:1,phase:1,pass,log,capture,setvar:\'tx.ct=|%{tx.1}|\',chain"',
      '  SecRule TX:ct "!@within |text/plain| |application/json|" "t:lowercase"',
    ].join('\n'));
    const bad = await w.inspect({ method: 'GET', url: '/', headers: { ...headers, 'content-type': 'my/type' } });
    assert.deepEqual(bad.matches.map((m) => m.id), [1]);
    const good = await w.inspect({ method: 'GET', url: '/', headers: { ...headers, 'content-type': 'text/plain; charset=x' } });
    assert.deepEqual(good.matches, []);
  });

  it('ctl of a chain runs only when the whole chain matched', async () => {
    const w = waf([
      'SecRule ARGS:a "@streq 1" "id:1,phase:1,pass,nolog,ctl:ruleRemoveById=3,chain"',
      '  SecRule ARGS:b "@streq 1"',
      'SecRule ARGS "@rx ." "id:3,phase:1,pass,log"',
    ].join('\n'));
    assert.deepEqual((await w.inspect({ method: 'GET', url: '/?a=1&b=0', headers })).matches.map((m) => m.id), [3]);
    assert.deepEqual((await w.inspect({ method: 'GET', url: '/?a=1&b=1', headers })).matches.map((m) => m.id), []);
  });

  it('a setvar keyed by a capture runs once per matched variable with that variable\'s capture (CRS 920450)', async () => {
    const w = waf([
      'SecRule REQUEST_HEADERS_NAMES "@rx ^.*$" "id:1,phase:1,pass,nolog,capture,t:lowercase,setvar:\'tx.h_%{tx.0}=/%{tx.0}/\',chain"',
      '  SecRule TX:/^h_/ "@within /if/ /proxy/" "setvar:tx.hit=+1"',
      'SecRule TX:hit "@eq 1" "id:2,phase:1,pass,log,msg:\'%{tx.h_if}\'"',
    ].join('\n'));
    const r = await w.inspect({ method: 'GET', url: '/', headers: { host: 'x', If: 'a', Accept: '*/*' } });
    assert.deepEqual(r.matches.map((m) => [m.id, m.message]), [[2, '/if/']]);
  });

  it('msg and logdata of a chain expand with the last link\'s MATCHED_VAR', async () => {
    const w = waf([
      'SecRule ARGS:a "@rx x" "id:1,phase:1,pass,log,logdata:\'%{MATCHED_VAR_NAME}=%{MATCHED_VAR}\',chain"',
      '  SecRule ARGS:b "@rx y"',
    ].join('\n'));
    const r = await w.inspect({ method: 'GET', url: '/?a=x&b=yy', headers });
    assert.equal(r.matches[0]?.data, 'ARGS:b=yy');
    assert.equal(r.matches[0]?.target, 'ARGS:a', 'the alert still names the chain head\'s target');
  });

  it('DetectionOnly keeps evaluating after a deny; On stops at it', async () => {
    const rules = [
      'SecRule ARGS:a "@streq 1" "id:1,phase:1,deny,status:400,log"',
      'SecRule ARGS:a "@streq 1" "id:2,phase:1,pass,log"',
      'SecRule ARGS:a "@streq 1" "id:3,phase:2,pass,log"',
    ].join('\n');
    const detect = await waf(`SecRuleEngine DetectionOnly\n${rules}`).inspect({ method: 'GET', url: '/?a=1', headers });
    assert.deepEqual(detect.matches.map((m) => m.id), [1, 2, 3]);
    assert.equal(detect.action, 'detect');
    assert.equal(detect.status, 400);
    const modeDetect = await waf(rules, 'detect').inspect({ method: 'GET', url: '/?a=1', headers });
    assert.deepEqual(modeDetect.matches.map((m) => m.id), [1, 2, 3]);
    const on = await waf(rules).inspect({ method: 'GET', url: '/?a=1', headers });
    assert.deepEqual(on.matches.map((m) => m.id), [1]);
    assert.equal(on.action, 'block');
  });
});
