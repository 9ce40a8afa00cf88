import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../src/cli/run.js';

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  stderr.on('data', (c: Buffer) => { err += c.toString('utf8'); });
  const code = await runCli(args, { stdout, stderr, stdin: Readable.from([Buffer.from(stdin)]), cwd: dir });
  return { code, out, err };
}

const SQLI = "/search?q=1'%20or%20'1'='1";
const combined = (ip: string, target: string, ua = 'Mozilla/5.0'): string => `${ip} - - [10/Oct/2026:13:55:36 +0000] "GET ${target} HTTP/1.1" 200 12 "-" "${ua}"`;

describe('portcullis command line', () => {
  it('usage and argument errors exit 2 with one clear message', async () => {
    assert.equal((await cli([])).code, 2);
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Exit codes/);
    for (const [args, msg] of [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['replay'], /replay takes one log file/],
      [['replay', 'a.log', '--bogus'], /Unknown option '--bogus'/],
      [['replay', 'a.log', '--input-format', 'csv'], /--input-format must be one of/],
      [['replay', '-'], /stdin needs --input-format/],
      [['replay', 'nope.log'], /cannot read nope\.log/],
      [['replay', 'a.log', '--top', '0'], /--top must be an integer/],
      [['test', '--format', 'xml', '--request', 'GET /'], /--format must be text or json/],
      [['test'], /--request "GET \/path\?x=1" or --request-file/],
      [['test', 'missing.conf', '--request', 'GET /'], /invalid configuration.*missing\.conf/],
      [['lint', 'missing.conf'], /cannot read .*missing\.conf/],
    ] as const) {
      const r = await cli([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, msg);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
  });

  it('--config: JSON, or a module exporting "config" or a default, validated like portcullis()', async () => {
    const log = file('one.log', `${combined('10.0.0.1', SQLI)}\n`);
    file('detect.json', JSON.stringify({ mode: 'detect' }));
    file('named.mjs', 'export const config = { mode: "detect", threshold: 100 };\n');
    file('default.mjs', 'export default { paranoia: 2 };\n');
    file("typo.json", JSON.stringify({ Mode: "detect" }));
    file('broken.json', '{ "mode": ');
    file('array.json', '[]');
    const json = JSON.parse((await cli(['replay', log, '--config', 'detect.json', '--format', 'json'])).out);
    assert.equal(json.mode, 'detect');
    assert.equal(json.wouldBlock, 1);
    const named = JSON.parse((await cli(['replay', log, '--config', 'named.mjs', '--format', 'json'])).out);
    assert.equal(named.wouldBlock, 0, 'threshold 100 from the module');
    assert.equal(named.matchedOnly, 1);
    assert.equal(JSON.parse((await cli(['replay', log, '--config', 'default.mjs', '--format', 'json'])).out).mode, 'block');
    const typo = await cli(['replay', log, '--config', 'typo.json']);
    assert.equal(typo.code, 2);
    assert.match(typo.err, /unknown option "Mode" \(did you mean "mode"\?\).*ERR_PORTCULLIS_OPTION_UNKNOWN/);
    assert.match((await cli(['replay', log, '--config', 'broken.json'])).err, /not valid JSON/);
    assert.match((await cli(['replay', log, '--config', 'array.json'])).err, /must hold an options object/);
    assert.match((await cli(['replay', log, '--config', 'x.yaml'])).err, /use a \.json, \.js, \.mjs or \.cjs file/);
  });

  it('replay: combined, JSON lines, HAR and gzip give the same decisions; text and JSON reports', async () => {
    const lines = [combined('10.0.0.1', '/ok'), combined('10.0.0.2', SQLI), combined('10.0.0.2', '/x', 'sqlmap/1.7'), combined('10.0.0.3', '/?f=../../etc/passwd')];
    const log = file('access.log', `${lines.join('\n')}\n`);
    const gz = file('access.log.gz', gzipSync(`${lines.join('\n')}\n`));
    const jsonl = file('reqs.jsonl', [
      { url: '/ok', ip: '10.0.0.1' }, { url: SQLI, ip: '10.0.0.2' }, { url: '/x', ip: '10.0.0.2', headers: { 'user-agent': 'sqlmap/1.7' } }, { url: '/?f=../../etc/passwd', ip: '10.0.0.3' },
    ].map((o) => JSON.stringify(o)).join('\n'));
    const har = file('site.har', JSON.stringify({ log: { version: '1.2', entries: ['/ok', SQLI, '/x', '/?f=../../etc/passwd'].map((u, i) => ({ request: { method: 'GET', url: `http://shop.test${u}`, httpVersion: 'HTTP/1.1', headers: i === 2 ? [{ name: 'User-Agent', value: 'sqlmap/1.7' }] : [] } })) } }));
    const reports = [];
    for (const f of [log, gz, jsonl, har]) {
      const r = await cli(['replay', f, '--format', 'json']);
      assert.equal(r.code, 0, r.err);
      reports.push(JSON.parse(r.out));
    }
    assert.deepEqual(reports.map((r) => r.format), ['combined', 'combined', 'jsonl', 'har']);
    for (const r of reports) {
      assert.equal(r.requests, 4);
      assert.equal(r.wouldBlock, 3);
      assert.equal(r.broken, 0);
      assert.ok(r.byRule.some((x: { id: number }) => x.id === 112000), 'scanner rule');
    }
    assert.deepEqual(reports[0].topOffenders.map((x: { ip: string; blocked: number }) => [x.ip, x.blocked]), [['10.0.0.2', 2], ['10.0.0.3', 1]]);
    const text = await cli(['replay', log]);
    assert.match(text.out, /requests\s+4\n\s+would block\s+3\s+75\.00%/);
    assert.match(text.out, /Top offenders[\s\S]*10\.0\.0\.2\s+2\s+2\s+2/);
    assert.match(text.out, /Sample of matched requests/);
    assert.equal(text.err, '', 'no progress bar when stderr is not a terminal');
    const stdin = await cli(['replay', '-', '--input-format', 'combined', '--format', 'json'], `${lines.join('\n')}\n`);
    assert.equal(JSON.parse(stdin.out).wouldBlock, 3);
  });

  it('replay: broken lines are counted (exit 3, or 0 with --ignore-broken); all broken or unknown format exits 2; --fail-on-block exits 1', async () => {
    const mixed = file('mixed.log', `${combined('10.0.0.1', '/ok')}\nnot a log line\n${'z'.repeat(2 * 1024 * 1024)}\n${combined('10.0.0.1', '/fine')}\n`);
    const r = await cli(['replay', mixed, '--format', 'json', '--input-format', 'combined']);
    assert.equal(r.code, 3);
    const rep = JSON.parse(r.out);
    assert.equal(rep.requests, 2);
    assert.equal(rep.broken, 2);
    assert.deepEqual(rep.brokenExamples.map((b: { line: number }) => b.line), [2, 3]);
    assert.match(r.err, /2 line\(s\) could not be read/);
    assert.equal((await cli(['replay', mixed, '--input-format', 'combined', '--ignore-broken'])).code, 0);
    const allBad = file('bad.log', 'nope\nnope\n');
    const bad = await cli(['replay', allBad, '--input-format', 'combined']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /no line .* could be read as combined/);
    const unknown = await cli(['replay', allBad]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /cannot tell the format .* use --input-format combined\|jsonl\|har/);
    assert.match((await cli(['replay', file('empty.log', '')])).err, /it is empty/);
    const badHar = await cli(['replay', file('trunc.har', '{"log":{"entries":[{"request":{')]);
    assert.equal(badHar.code, 2);
    assert.match(badHar.err, /ends in the middle/);
    const attack = file('attack.log', `${combined('10.0.0.9', SQLI)}\n`);
    assert.equal((await cli(['replay', attack, '--fail-on-block'])).code, 1);
    assert.equal((await cli(['replay', attack])).code, 0);
  });

  it('test: every match with target, transformations, transformed value, points and the decision', async () => {
    const conf = file('site.conf', [
      'SecRule ARGS:user "@rx (?i)^admin$" "id:5001,phase:2,deny,status:403,t:none,t:urlDecodeUni,t:lowercase,msg:\'admin login\',severity:CRITICAL"',
      'SecRule REQUEST_HEADERS:X-Debug "@streq 1" "id:5002,phase:1,pass,log,msg:\'debug header\',setvar:tx.inbound_anomaly_score_pl1=+2"',
    ].join('\n'));
    const r = await cli(['test', conf, '--request', 'POST /login', '--body', 'user=%41DMIN&pw=x', '-H', 'X-Debug: 1', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const t = JSON.parse(r.out);
    assert.equal(t.action, 'block');
    assert.equal(t.status, 403);
    const m = t.matches.find((x: { id: number }) => x.id === 5001);
    assert.deepEqual([m.target, m.value, m.transforms, m.source], ['ARGS:user', 'admin', ['urlDecodeUni', 'lowercase'], `${conf}:1`]);
    const d = t.matches.find((x: { id: number }) => x.id === 5002);
    assert.equal(d.score, 2);
    const text = await cli(['test', conf, '--request', 'POST /login', '--body', 'user=%41DMIN', '--fail-on-block']);
    assert.equal(text.code, 1);
    assert.match(text.out, /rule 5001 .*\n  message     admin login\n  target      ARGS:user\n  transforms  urlDecodeUni, lowercase\n  value       "admin"  \(after transformations\)/);
    assert.match(text.out, /BLOCK \(403\)/);
    const pass = await cli(['test', conf, '--request', 'GET /?user=bob']);
    assert.equal(pass.code, 0);
    assert.match(pass.out, /No rule matched[\s\S]*PASS \(no rule matched\)/);
  });

  it('test: a raw request file and a body file; the default rules without rule arguments', async () => {
    const raw = file('req.http', 'POST /api/items HTTP/1.1\r\nHost: shop.test\r\nContent-Type: application/json\r\n\r\n{"name":"<script>alert(1)</script>"}');
    const r = JSON.parse((await cli(['test', '--request-file', raw, '--format', 'json'])).out);
    assert.equal(r.action, 'block');
    assert.ok(r.matches.some((m: { target: string }) => m.target === 'ARGS:json.name'), JSON.stringify(r.matches.map((m: { target: string }) => m.target)));
    file('body.txt', 'q=1%27%20or%20%271%27%3D%271');
    const b = JSON.parse((await cli(['test', '--request', 'POST /s', '--body', '@body.txt', '--format', 'json'])).out);
    assert.equal(b.action, 'block');
    assert.match((await cli(['test', '--request', 'POST /s', '--body', '@nope.txt'])).err, /cannot read body file .*nope\.txt: ENOENT/);
  });

  it('lint: exit 1 on errors, 0 when clean (warnings only fail with --strict)', async () => {
    const good = file('good.conf', 'SecRule ARGS "@rx ^[a-z]+$" "id:7001,phase:2,pass,log,skipAfter:END"\nSecMarker END\nSecMarker SPARE\n');
    const bad = file('bad.conf', 'SecRule ARGS "@rx ^(a|a)*$" "id:7002,phase:2,pass,log"\n');
    const ok = await cli(['lint', good]);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /warning \[unused-marker\] SecMarker SPARE/);
    assert.equal((await cli(['lint', good, '--strict'])).code, 1);
    const r = await cli(['lint', bad, '--format', 'json']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.out).findings[0].code, 'slow-regex');
    assert.equal((await cli(['lint', bad, '--no-redos'])).code, 0);
  });
});
