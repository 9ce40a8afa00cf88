import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadSecLangFiles, parseSecLang } from '../../../src/seclang/parse.js';
import { PortcullisError } from '../../../src/errors.js';
import { isMarker, type RuleSpec, type RulesetEntry } from '../../../src/rules/types.js';
import { formatTarget } from '../../../src/rules/targets.js';

const rules = (entries: readonly RulesetEntry[]): RuleSpec[] => entries.filter((e): e is RuleSpec => !isMarker(e));
const rule = (text: string, id: number): RuleSpec => {
  const r = rules(parseSecLang(text).entries).find((x) => x.id === id);
  assert.ok(r, `rule ${id} exists`);
  return r;
};

function throwsCode(fn: () => unknown, code: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PortcullisError, `PortcullisError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, re);
    return true;
  });
}

/** In-memory file system for Include tests. */
function memFs(files: Record<string, string>) {
  return {
    readFile: (p: string): string => {
      const f = files[p];
      if (f === undefined) throw new Error(`ENOENT: no such file '${p}'`);
      return f;
    },
    listDir: (dir: string): string[] => {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = new Set<string>();
      for (const k of Object.keys(files)) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0]!);
      if (names.size === 0) throw new Error(`ENOTDIR ${dir}`);
      return [...names];
    },
  };
}

describe('SecRule / SecAction / SecMarker', () => {
  it('compiles a full rule', () => {
    const r = rule(`SecRule REQUEST_HEADERS:User-Agent|ARGS|!ARGS:pw "@rx (?i)^(?:evil)\\x{41}" \\
      "id:100,phase:1,block,t:none,t:lowercase,msg:'Bad UA, really',logdata:'%{MATCHED_VAR}',tag:'a',tag:'paranoia-level/3',severity:'ERROR',capture,setvar:'tx.x=+1'"`, 100);
    assert.equal(r.phase, 1);
    assert.deepEqual(r.targets.map(formatTarget), ['REQUEST_HEADERS:User-Agent', 'ARGS', '!ARGS:pw']);
    assert.deepEqual(r.operator, { name: 'rx', param: '^(?:evil)A', negate: false, flags: 'is' });
    assert.deepEqual(r.transforms, ['lowercase']);
    assert.equal(r.msg, 'Bad UA, really');
    assert.equal(r.logdata, '%{MATCHED_VAR}');
    assert.deepEqual(r.tags, ['a', 'paranoia-level/3']);
    assert.equal(r.paranoiaLevel, 3);
    assert.equal(r.severity, 'error');
    assert.equal(r.disruptive, 'block');
    assert.equal(r.capture, true);
    assert.equal(r.log, true);
    assert.equal(r.auditlog, true);
    assert.deepEqual(r.setvars, [{ collection: 'TX', name: 'x', op: '=+', value: '1' }]);
    assert.deepEqual(r.source, { file: '<inline>', line: 1 });
  });

  const operators: { op: string; want: object }[] = [
    { op: '!@rx ^a', want: { name: 'rx', param: '^a', negate: true, flags: 's' } },
    { op: 'foo', want: { name: 'rx', param: 'foo', negate: false, flags: 's' } },
    { op: '@pm a b c', want: { name: 'pm', param: 'a b c', negate: false } },
    { op: '@PMFROMFILE x.data', want: { name: 'pmFromFile', param: 'x.data', negate: false } },
    { op: '!@within %{tx.allowed_methods}', want: { name: 'within', param: '%{tx.allowed_methods}', negate: true } },
    { op: '@detectSQLi', want: { name: 'detectSQLi', param: '', negate: false } },
    { op: '@eq 0', want: { name: 'eq', param: '0', negate: false } },
  ];
  for (const c of operators) {
    it(`operator "${c.op}"`, () => assert.deepEqual(rule(`SecRule ARGS "${c.op}" "id:1,phase:2,pass"`, 1).operator, c.want));
  }

  it('@pmFromFile paths resolve against the rule file directory', () => {
    const src = parseSecLang('SecRule ARGS "@pmFromFile a.data /abs/b.data" "id:1,pass"', { file: '/etc/waf/rules/x.conf', readFile: () => '' });
    assert.equal(rules(src.entries)[0]!.operator.param, '/etc/waf/rules/a.data /abs/b.data');
  });

  it('SecAction is an unconditional rule without targets', () => {
    const r = rule('SecAction "id:900990,phase:1,pass,nolog,setvar:tx.crs_setup_version=4290"', 900990);
    assert.deepEqual(r.targets, []);
    assert.deepEqual(r.operator, { name: 'unconditionalMatch', param: '', negate: false });
    assert.equal(r.log, false);
    assert.equal(r.auditlog, false, 'nolog implies noauditlog');
  });

  it('nolog,auditlog keeps the audit log', () => {
    assert.equal(rule('SecAction "id:1,nolog,auditlog,pass"', 1).auditlog, true);
  });

  it('SecMarker adds a marker entry in order', () => {
    const src = parseSecLang('SecAction "id:1,pass"\nSecMarker "END-X"\nSecMarker END-Y');
    assert.deepEqual(src.entries.slice(1), [{ marker: 'END-X' }, { marker: 'END-Y' }]);
  });

  it('default phase is 2 and default disruptive is pass', () => {
    const r = rule('SecRule ARGS "@rx a" "id:5"', 5);
    assert.equal(r.phase, 2);
    assert.equal(r.disruptive, 'pass');
  });

  it('a selector regex is translated', () => {
    const r = rule('SecRule REQUEST_COOKIES:/\\x{22}?\\x24Version/|!ARGS_NAMES:/^[\\w]+\\[.\\]$/ "@rx a" "id:1,pass"', 1);
    assert.deepEqual(r.targets.map(formatTarget), ['REQUEST_COOKIES:/"?\\$Version/', '!ARGS_NAMES:/^[0-9A-Z_a-z]+\\[[\\s\\S]\\]$/']);
  });

  it('skipAfter and skip', () => {
    assert.equal(rule('SecRule TX:A "@lt 1" "id:1,phase:1,pass,nolog,skipAfter:END-X"', 1).skipAfter, 'END-X');
    assert.equal(rule('SecAction "id:2,pass,skip:3"', 2).skip, 3);
  });
});

describe('chains', () => {
  const text = `SecRule REQUEST_METHOD "@streq POST" "id:10,phase:1,deny,status:403,msg:'m',chain"
    SecRule &REQUEST_HEADERS:Content-Type "@eq 0" "t:none,chain,setvar:tx.a=1"
    SecRule REQUEST_HEADERS:X "@rx ^a$" "capture,ctl:ruleRemoveById=5"
SecAction "id:11,pass"`;
  it('links carry no id, inherit the head phase, and nest in order', () => {
    const src = parseSecLang(text);
    const rs = rules(src.entries);
    assert.equal(rs.length, 2);
    const head = rs[0]!;
    assert.equal(head.id, 10);
    assert.equal(head.disruptive, 'deny');
    assert.equal(head.status, 403);
    const l1 = head.chain!;
    const l2 = l1.chain!;
    assert.equal(l1.id, 0);
    assert.equal(l1.phase, 1);
    assert.equal(l1.disruptive, undefined);
    assert.deepEqual(l1.setvars, [{ collection: 'TX', name: 'a', op: '=', value: '1' }]);
    assert.equal(l1.targets[0]!.count, true);
    assert.equal(l2.phase, 1);
    assert.equal(l2.capture, true);
    assert.deepEqual(l2.ctls, [{ kind: 'ruleRemoveById', ranges: [[5, 5]] }]);
    assert.equal(l2.chain, undefined);
    assert.equal(l2.source?.line, 3);
  });

  const bad: { name: string; text: string; code: string; re: RegExp }[] = [
    { name: 'id in a link', text: 'SecRule ARGS "@rx a" "id:1,chain"\nSecRule ARGS "@rx b" "id:2"', code: 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', re: /<inline>:2: a chained rule cannot have id/ },
    { name: 'phase in a link', text: 'SecRule ARGS "@rx a" "id:1,chain"\nSecRule ARGS "@rx b" "phase:2"', code: 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', re: /<inline>:2: .*phase/ },
    { name: 'disruptive in a link', text: 'SecRule ARGS "@rx a" "id:1,chain"\nSecRule ARGS "@rx b" "deny"', code: 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', re: /<inline>:2: .*disruptive/ },
    { name: 'chain at end of file', text: 'SecRule ARGS "@rx a" "id:1,chain"', code: 'ERR_PORTCULLIS_SECLANG_SYNTAX', re: /<inline>:1: rule has the chain action but no SecRule follows/ },
    { name: 'marker inside a chain', text: 'SecRule ARGS "@rx a" "id:1,chain"\nSecMarker X', code: 'ERR_PORTCULLIS_SECLANG_SYNTAX', re: /<inline>:2: SecMarker found where a SecRule must continue the chain started at <inline>:1/ },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}`, () => throwsCode(() => parseSecLang(c.text), c.code, c.re));
  }
});

