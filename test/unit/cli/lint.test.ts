import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatLint, lintRules, type LintFinding } from '../../../src/cli/lint.js';
import { resolveOptions } from '../../../src/options.js';

let dir = '';
const files: Record<string, string> = {
  'a.conf': [
    '# markers',
    `SecRule ARGS "@rx foo" "id:1001,phase:2,pass,log,msg:'foo'"`,
    'SecRule ARGS "@rx bar" "id:1002,phase:2,pass,log,skipAfter:END-A"',
    'SecRule ARGS "@rx baz" "id:1003,phase:2,pass,log,skipAfter:NOWHERE"',
    'SecMarker END-A',
    'SecMarker "UNUSED"',
    'SecRule ARGS "@rx back" "id:1004,phase:2,pass,log,skipAfter:END-A"',
  ].join('\n'),
  'b.conf': 'SecRule ARGS "@rx dup" "id:1001,phase:2,pass,log"\n',
  'c.conf': 'SecRule ARGS "@rx ok" "id:1006,phase:2,pass,log"\n\nSecBogusDirective on\n',
  'd.conf': 'SecRule ARGS "@rx ^(a+)+$" "id:1007,phase:2,pass,log"\nSecRule ARGS "@rx ^[a-z]+\\d+$" "id:1008,phase:2,pass,log"\n',
  'e.conf': 'SecRule REMOTE_ADDR "@ipMatch 10.0.0.300" "id:1009,phase:1,pass,log"\nSecRule ARGS "@pmFromFile missing.data" "id:1010,phase:2,pass,log"\nSecRule ARGS "@rx fine" "id:1011,phase:2,pass,log"\n',
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-lint-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const config = (names: string[]) => resolveOptions({ rules: { defaults: false, seclangBase: false, seclang: names.map((n) => join(dir, n)) } });
const brief = (f: LintFinding): string => `${f.file?.slice(dir.length + 1)}:${f.line} ${f.severity} ${f.code}${f.ruleId ? ` ${f.ruleId}` : ''}`;
const noRedos = { json: false, redos: false, redosTimeoutMs: 1000, strict: false, verbose: false };

describe('portcullis lint', () => {
  it('reports every problem with file:line: missing, unused and backward markers; one bad file does not hide the others', async () => {
    const r = await lintRules(config(['a.conf', 'b.conf', 'c.conf', 'e.conf']), noRedos);
    assert.deepEqual(r.findings.map(brief), [
      'a.conf:4 error missing-marker 1003',
      'a.conf:6 warning unused-marker',
      'a.conf:7 warning backward-skip 1004',
      'b.conf:1 error parse',
      'c.conf:3 error parse',
      'e.conf:1 error compile 1009',
      'e.conf:2 error compile 1010',
    ]);
    assert.match(r.findings[3]!.message, /duplicate rule id 1001/);
    assert.match(r.findings[4]!.message, /unknown directive "SecBogusDirective"/);
    assert.match(r.findings[5]!.message, /10\.0\.0\.300/);
    assert.match(r.findings[6]!.message, /missing\.data/);
    assert.equal(r.errors, 5);
    assert.equal(r.warnings, 2);
    assert.match(formatLint(r), /a\.conf:4: error \[missing-marker\] rule 1003: skipAfter:NOWHERE names no SecMarker/);
  });

  it('duplicate ids across the default ruleset and rule files', async () => {
    const r = await lintRules(resolveOptions({ rules: { defaults: true, custom: [{ id: 101000, targets: 'ARGS', operator: '@rx x' }] } }), noRedos);
    assert.ok(r.findings.some((f) => f.code === 'duplicate-id' && f.ruleId === 101000), JSON.stringify(r.findings));
  });

  it('finds regexes that backtrack badly on hostile input (recheck, with a time budget)', async () => {
    const r = await lintRules(config(['d.conf']), { ...noRedos, redos: true });
    assert.deepEqual(r.findings.map(brief), ['d.conf:1 error slow-regex 1007']);
    assert.match(r.findings[0]!.message, /exponential.*e\.g\. "a+/);
  });

  it('the default ruleset lints clean of errors', async () => {
    const r = await lintRules(resolveOptions({}), noRedos);
    assert.equal(r.errors, 0, JSON.stringify(r.findings.filter((f) => f.severity === 'error')));
    assert.ok(r.rules > 50);
  });
});
