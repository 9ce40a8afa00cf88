import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import express from 'express';
import { portcullis, type Alert, type BanEvent, type PortcullisOptions, type UnbanEvent } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-e2e-bans-'));
const servers: Server[] = [];
after(() => {
  for (const s of servers) { s.closeAllConnections(); s.close(); }
  rmSync(dir, { recursive: true, force: true });
});

const ATTACK = "/?q=1'%20or%201=1--";

async function app(options: PortcullisOptions) {
  const waf = portcullis({ trustProxy: ['loopback'], ...options });
  const a = express();
  a.use(waf);
  a.use(express.json());
  let reached = 0;
  a.get('/', (_req, res) => { reached++; res.send('ok'); });
  a.post('/login', (req, res) => {
    reached++;
    const ok = (req.body as { password?: string }).password === 'right';
    if (!ok) void waf.strike(req.headers['x-forwarded-for'] as string, 'failed login', 'login');
    res.status(ok ? 200 : 401).send(ok ? 'welcome' : 'no');
  });
  const server = http.createServer(a);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ev = { ban: [] as BanEvent[], unban: [] as UnbanEvent[], block: [] as Alert[] };
  waf.on('ban', (e) => ev.ban.push(e));
  waf.on('unban', (e) => ev.unban.push(e));
  waf.on('block', (e) => ev.block.push(e));
  const as = (ip: string, path = '/', init?: RequestInit) =>
    fetch(base + path, { ...init, headers: { 'x-forwarded-for': ip, ...(init?.headers as Record<string, string> | undefined) } });
  return { waf, ev, as, reached: () => reached, close: async () => { server.closeAllConnections(); server.close(); await waf.close(); } };
}

test('maxRetry WAF blocks ban the client; a banned client gets 403 (199403) before any rule runs', async () => {
  const t = await app({ bans: { file: false, jails: [{ name: 'waf', maxRetry: 3, banTimeMs: 60_000 }] } });
  for (let i = 0; i < 3; i++) assert.equal((await t.as('203.0.113.10', ATTACK)).status, 403);
  assert.equal(t.ev.ban.length, 1);
  assert.deepEqual({ ...t.ev.ban[0], until: 0, time: '' }, {
    v: 1, ip: '203.0.113.10', until: 0, durationMs: t.ev.ban[0]!.durationMs, jail: 'waf', reason: 'blocked by the WAF rules', count: 1, source: 'local', time: '',
  });
  assert.ok(t.ev.ban[0]!.durationMs > 59_000 && t.ev.ban[0]!.durationMs <= 60_000);
  const before = t.reached();
  const benign = await t.as('203.0.113.10', '/');
  assert.equal(benign.status, 403);
  assert.equal(t.reached(), before, 'the app was not reached');
  const last = t.ev.block.at(-1)!;
  assert.deepEqual(last.matches.map((m) => m.id), [199403]);
  assert.equal(last.clientIp, '203.0.113.10');
  assert.equal((await t.as('203.0.113.11', '/')).status, 200, 'other clients are unaffected');
  assert.equal((await t.as('::ffff:203.0.113.10', '/')).status, 403, 'the mapped form is the same client');
  await t.close();
});

test('operator API: ban, bans, unban (with events); unban lets the client in again', async () => {
  const t = await app({ bans: { file: false } });
  const e = await t.waf.ban('198.51.100.4', 30_000, 'abuse report');
  assert.equal(e.jail, 'manual');
  assert.equal((await t.as('198.51.100.4')).status, 403);
  const list = await t.waf.bans();
  assert.deepEqual(list.map((b) => [b.ip, b.jail, b.reason, b.count]), [['198.51.100.4', 'manual', 'abuse report', 1]]);
  assert.equal(await t.waf.unban('198.51.100.4'), true);
  assert.equal(t.ev.unban.length, 1);
  assert.equal(t.ev.unban[0]!.reason, 'manual');
  assert.equal((await t.as('198.51.100.4')).status, 200);
  assert.equal(await t.waf.unban('198.51.100.4'), false);
  await assert.rejects(t.waf.ban('300.1.1.1'), { code: 'ERR_PORTCULLIS_BAN_IP' });
  await t.close();
});

