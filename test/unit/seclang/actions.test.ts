import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseActions, parseCtl, splitActions } from '../../../src/seclang/actions.js';
import { PortcullisError } from '../../../src/errors.js';

describe('splitActions', () => {
  const cases: { name: string; text: string; want: { name: string; value?: string }[] }[] = [
    { name: 'simple', text: 'id:1,phase:2,pass', want: [{ name: 'id', value: '1' }, { name: 'phase', value: '2' }, { name: 'pass' }] },
    { name: 'quoted msg with commas', text: "msg:'a, b, c',deny", want: [{ name: 'msg', value: 'a, b, c' }, { name: 'deny' }] },
    { name: "\\' inside a quoted value", text: "msg:'lama\\'s\\'hell web shell',pass", want: [{ name: 'msg', value: "lama's'hell web shell" }, { name: 'pass' }] },
    { name: 'names are lower-cased', text: 'skipAfter:END-X,multiMatch,noAuditLog', want: [{ name: 'skipafter', value: 'END-X' }, { name: 'multimatch' }, { name: 'noauditlog' }] },
    { name: 'continuation whitespace is trimmed', text: 'id:1,\n    phase:2,    t:none', want: [{ name: 'id', value: '1' }, { name: 'phase', value: '2' }, { name: 't', value: 'none' }] },
    { name: 'value keeps later colons', text: 'redirect:http://x.test:8080/a', want: [{ name: 'redirect', value: 'http://x.test:8080/a' }] },
    { name: 'quoted setvar', text: "setvar:'tx.a=+%{tx.b}'", want: [{ name: 'setvar', value: 'tx.a=+%{tx.b}' }] },
    { name: 'apostrophe inside an unquoted word is literal', text: "msg:Bob's rule,pass", want: [{ name: 'msg', value: "Bob's rule" }, { name: 'pass' }] },
    { name: 'empty pieces skipped', text: ',id:1,,pass,', want: [{ name: 'id', value: '1' }, { name: 'pass' }] },
    { name: 'quote after = opens a quoted part', text: "setvar:tx.x='a,b',pass", want: [{ name: 'setvar', value: "tx.x='a,b'" }, { name: 'pass' }] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(splitActions(c.text), c.want));
  }

  it('rejects an unterminated quote', () => {
    assert.throws(() => splitActions("msg:'abc,pass"), { code: 'ERR_PORTCULLIS_SECLANG_DIRECTIVE' });
  });
});

describe('parseActions', () => {
  it('maps every IR action', () => {
    const a = parseActions([
      'id:942100', 'phase:request', "msg:'SQLi, found'", "logdata:'Matched %{MATCHED_VAR}'", "tag:'attack-sqli'",
      "tag:'paranoia-level/2'", "severity:'CRITICAL'", "ver:'OWASP_CRS/4.29.0-dev'", 'rev:3', 'maturity:9', 'accuracy:8',
      't:lowercase', 't:none', 't:urlDecodeUni', 't:removeNulls', 'block', 'status:403', 'capture', 'multiMatch', 'nolog',
      'auditlog', "setvar:'tx.sql_injection_score=+%{tx.critical_anomaly_score}'", 'setvar:!tx.foo', 'ctl:ruleRemoveById=1-99',
      'skipAfter:END-942', 'chain',
    ].join(','));
    assert.equal(a.id, 942100);
    assert.equal(a.phase, 2);
    assert.equal(a.msg, 'SQLi, found');
    assert.equal(a.logdata, 'Matched %{MATCHED_VAR}');
    assert.deepEqual(a.tags, ['attack-sqli', 'paranoia-level/2']);
    assert.equal(a.severity, 'critical');
    assert.equal(a.ver, 'OWASP_CRS/4.29.0-dev');
    assert.equal(a.rev, '3');
    assert.equal(a.maturity, 9);
    assert.equal(a.accuracy, 8);
    assert.deepEqual(a.transforms, ['urlDecodeUni', 'removeNulls']);
    assert.equal(a.resetTransforms, true);
    assert.equal(a.disruptive, 'block');
    assert.equal(a.status, 403);
    assert.equal(a.capture, true);
    assert.equal(a.multiMatch, true);
    assert.equal(a.log, false);
    assert.equal(a.auditlog, true);
    assert.deepEqual(a.setvars, [
      { collection: 'TX', name: 'sql_injection_score', op: '=+', value: '%{tx.critical_anomaly_score}' },
      { collection: 'TX', name: 'foo', op: '!', value: '' },
    ]);
    assert.deepEqual(a.ctls, [{ kind: 'ruleRemoveById', ranges: [[1, 99]] }]);
    assert.equal(a.skipAfter, 'END-942');
    assert.equal(a.chain, true);
  });

  const phases: [string, number][] = [['1', 1], ['5', 5], ['request', 2], ['RESPONSE', 4], ['logging', 5]];
  for (const [text, want] of phases) {
    it(`phase:${text} → ${want}`, () => assert.equal(parseActions(`phase:${text}`).phase, want));
  }

  const severities: [string, string][] = [['0', 'emergency'], ['2', 'critical'], ['7', 'debug'], ["'WARNING'", 'warning'], ['notice', 'notice']];
  for (const [text, want] of severities) {
    it(`severity:${text} → ${want}`, () => assert.equal(parseActions(`severity:${text}`).severity, want));
  }

  const disruptives: [string, string][] = [['block', 'block'], ['deny', 'deny'], ['pass', 'pass'], ['allow', 'allow'], ['allow:phase', 'allow'], ['drop', 'drop'], ['redirect:https://x.test/', 'redirect']];
  for (const [text, want] of disruptives) {
    it(`disruptive ${text}`, () => assert.equal(parseActions(text).disruptive, want));
  }

  it('redirect keeps the URL', () => assert.equal(parseActions('redirect:https://x.test/a?b=1').redirectUrl, 'https://x.test/a?b=1'));

  it('parses and drops the actions the IR has no field for', () => {
    const a = parseActions("expirevar:ip.x=60,initcol:ip=%{remote_addr},setenv:a=b,setuid:%{x},setsid:%{y},sanitiseArg:password,sanitiseMatched,sanitiseMatchedBytes:1/4,sanitiseRequestHeader:Authorization,sanitiseResponseHeader:Set-Cookie,exec:/x.lua,append:'x',prepend:'y',xmlns:a=http://x,deprecatevar:ip.x=1/60,pause:10,setrsc:abc");
    assert.deepEqual(a.setvars, []);
    assert.deepEqual(a.ctls, []);
    assert.equal(a.seen.size, 17);
  });

  const errors: { text: string; re: RegExp }[] = [
    { text: 'id:1,frobnicate', re: /unknown action "frobnicate"/ },
    { text: 't:notATransform', re: /unknown transformation t:notATransform/ },
    { text: 'phase:6', re: /phase must be/ },
    { text: 'severity:LOUD', re: /unknown severity/ },
    { text: 'id:abc', re: /id needs an integer/ },
    { text: 'id:0', re: /id must be/ },
    { text: 'status:99', re: /status must be/ },
    { text: 'proxy:http://x', re: /proxy is not supported/ },
    { text: 'setvar:nodot', re: /setvar/ },
    { text: 'ctl:ruleRemoveById=9-1', re: /reversed/ },
    { text: 'constructor:1', re: /unknown action "constructor"/ },
  ];
  for (const c of errors) {
    it(`rejects ${c.text}`, () => {
      assert.throws(() => parseActions(c.text), (e: unknown) => e instanceof PortcullisError
        && e.code === 'ERR_PORTCULLIS_SECLANG_DIRECTIVE' && c.re.test(e.message));
    });
  }

  it('transformation names are case-insensitive and kept as written', () => {
    assert.deepEqual(parseActions('t:URLDecodeUni,t:lowerCase').transforms, ['URLDecodeUni', 'lowerCase']);
  });
});

