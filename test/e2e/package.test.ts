import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

// Builds the package with tsup and consumes it from a separate folder as a user would:
// ESM import, CJS require, and the type declarations through tsc.
const root = new URL('../../', import.meta.url).pathname;
let dir = '';

before(() => {
  execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'pipe', timeout: 120_000 });
  dir = mkdtempSync(join(tmpdir(), 'portcullis-pkg-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'portcullis'), 'dir');
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const probe = `
  const w = m.portcullis();
  w.inspect({ method: 'GET', url: "/?q=1'%20or%20'1'='1" }).then((r) => {
    console.log(JSON.stringify({ type: typeof m.portcullis, action: r.action, err: typeof m.PortcullisError }));
  });`;

test('import from the built ESM entry', () => {
  writeFileSync(join(dir, 'esm.mjs'), `import * as m from 'portcullis';${probe}`);
  const out = JSON.parse(execFileSync(process.execPath, ['esm.mjs'], { cwd: dir, encoding: 'utf8' }));
  assert.deepEqual(out, { type: 'function', action: 'block', err: 'function' });
});

test('require from the built CJS entry', () => {
  writeFileSync(join(dir, 'cjs.cjs'), `const m = require('portcullis');${probe}`);
  const out = JSON.parse(execFileSync(process.execPath, ['cjs.cjs'], { cwd: dir, encoding: 'utf8' }));
  assert.deepEqual(out, { type: 'function', action: 'block', err: 'function' });
});

test('type declarations type-check a consumer (and reject misuse)', () => {
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  writeFileSync(join(dir, 'ok.ts'), `import { portcullis, type Alert } from 'portcullis';
const waf = portcullis({ mode: 'detect', paranoia: 2, exclusions: [{ ids: [1], when: { path: '/x' } }] });
waf.on('alert', (a: Alert) => { const n: number = a.score; void n; });
export { waf };\n`);
  writeFileSync(join(dir, 'bad.ts'), `import { portcullis } from 'portcullis';\nportcullis({ mode: 'deny' });\n`);
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(root, 'node_modules/@types')];
  execFileSync(tsc, [...args, 'ok.ts'], { cwd: dir, encoding: 'utf8' });
  assert.throws(() => execFileSync(tsc, [...args, 'bad.ts'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' }), (err: { stdout?: string }) => {
    assert.match(String(err.stdout), /bad\.ts\(2,\d+\).*"deny"/);
    return true;
  });
});

test('the built "portcullis" bin runs (test and replay commands, exit codes)', () => {
  const pkg = JSON.parse(execFileSync(process.execPath, ['-p', 'JSON.stringify(require("portcullis/package.json").bin)'], { cwd: dir, encoding: 'utf8' }));
  const bin = join(dir, 'node_modules', 'portcullis', pkg.portcullis);
  const out = execFileSync(bin, ['test', '--request', "GET /?q=1'%20or%20'1'='1", '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  const report = JSON.parse(out);
  assert.equal(report.action, 'block');
  assert.ok(report.matches.some((m: { target: string }) => m.target === 'ARGS:q'));
  writeFileSync(join(dir, 'access.log'), '10.1.1.1 - - [10/Oct/2026:13:55:36 +0000] "GET /?q=1\'%20or%20\'1\'=\'1 HTTP/1.1" 200 5 "-" "x"\n');
  assert.throws(() => execFileSync(bin, ['replay', 'access.log', '--fail-on-block'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' }), (err: { status?: number; stdout?: string }) => {
    assert.equal(err.status, 1);
    assert.match(String(err.stdout), /would block\s+1/);
    return true;
  });
});
