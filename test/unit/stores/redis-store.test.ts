/**
 * The Redis store against the real server at 127.0.0.1:6379, with both clients (ioredis and node-redis). Each test
 * uses its own key prefix and deletes its keys afterwards.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { commanderOf, type RedisCommander } from '../../../src/stores/redis/adapter.js';
import { createRedisStore, type RedisStore } from '../../../src/stores/redis/redis-store.js';
import { CONSUME, runScript } from '../../../src/stores/redis/scripts.js';
import { createMemoryBanStore } from '../../../src/stores/memory/ban-store.js';
import { createMemoryCounterStore } from '../../../src/stores/memory/counter-store.js';
import type { BanEntry } from '../../../src/stores/types.js';

type Flavour = 'ioredis' | 'node-redis';

async function connect(flavour: Flavour): Promise<{ client: object; quit: () => Promise<void> }> {
  if (flavour === 'ioredis') {
    const c = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
    await c.connect();
    return { client: c, quit: async () => { await c.quit(); } };
  }
  const c = createClient({ url: 'redis://127.0.0.1:6379' });
  c.on('error', () => undefined);
  await c.connect();
  return { client: c, quit: async () => { await c.close(); } };
}

async function cleanup(cmd: RedisCommander, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await cmd.send(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000]) as [string, string[]];
    cursor = String(next);
    if (keys.length) await cmd.send(['DEL', ...keys]);
  } while (cursor !== '0');
}

function makeStore(client: object, prefix: string, seen: { bans: BanEntry[]; unbans: string[]; alerts: unknown[]; errors: Error[] }): RedisStore {
  const onError = (e: Error) => seen.errors.push(e);
  return createRedisStore({
    redis: client, prefix, timeoutMs: 2000, retryMs: 100, historyMs: 3600_000,
    localCounters: createMemoryCounterStore({ maxKeys: 1000 }),
    localBans: createMemoryBanStore({ maxEntries: 1000, historyMs: 3600_000, onError }),
    listener: { banned: (e) => seen.bans.push(e), unbanned: (ip) => seen.unbans.push(ip), alert: (_k, a) => seen.alerts.push(a) },
    onError,
  });
}

const newSeen = () => ({ bans: [] as BanEntry[], unbans: [] as string[], alerts: [] as unknown[], errors: [] as Error[] });

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

for (const flavour of ['ioredis', 'node-redis'] as const) {
  describe(`Redis store with ${flavour}`, () => {
    const prefixes: string[] = [];
    const newPrefix = (): string => { const p = `portcullis-test:${randomUUID()}:`; prefixes.push(p); return p; };
    const clients: { quit: () => Promise<void> }[] = [];
    let cmd: RedisCommander;
    after(async () => {
      if (cmd) for (const p of prefixes) await cleanup(cmd, p);
      for (const c of clients) await c.quit();
    });

    test('adapter and atomic GCRA: concurrent consumers get exactly max tokens; keys carry a TTL', async () => {
      const a = await connect(flavour);
      clients.push(a);
      cmd = commanderOf(a.client);
      assert.equal(cmd.flavour, flavour);
      const prefix = newPrefix();
      const key = `${prefix}rl:default:1.2.3.4`;
      const results = await Promise.all(Array.from({ length: 60 }, () => runScript(cmd, CONSUME, [key], [25, 3_600_000])));
      const allowed = results.filter((r) => Number((r as unknown[])[0]) === 1).length;
      assert.equal(allowed, 25);
      const ttl = Number(await cmd.send(['PTTL', key]));
      assert.ok(ttl > 0 && ttl <= 3_600_000, String(ttl));
      await cmd.send(['SCRIPT', 'FLUSH']); // NOSCRIPT fallback: EVALSHA fails, EVAL reloads
      const again = await runScript(cmd, CONSUME, [key], [25, 3_600_000]) as unknown[];
      assert.equal(Number(again[0]), 0);
    });

    test('two instances share counters, jail failures and bans; ban/unban spread through pub/sub', async () => {
      const a = await connect(flavour);
      const b = await connect(flavour);
      clients.push(a, b);
      const prefix = newPrefix();
      const seenA = newSeen();
      const seenB = newSeen();
      const sa = makeStore(a.client, prefix, seenA);
      const sb = makeStore(b.client, prefix, seenB);
      await Promise.all([sa.ready, sb.ready]);
      try {
        const r1 = await sa.counters.consume('api\u00005.5.5.5', 2, 60_000);
        const r2 = await sb.counters.consume('api\u00005.5.5.5', 2, 60_000);
        const r3 = await sa.counters.consume('api\u00005.5.5.5', 2, 60_000);
        assert.deepEqual([r1.allowed, r2.allowed, r3.allowed], [true, true, false]);
        assert.equal(r2.remaining, 0);
        assert.ok(r3.retryAfterMs > 29_000 && r3.retryAfterMs <= 30_000, String(r3.retryAfterMs));

        assert.equal(await sa.counters.fail('waf\u00006.6.6.6', 1, 3, 60_000), false);
        assert.equal(await sb.counters.fail('waf\u00006.6.6.6', 1, 3, 60_000), false);
        const wins = await Promise.all([sa.counters.fail('waf\u00006.6.6.6', 1, 3, 60_000), sb.counters.fail('waf\u00006.6.6.6', 1, 3, 60_000)]);
        assert.equal(wins.filter(Boolean).length, 1, 'exactly one instance wins the ban');

        const entry = await sa.bans.add({ ip: '6.6.6.6', jail: 'waf', reason: 'test', duration: (prev) => 60_000 * 2 ** prev }, Date.now());
        assert.equal(entry.count, 1);
        await until(() => sb.bans.get('6.6.6.6', Date.now()) !== undefined, 'ban reached instance B');
        assert.deepEqual(seenB.bans.map((e) => e.ip), ['6.6.6.6']);
        assert.equal(seenA.bans.length, 0, 'an instance ignores its own messages');
        const ttl = Number(await commanderOf(a.client).send(['PTTL', `${prefix}ban:6.6.6.6`]));
        assert.ok(ttl > 50_000 && ttl <= 60_000, String(ttl));
        // The offence count is shared: B's next ban of the same IP is the second.
        const second = await sb.bans.add({ ip: '6.6.6.6', jail: 'waf', reason: 'again', duration: (prev) => 60_000 * 2 ** prev }, Date.now());
        assert.equal(second.count, 2);
        assert.ok(second.until - Date.now() > 100_000);

        assert.equal(await sb.bans.remove('6.6.6.6', Date.now()), true);
        await until(() => sa.bans.get('6.6.6.6', Date.now()) === undefined, 'unban reached instance A');
        assert.ok(seenA.unbans.includes('6.6.6.6'));
        assert.equal(Number(await commanderOf(a.client).send(['EXISTS', `${prefix}hist:6.6.6.6`])), 0, 'unban clears history');

        sa.publishAlert('block', { v: 1, incidentId: 'x1' });
        await until(() => seenB.alerts.length === 1, 'alert relayed');
        assert.deepEqual(seenB.alerts[0], { v: 1, incidentId: 'x1' });
        assert.equal(seenA.errors.length + seenB.errors.length, 0);
      } finally {
        await sa.close();
        await sb.close();
      }
    });

    test('a new instance loads the active bans at start; foreign or malformed messages are ignored', async () => {
      const a = await connect(flavour);
      const b = await connect(flavour);
      clients.push(a, b);
      const prefix = newPrefix();
      const sa = makeStore(a.client, prefix, newSeen());
      await sa.ready;
      await sa.bans.add({ ip: '2001:db8::9', jail: 'manual', reason: 'r', duration: () => -1 }, Date.now());
      const cmdA = commanderOf(a.client);
      await cmdA.send(['SET', `${prefix}ban:junk`, '{not json']);
      const seenB = newSeen();
      const sb = makeStore(b.client, prefix, seenB);
      await sb.ready;
      try {
        assert.ok(sb.bans.get('2001:db8::9', Date.now()));
        assert.equal(Number(await cmdA.send(['PTTL', `${prefix}ban:2001:db8::9`])), -1, 'permanent: no TTL');
        for (const m of ['x', '{}', JSON.stringify({ t: 'ban', from: 'other', e: { ip: 'garbage', until: 1, jail: 'x', reason: 'x', count: 1 } }), JSON.stringify({ t: 'unban', from: 'o', ip: 123 })]) {
          await cmdA.send(['PUBLISH', `${prefix}events`, m]);
        }
        await cmdA.send(['PUBLISH', `${prefix}events`, JSON.stringify({ t: 'unban', from: 'other', ip: '2001:db8::9' })]);
        await until(() => sb.bans.get('2001:db8::9', Date.now()) === undefined, 'valid unban applied');
        assert.equal(seenB.bans.filter((e) => e.ip === 'garbage').length, 0);
      } finally {
        await sa.close();
        await sb.close();
      }
    });
  });
}