describe('SecDefaultAction', () => {
  it('per phase: transformations, log flags and disruptive action are inherited', () => {
    const src = parseSecLang(`SecDefaultAction "phase:1,nolog,auditlog,deny,status:418,t:lowercase"
SecDefaultAction "phase:2,log,noauditlog,pass"
SecRule ARGS "@rx a" "id:1,phase:1,t:trim"
SecRule ARGS "@rx a" "id:2,phase:1,t:none,t:trim,log,block"
SecRule ARGS "@rx a" "id:3,phase:2"
SecRule ARGS "@rx a" "id:4,phase:3"
SecRule ARGS "@rx a" "id:5,phase:1,chain"
  SecRule ARGS "@rx b" "t:urlDecode"`);
    const [r1, r2, r3, r4, r5] = rules(src.entries);
    assert.deepEqual(r1!.transforms, ['lowercase', 'trim']);
    assert.equal(r1!.log, false);
    assert.equal(r1!.auditlog, true);
    assert.equal(r1!.disruptive, 'deny');
    assert.equal(r1!.status, 418);
    assert.deepEqual(r2!.transforms, ['trim'], 't:none drops inherited transformations');
    assert.equal(r2!.log, true);
    assert.equal(r2!.disruptive, 'block', 'block is kept: the engine resolves it');
    assert.equal(r3!.disruptive, 'pass');
    assert.equal(r3!.log, true);
    assert.equal(r3!.auditlog, false);
    assert.equal(r4!.disruptive, 'pass', 'no default for phase 3: pass');
    assert.equal(r4!.log, true);
    assert.deepEqual(r5!.chain!.transforms, ['lowercase', 'urlDecode'], 'links inherit the phase transformations');
    assert.deepEqual(src.directives.defaultActions, { 1: { disruptive: 'deny', status: 418 }, 2: { disruptive: 'pass' } });
  });

  it('applies only to rules after it', () => {
    const src = parseSecLang('SecAction "id:1,phase:2"\nSecDefaultAction "phase:2,deny"\nSecAction "id:2,phase:2"');
    assert.deepEqual(rules(src.entries).map((r) => r.disruptive), ['pass', 'deny']);
  });

  const bad: [string, RegExp][] = [
    ['SecDefaultAction "phase:2,log"', /must specify a disruptive action/],
    ['SecDefaultAction "phase:2,pass,id:5"', /cannot contain id/],
    ['SecDefaultAction "phase:2,pass,msg:x"', /cannot contain msg/],
  ];
  for (const [text, re] of bad) {
    it(`rejects ${text}`, () => throwsCode(() => parseSecLang(text), 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', re));
  }
});

describe('engine directives', () => {
  const cases: { text: string; want: object }[] = [
    { text: 'SecRuleEngine DetectionOnly', want: { ruleEngine: 'DetectionOnly' } },
    { text: 'secruleengine on', want: { ruleEngine: 'On' } },
    { text: 'SecRequestBodyAccess Off', want: { requestBodyAccess: false } },
    { text: 'SecRequestBodyLimit 13107200', want: { requestBodyLimit: 13107200 } },
    { text: 'SecRequestBodyNoFilesLimit 131072', want: { requestBodyNoFilesLimit: 131072 } },
    { text: 'SecRequestBodyLimitAction ProcessPartial', want: { requestBodyLimitAction: 'ProcessPartial' } },
    { text: 'SecRequestBodyJsonDepthLimit 512', want: { requestBodyJsonDepthLimit: 512 } },
    { text: 'SecArgumentsLimit 1000', want: { argumentsLimit: 1000 } },
    { text: 'SecResponseBodyAccess On', want: { responseBodyAccess: true } },
    { text: 'SecResponseBodyMimeType text/plain TEXT/html\nSecResponseBodyMimeType "application/json text/plain"', want: { responseBodyMimeTypes: ['text/plain', 'text/html', 'application/json'] } },
    { text: 'SecResponseBodyMimeType text/plain\nSecResponseBodyMimeTypesClear', want: { responseBodyMimeTypes: [] } },
    { text: 'SecResponseBodyLimit 524288', want: { responseBodyLimit: 524288 } },
    { text: 'SecResponseBodyLimitAction Reject', want: { responseBodyLimitAction: 'Reject' } },
    { text: 'SecComponentSignature "OWASP_CRS/4.29.0-dev"', want: { componentSignatures: ['OWASP_CRS/4.29.0-dev'] } },
  ];
  for (const c of cases) {
    it(c.text.replace(/\n/g, ' / '), () => assert.deepEqual(parseSecLang(c.text).directives, c.want));
  }

  it('accepts and ignores logging/engine internals', () => {
    const text = [
      'SecAuditEngine RelevantOnly', 'SecAuditLog /var/log/a.log', 'SecAuditLogParts ABIJDEFHZ', 'SecAuditLogType Serial',
      'SecAuditLogRelevantStatus "^(?:5|4(?!04))"', 'SecDebugLog /tmp/d.log', 'SecDebugLogLevel 3', 'SecDataDir /tmp/',
      'SecTmpDir /tmp/', 'SecUploadDir /tmp/', 'SecArgumentSeparator &', 'SecCookieFormat 0', 'SecUnicodeMapFile unicode.mapping 20127',
      'SecPcreMatchLimit 100000', 'SecPcreMatchLimitRecursion 100000', 'SecCollectionTimeout 600', 'SecStatusEngine On',
      'SecServerSignature x', 'SecTmpSaveUploadedFiles On', 'SecUploadKeepFiles Off', 'SecXmlExternalEntity Off',
      'SecRequestBodyInMemoryLimit 131072',
    ].join('\n');
    const src = parseSecLang(text);
    assert.deepEqual(src.entries, []);
    assert.deepEqual(src.directives, {});
  });

  const bad: [string, string, RegExp][] = [
    ['SecFrobnicate On', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /<inline>:1: unknown directive "SecFrobnicate"/],
    ['SecRuleEngine Maybe', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /<inline>:1: rule engine must be/],
    ['SecRequestBodyAccess yes', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /must be On or Off/],
    ['SecRequestBodyLimit -1', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /non-negative integer/],
    ['SecRequestBodyLimitAction Drop', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /Reject or ProcessPartial/],
    ['SecRuleEngine On Off', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /takes 1 argument/],
    ['SecRule ARGS', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /SecRule takes 2-3 argument/],
    ['SecRule ARGS "@rx a" "phase:2"', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /rule has no id/],
    ['SecAction "id:1"\nSecAction "id:1"', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /<inline>:2: duplicate rule id 1/],
    ['SecRule NOPE "@rx a" "id:1"', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /<inline>:1: unknown variable "NOPE"/],
    ['SecRule ARGS "@frob a" "id:1"', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /unknown operator @frob/],
    ['SecRule ARGS "@rx a++" "id:1"', 'ERR_PORTCULLIS_REGEX_TRANSLATE', /<inline>:1: cannot translate regex/],
    ['SecRule ARGS "@rx %{tx.x}" "id:1"', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /macros in @rx/],
    ['\n\nSecRule ARGS "@rx a" \\\n  "id:1,\\\n  bogus"', 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /<inline>:3: unknown action "bogus"/],
    ['SecRule ARGS "@rx a" "id:1', 'ERR_PORTCULLIS_SECLANG_SYNTAX', /<inline>:1: missing closing " quote/],
  ];
  for (const [text, code, re] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => throwsCode(() => parseSecLang(text), code, re));
  }

  it('names the file given in options', () => {
    throwsCode(() => parseSecLang('\nSecNope', { file: 'my.conf' }), 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /^my\.conf:2: unknown directive/);
  });
});

describe('configuration-time edits', () => {
  const base = `SecRule ARGS "@rx a" "id:1,phase:2,pass,tag:'t1',msg:'m1'"
SecRule ARGS "@rx b" "id:2,phase:2,pass,tag:'t2',msg:'m2'"
SecRule ARGS "@rx c" "id:50,phase:2,pass,tag:'t1',msg:'m3'"
SecRule ARGS "@rx d" "id:100,phase:2,pass,tag:'t3',chain"
  SecRule REQUEST_HEADERS "@rx e" "t:none"
`;
  const ids = (text: string): number[] => rules(parseSecLang(text).entries).map((r) => r.id);

  const removals: [string, number[]][] = [
    ['SecRuleRemoveById 2', [1, 50, 100]],
    ['SecRuleRemoveById 1-60', [100]],
    ['SecRuleRemoveById 1 "99-100"', [2, 50]],
    ['SecRuleRemoveById 1,2', [50, 100]],
    ['SecRuleRemoveByTag t1', [2, 100]],
    ['SecRuleRemoveByTag t', [1, 2, 50, 100]],
    ['SecRuleRemoveByMsg m2', [1, 50, 100]],
  ];
  for (const [directive, want] of removals) {
    it(directive, () => assert.deepEqual(ids(base + directive), want));
  }

  it('removal affects only earlier rules, and the id can be reused', () => {
    assert.deepEqual(ids(base + 'SecRuleRemoveById 2\nSecRule ARGS "@rx z" "id:2,pass"'), [1, 50, 100, 2]);
  });

  it('SecRuleUpdateTargetById appends exclusions to an earlier rule without mutating it', () => {
    const src = parseSecLang(base + 'SecRuleUpdateTargetById 100 "!ARGS:pw|!REQUEST_COOKIES:/^_ga(?:_\\w+)?$/"\nSecRuleUpdateTargetById 1-2 REQUEST_BODY');
    const rs = rules(src.entries);
    assert.deepEqual(rs.find((r) => r.id === 100)!.targets.map(formatTarget), ['ARGS', '!ARGS:pw', '!REQUEST_COOKIES:/^_ga(?:_\\w+)?$/']);
    assert.equal(rs.find((r) => r.id === 100)!.chain!.targets.length, 1, 'links untouched');
    assert.deepEqual(rs.find((r) => r.id === 1)!.targets.map(formatTarget), ['ARGS', 'REQUEST_BODY']);
    assert.deepEqual(rs.find((r) => r.id === 50)!.targets.map(formatTarget), ['ARGS']);
  });

  it('SecRuleUpdateTargetById does not add a duplicate and can replace a target', () => {
    const src = parseSecLang(base + 'SecRuleUpdateTargetById 1 ARGS\nSecRuleUpdateTargetById 2 ARGS_GET ARGS');
    const rs = rules(src.entries);
    assert.deepEqual(rs[0]!.targets.map(formatTarget), ['ARGS']);
    assert.deepEqual(rs[1]!.targets.map(formatTarget), ['ARGS_GET']);
  });

  it('SecRuleUpdateTargetByTag / ByMsg', () => {
    const src = parseSecLang(base + 'SecRuleUpdateTargetByTag t1 !ARGS:x\nSecRuleUpdateTargetByMsg m2 !ARGS:y');
    assert.deepEqual(rules(src.entries).map((r) => r.targets.map(formatTarget).join('|')), ['ARGS|!ARGS:x', 'ARGS|!ARGS:y', 'ARGS|!ARGS:x', 'ARGS']);
  });

  it('updates do not reach rules defined later', () => {
    const src = parseSecLang('SecRuleUpdateTargetById 1 !ARGS:x\n' + base);
    assert.deepEqual(rules(src.entries)[0]!.targets.map(formatTarget), ['ARGS']);
  });

  it('does not mutate RuleSpec objects it replaces', () => {
    const before = parseSecLang(base);
    const r = rules(before.entries)[0]!;
    Object.freeze(r);
    const after = parseSecLang(base + 'SecRuleUpdateTargetById 1 !ARGS:x');
    assert.deepEqual(r.targets.length, 1);
    assert.equal(rules(after.entries)[0]!.targets.length, 2);
  });

  it('SecRuleUpdateActionById overwrites single actions and appends lists', () => {
    const src = parseSecLang(base + `SecRuleUpdateActionById 1 "deny,status:403,msg:'new',tag:'paranoia-level/2',t:lowercase,nolog"
SecRuleUpdateActionById 100:1 "t:none,t:trim,setvar:tx.z=1"`);
    const rs = rules(src.entries);
    const r1 = rs[0]!;
    assert.equal(r1.disruptive, 'deny');
    assert.equal(r1.status, 403);
    assert.equal(r1.msg, 'new');
    assert.deepEqual(r1.tags, ['t1', 'paranoia-level/2']);
    assert.equal(r1.paranoiaLevel, 2);
    assert.deepEqual(r1.transforms, ['lowercase']);
    assert.equal(r1.log, false);
    const link = rs[3]!.chain!;
    assert.deepEqual(link.transforms, ['trim']);
    assert.deepEqual(link.setvars, [{ collection: 'TX', name: 'z', op: '=', value: '1' }]);
  });

  const bad: [string, RegExp][] = [
    ['SecRuleUpdateActionById 1 "id:5"', /cannot change id or phase/],
    ['SecRuleUpdateActionById x "pass"', /RULEID\[:offset\]/],
    ['SecRuleUpdateActionById 100:1 "deny"', /chained rule cannot have a disruptive/],
    ['SecRuleUpdateActionById 1:3 "pass"', /no chained rule at that offset/],
    ['SecRuleRemoveById abc', /bad rule id/],
    ['SecRuleUpdateTargetById 1', /takes 2-3 argument/],
    ['SecRuleUpdateTargetById 1 NOPE', /unknown variable/],
  ];
  for (const [directive, re] of bad) {
    it(`rejects ${directive}`, () => throwsCode(() => parseSecLang(base + directive), 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', new RegExp(`<inline>:6: .*${re.source}`)));
  }
});

describe('Include and loadSecLangFiles', () => {
  const files = {
    '/w/main.conf': 'SecAction "id:1,pass"\nInclude sub/*.conf\nInclude "other.conf"\nSecRuleUpdateTargetById 20 !ARGS:x',
    '/w/sub/b.conf': 'SecAction "id:20,pass"',
    '/w/sub/a.conf': 'SecRule ARGS "@pmFromFile list.data" "id:10,pass"',
    '/w/sub/.hidden.conf': 'SecNope',
    '/w/sub/c.txt': 'SecNope',
    '/w/other.conf': 'SecMarker END',
  };
  const fs = memFs(files);

  it('Include resolves relative to the including file, expands globs in lexical order', () => {
    const src = loadSecLangFiles('/w/main.conf', fs);
    assert.deepEqual(src.entries.map((e) => (isMarker(e) ? e.marker : e.id)), [1, 10, 20, 'END']);
    const r10 = rules(src.entries).find((r) => r.id === 10)!;
    assert.equal(r10.operator.param, '/w/sub/list.data');
    assert.deepEqual(r10.source, { file: '/w/sub/a.conf', line: 1 });
    assert.deepEqual(rules(src.entries).find((r) => r.id === 20)!.targets.map(formatTarget), ['!ARGS:x']);
    assert.equal(src.baseDir, '/w');
  });

  it('loadSecLangFiles takes a list with globs, later files update earlier rules', () => {
    const src = loadSecLangFiles(['/w/sub/*.conf', '/w/other.conf'], fs);
    assert.deepEqual(src.entries.map((e) => (isMarker(e) ? e.marker : e.id)), [10, 20, 'END']);
  });

  it('parseSecLang with baseDir resolves Include', () => {
    const src = parseSecLang('Include other.conf', { baseDir: '/w', ...fs });
    assert.deepEqual(src.entries, [{ marker: 'END' }]);
  });

  it('a missing include names the including file and line', () => {
    throwsCode(() => parseSecLang('\nInclude nope.conf', { file: '/w/x.conf', ...fs }), 'ERR_PORTCULLIS_SECLANG_INCLUDE', /^\/w\/x\.conf:2: cannot read "\/w\/nope\.conf"/);
  });

  it('a glob matching nothing is an error for Include, not for IncludeOptional', () => {
    throwsCode(() => parseSecLang('Include none/*.conf', { baseDir: '/w', ...fs }), 'ERR_PORTCULLIS_SECLANG_INCLUDE', /no files match/);
    assert.deepEqual(parseSecLang('IncludeOptional none/*.conf\nIncludeOptional nope.conf', { baseDir: '/w', ...fs }).entries, []);
  });

  it('a missing file in the list is an include error', () => {
    throwsCode(() => loadSecLangFiles(['/w/missing.conf'], fs), 'ERR_PORTCULLIS_SECLANG_INCLUDE', /cannot read "\/w\/missing\.conf"/);
  });

  it('errors inside an included file name that file', () => {
    const f2 = memFs({ '/a/main.conf': 'Include bad.conf', '/a/bad.conf': '\n\nSecRule ARGS "@rx a" "id:1,wat"' });
    throwsCode(() => loadSecLangFiles('/a/main.conf', f2), 'ERR_PORTCULLIS_SECLANG_DIRECTIVE', /^\/a\/bad\.conf:3: unknown action "wat"/);
  });

  it('Include nesting is limited to 16 levels', () => {
    const chain: Record<string, string> = {};
    for (let i = 0; i < 16; i++) chain[`/d/${i}.conf`] = `Include ${i + 1}.conf`;
    chain['/d/16.conf'] = 'SecAction "id:1,pass"';
    assert.equal(loadSecLangFiles('/d/0.conf', memFs(chain)).entries.length, 1);
    chain['/d/16.conf'] = 'Include 17.conf';
    chain['/d/17.conf'] = 'SecAction "id:1,pass"';
    throwsCode(() => loadSecLangFiles('/d/0.conf', memFs(chain)), 'ERR_PORTCULLIS_SECLANG_INCLUDE', /^\/d\/16\.conf:1: Include nesting deeper than 16/);
  });

  it('a self-include loop stops at the depth limit', () => {
    throwsCode(() => loadSecLangFiles('/l/x.conf', memFs({ '/l/x.conf': 'Include x.conf' })), 'ERR_PORTCULLIS_SECLANG_INCLUDE', /nesting deeper/);
  });

  it('a chain cannot continue into another file', () => {
    const f3 = memFs({ '/c/a.conf': 'SecRule ARGS "@rx a" "id:1,chain"', '/c/b.conf': 'SecRule ARGS "@rx b"' });
    throwsCode(() => loadSecLangFiles(['/c/a.conf', '/c/b.conf'], f3), 'ERR_PORTCULLIS_SECLANG_SYNTAX', /^\/c\/a\.conf:1: rule has the chain action/);
  });
});

describe('text encoding', () => {
  it('non-Latin-1 text becomes UTF-8 bytes; a BOM is dropped', () => {
    const r = rule('\ufeffSecRule ARGS "@rx ①" "id:1,pass"', 1);
    const re = new RegExp(r.operator.param, r.operator.flags);
    assert.ok(re.test(Buffer.from('x①', 'utf8').toString('latin1')));
  });
});

describe('hostile input', () => {
  it('random text either parses or throws a PortcullisError', async () => {
    const fc = await import('fast-check');
    const alphabet = fc.constantFrom(...'SecRule SecAction SecMarker Include ARGS "@rx (?i)[a-z]\\x{41} id:1,phase:2,chain,block,t:none msg:\' \\\n#|!&:/,'.split(''));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 200 }).map((a) => a.join('')), (text) => {
      try {
        parseSecLang(text, { readFile: () => { throw new Error('no fs'); }, listDir: () => [] });
      } catch (e) {
        if (!(e instanceof PortcullisError)) throw e;
      }
    }), { numRuns: 300, seed: 42 });
  });

  it('a 2 MB rule file of repeated rules parses in linear time', () => {
    const line = 'SecRule ARGS|REQUEST_HEADERS:User-Agent "@rx (?i)a\\x{41}[b-d]\\s" "id:ID,phase:2,block,t:none,msg:\'m, n\',tag:\'x\'"\n';
    const text = Array.from({ length: 15_000 }, (_, i) => line.replace('ID', String(i + 1))).join('');
    const t0 = Date.now();
    assert.equal(parseSecLang(text).entries.length, 15_000);
    assert.ok(Date.now() - t0 < 8000);
  });
});
