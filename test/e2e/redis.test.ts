/**
 * Portcullis instances sharing limits, bans and alerts through Redis: the shared server at 127.0.0.1:6379 (unique
 * key prefix, cleaned up), and a private redis-server child on a free port that this test pauses, kills and
 * restarts to prove requests are neither dropped nor stalled while Redis is away.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http, { type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import express from 'express';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { portcullis, type Alert, type BanEvent, type Portcullis, type PortcullisOptions } from '../../src/index.js';
import { scanDel } from '../helpers/redis.js';

const servers: Server[] = [];
const children: ChildProcess[] = [];
const quits: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const s of servers) { s.closeAllConnections(); s.close(); }
  for (const q of quits) await q().catch(() => undefined);
  for (const c of children) c.kill('SIGKILL');
});

async function serve(waf: Portcullis): Promise<string> {
  const a = express();
  a.use(waf);
  a.get('/', (_req, res) => { res.send('ok'); });
  const server = http.createServer(a);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const as = (base: string, ip: string, path = '/') => fetch(base + path, { headers: { 'x-forwarded-for': ip } }).then((r) => r.status);

async function until(cond: () => boolean | Promise<boolean>, what: string, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting: ${what}`);
}


test('an ioredis instance and a node-redis instance act as one: shared limits, bans, unbans and relayed alerts', async () => {
  const prefix = `portcullis-test:${randomUUID()}:`;
  const io = new Redis({ host: '127.0.0.1', port: 6379 });
  const nr = createClient({ url: 'redis://127.0.0.1:6379' });
  nr.on('error', () => undefined);
  await nr.connect();
  quits.push(async () => { await scanDel(io, prefix); await io.quit(); }, () => nr.close());
  const common: PortcullisOptions = { trustProxy: 'loopback', rateLimit: { max: 4, windowMs: 3_600_000 }, bans: { jails: [{ name: 'waf', maxRetry: 2 }] } };
  const a = portcullis({ ...common, store: { redis: io, prefix, relayAlerts: true } });
  const b = portcullis({ ...common, store: { redis: nr, prefix, relayAlerts: true } });
  quits.unshift(() => a.close(), () => b.close());
  const errors: Error[] = [];
  for (const w of [a, b]) w.on('error', (e) => errors.push(e));
  const remote: Alert[] = [];
  const bansOnB: BanEvent[] = [];
  b.on('remoteAlert', (alert, origin) => { if (origin.kind === 'block') remote.push(alert); });
  b.on('ban', (e) => bansOnB.push(e));
  const [ua, ub] = [await serve(a), await serve(b)];
  await until(async () => (await redisHasSubscribers(io, `${prefix}events`)) >= 2, 'both instances subscribed');

  // Limits: 4 per hour for 198.51.100.1, across both instances.
  const statuses = [await as(ua, '198.51.100.1'), await as(ub, '198.51.100.1'), await as(ua, '198.51.100.1'), await as(ub, '198.51.100.1'), await as(ua, '198.51.100.1'), await as(ub, '198.51.100.1')];
  assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);

  // A ban on A is effective on B.
  await a.ban('198.51.100.2', 60_000, 'ops');
  await until(async () => (await as(ub, '198.51.100.2')) === 403, 'ban effective on B');
  assert.equal(bansOnB[0]?.source, 'remote');
  assert.equal(bansOnB[0]?.ip, '198.51.100.2');
  // An unban on B is effective on A.
  assert.equal(await b.unban('198.51.100.2'), true);
  await until(async () => (await as(ua, '198.51.100.2')) === 200, 'unban effective on A');

  // Jail failures are counted across instances: one block on A, one on B → banned everywhere.
  assert.equal(await as(ua, '198.51.100.3', "/?q=1'%20or%201=1--"), 403);
  assert.equal(await as(ub, '198.51.100.3', "/?q=1'%20or%201=1--"), 403);
  await until(async () => (await a.bans()).some((x) => x.ip === '198.51.100.3') && (await b.bans()).some((x) => x.ip === '198.51.100.3'), 'jail ban on both');
  await until(() => remote.some((al) => al.clientIp === '198.51.100.3'), 'A\'s block alert relayed to B');
  assert.equal(errors.length, 0, errors.map((e) => e.message).join('; '));
});

async function redisHasSubscribers(c: Redis, channel: string): Promise<number> {
  const r = await c.call('PUBSUB', 'NUMSUB', channel) as [string, number];
  return Number(r[1]);
}

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  await until(() => out.includes('Ready to accept connections'), 'redis-server ready', 1000);
  return child;
}

test('Redis paused, killed and restarted (own redis-server): requests keep flowing on local state, then it recovers', async () => {
  const port = await freePort();
  let server = await startRedis(port);
  const prefix = `portcullis-test:${randomUUID()}:`;
  const client = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 50, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  client.on('error', () => undefined);
  const observer = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
  observer.on('error', () => undefined);
  quits.push(async () => { client.disconnect(); observer.disconnect(); });
  const waf = portcullis({ trustProxy: 'loopback', rateLimit: { max: 1000, windowMs: 60_000 }, store: { redis: client, prefix, timeoutMs: 100, retryMs: 50 } });
  quits.unshift(() => waf.close());
  const errors: (Error & { code?: string })[] = [];
  waf.on('error', (e) => errors.push(e));
  const base = await serve(waf);
  await until(async () => {
    assert.equal(await as(base, '192.0.2.1'), 200);
    return (await observer.exists(`${prefix}rl:default:192.0.2.1`)) === 1;
  }, 'counter written to Redis');
  errors.length = 0; // a request before the client connected may have found Redis "unavailable"

  // Slow: the server process is paused (accepts nothing, answers nothing). Requests still get answers.
  server.kill('SIGSTOP');
  const during = await Promise.all(Array.from({ length: 20 }, (_, i) => as(base, `192.0.2.${10 + i}`)));
  assert.ok(during.every((s) => s === 200), during.join(','));
  assert.ok(errors.some((e) => e.code === 'ERR_PORTCULLIS_STORE_UNAVAILABLE'));
  const errorsWhilePaused = errors.length;
  for (let i = 0; i < 20; i++) assert.equal(await as(base, '192.0.2.99'), 200);
  assert.equal(errors.length, errorsWhilePaused, 'one error per outage, not one per request');
  server.kill('SIGCONT');

  // Down: killed. Bans made meanwhile work locally.
  server.kill('SIGKILL');
  await once(server, 'exit');
  assert.equal(await as(base, '192.0.2.2'), 200);
  await waf.ban('192.0.2.66', 600_000, 'during outage');
  assert.equal(await as(base, '192.0.2.66'), 403);
  const downStatuses = await Promise.all(Array.from({ length: 20 }, () => as(base, '192.0.2.3')));
  assert.ok(downStatuses.every((s) => s === 200));

  // Back: the ban made during the outage reaches Redis, counters go to Redis again.
  server = await startRedis(port);
  await until(async () => (await observer.exists(`${prefix}ban:192.0.2.66`).catch(() => 0)) === 1, 'pending ban pushed after recovery', 1000);
  await until(async () => {
    await as(base, '192.0.2.4');
    return (await observer.exists(`${prefix}rl:default:192.0.2.4`).catch(() => 0)) === 1;
  }, 'counters in Redis again', 1000);
  assert.equal(await as(base, '192.0.2.66'), 403);
});
