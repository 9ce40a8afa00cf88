import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { alertStream, type AlertStream } from '../../src/alerts/stream.js';
import type { Alert } from '../../src/alerts/types.js';
import { portcullis, type Portcullis } from '../../src/portcullis.js';

const TOKEN = 'stream-test-token-1234';
let waf: Portcullis;
let server: http.Server;
let stream: AlertStream;
let base = '';
const other = new WebSocketServer({ noServer: true });

interface Msg { v: number; type: string; seq?: number; data: Record<string, unknown> }

class Client {
  readonly ws: WebSocket;
  readonly messages: Msg[] = [];
  private waiters: (() => void)[] = [];
  constructor(query = '', headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, opts: Record<string, unknown> = {}) {
    this.ws = new WebSocket(`${base.replace('http', 'ws')}/_waf/alerts${query}`, { headers, ...opts });
    this.ws.on('message', (raw, isBinary) => {
      assert.equal(isBinary, false, 'every message is a text frame');
      this.messages.push(JSON.parse(raw.toString()) as Msg);
      for (const w of this.waiters.splice(0)) w();
    });
    this.ws.on('error', () => {});
  }
  of(type: string): Msg[] { return this.messages.filter((m) => m.type === type); }
  async until(pred: (c: Client) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!pred(this)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
  }
  async open(): Promise<this> { await this.until((c) => c.of('hello').length > 0, 'hello'); return this; }
  close(): void { this.ws.terminate(); }
}

/** Status of a refused upgrade (the client socket is discarded either way). */
async function refused(query: string, headers: Record<string, string>, opts: Record<string, unknown> = {}): Promise<http.IncomingMessage> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/_waf/alerts${query}`, { headers, ...opts });
  ws.on('error', () => {});
  ws.on('open', () => assert.fail('the upgrade should have been refused'));
  const [, res] = (await once(ws, 'unexpected-response')) as [unknown, http.IncomingMessage];
  res.resume();
  ws.terminate();
  return res;
}

async function eventually(pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const attack = (q: string) => fetch(`${base}/search?q=${encodeURIComponent(q)}`);
const SQLI = "1' or '1'='1";

before(async () => {
  waf = portcullis();
  server = http.createServer((req, res) => waf(req, res, () => { res.end('ok'); }));
  server.on('upgrade', (req, socket, head) => {
    if (req.url === '/other') other.handleUpgrade(req, socket, head, (ws) => ws.send('other says hi'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  stream = alertStream(waf, { server, authenticate: TOKEN, replay: 50, maxBufferedBytes: 64 * 1024 });
});

after(async () => {
  await waf.close();
  other.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

test('unauthenticated upgrades get HTTP 401 and no socket; a foreign origin gets 403', async () => {
  for (const headers of [{}, { authorization: 'Bearer wrong-token-123456' }, { cookie: 'portcullis_token=nope' }]) {
    const res = await refused('', headers);
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers['www-authenticate']), /Bearer/);
  }
  assert.equal((await refused('?token=short', {})).statusCode, 401);
  assert.equal((await refused('', { authorization: `Bearer ${TOKEN}` }, { origin: 'https://evil.example' })).statusCode, 403);
  assert.equal(stream.clients, 0);
});

test('other upgrade paths are left to their own handlers', async () => {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/other`);
  const [data] = await once(ws, 'message');
  assert.equal(String(data), 'other says hi');
  ws.terminate();
});

test('a token in the query string or cookie also authenticates; hello states the filter and the mode', async () => {
  const c = await new Client(`?token=${TOKEN}&types=block&severity=critical`, {}).open();
  const hello = c.of('hello')[0]!;
  assert.equal(hello.v, 1);
  assert.deepEqual(hello.data.filter, { types: ['block'], severity: 'critical', tags: null });
  assert.equal(hello.data.mode, 'block');
  assert.equal(hello.data.paranoia, 1);
  c.close();
  const d = await new Client('', { cookie: `portcullis_token=${TOKEN}` }).open();
  d.close();
});

test('a bad filter in the query string is refused with 400', async () => {
  assert.equal((await refused('?types=everything', { authorization: `Bearer ${TOKEN}` })).statusCode, 400);
});

test('live events reach every client, filtered per client; one transaction gives alert and block with one incident id', async () => {
  const all = await new Client().open();
  const blocksOnly = await new Client('?types=block').open();
  const xssOnly = await new Client('?types=alert&tags=attack-xss').open();
  const bansOnly = await new Client('?types=ban').open();
  assert.equal(stream.clients, 4);
  assert.equal((await attack(SQLI)).status, 403);
  assert.equal((await attack('<script>alert(1)</script>')).status, 403);
  assert.equal((await fetch(`${base}/search?q=hello`)).status, 200);
  await all.until((c) => c.of('block').length === 2, 'two blocks');
  await xssOnly.until((c) => c.of('alert').length === 1, 'one xss alert');
  await blocksOnly.until((c) => c.of('block').length === 2, 'two blocks');
  const [a1, b1] = [all.of('alert')[0]!, all.of('block')[0]!];
  assert.equal(a1.data.incidentId, b1.data.incidentId);
  assert.ok(b1.seq! > a1.seq!);
  assert.equal(blocksOnly.of('alert').length, 0);
  assert.match(String(xssOnly.of('alert')[0]!.data.url), /script/);
  assert.equal(bansOnly.messages.length, 1);
  for (const c of [all, blocksOnly, xssOnly, bansOnly]) c.close();
});