test('waf.strike() from the app (failed logins) bans through its jail', async () => {
  const t = await app({ bans: { file: false, jails: [{ name: 'waf' }, { name: 'login', maxRetry: 3, findTimeMs: 60_000, failures: ['strike'] }] } });
  const login = (password: string) => t.as('192.0.2.77', '/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'a', password }) });
  assert.equal((await login('wrong')).status, 401);
  assert.equal((await login('wrong')).status, 401);
  assert.equal((await login('wrong')).status, 401);
  await new Promise((r) => setImmediate(r));
  assert.equal((await login('right')).status, 403, 'banned after 3 failed logins');
  assert.equal(t.ev.ban[0]!.jail, 'login');
  await assert.rejects(t.waf.strike('1.2.3.4', 'x', 'nope'), { code: 'ERR_PORTCULLIS_BAN_IP' });
  await t.close();
});

test('rate-limit hits count toward a jail configured for them; repeat offenders are banned longer', async () => {
  const t = await app({
    rateLimit: { max: 1, windowMs: 60_000 },
    bans: { file: false, jails: [{ name: 'flood', maxRetry: 2, banTimeMs: 1000, failures: ['ratelimit'], increment: { factor: 1 } }] },
  });
  t.waf.on('ratelimit', () => undefined);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await t.as('203.0.113.99')).status);
  assert.deepEqual(statuses, [200, 429, 429, 403]);
  assert.equal(t.ev.ban[0]!.durationMs <= 1000, true);
  await t.close();
});

test('concurrent attacks from one client produce exactly one ban event', async () => {
  const t = await app({ bans: { file: false, jails: [{ name: 'waf', maxRetry: 5 }] } });
  const res = await Promise.all(Array.from({ length: 40 }, () => t.as('203.0.113.200', ATTACK)));
  assert.ok(res.every((r) => r.status === 403));
  assert.equal(t.ev.ban.length, 1);
  await t.close();
});

test('bans and their history survive a restart through the snapshot file (atomic write, no temp files left)', async () => {
  const file = join(dir, 'restart', 'bans.json');
  const a = await app({ bans: { file, jails: [{ name: 'waf', maxRetry: 1, banTimeMs: 600_000, increment: true }] } });
  assert.equal((await a.as('203.0.113.50', ATTACK)).status, 403);
  await a.waf.ban('2001:db8::50', -1, 'permanent');
  assert.equal(a.ev.ban.length, 2);
  await a.close(); // flushes the snapshot
  assert.deepEqual(readdirSync(join(dir, 'restart')), ['bans.json']);
  const snap = JSON.parse(readFileSync(file, 'utf8')) as { v: number; bans: { ip: string }[] };
  assert.equal(snap.v, 1);
  assert.deepEqual(snap.bans.map((b) => b.ip).sort(), ['2001:db8::50', '203.0.113.50']);

  const b = await app({ bans: { file, jails: [{ name: 'waf', maxRetry: 1, banTimeMs: 600_000, increment: true }] } });
  assert.equal((await b.as('203.0.113.50')).status, 403, 'still banned after the restart');
  assert.equal((await b.as('2001:db8::50')).status, 403);
  assert.equal((await b.as('203.0.113.51')).status, 200);
  const restored = await b.waf.bans();
  assert.equal(restored.find((x) => x.ip === '203.0.113.50')?.until, a.ev.ban[0]!.until, 'same absolute end');
  assert.equal(await b.waf.unban('203.0.113.50'), true);
  assert.equal((await b.as('203.0.113.50', ATTACK)).status, 403);
  assert.equal(b.ev.ban.at(-1)!.count, 1, 'unban clears history (fail2ban semantics)');
  await b.close();
});

test('the offence history survives a restart: the next ban after expiry is longer', async () => {
  const file = join(dir, 'history', 'bans.json');
  const opts = { bans: { file, jails: [{ name: 'waf', maxRetry: 1, banTimeMs: 300, increment: true }] } };
  const a = await app(opts);
  assert.equal((await a.as('203.0.113.60', ATTACK)).status, 403);
  assert.equal(a.ev.ban[0]!.count, 1);
  await a.close();
  await new Promise((r) => setTimeout(r, 400)); // the 300 ms ban runs out while "down"
  const b = await app(opts);
  assert.equal((await b.as('203.0.113.60')).status, 200, 'the expired ban was not restored');
  assert.equal((await b.as('203.0.113.60', ATTACK)).status, 403);
  const second = b.ev.ban[0]!;
  assert.equal(second.count, 2);
  assert.ok(second.durationMs > 300 && second.durationMs <= 600, String(second.durationMs));
  await b.close();
});
