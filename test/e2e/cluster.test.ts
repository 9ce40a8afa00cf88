/**
 * Several Node processes sharing limits and bans through the real Redis (127.0.0.1:6379): the number of requests
 * let through stays within 1% of the limit, and a ban made in one process is enforced by the others.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { scanDel } from '../helpers/redis.js';

const WORKERS = 3;
const LIMIT = 300;
const prefix = `portcullis-test:${randomUUID()}:`;
const workerFile = fileURLToPath(new URL('./cluster-worker.ts', import.meta.url));
const children: ChildProcess[] = [];
const redis = new Redis({ host: '127.0.0.1', port: 6379 });

after(async () => {
  await Promise.all(children.map(async (c) => {
    if (c.exitCode !== null) return;
    const exited = once(c, 'exit');
    c.disconnect();
    const t = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }));
  await scanDel(redis, prefix);
  await redis.quit();
});

function start(i: number): Promise<{ child: ChildProcess; base: string }> {
  const child = fork(workerFile, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PREFIX: prefix, LIMIT: String(LIMIT), CLIENT: i % 2 === 0 ? 'ioredis' : 'node-redis' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on('message', (m: { ready?: number }) => { if (m.ready) resolve({ child, base: `http://127.0.0.1:${m.ready}` }); });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });
}

test(`${WORKERS} processes share one limit (within 1%) and one ban list through Redis`, async (t) => {
  const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => start(i)));
  const errors: string[] = [];
  for (const w of workers) w.child.on('message', (m: { error?: string }) => { if (m.error) errors.push(m.error); });
  // Wait until every worker has subscribed (so bans reach them) before measuring.
  for (let i = 0; i < 300; i++) {
    const [, n] = await redis.call('PUBSUB', 'NUMSUB', `${prefix}events`) as [string, number];
    if (Number(n) >= WORKERS) break;
    await new Promise((r) => setTimeout(r, 20));
  }

  // 2x the limit from one client, spread over all processes, 30 at a time.
  const total = LIMIT * 2;
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 30 }, async () => {
    while (next < total) {
      const i = next++;
      const r = await fetch(`${workers[i % WORKERS]!.base}/`, { headers: { 'x-forwarded-for': '198.51.100.200' } });
      await r.arrayBuffer();
      statuses.push(r.status);
    }
  }));
  const ok = statuses.filter((s) => s === 200).length;
  const limited = statuses.filter((s) => s === 429).length;
  assert.equal(ok + limited, total);
  t.diagnostic(`${ok} of ${total} requests let through for a limit of ${LIMIT} across ${WORKERS} processes`);
  assert.ok(Math.abs(ok - LIMIT) <= LIMIT * 0.01, `${ok} requests let through for a limit of ${LIMIT}`);

  // A ban made in worker 0 is enforced by every other worker.
  workers[0]!.child.send({ cmd: 'ban', ip: '198.51.100.201' });
  await new Promise<void>((resolve) => workers[0]!.child.on('message', (m: { banned?: string }) => { if (m.banned) resolve(); }));
  for (const w of workers.slice(1)) {
    let status = 0;
    for (let i = 0; i < 200 && status !== 403; i++) {
      status = (await fetch(`${w.base}/`, { headers: { 'x-forwarded-for': '198.51.100.201' } })).status;
      if (status !== 403) await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(status, 403);
  }
  assert.deepEqual(errors, []);
});
