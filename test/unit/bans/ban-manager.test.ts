import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BanEvent, UnbanEvent } from '../../../src/alerts/types.js';
import { createBanManager, type JailConfig } from '../../../src/bans/ban-manager.js';
import { createIpList } from '../../../src/bans/ip-list.js';
import { createMemoryBanStore } from '../../../src/stores/memory/ban-store.js';
import { createMemoryCounterStore } from '../../../src/stores/memory/counter-store.js';

const MIN = 60_000;

function jail(p: Partial<JailConfig> = {}): JailConfig {
  return {
    name: 'waf', maxRetry: 3, findTimeMs: 10 * MIN, ignore: createIpList(undefined, 'x'),
    failures: new Set(['block', 'strike'] as const),
    policy: { banTimeMs: 10 * MIN, increment: true, factor: 1, maxTimeMs: 24 * 60 * MIN, multipliers: undefined, rndTimeMs: 0 },
    ...p,
  };
}

function setup(opts: { jails?: JailConfig[]; ignore?: string[]; file?: string; clock?: { t: number } } = {}) {
  const clock = opts.clock ?? { t: 1_700_000_000_000 };
  const now = () => clock.t;
  const events: (BanEvent | UnbanEvent)[] = [];
  const errors: unknown[] = [];
  const ignore = createIpList(opts.ignore, 'bans.ignore');
  const store = createMemoryBanStore({ maxEntries: 1000, historyMs: 7 * 24 * 60 * MIN, file: opts.file, writeDelayMs: 1, ignored: (ip) => ignore.has(ip), onError: (e) => errors.push(e), now });
  const counters = createMemoryCounterStore({ maxKeys: 1000, now });
  const m = createBanManager({
    jails: opts.jails ?? [jail()], ignore, store, counters, now, sweepMs: 60 * MIN,
    host: { ban: (e) => events.push(e), unban: (e) => events.push(e), fail: (e) => errors.push(e) },
  });
  return { m, clock, events, errors, store };
}

test('maxRetry-1 failures do not ban; failure maxRetry within findTime does', async () => {
  const { m, events } = setup();
  await m.failure('block', '1.2.3.4', 'x');
  await m.failure('block', '1.2.3.4', 'x');
  assert.equal(m.check('1.2.3.4'), undefined);
  await m.failure('block', '1.2.3.4', 'sqli');
  const b = m.check('1.2.3.4');
  assert.ok(b);
  assert.equal(b.jail, 'waf');
  assert.equal(b.count, 1);
  assert.equal(events.length, 1);
  assert.equal((events[0] as BanEvent).durationMs, 10 * MIN);
  await m.close();
});

test('window edges: failures findTime apart do not add up; spread just over findTime do not ban', async () => {
  const { m, clock } = setup();
  await m.failure('block', '1.2.3.4', 'x');
  clock.t += 5 * MIN;
  await m.failure('block', '1.2.3.4', 'x');
  clock.t += 5 * MIN; // the first failure is now exactly findTime old: it no longer counts
  await m.failure('block', '1.2.3.4', 'x');
  assert.equal(m.check('1.2.3.4'), undefined);
  clock.t += 1; // second failure is 5 min + 1 ms old: still inside
  await m.failure('block', '1.2.3.4', 'x');
  assert.ok(m.check('1.2.3.4'));
  await m.close();
});

test('a ban ends at exactly banTime (still banned at banTime - 1 ms) and emits an expiry unban on sweep', async () => {
  const { m, clock, events, store } = setup({ jails: [jail({ maxRetry: 1 })] });
  await m.failure('block', '1.2.3.4', 'x');
  clock.t += 10 * MIN - 1;
  assert.ok(m.check('1.2.3.4'));
  clock.t += 1;
  assert.equal(m.check('1.2.3.4'), undefined);
  const expired = store.sweep(clock.t);
  assert.deepEqual(expired.map((e) => e.ip), ['1.2.3.4']);
  assert.equal(events.length, 1);
  await m.close();
});

test('repeat offenders: growing ban times and banned again sooner; manual unban clears history', async () => {
  const { m, clock } = setup({ jails: [jail({ maxRetry: 5 })] });
  for (let i = 0; i < 5; i++) await m.failure('block', '9.9.9.9', 'x');
  assert.equal(m.check('9.9.9.9')?.count, 1);
  clock.t += 11 * MIN;
  // Known offender (1 earlier ban): each failure weighs 2 → 3 failures reach 5.
  for (let i = 0; i < 2; i++) await m.failure('block', '9.9.9.9', 'x');
  assert.equal(m.check('9.9.9.9'), undefined);
  await m.failure('block', '9.9.9.9', 'x');
  const second = m.check('9.9.9.9');
  assert.equal(second?.count, 2);
  assert.equal(second!.until - clock.t, 20 * MIN);
  assert.equal(await m.unban('9.9.9.9'), true);
  assert.equal(await m.unban('9.9.9.9'), false);
  for (let i = 0; i < 5; i++) await m.failure('block', '9.9.9.9', 'x');
  assert.equal(m.check('9.9.9.9')?.count, 1, 'history cleared by the unban');
  assert.equal(m.check('9.9.9.9')!.until - clock.t, 10 * MIN);
  await m.close();
});

