import assert from 'node:assert/strict';
import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import express from 'express';
import { portcullis, type Alert, type PortcullisOptions, type RateLimitEvent } from '../../src/index.js';

const servers: Server[] = [];
after(() => { for (const s of servers) { s.closeAllConnections(); s.close(); } });

async function app(options: PortcullisOptions) {
  const waf = portcullis(options);
  const a = express();
  a.use(waf);
  a.get('/', (_req, res) => { res.send('ok'); });
  a.post('/login', (_req, res) => { res.send('login'); });
  a.get('/whoami', (_req, res) => { res.send('hi'); });
  const server = http.createServer(a);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const events = { block: [] as Alert[], ratelimit: [] as RateLimitEvent[] };
  waf.on('block', (alert) => events.block.push(alert));
  waf.on('ratelimit', (e) => events.ratelimit.push(e));
  const get = (path: string, init?: RequestInit) => fetch(base + path, init);
  return { waf, base, get, events, close: async () => { server.closeAllConnections(); server.close(); await waf.close(); } };
}

test('429 past the limit, with RateLimit headers (draft-8), Retry-After, and ratelimit + block events', async () => {
  const t = await app({ rateLimit: { max: 3, windowMs: 60_000 } });
  const statuses: number[] = [];
  let last: Response | undefined;
  for (let i = 0; i < 5; i++) {
    last = await t.get('/', { headers: { accept: 'application/json' } });
    statuses.push(last.status);
    if (i === 0) {
      assert.equal(last.headers.get('ratelimit-policy'), '"default";q=3;w=60');
      assert.equal(last.headers.get('ratelimit'), '"default";r=2;t=20');
    }
  }
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  assert.equal(last!.headers.get('retry-after'), '20');
  assert.equal(last!.headers.get('ratelimit'), '"default";r=0;t=60');
  const body = await last!.json() as { error: string; incident: string };
  assert.equal(body.error, 'Too Many Requests');
  assert.equal(t.events.ratelimit.length, 2);
  assert.deepEqual({ ...t.events.ratelimit[0], time: '' }, {
    v: 1, clientIp: '127.0.0.1', key: '127.0.0.1', limit: 'default', max: 3, windowMs: 60_000, method: 'GET', url: '/', retryAfter: 20, time: '',
  });
  assert.equal(t.events.block.length, 2);
  assert.deepEqual(t.events.block[0]!.matches.map((m) => m.id), [199429]);
  assert.equal(t.events.block[1]!.incidentId, body.incident);
  await t.close();
});

test('per-route limits and the other drafts; refused requests never reach the app', async () => {
  let reached = 0;
  const t = await app({ rateLimit: { headers: 'draft-7', routes: [{ name: 'login', method: 'POST', path: '/login', max: 2, windowMs: 900_000 }] } });
  t.waf.on('ratelimit', () => undefined);
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await t.get('/LOGIN/', { method: 'POST' });
    if (r.status === 200) reached++;
    statuses.push(r.status);
  }
  assert.deepEqual(statuses, [200, 200, 429]);
  assert.equal(reached, 2);
  const other = await t.get('/');
  assert.equal(other.status, 200);
  assert.equal(other.headers.get('ratelimit'), null, 'no limit applies to / (routes only)');
  const r = await t.get('/login', { method: 'POST' });
  assert.equal(r.headers.get('ratelimit'), 'limit=2, remaining=0, reset=900');
  await t.close();
  const six = await app({ rateLimit: { max: 5, headers: 'draft-6' } });
  const x = await six.get('/');
  assert.deepEqual([x.headers.get('ratelimit-limit'), x.headers.get('ratelimit-remaining')], ['5', '4']);
  await six.close();
});

