/**
 * Cross-instance ban latency through Redis pub/sub: instance A (its own process) bans an IP, instance B (this
 * process) reports when its ban check starts refusing it. Both use separate Redis connections to 127.0.0.1:6379.
 *   npx tsx bench/redis/ban-latency.ts [bans=100]
 * The clock is shared (same machine): A sends its performance.timeOrigin-based timestamp just before waf.ban().
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { portcullis } from '../../src/index.js';
import { scanDel } from '../../test/helpers/redis.js';

const n = Number(process.argv[2] ?? 100);
const now = () => performance.timeOrigin + performance.now();

if (process.argv[3] === 'child') {
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const waf = portcullis({ store: { redis, prefix: process.env.PREFIX! } });
  await waf.bans();
  process.send?.({ ready: true });
  process.on('message', async (m: { ip: string }) => {
    const t = now();
    await waf.ban(m.ip, 60_000, 'latency');
    process.send?.({ ip: m.ip, t });
  });
  process.on('disconnect', () => { void waf.close().then(() => redis.quit()).finally(() => process.exit(0)); });
} else {
  const prefix = `portcullis-bench:${randomUUID()}:`;
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const b = portcullis({ store: { redis, prefix } });
  const seen = new Map<string, number>();
  b.on('ban', (e) => { seen.set(e.ip, now()); });
  const child = fork(fileURLToPath(import.meta.url), [String(n), 'child'], { execArgv: ['--import', 'tsx'], env: { ...process.env, PREFIX: prefix } });
  await new Promise<void>((r) => child.once('message', () => r()));
  await new Promise((r) => setTimeout(r, 300)); // both subscribed
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const ip = `198.18.${i >> 8}.${i & 255}`;
    const sent = await new Promise<number>((resolve) => {
      child.once('message', (m: { t: number }) => resolve(m.t));
      child.send({ ip });
    });
    for (let k = 0; k < 1000 && !seen.has(ip); k++) await new Promise((r) => setTimeout(r, 1));
    const at = seen.get(ip);
    if (at !== undefined) lat.push(at - sent);
  }
  lat.sort((x, y) => x - y);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(2);
  console.log(`cross-process ban latency over ${lat.length}/${n} bans: median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${lat.at(-1)!.toFixed(2)} ms`);
  child.disconnect();
  await b.close();
  await scanDel(redis, prefix);
  await redis.quit();
}
