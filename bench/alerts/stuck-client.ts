/**
 * Memory with one stuck client under a flood: a raw TCP client completes the WebSocket handshake and never
 * reads; alerts are emitted as fast as possible for a few seconds. Prints heap/RSS over time, the events
 * dropped for the stuck client, and when it was cut off (stuckTimeoutMs).
 *
 *   node --expose-gc --import tsx bench/alerts/stuck-client.ts [seconds=8] [maxBufferedBytes=1048576]
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { alertStream, portcullis, type Alert } from '../../src/index.js';

const SECONDS = Number(process.argv[2] ?? 8);
const CAP = Number(process.argv[3] ?? 1024 * 1024);
const TOKEN = 'bench-token-123456';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const waf = portcullis();
const server = http.createServer((_req, res) => res.end());
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
const stream = alertStream(waf, { server, authenticate: TOKEN, maxBufferedBytes: CAP, stuckTimeoutMs: Math.floor(SECONDS * 1000 / 2), heartbeatMs: 60_000 });

const sock = net.connect(port, '127.0.0.1');
await new Promise((r) => sock.once('connect', r));
sock.write(`GET ${stream.path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
await new Promise((r) => sock.once('data', r));
sock.pause(); // never reads again
sock.on('error', () => {});

const alert: Alert = {
  v: 1, incidentId: 'x', time: new Date().toISOString(), clientIp: '203.0.113.5', method: 'GET', url: `/search?q=${'A'.repeat(1500)}`,
  matches: [{ id: 101000, phase: 2, message: 'SQL injection detected by tokenizer', severity: 'critical', tags: ['attack-sqli'], paranoiaLevel: 1, target: 'ARGS:q', value: 'A'.repeat(200), data: '', score: 5 }],
  score: 5, threshold: 5, action: 'block', status: 403, rulesVersion: 'bench',
};
const detail = { httpVersion: '1.1', headers: [], bodyExcerpt: undefined, bodyLength: 0 };
gc();
const base = process.memoryUsage();
console.log(`cap ${CAP} bytes; baseline heap ${(base.heapUsed / 1e6).toFixed(1)} MB, rss ${(base.rss / 1e6).toFixed(1)} MB`);
const t0 = Date.now();
let emitted = 0;
let cutAt = 0;
const timer = setInterval(() => {
  gc();
  const m = process.memoryUsage();
  console.log(`t=${((Date.now() - t0) / 1000).toFixed(1)}s emitted ${emitted} dropped ${stream.dropped} clients ${stream.clients} heap ${(m.heapUsed / 1e6).toFixed(1)} MB (+${((m.heapUsed - base.heapUsed) / 1e6).toFixed(1)}) rss ${(m.rss / 1e6).toFixed(1)} MB external ${(m.external / 1e6).toFixed(1)} MB`);
  if (!cutAt && stream.clients === 0) cutAt = Date.now() - t0;
}, 1000);
while (Date.now() - t0 < SECONDS * 1000) {
  for (let i = 0; i < 500; i++) { waf.emit('alert', { ...alert, incidentId: `f-${emitted++}` }, detail); }
  await new Promise((r) => setImmediate(r));
}
clearInterval(timer);
console.log(`done: ${emitted} events in ${SECONDS} s, ${stream.dropped} dropped for the stuck client, cut off after ${cutAt ? `${cutAt} ms` : 'not yet'}`);
sock.destroy();
await waf.close();
server.close();