test('subscribe messages change the filter and can ask for a replay; bad messages get an error and the socket stays', async () => {
  await attack(SQLI);
  const c = await new Client('?types=ban').open();
  c.ws.send(JSON.stringify({ type: 'subscribe', types: ['alert'], severity: 'critical', replay: 2 }));
  await c.until((x) => x.of('subscribed').length === 1, 'subscribed');
  const sub = c.of('subscribed')[0]!;
  assert.equal(sub.data.replayed, 2);
  assert.deepEqual(c.of('alert').length, 2);
  for (const bad of ['not json', JSON.stringify({ type: 'hack' }), JSON.stringify({ type: 'subscribe', severity: 'fatal' }), JSON.stringify([1, 2])]) c.ws.send(bad);
  c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  await c.until((x) => x.of('error').length === 5, 'five errors');
  assert.equal(c.ws.readyState, WebSocket.OPEN);
  c.ws.send('x'.repeat(64 * 1024)); // past the incoming message limit: closed by the server
  const [code] = await once(c.ws, 'close');
  assert.equal(code, 1009);
});

test('replay: a new subscriber gets the last N matching events, oldest first, from a bounded buffer', async () => {
  for (let i = 0; i < 3; i++) await attack(`${SQLI} -- ${i}`);
  const c = await new Client('?types=alert&replay=3').open();
  assert.equal(c.of('hello')[0]!.data.replay, 3);
  await c.until((x) => x.of('alert').length === 3, 'replayed alerts');
  const seqs = c.of('alert').map((m) => m.seq!);
  assert.deepEqual([...seqs].sort((a, b) => a - b), seqs);
  assert.match(String(c.of('alert')[2]!.data.url), /--%202/);
  c.close();
  const big = await new Client('?replay=100000').open();
  assert.ok(Number(big.of('hello')[0]!.data.replay) <= 50);
  big.close();
});

test('each event is serialised once per broadcast, whatever the number of clients', async () => {
  const clients = await Promise.all(Array.from({ length: 6 }, () => new Client('?types=alert').open()));
  const original = JSON.stringify;
  let calls = 0;
  JSON.stringify = ((v: unknown, ...rest: unknown[]) => {
    if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'alert' && 'seq' in (v as object)) calls++;
    return (original as (...a: unknown[]) => string)(v, ...rest);
  }) as typeof JSON.stringify;
  try {
    await waf.inspect({ method: 'GET', url: '/?q=%3Cscript%3Ealert(1)%3C/script%3E' });
    await waf.inspect({ method: 'GET', url: "/?q=1'%20or%20'1'='1" });
    await Promise.all(clients.map((c) => c.until((x) => x.of('alert').length === 2, 'two alerts')));
  } finally {
    JSON.stringify = original;
  }
  assert.equal(calls, 2);
  for (const c of clients) c.close();
});

test('secret query values are redacted in streamed alerts', async () => {
  const c = await new Client('?types=alert').open();
  await fetch(`${base}/login?password=hunter2&q=${encodeURIComponent(SQLI)}`);
  await c.until((x) => x.of('alert').length === 1, 'alert');
  assert.ok(!String(c.of('alert')[0]!.data.url).includes('hunter2'));
  c.close();
});

test('heartbeat: a peer that stops answering pings is terminated', async () => {
  const hb = alertStream(waf, { server, path: '/hb', authenticate: TOKEN, heartbeatMs: 200 });
  const ws = new WebSocket(`${base.replace('http', 'ws')}/hb`, { headers: { authorization: `Bearer ${TOKEN}` }, autoPong: false });
  let pings = 0;
  ws.on('ping', () => { pings++; });
  await once(ws, 'open');
  await eventually(() => hb.clients === 1, 'the client to be attached');
  const [code] = await once(ws, 'close');
  assert.equal(code, 1006);
  assert.ok(pings >= 1);
  await eventually(() => hb.clients === 0, 'the server to drop the client');
  await hb.close();
});

