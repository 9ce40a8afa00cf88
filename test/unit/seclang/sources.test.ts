import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portcullis } from '../../../src/portcullis.js';
import { PortcullisError } from '../../../src/errors.js';
import { loadSecLangSources, MAX_INCLUDE_DEPTH } from '../../../src/seclang/parse.js';
import { isMarker, type RuleSpec } from '../../../src/rules/types.js';
import { CRS_DIR } from '../../helpers/crs.js';

function throwsCode(fn: () => unknown, code: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PortcullisError, `PortcullisError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, re);
    return true;
  });
}

const ids = (src: ReturnType<typeof loadSecLangSources>): number[] =>
  src.entries.filter((e): e is RuleSpec => !isMarker(e)).map((r) => r.id);

describe('rules.seclang: files, directories and text', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-seclang-'));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'b-remove.conf'), 'SecRuleRemoveById 10002\n');
    writeFileSync(join(dir, 'rules', 'a-rules.conf'), [
      'SecRule ARGS "@rx attack" "id:10001,phase:2,deny,status:403,log,msg:\'attack\'"',
      'SecRule ARGS "@rx other" "id:10002,phase:2,deny,log"',
    ].join('\n'));
    writeFileSync(join(dir, 'rules', 'notes.txt'), 'this is not SecLang\n');
    writeFileSync(join(dir, 'loop.conf'), 'Include loop.conf\n');
    writeFileSync(join(dir, 'broken.conf'), '# a comment\n\nSecRule ARGS "@rx x" "phase:2,deny"\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a directory loads its *.conf files in lexical order, as one configuration', () => {
    const src = loadSecLangSources([join(dir, 'rules')], { base: false });
    assert.deepEqual(ids(src), [10001], 'b-remove.conf removed a rule of a-rules.conf; notes.txt was not read');
  });

  it('the ModSecurity base rules come first unless base is false', () => {
    const withBase = ids(loadSecLangSources([{ text: 'SecAction "id:1,phase:1,pass,nolog"' }]));
    assert.deepEqual(withBase.slice(0, 3), [200000, 200001, 200006]);
    assert.ok(withBase.includes(200002) && withBase.includes(200003) && withBase.includes(200007));
    assert.deepEqual(ids(loadSecLangSources([{ text: 'SecAction "id:1,phase:1,pass,nolog"' }], { base: false })), [1]);
  });

  it('errors name the file and line', () => {
    throwsCode(() => portcullis({ rules: { seclang: [join(dir, 'broken.conf')] } }), 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /broken\.conf:3: rule has no id/);
    throwsCode(() => portcullis({ rules: { seclang: [{ text: 'SecRule ARGS "@rx a" "id:5,phase:2,pass"\nSecBogus on', name: 'mine.conf' }] } }),
      'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /mine\.conf:2: unknown directive "SecBogus"/);
    throwsCode(() => portcullis({ rules: { seclang: [{ text: 'SecRule ARGS "@rx (" "id:5,phase:2,pass"' }] } }), 'ERR_PORTCULLIS_REGEX_TRANSLATE', /<rules\.seclang\[0\]>:1: cannot translate regex/);
    throwsCode(() => portcullis({ rules: { seclang: [join(dir, 'missing.conf')] } }), 'ERR_PORTCULLIS_SECLANG_INCLUDE', /rules\.seclang\[0\]: cannot read .*missing\.conf/);
  });

  it('an Include loop stops at the depth limit with a clear error', () => {
    throwsCode(() => portcullis({ rules: { seclang: [join(dir, 'loop.conf')] } }), 'ERR_PORTCULLIS_SECLANG_INCLUDE',
      new RegExp(`loop\\.conf:1: Include nesting deeper than ${MAX_INCLUDE_DEPTH} levels`));
  });

  it('option shape is validated', () => {
    throwsCode(() => portcullis({ rules: { seclang: 'rules/' as never } }), 'ERR_PORTCULLIS_OPTION_INVALID', /rules\.seclang/);
    throwsCode(() => portcullis({ rules: { seclang: [''] } }), 'ERR_PORTCULLIS_OPTION_INVALID', /rules\.seclang\[0\]/);
    throwsCode(() => portcullis({ rules: { seclang: ['rules/*.conf'] } }), 'ERR_PORTCULLIS_OPTION_INVALID', /without wildcards/);
    throwsCode(() => portcullis({ rules: { seclang: [{ text: 'x', file: 'y' } as never] } }), 'ERR_PORTCULLIS_OPTION_UNKNOWN', /rules\.seclang\[0\]\.file/);
    throwsCode(() => portcullis({ rules: { seclang: [{ text: 3 } as never] } }), 'ERR_PORTCULLIS_OPTION_INVALID', /rules\.seclang\[0\]\.text/);
    throwsCode(() => portcullis({ rules: { seclang: [42 as never] } }), 'ERR_PORTCULLIS_OPTION_INVALID', /rules\.seclang\[0\]/);
    throwsCode(() => portcullis({ rules: { seclangBase: 'no' as never } }), 'ERR_PORTCULLIS_OPTION_INVALID', /rules\.seclangBase/);
  });

  it('SecLang rules run next to the default ruleset unless defaults is false', async () => {
    const text = { text: 'SecRule ARGS "@rx ^attack$" "id:10001,phase:2,deny,status:418,log,msg:\'custom\'"', name: 'custom.conf' };
    const both = portcullis({ rules: { seclang: [text] } });
    const own = await both.inspect({ method: 'GET', url: '/?q=attack', headers: { host: 'x' } });
    assert.equal(own.action, 'block');
    assert.equal(own.status, 418);
    const sqli = await both.inspect({ method: 'GET', url: "/?q=1'%20or%20'1'='1", headers: { host: 'x' } });
    assert.equal(sqli.action, 'block', 'default rules still loaded');
    const only = portcullis({ rules: { defaults: false, seclang: [text] } });
    const passed = await only.inspect({ method: 'GET', url: "/?q=1'%20or%20'1'='1", headers: { host: 'x' } });
    assert.equal(passed.action, 'pass');
    assert.equal(passed.matches.length, 0);
  });

  it('the base rules report a JSON body that does not parse (REQBODY_ERROR, 200002)', async () => {
    const rule = { text: 'SecAction "id:1,phase:1,pass,nolog"' };
    const waf = portcullis({ mode: 'detect', rules: { defaults: false, seclang: [rule] } });
    const r = await waf.inspect({ method: 'POST', url: '/', headers: { host: 'x', 'content-type': 'application/json' }, body: '{"a": [1, 2' });
    const m = r.matches.find((x) => x.id === 200002);
    assert.ok(m, 'rule 200002 matched');
    assert.match(m.data, /JSON parsing error/);
    const bare = portcullis({ mode: 'detect', rules: { defaults: false, seclang: [rule], seclangBase: false } });
    const r2 = await bare.inspect({ method: 'POST', url: '/', headers: { host: 'x', 'content-type': 'application/json' }, body: '{"a": [1, 2' });
    assert.equal(r2.matches.length, 0);
  });
});

const crsPresent = CRS_DIR !== undefined && existsSync(join(CRS_DIR, 'rules')) && existsSync(join(CRS_DIR, 'crs-setup.conf.example'));
describe('OWASP CRS loaded unmodified through rules.seclang', { skip: crsPresent ? false : `CRS not found (${CRS_DIR ?? '../shared/crs'}): skipping` }, () => {
  it('setup file + rules directory: blocks a SQL injection at paranoia 1, passes a plain request', async () => {
    const crs = CRS_DIR!;
    const waf = portcullis({ rules: { defaults: false, seclang: [join(crs, 'crs-setup.conf.example'), join(crs, 'rules')] } });
    const headers = { host: 'shop.example', 'user-agent': 'Mozilla/5.0', accept: 'text/html' };
    const attack = await waf.inspect({ method: 'GET', url: "/search?q=1'%20or%20'1'='1'--", headers });
    assert.equal(attack.action, 'block');
    assert.ok(attack.matches.some((m) => m.id === 949110), 'CRS anomaly evaluation (949110) decided');
    assert.ok(attack.matches.some((m) => m.id >= 942000 && m.id < 943000), 'a 942xxx SQLi rule matched');
    const plain = await waf.inspect({ method: 'GET', url: '/search?q=garden+chairs', headers });
    assert.equal(plain.action, 'pass');
    assert.deepEqual(plain.matches, []);
  });

  it('tuning as the README shows: SecRuleUpdateTargetById and a route-scoped ctl in a file after rules/', async () => {
    const crs = CRS_DIR!;
    const tuning = {
      name: 'my-exclusions.conf',
      text: [
        'SecRuleUpdateTargetById 942100 "!ARGS:password"',
        'SecRule REQUEST_FILENAME "@beginsWith /api/search" \\',
        '    "id:1000,phase:1,pass,nolog,ctl:ruleRemoveById=942100,ctl:ruleRemoveTargetByTag=attack-xss;ARGS:q"',
      ].join('\n'),
    };
    const waf = portcullis({ rules: { defaults: false, seclang: [join(crs, 'crs-setup.conf.example'), join(crs, 'rules'), tuning] } });
    const headers = { host: 'shop.example', 'user-agent': 'Mozilla/5.0', accept: 'text/html' };
    const sqli = encodeURIComponent("1' or '1'='1");
    const hit = (r: { matches: readonly { id: number; target: string }[] }, id: number, target: string): boolean =>
      r.matches.some((m) => m.id === id && m.target === target);
    const asUser = await waf.inspect({ method: 'GET', url: `/login?user=${sqli}`, headers });
    assert.ok(hit(asUser, 942100, 'ARGS:user'), '942100 (libinjection) still inspects other arguments');
    const asPassword = await waf.inspect({ method: 'GET', url: `/login?password=${sqli}`, headers });
    assert.ok(!asPassword.matches.some((m) => m.id === 942100), '942100 no longer sees ARGS:password');
    const xss = encodeURIComponent('<script>alert(1)</script>');
    const search = await waf.inspect({ method: 'GET', url: `/api/search?q=${xss}&p=${sqli}`, headers });
    assert.ok(!search.matches.some((m) => m.id === 942100), '942100 removed on /api/search');
    assert.ok(!search.matches.some((m) => m.target === 'ARGS:q' && m.tags.includes('attack-xss')), 'no XSS rule reads ARGS:q there');
    const elsewhere = await waf.inspect({ method: 'GET', url: `/other?q=${xss}`, headers });
    assert.ok(elsewhere.matches.some((m) => m.target === 'ARGS:q' && m.tags.includes('attack-xss')), 'XSS rules still read ARGS:q elsewhere');
  });

  it('Portcullis exclusions apply to CRS rules (by id and target, and by tag on a route)', async () => {
    const crs = CRS_DIR!;
    const waf = portcullis({
      rules: { defaults: false, seclang: [join(crs, 'crs-setup.conf.example'), join(crs, 'rules')] },
      exclusions: [{ ids: ['942100'], targets: ['ARGS:password'] }, { tags: ['attack-xss'], when: { path: '/cms/*' } }],
    });
    const headers = { host: 'shop.example', 'user-agent': 'Mozilla/5.0', accept: 'text/html' };
    const sqli = encodeURIComponent("1' or '1'='1");
    const pw = await waf.inspect({ method: 'GET', url: `/login?password=${sqli}`, headers });
    assert.ok(!pw.matches.some((m) => m.id === 942100));
    const user = await waf.inspect({ method: 'GET', url: `/login?user=${sqli}`, headers });
    assert.ok(user.matches.some((m) => m.id === 942100));
    const xss = encodeURIComponent('<script>alert(1)</script>');
    const cms = await waf.inspect({ method: 'GET', url: `/cms/edit?body=${xss}`, headers });
    assert.ok(!cms.matches.some((m) => m.tags.includes('attack-xss')));
    const site = await waf.inspect({ method: 'GET', url: `/shop?body=${xss}`, headers });
    assert.ok(site.matches.some((m) => m.tags.includes('attack-xss')));
  });
});
