import assert from 'node:assert/strict';
import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { after, describe, test } from 'node:test';
import express, { type Express } from 'express';
import { portcullis, type Alert, type PortcullisOptions } from '../../src/index.js';
import { CRS_DIR } from '../helpers/crs.js';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express;

const servers: Server[] = [];
after(() => { for (const s of servers) { s.closeAllConnections(); s.close(); } });

const LEAK = 'You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version';
const PAGE = '<html><body><h1>Orders</h1><p>Nothing unusual here.</p></body></html>';

/** A data-leak rule on the response body and a header rule (typed rules, phases 4 and 3). */
const RULES: PortcullisOptions['rules'] = {
  defaults: false,
  custom: [
    { id: 1950001, phase: 4, targets: 'RESPONSE_BODY', operator: /error in your SQL syntax/, msg: 'SQL error leak', severity: 'critical' },
    { id: 1950002, phase: 3, targets: 'RESPONSE_HEADERS:X-Debug-Token', operator: '@unconditionalMatch', msg: 'debug token header', action: 'deny' },
    { id: 1950003, phase: 4, targets: 'RESPONSE_HEADERS:X-Late', operator: '@streq yes', msg: 'late header', action: 'deny', status: 451 },
  ],
};

interface Got { status: number; headers: http.IncomingHttpHeaders; raw: string[]; body: Buffer; aborted: boolean }

function request(port: number, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { connection: 'close', ...opts.headers } }, (res) => {
      const parts: Buffer[] = [];
      let aborted = false;
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('aborted', () => { aborted = true; });
      res.on('error', () => { aborted = true; });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: res.rawHeaders, body: Buffer.concat(parts), aborted: aborted || !res.complete }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(app: Express): Promise<{ port: number; close: () => void }> {
  const server = http.createServer(app);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => { server.closeAllConnections(); server.close(); } };
}

const BIG = 3 * 1024 * 1024;
const bigText = (n: number): string => 'All quiet on the western front. '.repeat(Math.ceil(n / 32)).slice(0, n);