test('ignore lists (global and per jail; IPv6, CIDR, mapped form) are never banned by jails', async () => {
  const { m } = setup({ ignore: ['10.0.0.0/8', '2001:db8::/32'], jails: [jail({ maxRetry: 1, ignore: createIpList(['::ffff:192.0.2.1'], 'x') })] });
  for (const ip of ['10.1.2.3', '2001:db8::7', '192.0.2.1']) {
    await m.failure('block', ip, 'x');
    assert.equal(m.check(ip), undefined, ip);
  }
  await m.failure('block', '192.0.2.2', 'x');
  assert.ok(m.check('192.0.2.2'));
  await m.close();
});

test('failure kinds: a jail counts only what it is configured for; strike() may name a jail', async () => {
  const { m } = setup({ jails: [jail({ name: 'waf', maxRetry: 1, failures: new Set(['block']) }), jail({ name: 'login', maxRetry: 2, failures: new Set(['strike']) })] });
  await m.failure('ratelimit', '5.5.5.5', 'x');
  assert.equal(m.check('5.5.5.5'), undefined);
  await m.failure('strike', '5.5.5.5', 'bad password');
  assert.equal(m.check('5.5.5.5'), undefined);
  await m.failure('strike', '5.5.5.5', 'bad password');
  assert.equal(m.check('5.5.5.5')?.jail, 'login');
  await m.failure('strike', '6.6.6.6', 'x', 'waf');
  assert.equal(m.check('6.6.6.6')?.jail, 'waf');
  await m.close();
});

test('concurrent failures of one IP produce exactly one ban event', async () => {
  const { m, events } = setup({ jails: [jail({ maxRetry: 2 })] });
  await Promise.all(Array.from({ length: 50 }, () => m.failure('block', '7.7.7.7', 'x')));
  assert.equal(events.filter((e) => 'until' in e).length, 1);
  await m.close();
});

test('manual ban: normalised address (a ban on 1.2.3.4 blocks ::ffff:1.2.3.4, not 2001:db8::1.2.3.4), permanent, bad input', async () => {
  const { m } = setup();
  const e = await m.ban('::ffff:1.2.3.4', 5 * MIN, 'ops');
  assert.equal(e.ip, '1.2.3.4');
  assert.equal(e.jail, 'manual');
  assert.ok(m.check('1.2.3.4'));
  assert.equal(m.check('2001:db8::102:304'), undefined);
  const p = await m.ban('2001:db8::1', -1);
  assert.equal(p.durationMs, -1);
  await assert.rejects(m.ban('not-an-ip'), { code: 'ERR_PORTCULLIS_BAN_IP' });
  await assert.rejects(m.ban('1.1.1.1', 0), { code: 'ERR_PORTCULLIS_BAN_IP' });
  await assert.rejects(m.ban('1.1.1.1', Number.NaN), { code: 'ERR_PORTCULLIS_BAN_IP' });
  assert.equal(m.list().length, 2);
  await m.close();
});

test('restart: bans end at the same absolute time, expired ones are not restored, history and permanent bans survive, ignore list applies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bans-'));
  try {
    const file = join(dir, 'bans.json');
    const clock = { t: 1_700_000_000_000 };
    const a = setup({ file, clock, jails: [jail({ maxRetry: 1 })] });
    await a.m.failure('block', '1.1.1.1', 'x');          // 10 min
    await a.m.ban('2.2.2.2', 60_000);                    // 1 min
    await a.m.ban('3.3.3.3', -1);                        // permanent
    await a.m.ban('10.9.9.9', 10 * MIN);                 // will be ignored after the restart
    await a.m.close();                                   // writes the snapshot
    clock.t += 2 * MIN;
    const b = setup({ file, clock, ignore: ['10.0.0.0/8'], jails: [jail({ maxRetry: 1 })] });
    assert.equal(b.errors.length, 0);
    assert.equal(b.m.check('1.1.1.1')?.until, 1_700_000_000_000 + 10 * MIN);
    assert.equal(b.m.check('2.2.2.2'), undefined);
    assert.ok(b.m.check('3.3.3.3'));
    assert.equal(b.m.check('10.9.9.9'), undefined);
    // History survived: the next ban of 2.2.2.2 is its second.
    await b.m.failure('block', '2.2.2.2', 'x');
    assert.equal(b.m.check('2.2.2.2')?.count, 2);
    await b.m.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt snapshot is reported (error with a code) and the store starts empty', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bans-'));
  try {
    const file = join(dir, 'bans.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, '{"v":1,"bans":[{"ip":');
    const s = setup({ file });
    assert.equal(s.errors.length, 1);
    assert.equal((s.errors[0] as { code?: string }).code, 'ERR_PORTCULLIS_BANS_SNAPSHOT');
    assert.equal(s.m.list().length, 0);
    await s.m.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