test('a stuck client: events are dropped for it and counted, memory stays bounded, and it is cut off', async () => {
  // Its own stream: a stuck timeout long enough for the reading client to drain on a loaded machine, and a
  // heartbeat that does not fire during the test (a pong waits behind the data queued before it).
  const flood = alertStream(waf, { server, path: '/flood', authenticate: TOKEN, maxBufferedBytes: 64 * 1024, stuckTimeoutMs: 2500, heartbeatMs: 60_000, replay: 0 });
  const reader = new WebSocket(`${base.replace('http', 'ws')}/flood?types=alert`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const got: Msg[] = [];
  reader.on('message', (raw) => { got.push(JSON.parse(raw.toString()) as Msg); });
  await once(reader, 'open');
  // A raw TCP client that completes the handshake and then never reads.
  const sock = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await once(sock, 'connect');
  sock.write(`GET /flood HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
  await once(sock, 'data');
  sock.pause();
  await eventually(() => flood.clients === 2, 'the raw client to be attached');
  const big: Alert = {
    v: 1, incidentId: 'flood', time: new Date().toISOString(), clientIp: '192.0.2.9', method: 'GET', url: `/${'a'.repeat(60_000)}`,
    matches: [], score: 0, threshold: 5, action: 'pass', status: undefined, rulesVersion: 'x',
  };
  const detail = { httpVersion: '1.1', headers: [], bodyExcerpt: undefined, bodyLength: 0 };
  for (let i = 0; i < 400; i++) {
    waf.emit('alert', { ...big, incidentId: `flood-${i}` }, detail);
    if (i % 20 === 0) await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(flood.dropped > 0, 'events were dropped for the stuck client');
  assert.ok(flood.dropped < 400, 'the reading client was not counted as stuck for everything');
  await new Promise((r) => setTimeout(r, 2600));
  waf.emit('alert', { ...big, incidentId: 'after' }, detail);
  await eventually(() => flood.clients === 1, 'the stuck client to be cut off');
  sock.destroy();
  // The reading client got what it could take, and is told how many it missed while it was over the cap.
  await eventually(() => got.some((m) => m.data.incidentId === 'after'), 'the event after the flood');
  const alerts = got.filter((m) => m.type === 'alert').length;
  const missed = got.filter((m) => m.type === 'dropped').reduce((n, m) => n + Number(m.data.count), 0);
  assert.equal(alerts + missed, 401);
  reader.terminate();
  await flood.close();
});

test('a second stream on another path: its own auth callback, a client cap (503), option checks', async () => {
  const seen: string[] = [];
  const capped = alertStream(waf, { server, path: '/ops/stream', authenticate: (req) => { seen.push(String(req.headers['x-user'])); return req.headers['x-user'] === 'ops'; }, maxClients: 1 });
  const url = `${base.replace('http', 'ws')}/ops/stream`;
  const one = new WebSocket(url, { headers: { 'x-user': 'ops' } });
  await once(one, 'message');
  const two = new WebSocket(url, { headers: { 'x-user': 'ops' } });
  two.on('error', () => {});
  const [, res] = (await once(two, 'unexpected-response')) as [unknown, http.IncomingMessage];
  assert.equal(res.statusCode, 503);
  res.resume();
  two.terminate();
  const three = new WebSocket(url, { headers: { 'x-user': 'guest' } });
  three.on('error', () => {});
  const [, res3] = (await once(three, 'unexpected-response')) as [unknown, http.IncomingMessage];
  assert.equal(res3.statusCode, 401);
  res3.resume();
  three.terminate();
  assert.deepEqual(seen, ['ops', 'ops', 'guest'], 'authenticated before the client cap is checked');
  assert.equal(stream.clients, 0, 'the first stream has its own clients');
  one.terminate();
  await capped.close();
  const code = (c: string) => (e: { code?: string }) => e.code === c;
  assert.throws(() => alertStream(waf, { server, authenticate: 'short' }), code('ERR_PORTCULLIS_OPTION_INVALID'));
  assert.throws(() => alertStream(waf, { server } as never), code('ERR_PORTCULLIS_OPTION_INVALID'));
  assert.throws(() => alertStream(waf, { server, authenticate: TOKEN, path: 'no-slash' }), code('ERR_PORTCULLIS_OPTION_INVALID'));
  assert.throws(() => alertStream(waf, { server, authenticate: TOKEN, replay: -1 }), code('ERR_PORTCULLIS_OPTION_INVALID'));
  assert.throws(() => alertStream(waf, { server, authenticate: TOKEN, maxBuffered: 1 } as never), code('ERR_PORTCULLIS_OPTION_UNKNOWN'));
  assert.throws(() => alertStream(waf, { server: {} as never, authenticate: TOKEN }), code('ERR_PORTCULLIS_OPTION_INVALID'));
});

test('waf.close() closes every client with 1001 and stops accepting', async () => {
  const c = await new Client().open();
  const closing = once(c.ws, 'close');
  await waf.close();
  const [code] = await closing;
  assert.equal(code, 1001);
  assert.equal(stream.clients, 0);
  const ws = new WebSocket(`${base.replace('http', 'ws')}/_waf/alerts`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const outcome = await Promise.race([once(ws, 'open').then(() => 'open'), once(ws, 'error').then(() => 'error'), once(ws, 'unexpected-response').then(() => 'refused'), new Promise((r) => setTimeout(() => r('no answer'), 500))]);
  assert.notEqual(outcome, 'open');
  ws.terminate();
});
