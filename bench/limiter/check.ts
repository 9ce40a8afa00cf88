/**
 * CPU per request of the rate limiter's hot path, in process: `limiter.check` over the memory store plus
 * `setRateLimitHeaders` (draft-8) on a real ServerResponse, for a client within its limit.
 *   npx tsx bench/limiter/check.ts [requests=200000] [rounds=7]
 * Cases: one repeated IPv4 client, 10k distinct IPv4 clients in turn, 10k distinct IPv6 clients (/56 keys).
 * Reported: min and median of the rounds, in ns of process CPU time (process.cpuUsage) per request.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { setRateLimitHeaders } from '../../src/limiter/headers.js';
import { compileRoute, createLimiter } from '../../src/limiter/limiter.js';
import { createMemoryCounterStore } from '../../src/stores/memory/counter-store.js';

const N = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 7);

const req = new IncomingMessage(new Socket());
req.method = 'GET';
req.url = '/products?q=trail+shoes&size=42';
const pool = Array.from({ length: 64 }, () => new ServerResponse(req));

const v4 = Array.from({ length: 10_000 }, (_, i) => `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`);
const v6 = Array.from({ length: 10_000 }, (_, i) => `2001:db8:${(i >>> 8).toString(16)}:${((i & 0xff) << 8).toString(16)}::1`);
const cases: Record<string, readonly string[]> = { 'one IPv4': ['203.0.113.5'], '10k IPv4': v4, '10k IPv6': v6 };

const limiter = createLimiter(
  [{ name: 'default', max: 1_000_000_000, windowMs: 60_000, key: undefined, matches: compileRoute(undefined, undefined) }],
  createMemoryCounterStore(), 56,
);

function round(ips: readonly string[]): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const o = limiter.check(req, ips[i % ips.length]!);
    if (o === undefined || o instanceof Promise || o.refused !== undefined) throw new Error('unexpected outcome');
    setRateLimitHeaders(pool[i & 63]!, 'draft-8', o.applied, o.tightest);
  }
  const c1 = process.cpuUsage(c0);
  return ((c1.user + c1.system) * 1000) / N;
}

const results = new Map<string, number[]>();
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, ips] of Object.entries(cases)) {
    const ns = round(ips);
    if (r > 0) (results.get(name) ?? results.set(name, []).get(name)!).push(ns); // round 0 warms up
  }
}
for (const [name, ns] of results) {
  ns.sort((a, b) => a - b);
  console.log(`${name.padEnd(10)} min ${ns[0]!.toFixed(0).padStart(5)} ns  median ${ns[ns.length >> 1]!.toFixed(0).padStart(5)} ns per request`);
}
console.log(`headers: ${JSON.stringify(pool[0]!.getHeaders())}`);