/** Routes that exercise every way Express/Node apps answer. */
function routes(app: Express): void {
  app.get('/page', (_req, res) => { res.set('x-app', '1').cookie('sid', 'abc').type('html').send(PAGE); });
  app.get('/leak', (_req, res) => { res.set('x-app', '1').cookie('sid', 'abc').type('html').send(`<p>${LEAK}</p>`); });
  app.get('/json', (_req, res) => { res.json({ ok: true, n: [1, 2, 3] }); });
  app.get('/json-leak', (_req, res) => { res.json({ error: LEAK }); });
  app.get('/chunks', (_req, res) => { res.type('text'); res.write('one,'); res.write(Buffer.from('two,')); res.end('three'); });
  app.get('/raw-end', (_req, res) => { res.setHeader('content-type', 'text/plain'); res.end('raw body'); });
  app.get('/writehead', (_req, res) => { res.writeHead(202, 'Accepted It', ['Content-Type', 'text/plain', 'X-Multi', 'a', 'X-Multi', 'b']); res.end('head'); });
  app.get('/writehead-obj', (_req, res) => { res.writeHead(200, { 'content-type': 'text/html', 'x-obj': 'y' }).end(PAGE); });
  app.get('/created', (_req, res) => { res.status(201).type('text').end(); });
  app.get('/nocontent', (_req, res) => { res.status(204).end(); });
  app.get('/etag', (_req, res) => { res.set('etag', '"v1"').type('html').send(PAGE); });
  app.get('/redirect', (_req, res) => { res.redirect('/page'); });
  app.get('/debug', (_req, res) => { res.set('x-debug-token', 'abc').type('text'); res.write('streamed before the check?'); res.end(); });
  app.get('/big', (_req, res) => { res.type('text'); Readable.from([bigText(BIG)].flatMap((s) => s.match(/[\s\S]{1,65536}/g) ?? [])).pipe(res); });
  app.get('/big-leak-late', (_req, res) => { res.type('text').send(bigText(BIG) + LEAK); });
  app.get('/big-leak-early', (_req, res) => { res.type('text').send(LEAK + bigText(BIG)); });
  app.get('/gzip-leak', (_req, res) => { res.set('content-encoding', 'gzip').type('html').send(zlib.gzipSync(`<p>${LEAK}</p>`)); });
  app.get('/br-leak', (_req, res) => { res.set('content-encoding', 'br').type('html').send(zlib.brotliCompressSync(`<p>${LEAK}</p>`)); });
  app.get('/gzip-page', (_req, res) => { res.set('content-encoding', 'gzip').type('html').send(zlib.gzipSync(PAGE)); });
  app.get('/odd-encoding-leak', (_req, res) => { res.set('content-encoding', 'compress').type('html').send(Buffer.from(LEAK)); });
  app.get('/late', (_req, res) => { res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-late': 'yes' }); res.write('abc'); setTimeout(() => res.end('def'), 20); });
}

async function pair(options: PortcullisOptions) {
  const waf = portcullis(options);
  const events = { alert: [] as Alert[], block: [] as Alert[], errors: [] as Error[] };
  waf.on('alert', (a) => events.alert.push(a));
  waf.on('block', (a) => events.block.push(a));
  waf.on('error', (e) => events.errors.push(e));
  const guarded = express();
  guarded.use(waf);
  routes(guarded);
  const bare = express();
  routes(bare);
  const g = await serve(guarded);
  const b = await serve(bare);
  return {
    waf, events,
    get: (path: string, o?: { method?: string; headers?: Record<string, string> }) => request(g.port, path, o),
    bare: (path: string, o?: { method?: string; headers?: Record<string, string> }) => request(b.port, path, o),
    close: async () => { g.close(); b.close(); await waf.close(); },
  };
}

/** Status, headers (without Date) in order, body bytes and framing: what a client can observe. */
function observable(r: Got): unknown {
  const raw: string[] = [];
  for (let i = 0; i < r.raw.length; i += 2) if (r.raw[i]!.toLowerCase() !== 'date') raw.push(`${r.raw[i]}: ${r.raw[i + 1]}`);
  return { status: r.status, raw, body: r.body.toString('latin1'), aborted: r.aborted };
}

describe('response inspection (inspectResponse)', () => {
  test('nothing matches: responses are byte-for-byte what the bare app sends (status, headers, framing, body)', async () => {
    const t = await pair({ rules: RULES, inspectResponse: true, limits: { maxResponseBodyBytes: 64 * 1024 } });
    const cases: [string, { method?: string; headers?: Record<string, string> }?][] = [
      ['/page'], ['/json'], ['/chunks'], ['/raw-end'], ['/writehead'], ['/writehead-obj'], ['/created'], ['/nocontent'],
      ['/etag', { headers: { 'if-none-match': '"v1"' } }], ['/etag'], ['/redirect'], ['/big'], ['/gzip-page'],
      ['/page', { method: 'HEAD' }], ['/leak', { method: 'HEAD' }], ['/json-leak'],
    ];
    for (const [path, o] of cases) {
      const got = await t.get(path, o);
      const want = await t.bare(path, o);
      assert.deepEqual(observable(got), observable(want), `${o?.method ?? 'GET'} ${path}`);
    }
    assert.equal((await t.get('/etag', { headers: { 'if-none-match': '"v1"' } })).status, 304);
    assert.equal(t.events.alert.length, 0);
    assert.deepEqual(t.events.errors, []);
    await t.close();
  });

  test('a data leak in the body (phase 4) answers a clean 403: the app status, cookies and headers are not sent', async () => {
    const t = await pair({ rules: RULES, inspectResponse: true });
    const r = await t.get('/leak');
    assert.equal(r.status, 403);
    assert.equal(r.headers['set-cookie'], undefined);
    assert.equal(r.headers['x-app'], undefined);
    assert.ok(!r.body.toString().includes('SQL'));
    const incident = r.headers['x-portcullis-incident'];
    assert.equal(t.events.block.length, 1);
    const a = t.events.block[0]!;
    assert.equal(a.incidentId, incident);
    assert.deepEqual(a.matches.map((m) => [m.id, m.phase, m.target]), [[1950001, 4, 'RESPONSE_BODY']]);
    assert.deepEqual(a.response, { status: 200, score: 5, threshold: 5 });
    assert.equal(a.action, 'block');
    await t.close();
  });

  test('header rule (phase 3) stops the response before any of its body is sent', async () => {
    const t = await pair({ rules: RULES, inspectResponse: true });
    const r = await t.get('/debug');
    assert.equal(r.status, 403);
    assert.ok(!r.body.toString().includes('streamed'));
    assert.deepEqual(t.events.block[0]!.matches.map((m) => m.id), [1950002]);
    await t.close();
  });

  test('gzip and br bodies are decoded within the limit and inspected; an unknown coding is passed, not inspected', async () => {
    const t = await pair({ rules: RULES, inspectResponse: true });
    assert.equal((await t.get('/gzip-leak')).status, 403);
    assert.equal((await t.get('/br-leak')).status, 403);
    const odd = await t.get('/odd-encoding-leak');
    assert.equal(odd.status, 200);
    assert.ok(odd.body.toString().includes('SQL syntax'));
    assert.equal(t.events.block.length, 2);
    await t.close();
  });

  test('only the inspected MIME types are held: JSON passes by default, and is inspected when listed', async () => {
    const off = await pair({ rules: RULES, inspectResponse: true });
    assert.equal((await off.get('/json-leak')).status, 200);
    await off.close();
    const on = await pair({ rules: RULES, inspectResponse: { mimeTypes: ['application/json'] } });
    assert.equal((await on.get('/json-leak')).status, 403);
    assert.equal((await on.get('/leak')).status, 200, 'text/html is no longer in the list');
    await on.close();
  });

  test('past maxResponseBodyBytes (partial): the prefix is inspected, the rest streams through untouched', async () => {
    const t = await pair({ rules: RULES, inspectResponse: true, limits: { maxResponseBodyBytes: 64 * 1024 } });
    const late = await t.get('/big-leak-late');
    assert.equal(late.status, 200);
    assert.equal(late.body.length, BIG + LEAK.length);
    assert.equal(late.body.toString('latin1'), (await t.bare('/big-leak-late')).body.toString('latin1'));
    const early = await t.get('/big-leak-early');
    assert.equal(early.status, 403, 'the leak is in the inspected prefix and nothing was sent yet');
    const big = await t.get('/big');
    assert.equal(big.status, 200);
    assert.equal(big.body.length, BIG);
    await t.close();
  });

  test('past maxResponseBodyBytes (reject): 500 with the limit finding', async () => {
    const t = await pair({ rules: RULES, inspectResponse: true, limits: { maxResponseBodyBytes: 64 * 1024, responseOverflow: 'reject' } });
    const r = await t.get('/big');
    assert.equal(r.status, 500);
    assert.deepEqual(t.events.block[0]!.matches.map((m) => m.id), [199500]);
    assert.equal((await t.get('/page')).status, 200);
    await t.close();
  });

  test('a slow stream is not held back: the client gets the first chunk before the app ends the response', async () => {
    const waf = portcullis({ rules: RULES, inspectResponse: true, limits: { responseHoldMs: 30 } });
    let firstSeen!: () => void;
    const seen = new Promise<void>((r) => { firstSeen = r; });
    const app = express();
    app.use(waf);
    app.get('/slow', (_req, res) => {
      res.type('text');
      res.write('first chunk;');
      // Ends only once the client saw the first chunk (or after 5 s, which fails the test below).
      const safety = setTimeout(() => res.end('safety'), 5000);
      void seen.then(() => { clearTimeout(safety); res.end('last chunk'); });
    });
    const s = await serve(app);
    const order: string[] = [];
    const body = await new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: s.port, path: '/slow' }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
          if (text.includes('first chunk') && order.length === 0) { order.push('first'); firstSeen(); }
        });
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    assert.equal(body, 'first chunk;last chunk');
    assert.deepEqual(order, ['first']);
    s.close();
    await waf.close();
  });

  test('a block after the headers went out aborts the connection and is reported', async () => {
    const t = await pair({ rules: RULES, inspectResponse: true });
    const r = await t.get('/late');
    assert.equal(r.status, 200);
    assert.equal(r.aborted, true);
    assert.ok(!r.body.toString().includes('def'));
    assert.equal(t.events.block.length, 1);
    assert.deepEqual(t.events.block[0]!.matches.map((m) => m.id), [1950003]);
    assert.equal(t.events.block[0]!.status, 451);
    await t.close();
  });

  test('detect mode reports the leak and sends the response unchanged', async () => {
    const t = await pair({ mode: 'detect', rules: RULES, inspectResponse: true });
    const r = await t.get('/leak');
    assert.equal(r.status, 200);
    assert.ok(r.body.toString().includes('SQL syntax'));
    assert.equal(t.events.block.length, 0);
    assert.equal(t.events.alert.length, 1);
    assert.equal(t.events.alert[0]!.action, 'detect');
    await t.close();
  });

  test('off by default: responses are never touched', async () => {
    const t = await pair({ rules: RULES });
    assert.equal((await t.get('/leak')).status, 200);
    assert.equal((await t.get('/debug')).status, 200);
    assert.equal(t.events.alert.length, 0);
    await t.close();
  });

  test('held writes keep their callbacks and order; a gzip stream past the limit is decoded under backpressure', async () => {
    const waf = portcullis({ rules: RULES, inspectResponse: true, limits: { maxResponseBodyBytes: 64 * 1024 } });
    const errors: Error[] = [];
    waf.on('error', (e) => errors.push(e));
    const app = express();
    app.use(waf);
    const calls: string[] = [];
    app.get('/cb', (_req, res) => {
      res.type('text');
      res.write('a', () => calls.push('a'));
      res.write('b', 'utf8', () => calls.push('b'));
      res.end('c', () => { calls.push('end'); });
    });
    // ~400 KB of incompressible-ish text, gzip-encoded (~300 KB on the wire): past the limit while held.
    const text = Buffer.from(Array.from({ length: 100_000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join(' ')).subarray(0, 400_000);
    app.get('/gz-stream', (_req, res) => {
      res.set('content-encoding', 'gzip').type('html');
      Readable.from(text.toString('latin1').match(/[\s\S]{1,16384}/g)!.map((c) => Buffer.from(c, 'latin1'))).pipe(zlib.createGzip()).pipe(res);
    });
    app.get('/missing', (_req, res) => { res.status(404).type('text').send('no such page'); });
    const s = await serve(app);
    const cb = await request(s.port, '/cb');
    assert.equal(cb.body.toString(), 'abc');
    assert.deepEqual(calls, ['a', 'b', 'end']);
    const gz = await request(s.port, '/gz-stream');
    assert.equal(gz.status, 200);
    assert.equal(zlib.gunzipSync(gz.body).equals(text), true);
    assert.deepEqual(errors, []);
    s.close();
    await waf.close();
  });

  test('phase 5 (logging) runs after the response and reports without blocking', async () => {
    const t = await pair({
      rules: { defaults: false, custom: [{ id: 1950005, phase: 5, targets: 'RESPONSE_STATUS', operator: '@streq 302', msg: 'redirect logged', score: 0 }] },
      inspectResponse: true,
    });
    const r = await t.get('/redirect');
    assert.equal(r.status, 302);
    assert.equal(t.events.block.length, 0);
    assert.equal(t.events.alert.length, 1);
    assert.deepEqual(t.events.alert[0]!.matches.map((m) => [m.id, m.phase]), [[1950005, 5]]);
    assert.equal(t.events.alert[0]!.action, 'pass');
    assert.equal(t.events.alert[0]!.response?.status, 302);
    await t.close();
  });

  test('a client that leaves while its response is held: no error, the app can still write and end', async () => {
    const waf = portcullis({ rules: RULES, inspectResponse: true, limits: { responseHoldMs: 60_000 } });
    const errors: Error[] = [];
    waf.on('error', (e) => errors.push(e));
    let ended!: () => void;
    const done = new Promise<void>((r) => { ended = r; });
    let gone!: () => void;
    const left = new Promise<void>((r) => { gone = r; });
    const app = express();
    app.use(waf);
    app.get('/hold', (_req, res) => {
      res.type('text');
      res.write('held');
      res.on('close', () => gone());
      void left.then(() => { res.write('more', () => undefined); res.end('bye', () => undefined); ended(); });
    });
    app.get('/page', (_req, res) => { res.type('html').send(PAGE); });
    const s = await serve(app);
    const req = http.get({ host: '127.0.0.1', port: s.port, path: '/hold' });
    req.on('error', () => undefined);
    setTimeout(() => req.destroy(), 50);
    await done;
    assert.equal((await request(s.port, '/page')).status, 200);
    assert.deepEqual(errors, []);
    s.close();
    await waf.close();
  });

  test('Express 4 and plain node:http: a leak is blocked, a clean page is unchanged', async () => {
    const waf = portcullis({ rules: RULES, inspectResponse: true });
    const app4 = express4();
    app4.use(waf);
    app4.get('/leak', (_req, res) => { res.type('html').send(`<p>${LEAK}</p>`); });
    app4.get('/page', (_req, res) => { res.type('html').send(PAGE); });
    const s4 = await serve(app4 as unknown as Express);
    assert.equal((await request(s4.port, '/leak')).status, 403);
    const page = await request(s4.port, '/page');
    assert.equal(page.status, 200);
    assert.equal(page.body.toString(), PAGE);
    s4.close();
    const plain = http.createServer((req, res) => waf(req, res, () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.url === '/leak' ? LEAK : 'fine');
    }));
    servers.push(plain);
    plain.listen(0, '127.0.0.1');
    await once(plain, 'listening');
    const port = (plain.address() as AddressInfo).port;
    assert.equal((await request(port, '/leak')).status, 403);
    const fine = await request(port, '/fine');
    assert.equal(fine.status, 200);
    assert.equal(fine.body.toString(), 'fine');
    plain.closeAllConnections();
    plain.close();
    await waf.close();
  });

  test('options are validated', () => {
    assert.throws(() => portcullis({ inspectResponse: { mimeTypes: ['html'] } }), { code: 'ERR_PORTCULLIS_OPTION_INVALID' });
    assert.throws(() => portcullis({ inspectResponse: 'yes' as unknown as boolean }), { code: 'ERR_PORTCULLIS_OPTION_INVALID' });
    assert.throws(() => portcullis({ limits: { responseOverflow: 'drop' as 'reject' } }), { code: 'ERR_PORTCULLIS_OPTION_INVALID' });
    assert.throws(() => portcullis({ limits: { maxResponseBodyBytes: -1 } }), { code: 'ERR_PORTCULLIS_OPTION_INVALID' });
  });

  const crs = CRS_DIR;
  test('OWASP CRS 951 (SQL error leakage) and 959100 block the leak through the outbound anomaly score', { skip: crs ? false : 'CRS not found' }, async () => {
    const t = await pair({
      rules: { defaults: false, seclang: [join(crs!, 'crs-setup.conf.example'), join(crs!, 'rules')] },
      inspectResponse: true,
    });
    const r = await t.get('/leak');
    assert.equal(r.status, 403);
    const ids = t.events.block[0]!.matches.map((m) => m.id);
    assert.ok(ids.includes(951230) || ids.some((id) => id >= 951000 && id < 952000), `ids ${ids.join(',')}`);
    assert.ok(ids.includes(959100), `ids ${ids.join(',')}`);
    assert.equal((await t.get('/page')).status, 200);
    await t.close();
  });
});