test('allow-listed clients skip limiter and rules; deny-listed get 403 (199404) before anything', async () => {
  const a = await app({ allow: ['127.0.0.0/8'], rateLimit: { max: 1 } });
  for (let i = 0; i < 3; i++) {
    const r = await a.get("/?q=1'%20or%201=1--");
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('ratelimit'), null);
  }
  assert.equal(a.events.block.length, 0);
  await a.close();
  const d = await app({ deny: '127.0.0.1, ::1', rateLimit: { max: 1 } });
  const r = await d.get('/');
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('ratelimit'), null, 'refused before the limiter');
  assert.deepEqual(d.events.block[0]!.matches.map((m) => [m.id, m.target]), [[199404, 'REMOTE_ADDR']]);
  await d.close();
});

test('behind a trusted proxy each client has its own bucket, and spoofed X-Forwarded-For entries do not escape it', async () => {
  const t = await app({ trustProxy: ['loopback'], rateLimit: { max: 2 } });
  const as = (xff: string) => t.get('/', { headers: { 'x-forwarded-for': xff } });
  assert.equal((await as('203.0.113.1')).status, 200);
  assert.equal((await as('203.0.113.1')).status, 200);
  assert.equal((await as('203.0.113.1')).status, 429);
  // The same client claiming other addresses to the left of its own (what a proxy appends): still itself.
  for (const spoof of ['198.51.100.9', '127.0.0.1', '203.0.113.2', 'garbage', '1.1.1.1, 2.2.2.2']) {
    assert.equal((await as(`${spoof}, 203.0.113.1`)).status, 429, spoof);
  }
  assert.equal((await as('203.0.113.2')).status, 200, 'another client');
  assert.equal((await as('::ffff:203.0.113.1')).status, 429, 'mapped form is the same client');
  assert.ok(t.events.ratelimit.every((e) => e.clientIp === '203.0.113.1'));
  await t.close();
});

test('without trustProxy, X-Forwarded-For is ignored: the socket address is the client', async () => {
  const t = await app({ rateLimit: { max: 1 } });
  assert.equal((await t.get('/', { headers: { 'x-forwarded-for': '203.0.113.7' } })).status, 200);
  assert.equal((await t.get('/', { headers: { 'x-forwarded-for': '203.0.113.8' } })).status, 429);
  assert.equal(t.events.ratelimit[0]!.clientIp, '127.0.0.1');
  await t.close();
});

test('the engine sees the resolved client IP (REMOTE_ADDR) and alerts carry it', async () => {
  const t = await app({
    trustProxy: 1,
    rules: { defaults: false, custom: [{ id: 10001, phase: 1, targets: 'REMOTE_ADDR', operator: '@ipMatch 203.0.113.0/24', severity: 'critical', msg: 'test net' }] },
  });
  assert.equal((await t.get('/', { headers: { 'x-forwarded-for': '198.51.100.1' } })).status, 200);
  const r = await t.get('/', { headers: { 'x-forwarded-for': '203.0.113.50' } });
  assert.equal(r.status, 403);
  assert.equal(t.events.block[0]!.clientIp, '203.0.113.50');
  await t.close();
});

test('hostile X-Forwarded-For values never throw or stall', async () => {
  const t = await app({ trustProxy: ['loopback'], rateLimit: { max: 1000 } });
  const values = ['x'.repeat(8000), ','.repeat(4000), Array.from({ length: 1000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(','), '\u00ff\u00fe', '::ffff:', '1.2.3.4%00', '[::1]:80'];
  for (const v of values) {
    const res = await new Promise<number>((resolve, reject) => {
      const r = http.get(`${t.base}/`, { headers: { 'x-forwarded-for': v } }, (resp) => { resp.resume(); resolve(resp.statusCode ?? 0); });
      r.on('error', reject);
    });
    assert.equal(res, 200, JSON.stringify(v.slice(0, 20)));
  }
  await t.close();
});

test('detect mode: nothing is refused, events say detect', async () => {
  const t = await app({ mode: 'detect', rateLimit: { max: 1 }, deny: ['127.0.0.1'] });
  assert.equal((await t.get('/')).status, 200);
  assert.equal((await t.get('/')).status, 200);
  assert.ok(t.events.block.length >= 2);
  assert.ok(t.events.block.every((a) => a.action === 'detect'));
  await t.close();
});
