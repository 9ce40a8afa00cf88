/**
 * Alert stream broadcast throughput: one WAF, 100 WebSocket clients in a separate local process (so the
 * clients' parsing does not share the server's event loop), a burst of realistic alert events.
 * Reports events broadcast per second, end-to-end delivery rate, and events dropped (none expected).
 *
 *   npx tsx bench/alerts/broadcast.ts [clients=100] [events=10000]
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { alertStream, portcullis, type Alert } from '../../src/index.js';

const TOKEN = 'bench-token-123456';

if (process.argv[2] === '--clients') {
  // Child: open the clients, say "ready", count messages, say "done <ms since first>" when all arrived.
  const [, , , url, n, events] = process.argv;
  const total = Number(n) * Number(events);
  let received = 0;
  let first = 0;
  await Promise.all(Array.from({ length: Number(n) }, () => new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(url!, { headers: { authorization: `Bearer ${TOKEN}` } });
    ws.on('message', (raw) => {
      const s = raw.toString();
      if (s.startsWith('{"v":1,"type":"hello"')) { resolve(); return; }
      JSON.parse(s);
      if (first === 0) first = performance.now();
      if (++received === total) { console.log(`done ${(performance.now() - first).toFixed(1)}`); process.exit(0); }
    });
    ws.on('error', reject);
  })));
  console.log('ready');
} else {
  const CLIENTS = Number(process.argv[2] ?? 100);
  const EVENTS = Number(process.argv[3] ?? 10_000);
  const waf = portcullis();
  const server = http.createServer((_req, res) => res.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const stream = alertStream(waf, { server, authenticate: TOKEN, maxBufferedBytes: 64 * 1024 * 1024 });

  // A realistic alert: what the engine emits for a SQL injection (two matches).
  const r = await waf.inspect({ method: 'GET', url: "/search?q=1'%20or%20'1'='1", headers: { host: 'x', 'user-agent': 'bench' } });
  const alert: Alert = {
    v: 1, incidentId: r.incidentId, time: new Date().toISOString(), clientIp: '203.0.113.5', method: 'GET', url: "/search?q=1'%20or%20'1'='1",
    matches: r.matches, score: r.score, threshold: r.threshold, action: r.action, status: r.status, rulesVersion: r.rulesVersion,
  };
  const detail = { httpVersion: '1.1', headers: [], bodyExcerpt: undefined, bodyLength: 0 };
  const bytes = Buffer.byteLength(JSON.stringify({ v: 1, type: 'alert', seq: 1, data: alert }));

  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--clients', `ws://127.0.0.1:${port}${stream.path}?types=alert`, String(CLIENTS), String(EVENTS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  assertLine((await lines.next()).value, 'ready');

  const t0 = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    waf.emit('alert', { ...alert, incidentId: `bench-${i}` }, detail);
    if (i % 100 === 99) await new Promise((res) => setImmediate(res)); // let sockets drain, as between requests
  }
  const tEmit = performance.now() - t0;
  const done = String((await lines.next()).value);
  const tAll = performance.now() - t0;
  assertLine(done.slice(0, 4), 'done');

  console.log(`clients ${CLIENTS} (separate process), events ${EVENTS}, message ${bytes} bytes, dropped ${stream.dropped}`);
  console.log(`broadcast (server side, serialise once + 100 sends): ${(EVENTS / (tEmit / 1000)).toFixed(0)} events/s, ${((EVENTS * CLIENTS) / (tEmit / 1000)).toFixed(0)} messages/s`);
  console.log(`delivered end to end (last client message): ${(EVENTS / (tAll / 1000)).toFixed(0)} events/s to every client = ${((CLIENTS * EVENTS) / (tAll / 1000)).toFixed(0)} messages/s (${((CLIENTS * EVENTS * bytes) / (tAll / 1000) / 1e6).toFixed(1)} MB/s)`);
  await waf.close();
  server.close();
}

function assertLine(got: unknown, want: string): void {
  if (got !== want) throw new Error(`client process said ${String(got)}, expected ${want}`);
}
