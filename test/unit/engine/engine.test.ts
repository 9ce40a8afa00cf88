import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { portcullis, type RuleDefinition, type PortcullisOptions } from '../../../src/index.js';

function waf(rules: RuleDefinition[], extra: PortcullisOptions = {}) {
  return portcullis({ ...extra, rules: { defaults: false, custom: rules } });
}

const get = (url: string, headers: Record<string, string> = {}) => ({ method: 'GET', url, headers: { host: 'x', ...headers } });

describe('engine: matching basics', () => {
  test('rx on ARGS blocks at threshold with a critical severity', async () => {
    const w = waf([{ id: 1001, targets: 'ARGS', operator: /evil/, severity: 'critical', msg: 'evil arg' }]);
    const r = await w.inspect(get('/?q=very+evil+thing'));
    assert.equal(r.action, 'block');
    assert.equal(r.status, 403);
    assert.equal(r.score, 5);
    assert.equal(r.matches.length, 1);
    assert.equal(r.matches[0]!.id, 1001);
    assert.equal(r.matches[0]!.target, 'ARGS:q');
    assert.equal(r.matches[0]!.message, 'evil arg');
    const ok = await w.inspect(get('/?q=kind'));
    assert.equal(ok.action, 'pass');
    assert.equal(ok.matches.length, 0);
  });

  test('a warning alone stays under the default threshold but is reported', async () => {
    const w = waf([{ id: 1002, targets: 'ARGS', operator: /x/, severity: 'warning', msg: 'w' }]);
    const r = await w.inspect(get('/?a=x'));
    assert.equal(r.action, 'pass');
    assert.equal(r.score, 3);
    assert.equal(r.matches.length, 1);
  });

  test('scores add up across rules to reach the threshold', async () => {
    const w = waf([
      { id: 1003, targets: 'ARGS', operator: /x/, severity: 'warning' },
      { id: 1004, targets: 'ARGS_NAMES', operator: /^a$/, severity: 'notice' },
    ]);
    const r = await w.inspect(get('/?a=x'));
    assert.equal(r.score, 5);
    assert.equal(r.action, 'block');
  });

  test('transformations run in order before the operator', async () => {
    const w = waf([{ id: 1005, targets: 'ARGS', transforms: ['urlDecodeUni', 'lowercase'], operator: /<script/, severity: 'critical' }]);
    // %253C is %3C after the one decode the query parser does; urlDecodeUni decodes the second layer.
    assert.equal((await w.inspect(get('/?q=%253CSCRIPT%253E'))).action, 'block');
    assert.equal((await w.inspect(get('/?q=script'))).action, 'pass');
  });

  test('negated operators match when the operator does not', async () => {
    const w = waf([{ id: 1006, phase: 1, targets: 'REQUEST_METHOD', operator: '!@within GET POST HEAD', severity: 'critical' }]);
    assert.equal((await w.inspect({ method: 'TRACE', url: '/' })).action, 'block');
    assert.equal((await w.inspect({ method: 'GET', url: '/' })).action, 'pass');
  });

  test('&COLLECTION counts and exclusions drop keys', async () => {
    const w = waf([
      { id: 1007, targets: '&ARGS', operator: '@gt 2', severity: 'critical', msg: 'too many' },
      { id: 1008, targets: ['ARGS', '!ARGS:password'], operator: /'/, severity: 'critical' },
    ]);
    assert.equal((await w.inspect(get('/?a=1&b=2&c=3'))).matches[0]?.id, 1007);
    assert.equal((await w.inspect(get("/?password=o'brien"))).action, 'pass');
    assert.equal((await w.inspect(get("/?name=o'brien"))).action, 'block');
  });

  test('chains match only when every link does, and captures feed later links', async () => {
    const w = waf([{
      id: 1009, targets: 'ARGS:a', operator: /^(\d+)-(\d+)$/, capture: true, severity: 'critical',
      chain: { targets: 'TX:2', operator: '@lt %{tx.1}' },
    }]);
    assert.equal((await w.inspect(get('/?a=9-3'))).action, 'block');
    assert.equal((await w.inspect(get('/?a=3-9'))).action, 'pass');
  });

  test('skipAfter jumps to the marker', async () => {
    const w = waf([
      { id: 1010, targets: 'ARGS:skip', operator: /^1$/, action: 'pass', skipAfter: 'END' },
      { id: 1011, targets: 'ARGS', operator: /bad/, severity: 'critical' },
      { marker: 'END' } as never,
      { id: 1012, targets: 'ARGS', operator: /worse/, severity: 'critical' },
    ]);
    assert.equal((await w.inspect(get('/?skip=1&x=bad'))).action, 'pass');
    assert.equal((await w.inspect(get('/?skip=0&x=bad'))).action, 'block');
    assert.equal((await w.inspect(get('/?skip=1&x=worse'))).action, 'block');
  });

  test('setvar with macros writes TX that later rules read', async () => {
    const w = waf([
      { id: 1013, phase: 1, targets: 'REQUEST_HEADERS:X-Level', operator: /^\d$/, action: 'pass', setvar: ['tx.level=%{MATCHED_VAR}'] },
      { id: 1014, phase: 1, targets: 'TX:level', operator: '@ge 3', severity: 'critical' },
    ]);
    assert.equal((await w.inspect(get('/', { 'x-level': '4' }))).action, 'block');
    assert.equal((await w.inspect(get('/', { 'x-level': '2' }))).action, 'pass');
  });

  test('ctl:ruleRemoveById removes later rules for this transaction only', async () => {
    const w = waf([
      { id: 1015, phase: 1, targets: 'REQUEST_FILENAME', operator: '@beginsWith /admin', action: 'pass', ctl: [{ kind: 'ruleRemoveById', ranges: [[1016, 1016]] }] },
      { id: 1016, targets: 'ARGS', operator: /drop/, severity: 'critical' },
    ]);
    assert.equal((await w.inspect(get('/admin/x?q=drop'))).action, 'pass');
    assert.equal((await w.inspect(get('/user?q=drop'))).action, 'block');
  });

  test('deny interrupts with its status', async () => {
    const w = waf([{ id: 1017, phase: 1, targets: 'REQUEST_HEADERS:User-Agent', operator: '@pm sqlmap nikto', action: 'deny', status: 406 }]);
    const r = await w.inspect(get('/', { 'user-agent': 'sqlmap/1.7' }));
    assert.equal(r.action, 'block');
    assert.equal(r.status, 406);
  });
});

describe('engine: paranoia, modes, exclusions', () => {
  const rules: RuleDefinition[] = [
    { id: 2001, targets: 'ARGS', operator: /pl1/, severity: 'critical', paranoia: 1 },
    { id: 2002, targets: 'ARGS', operator: /pl2/, severity: 'critical', paranoia: 2, tags: ['noisy'] },
  ];

  test('rules above the paranoia level do not run', async () => {
    assert.equal((await waf(rules).inspect(get('/?a=pl2'))).matches.length, 0);
    assert.equal((await waf(rules, { paranoia: 2 }).inspect(get('/?a=pl2'))).action, 'block');
  });

  test('detection paranoia reports higher levels without blocking on them', async () => {
    const r = await waf(rules, { paranoia: 1, detectionParanoia: 2 }).inspect(get('/?a=pl2'));
    assert.equal(r.matches.length, 1);
    assert.equal(r.action, 'pass');
    assert.equal(r.score, 0);
  });

  test('detect mode reports would-block as detect', async () => {
    const r = await waf(rules, { mode: 'detect' }).inspect(get('/?a=pl1'));
    assert.equal(r.action, 'detect');
    assert.equal(r.status, 403);
  });

  test('threshold option changes the blocking score', async () => {
    const r = await waf(rules, { threshold: 10 }).inspect(get('/?a=pl1'));
    assert.equal(r.action, 'pass');
    assert.equal(r.score, 5);
  });

  test('static exclusions: by id, by tag, by target', async () => {
    assert.equal((await waf(rules, { exclusions: [{ ids: [2001] }] }).inspect(get('/?a=pl1'))).action, 'pass');
    assert.equal((await waf(rules, { paranoia: 2, exclusions: [{ tags: ['noisy'] }] }).inspect(get('/?a=pl2'))).action, 'pass');
    const byTarget = waf(rules, { exclusions: [{ ids: ['2001-2001'], targets: ['ARGS:bio'] }] });
    assert.equal((await byTarget.inspect(get('/?bio=pl1'))).action, 'pass');
    assert.equal((await byTarget.inspect(get('/?name=pl1'))).action, 'block');
  });

  test('route-scoped exclusions apply only on matching method and path', async () => {
    const w = waf(rules, { exclusions: [{ ids: [2001], targets: ['ARGS:body'], when: { method: 'POST', path: '/posts/*' } }] });
    const post = (url: string) => ({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'body=pl1' });
    assert.equal((await w.inspect(post('/posts/new'))).action, 'pass');
    assert.equal((await w.inspect(post('/comments'))).action, 'block');
    assert.equal((await w.inspect(get('/posts/new?body=pl1'))).action, 'block');
  });

  test('mode off inspects nothing', async () => {
    const r = await waf(rules, { mode: 'off' }).inspect(get('/?a=pl1'));
    assert.equal(r.action, 'pass');
  });

  test('alert and block events fire with a typed alert', async () => {
    const w = waf(rules);
    const seen: string[] = [];
    w.on('alert', (a) => seen.push(`alert:${a.action}:${a.matches.map((m) => m.id).join(',')}`));
    w.on('block', (a) => seen.push(`block:${a.incidentId.length > 10}`));
    await w.inspect(get('/?a=pl1'));
    assert.deepEqual(seen, ['alert:block:2001', 'block:true']);
  });

  test('inspect after close rejects with ERR_PORTCULLIS_CLOSED', async () => {
    const w = waf(rules);
    await w.close();
    await assert.rejects(w.inspect(get('/')), { code: 'ERR_PORTCULLIS_CLOSED' });
  });
});

describe('engine: bodies', () => {
  test('JSON body values and names are inspected', async () => {
    const w = waf([
      { id: 3001, targets: 'ARGS', operator: /evil/, severity: 'critical' },
      { id: 3002, targets: 'ARGS_NAMES', operator: /\$ne/, severity: 'critical' },
    ]);
    assert.equal((await w.inspect({ method: 'POST', url: '/', body: { a: { b: ['evil'] } } })).matches[0]?.target, 'ARGS:json.a.b.0');
    assert.equal((await w.inspect({ method: 'POST', url: '/', body: { user: { $ne: null } } })).matches[0]?.id, 3002);
    assert.equal((await w.inspect({ method: 'POST', url: '/', body: { a: 'kind' } })).action, 'pass');
  });

  test('multiMatch tries the value after each transformation', async () => {
    const rule = (multiMatch: boolean): RuleDefinition => ({ id: 3003, targets: 'ARGS', transforms: ['lowercase'], operator: /^ABC$/, multiMatch, severity: 'critical' });
    assert.equal((await waf([rule(true)]).inspect(get('/?a=ABC'))).action, 'block');
    assert.equal((await waf([rule(false)]).inspect(get('/?a=ABC'))).action, 'pass');
  });

  test('a phase-1 ctl:requestBodyProcessor still holds when the body arrives in phase 2', async () => {
    const w = waf([
      { id: 3005, phase: 1, targets: 'REQUEST_FILENAME', operator: '@streq /form', action: 'pass', ctl: [{ kind: 'requestBodyProcessor', value: 'URLENCODED' }] },
      { id: 3006, targets: 'ARGS:a', operator: /evil/, severity: 'critical' },
    ]);
    const post = (url: string) => ({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, body: 'a=evil' });
    assert.equal((await w.inspect(post('/form'))).action, 'block');
    assert.equal((await w.inspect(post('/other'))).action, 'pass');
  });

  test('secret-looking targets are redacted in reports', async () => {
    const w = waf([{ id: 3004, targets: 'ARGS', operator: /'/, severity: 'critical' }]);
    const r = await w.inspect(get("/?password=it's-secret"));
    assert.equal(r.matches[0]?.value, '[redacted]');
  });
});
