import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

// The real command, as a process: `tsx src/cli/main.ts` (the built bin is run by package.test.ts).
const root = new URL('../../', import.meta.url).pathname;
const main = join(root, 'src/cli/main.ts');
const tsx = join(root, 'node_modules/.bin/tsx');
let dir = '';

before(() => { dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-e2e-')); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** Runs runCli in a child process (optionally with a V8 heap cap) and reports its exit code, output and peak RSS (KiB). */
function runMeasured(args: string[], heapCapMb?: number): Promise<{ code: number; out: string; err: string; maxRssKb: number }> {
  const script = `
    const { runCli } = await import(${JSON.stringify(join(root, 'src/cli/run.ts'))});
    const code = await runCli(${JSON.stringify(args)}, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() });
    process.stderr.write('\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n');
    process.exitCode = code;`;
  const child = spawn(process.execPath, [...(heapCapMb ? [`--max-old-space-size=${heapCapMb}`] : []), '--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  child.stderr.on('data', (c: Buffer) => { err += c.toString('utf8'); });
  return once(child, 'close').then(([code]) => {
    const m = /MAXRSS (\d+)/.exec(err);
    return { code: code as number, out, err, maxRssKb: m ? Number(m[1]) : NaN };
  });
}

async function writeLog(path: string, lines: number, line: (i: number) => string, tail = ''): Promise<void> {
  const s = createWriteStream(path);
  for (let i = 0; i < lines; i++) if (!s.write(line(i))) await once(s, 'drain');
  s.end(tail);
  await once(s, 'finish');
}

describe('portcullis command (processes)', () => {
  it('replay streams: a 200 MB file under a 64 MiB heap cap, peak RSS below the file size', async () => {
    const file = join(dir, 'large.log');
    // ~150 MB of requests plus one 64 MiB line without a newline at the end (a broken line).
    const pad = 'x'.repeat(120);
    await writeLog(file, 700_000, (i) => `10.0.${(i >> 8) & 3}.${i & 255} - - [10/Oct/2026:13:55:36 +0000] "GET /p/${i}?q=${pad} HTTP/1.1" 200 5 "-" "agent"\n`, 'y'.repeat(64 * 1024 * 1024));
    const size = statSync(file).size;
    assert.ok(size > 200 * 1024 * 1024);
    writeFileSync(join(dir, 'norules.json'), JSON.stringify({ rules: { defaults: false } }));
    // No rules: this measures the reading, parsing and report side, which is what must stay bounded. The V8 heap is
    // capped at 64 MiB: holding the file (or any per-line state) would run out of memory.
    const r = await runMeasured(['replay', file, '--config', 'norules.json', '--format', 'json', '--ignore-broken'], 64);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.requests, 700_000);
    assert.equal(report.broken, 1);
    assert.equal(report.brokenExamples[0].line, 700_001);
    assert.equal(report.distinctIps, 1024);
    assert.ok(r.maxRssKb * 1024 < size, `peak RSS ${Math.round(r.maxRssKb / 1024)} MiB for a ${Math.round(size / 1048576)} MiB file`);
  });

  it('replay with the default rules: report and exit codes', async () => {
    const file = join(dir, 'mixed.log');
    await writeLog(file, 3000, (i) => {
      const attack = i % 10 === 0;
      const url = attack ? "/search?q=1'%20or%20'1'='1" : `/products/${i}?page=2`;
      return `198.51.100.${attack ? 66 : i % 50} - - [10/Oct/2026:13:55:36 +0000] "GET ${url} HTTP/1.1" 200 5 "-" "Mozilla/5.0"\n`;
    });
    const r = await runMeasured(['replay', file, '--format', 'json', '--top', '2'], 64);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.requests, 3000);
    assert.equal(report.wouldBlock, 300);
    assert.deepEqual(report.topOffenders.map((x: { ip: string; blocked: number }) => [x.ip, x.blocked]), [['198.51.100.66', 300]]);
    const failing = await runMeasured(['replay', file, '--fail-on-block']);
    assert.equal(failing.code, 1);
    assert.match(failing.out, /would block\s+300\s+10\.00%/);
  });

  it('a progress bar on a terminal only', { skip: existsSync('/usr/bin/script') ? false : 'no script(1) to give the command a terminal' }, () => {
    const file = join(dir, 'tty.log');
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `10.0.0.1 - - [t] "GET /${i} HTTP/1.1" 200 1 "-" "-"`).join('\n'));
    const cmd = `${tsx} ${main} replay ${file} --samples 0 >/dev/null`;
    const onTty = spawnSync('/usr/bin/script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    assert.match(onTty.stdout, /replay \[/);
    const piped = spawnSync(tsx, [main, 'replay', file, '--samples', '0'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(piped.status, 0);
    assert.doesNotMatch(piped.stderr, /replay \[/);
  });

  it('test and lint as processes: exit codes 0/1/2', () => {
    const conf = join(dir, 'r.conf');
    writeFileSync(conf, 'SecRule ARGS:a "@streq evil" "id:9100,phase:1,deny,status:403,msg:\'evil\'"\n');
    const ok = execFileSync(tsx, [main, 'test', conf, '--request', 'GET /?a=evil'], { encoding: 'utf8' });
    assert.match(ok, /rule 9100[\s\S]*BLOCK \(403\)/);
    const fail = spawnSync(tsx, [main, 'test', conf, '--request', 'GET /?a=evil', '--fail-on-block'], { encoding: 'utf8' });
    assert.equal(fail.status, 1);
    const lintOk = spawnSync(tsx, [main, 'lint', conf], { encoding: 'utf8' });
    assert.equal(lintOk.status, 0, lintOk.stdout + lintOk.stderr);
    const usage = spawnSync(tsx, [main, 'replay'], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^portcullis: replay takes one log file/);
  });
});
