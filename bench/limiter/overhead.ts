/**
 * Per-request cost of the pre-rule stage (client IP, ban check, rate limiter), in process, without sockets or
 * autocannon noise: the middleware is called on synthetic GET requests (10 browser-like headers, one client IP).
 *   npx tsx bench/limiter/overhead.ts [requests=20000] [rounds=6]
 * Variants alternate; the best round of each is reported (least disturbed by other load on the machine).
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { portcullis, type PortcullisOptions } from '../../src/index.js';

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 6);
const headers = [
  'host', '127.0.0.1', 'user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'accept', 'text/html,application/xhtml+xml', 'accept-language', 'en-GB,en;q=0.9', 'accept-encoding', 'gzip, deflate, br',
  'referer', 'https://shop.example.com/category/shoes?page=2', 'cookie', '_ga=GA1.2.1234567890.1700000000; session=abc123',
  'sec-ch-ua-mobile', '?0', 'sec-ch-ua-platform', '"Linux"', 'upgrade-insecure-requests', '1',
];

function request(): { req: IncomingMessage; res: ServerResponse } {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: '203.0.113.5' });
  const req = new IncomingMessage(socket);
  req.method = 'GET';
  req.url = '/products?q=trail+shoes&size=42';
  req.httpVersion = '1.1';
  req.rawHeaders = headers;
  for (let i = 0; i < headers.length; i += 2) req.headers[headers[i]!] = headers[i + 1]!;
  req.complete = true;
  return { req, res: new ServerResponse(req) };
}

const variants: Record<string, PortcullisOptions> = {
  'rules off': { rules: { defaults: false } },
  'rules off + limiter': { rules: { defaults: false }, rateLimit: { max: 1_000_000_000 } },
  'default rules': {},
  'default + bans + limiter': { bans: { file: false }, rateLimit: { max: 1_000_000_000 } },
};
const wafs = Object.entries(variants).map(([name, o]) => ({ name, waf: portcullis(o) }));
const pool = Array.from({ length: 64 }, request);
const best = new Map<string, number>();
for (let r = 0; r < ROUNDS; r++) {
  for (const { name, waf } of r % 2 === 0 ? wafs : [...wafs].reverse()) {
    let passed = 0;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const { req, res } = pool[i & 63]!;
      waf(req, res, () => { passed++; });
    }
    const us = ((performance.now() - t0) * 1000) / N;
    if (passed !== N) throw new Error(`${name}: ${N - passed} requests not passed`);
    best.set(name, Math.min(best.get(name) ?? Infinity, us));
  }
}
for (const [name, us] of best) console.log(`${name.padEnd(26)} ${us.toFixed(2).padStart(7)} µs/request`);
for (const { waf } of wafs) await waf.close();
