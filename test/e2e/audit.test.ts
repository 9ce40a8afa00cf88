import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import express from 'express';
import { auditLog } from '../../src/alerts/audit-log.js';
import type { PortcullisError } from '../../src/errors.js';
import { portcullis, type Portcullis } from '../../src/portcullis.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-audit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function appWith(waf: Portcullis): Promise<{ base: string; stop: () => Promise<void> }> {
  const app = express();
  app.use(waf);
  app.use(express.json());
  app.use((_req, res) => { res.send('ok'); });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); },
  };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);

test('one redacted JSON line per alerting or blocked transaction; waf.close() flushes every accepted record', async () => {
  const file = join(dir, 'audit.jsonl');
  const waf = portcullis({ threshold: 10 });
  const log = auditLog(waf, { file });
  const { base, stop } = await appWith(waf);
  const N = 60;
  const statuses = await Promise.all(Array.from({ length: N }, (_, i) => fetch(`${base}/login?password=hunter2&i=${i}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sekrit-value-123', cookie: 'sid=abcdef', 'x-request-n': String(i) },
    body: JSON.stringify({ user: i % 2 ? "x' or '1'='1" : '<script>alert(1)</script>', password: 'hunter2', profile: { apiKey: 'AKIA-123' } }),
  }).then((r) => r.status)));
  assert.ok(statuses.every((s) => s === 403));
  await fetch(`${base}/fine`); // clean: no record
  await fetch(`${base}/?a=../x`); // one match, below threshold 10: an alert with action pass
  await stop();
  await waf.close();
  const recs = lines(file);
  assert.equal(recs.length, N + 1);
  assert.equal(log.written, N + 1);
  assert.equal(log.dropped, 0);
  assert.equal(new Set(recs.map((r) => r.incidentId)).size, N + 1, 'one record per transaction (alert + block are one)');
  const text = readFileSync(file, 'utf8');
  for (const secret of ['hunter2', 'sekrit-value', 'abcdef', 'AKIA-123']) assert.ok(!text.includes(secret), `${secret} leaked`);
  const r = recs.find((x) => x.request.headers.some(([k, v]: [string, string]) => k === 'x-request-n' && v === '1'))!;
  assert.equal(r.v, 1);
  assert.equal(r.action, 'block');
  assert.equal(r.status, 403);
  assert.equal(r.client.ip, '127.0.0.1');
  assert.match(r.request.line, /^POST \/login\?password=\[redacted\]&i=1 HTTP\/1\.1$/);
  assert.equal(r.request.body.encoding, 'utf8');
  assert.deepEqual(JSON.parse(r.request.body.excerpt), { user: "x' or '1'='1", password: '[redacted]', profile: { apiKey: '[redacted]' } });
  assert.ok(r.matches.length > 0 && r.matches.every((m: any) => typeof m.id === 'number' && typeof m.message === 'string'));
  assert.ok(r.score >= 10);
  assert.equal(r.rulesVersion, waf.rulesVersion);
  assert.equal(new Map(r.request.headers).get('authorization'), '[redacted]');
  const pass = recs.find((x) => x.action === 'pass')!;
  assert.equal(pass.status, null);
});

test('bodies are bounded: a large body keeps only the excerpt, marked truncated', async () => {
  const file = join(dir, 'big.jsonl');
  const waf = portcullis();
  auditLog(waf, { file, bodyBytes: 1000 });
  const body = `q=${encodeURIComponent('<script>alert(1)</script>')}&pad=${'z'.repeat(200_000)}`;
  await waf.inspect({ method: 'POST', url: '/c', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  await waf.close();
  const [rec] = lines(file);
  assert.equal(rec!.request.body.length, body.length);
  assert.equal(rec!.request.body.truncated, true);
  assert.ok(rec!.request.body.excerpt.length <= 1000);
});

test('a full disk: the WAF keeps serving, an error event is emitted, losses are counted', async () => {
  const waf = portcullis();
  const errors: PortcullisError[] = [];
  waf.on('error', (e) => errors.push(e as PortcullisError));
  const log = auditLog(waf, { file: '/dev/full', maxBytes: 0 });
  const { base, stop } = await appWith(waf);
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await fetch(`${base}/?q=${encodeURIComponent("1' or '1'='1")}`)).status);
  statuses.push((await fetch(`${base}/fine`)).status);
  await log.flush();
  assert.deepEqual(statuses, [403, 403, 403, 403, 403, 200]);
  assert.ok(errors.length >= 1);
  assert.equal(errors[0]!.code, 'ERR_PORTCULLIS_AUDIT_WRITE');
  assert.match(errors[0]!.message, /ENOSPC|no space/i);
  assert.equal(log.written, 0);
  assert.equal(log.dropped, 5);
  await stop();
  await waf.close();
});

test('a path that cannot be opened reports an error and the requests still get answers', async () => {
  const waf = portcullis();
  const errors: PortcullisError[] = [];
  waf.on('error', (e) => errors.push(e as PortcullisError));
  auditLog(waf, { file: join(dir, 'no-such-folder', 'audit.jsonl') });
  const r = await waf.inspect({ method: 'GET', url: '/?q=%3Cscript%3Ealert(1)%3C/script%3E' });
  assert.equal(r.action, 'block');
  await waf.close();
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /ENOENT/);
});

test('a full queue drops records, counts them, and reports once', async () => {
  const file = join(dir, 'queue.jsonl');
  const waf = portcullis();
  const errors: PortcullisError[] = [];
  waf.on('error', (e) => errors.push(e as PortcullisError));
  const log = auditLog(waf, { file, maxQueueBytes: 4096 });
  const results = [];
  for (let i = 0; i < 200; i++) results.push(waf.inspect({ method: 'GET', url: `/?q=${encodeURIComponent("1' or '1'='1")}&i=${i}` }));
  await Promise.all(results);
  await waf.close();
  assert.ok(log.dropped > 0);
  assert.equal(log.written + log.dropped, 200);
  assert.equal(lines(file).length, log.written);
  assert.equal(errors.filter((e) => e.code === 'ERR_PORTCULLIS_AUDIT_QUEUE_FULL').length, 1);
});

test('rotation by size keeps every record across the rotated files', async () => {
  const sub = mkdtempSync(join(dir, 'rot-'));
  const file = join(sub, 'audit.jsonl');
  const waf = portcullis();
  const log = auditLog(waf, { file, maxBytes: 8 * 1024, maxFiles: 50 });
  for (let i = 0; i < 60; i++) {
    await waf.inspect({ method: 'GET', url: `/?q=${encodeURIComponent("1' or '1'='1")}&i=${i}` });
    await log.flush();
  }
  await waf.close();
  const files = readdirSync(sub);
  assert.ok(files.length > 2, files.join(','));
  const all = files.flatMap((f) => lines(join(sub, f)));
  assert.equal(all.length, 60);
  assert.deepEqual(all.map((r) => Number(/i=(\d+)/.exec(r.request.url)![1])).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i));
});

test('options are validated with coded errors', () => {
  const waf = portcullis();
  const code = (c: string) => (e: PortcullisError) => e.code === c;
  assert.throws(() => auditLog(waf, {} as never), code('ERR_PORTCULLIS_OPTION_INVALID'));
  assert.throws(() => auditLog(waf, { file: 'x', maxbytes: 1 } as never), code('ERR_PORTCULLIS_OPTION_UNKNOWN'));
  assert.throws(() => auditLog(waf, { file: 'x', actions: ['deny'] } as never), code('ERR_PORTCULLIS_OPTION_INVALID'));
  assert.throws(() => auditLog(waf, { file: 'x', redactFields: 'password' } as never), code('ERR_PORTCULLIS_OPTION_INVALID'));
  assert.throws(() => auditLog(waf, { file: 'x', bodyBytes: 100_000 }), code('ERR_PORTCULLIS_OPTION_INVALID'));
});
