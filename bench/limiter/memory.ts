/**
 * Memory growth of the rate limiter under a flood of distinct client IPs (each a new key).
 *   npx tsx --expose-gc bench/limiter/memory.ts [ips=1000000] [maxKeys=100000]
 * Runs the limiter in-process (no HTTP) over the memory store (lru-cache bounded by maxKeys) and reports heap and
 * RSS growth after a forced GC, plus the time taken. Goal: growth <= 150 MB for 1M IPs at the default maxKeys.
 */
import type { IncomingMessage } from 'node:http';
import { createLimiter } from '../../src/limiter/limiter.js';
import { createMemoryCounterStore } from '../../src/stores/memory/counter-store.js';

const ips = Number(process.argv[2] ?? 1_000_000);
const maxKeys = Number(process.argv[3] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.warn('run with --expose-gc for exact figures');
const settle = () => { gc?.(); gc?.(); return process.memoryUsage(); };

const store = createMemoryCounterStore({ maxKeys });
const limiter = createLimiter([{ name: 'default', max: 100, windowMs: 60_000, key: undefined, matches: () => true }], store, 56);
const req = { method: 'GET', url: '/', headers: {} } as unknown as IncomingMessage;
const before = settle();
const t0 = performance.now();
for (let i = 0; i < ips; i++) {
  // Half IPv4, half IPv6 in distinct /56s, so both key forms are exercised.
  const ip = i % 2 === 0
    ? `${(i >>> 24) & 255}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`
    : `2001:db8:${(i >>> 8).toString(16)}:${((i & 0xff) << 8).toString(16)}::1`;
  limiter.check(req, ip);
}
const ms = performance.now() - t0;
const after = settle();
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(`limiter flood: ${ips} distinct IPs, maxKeys ${maxKeys}, keys held ${store.size}`);
console.log(`time ${ms.toFixed(0)} ms (${(ips / ms * 1000).toFixed(0)} checks/s)`);
console.log(`heap growth ${mb(after.heapUsed - before.heapUsed)} MB, rss growth ${mb(after.rss - before.rss)} MB (rss now ${mb(after.rss)} MB)`);