describe('parseCtl', () => {
  const target = (collection: string, selector: object, exclude = false) => ({ collection, selector, count: false, exclude });
  const cases: { text: string; want: unknown }[] = [
    { text: 'ruleRemoveById=920540', want: { kind: 'ruleRemoveById', ranges: [[920540, 920540]] } },
    { text: 'ruleRemoveById=1-999999', want: { kind: 'ruleRemoveById', ranges: [[1, 999999]] } },
    { text: 'ruleRemoveById=1 5-6,9', want: { kind: 'ruleRemoveById', ranges: [[1, 1], [5, 6], [9, 9]] } },
    { text: 'ruleRemoveByTag=OWASP_CRS', want: { kind: 'ruleRemoveByTag', tag: 'OWASP_CRS' } },
    { text: 'ruleRemoveByMsg=Some msg', want: { kind: 'ruleRemoveByMsg', msg: 'Some msg' } },
    { text: 'ruleRemoveTargetById=942100;ARGS:password', want: { kind: 'ruleRemoveTargetById', ranges: [[942100, 942100]], target: target('ARGS', { kind: 'key', name: 'password' }) } },
    { text: 'ruleRemoveTargetByTag=xss-perf-disable;REQUEST_FILENAME', want: { kind: 'ruleRemoveTargetByTag', tag: 'xss-perf-disable', target: target('REQUEST_FILENAME', { kind: 'all' }) } },
    { text: 'ruleRemoveTargetByMsg=m;REQUEST_COOKIES:/^_ga(?:_\\w+)?$/', want: { kind: 'ruleRemoveTargetByMsg', msg: 'm', target: target('REQUEST_COOKIES', { kind: 'regex', pattern: '^_ga(?:_\\w+)?$' }) } },
    { text: 'ruleEngine=detectiononly', want: { kind: 'ruleEngine', value: 'DetectionOnly' } },
    { text: 'requestBodyProcessor=URLENCODED', want: { kind: 'requestBodyProcessor', value: 'URLENCODED' } },
    { text: 'requestBodyProcessor=json', want: { kind: 'requestBodyProcessor', value: 'JSON' } },
    { text: 'requestBodyAccess=Off', want: { kind: 'requestBodyAccess', value: false } },
    { text: 'forceRequestBodyVariable=On', want: { kind: 'forceRequestBodyVariable', value: true } },
    { text: 'responseBodyAccess=on', want: { kind: 'responseBodyAccess', value: true } },
    { text: 'auditEngine=Off', want: { kind: 'auditEngine', value: 'Off' } },
    { text: 'auditLogParts=+E', want: { kind: 'other', name: 'auditLogParts', value: '+E' } },
  ];
  for (const c of cases) {
    it(c.text, () => assert.deepEqual(parseCtl(c.text), c.want));
  }

  const errors = ['noequals', 'ruleEngine=maybe', 'ruleRemoveTargetById=942100', 'ruleRemoveTargetByTag=x;NOPE', 'requestBodyAccess=yes', 'ruleRemoveById=abc'];
  for (const text of errors) {
    it(`rejects ${text}`, () => assert.throws(() => parseCtl(text), { code: 'ERR_PORTCULLIS_SECLANG_DIRECTIVE' }));
  }
});
