import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import { gcra } from '../../../src/limiter/gcra.js';
import { retryAfterSeconds, setRateLimitHeaders, type AppliedLimit } from '../../../src/limiter/headers.js';
import { compileRoute, createLimiter, type CompiledLimit } from '../../../src/limiter/limiter.js';
import { createMemoryCounterStore } from '../../../src/stores/memory/counter-store.js';

test('gcra: a burst of max, then one per interval; exact remaining, reset and retry-after', () => {
  let tat: number | undefined;
  const steps = [];
  for (let i = 0; i < 4; i++) {
    const s = gcra(tat, 0, 3, 3000);
    if (s.allowed) tat = s.tat;
    steps.push([s.allowed, s.remaining, s.resetMs, s.retryAfterMs]);
  }
  assert.deepEqual(steps, [[true, 2, 1000, 0], [true, 1, 2000, 0], [true, 0, 3000, 0], [false, 0, 3000, 1000]]);
  assert.equal(gcra(tat, 999, 3, 3000).allowed, false);
  const later = gcra(tat, 1000, 3, 3000);
  assert.equal(later.allowed, true);
  assert.equal(later.remaining, 0);
  assert.equal(gcra(tat, 10_000, 3, 3000).remaining, 2, 'an idle key is a fresh bucket');
});

test('gcra: fractional intervals do not drift (max 7 per 1000 ms)', () => {
  let tat: number | undefined;
  let allowed = 0;
  for (let t = 0; t <= 10_000; t += 1) {
    const s = gcra(tat, t, 7, 1000);
    if (s.allowed) { tat = s.tat; allowed++; }
  }
  // 7 at once, then one every 1000/7 ms for 10 s: 7 + 70.
  assert.ok(allowed >= 76 && allowed <= 78, String(allowed));
});

function fakeRes() {
  const headers = new Map<string, string>();
  return { headers, res: { headersSent: false, setHeader: (k: string, v: string) => headers.set(k.toLowerCase(), v) } as unknown as ServerResponse };
}

test('RateLimit headers: draft-8 (default), draft-7, draft-6, none', () => {
  const check = { allowed: true, remaining: 25, resetMs: 4200, retryAfterMs: 0 };
  const a: AppliedLimit = { name: 'default', max: 100, windowMs: 60_000, check };
  const b: AppliedLimit = { name: 'login"x', max: 5, windowMs: 900_000, check: { ...check, remaining: 4, resetMs: 180_000 } };
  let r = fakeRes();
  setRateLimitHeaders(r.res, 'draft-8', [a, b], b);
  assert.equal(r.headers.get('ratelimit-policy'), '"default";q=100;w=60, "login_x";q=5;w=900');
  assert.equal(r.headers.get('ratelimit'), '"default";r=25;t=5, "login_x";r=4;t=180');
  r = fakeRes();
  setRateLimitHeaders(r.res, 'draft-7', [a], a);
  assert.equal(r.headers.get('ratelimit'), 'limit=100, remaining=25, reset=5');
  assert.equal(r.headers.get('ratelimit-policy'), '100;w=60');
  r = fakeRes();
  setRateLimitHeaders(r.res, 'draft-6', [a], a);
  assert.deepEqual([r.headers.get('ratelimit-limit'), r.headers.get('ratelimit-remaining'), r.headers.get('ratelimit-reset')], ['100', '25', '5']);
  r = fakeRes();
  setRateLimitHeaders(r.res, false, [a], a);
  assert.equal(r.headers.size, 0);
  assert.equal(retryAfterSeconds({ ...check, retryAfterMs: 1 }), 1);
  assert.equal(retryAfterSeconds({ ...check, retryAfterMs: 2001 }), 3);
});

test('draft-8 with one limit: each request gets its own values, also after an identical one (the value is reused)', () => {
  const one = (name: string, remaining: number, resetMs: number): string | undefined => {
    const a: AppliedLimit = { name, max: 100, windowMs: 60_000, check: { allowed: true, remaining, resetMs, retryAfterMs: 0 } };
    const r = fakeRes();
    setRateLimitHeaders(r.res, 'draft-8', [a], a);
    return r.headers.get('ratelimit');
  };
  assert.deepEqual(
    [one('default', 99, 600), one('default', 99, 600), one('default', 98, 600), one('default', 98, 1600), one('api', 98, 1600), one('default', 98, 1600)],
    ['"default";r=99;t=1', '"default";r=99;t=1', '"default";r=98;t=1', '"default";r=98;t=2', '"api";r=98;t=2', '"default";r=98;t=2'],
  );
});

test('routes: exact (case-insensitive, trailing slash), prefix*, RegExp, methods, percent-encoded paths', () => {
  const login = compileRoute('POST', '/login');
  assert.ok(login('POST', '/login'));
  assert.ok(login('post', '/LOGIN/'));
  assert.ok(login('POST', '/%6Cogin'));
  assert.ok(!login('GET', '/login'));
  assert.ok(!login('POST', '/login2'));
  assert.ok(compileRoute(undefined, '/api/*')('GET', '/API/x'));
  assert.ok(compileRoute(['GET', 'HEAD'], /^\/r\/\d+$/g)('HEAD', '/r/12'));
  assert.ok(compileRoute(undefined, '/%zz')('GET', '/%zz'), 'bad percent-encoding does not throw');
});

const req = (method: string, url: string) => ({ method, url, headers: {} }) as unknown as IncomingMessage;

test('limiter: every matching limit counts; the tightest is reported; key functions; IPv6 by /56', () => {
  const store = createMemoryCounterStore({ maxKeys: 1000 });
  const limits: CompiledLimit[] = [
    { name: 'default', max: 10, windowMs: 60_000, key: undefined, matches: compileRoute(undefined, undefined) },
    { name: 'login', max: 2, windowMs: 60_000, key: undefined, matches: compileRoute('POST', '/login') },
    { name: 'user', max: 1, windowMs: 60_000, key: (r) => (r.headers['x-user'] as string | undefined), matches: compileRoute(undefined, '/me') },
  ];
  const lim = createLimiter(limits, store, 56);
  const o1 = lim.check(req('POST', '/login'), '1.1.1.1');
  assert.ok(o1 && !(o1 instanceof Promise));
  assert.equal(o1.applied.length, 2);
  assert.equal(o1.tightest.name, 'login');
  lim.check(req('POST', '/login'), '1.1.1.1');
  const o3 = lim.check(req('POST', '/login'), '1.1.1.1') as Exclude<ReturnType<typeof lim.check>, Promise<unknown> | undefined>;
  assert.equal(o3.refused?.name, 'login');
  // Another address is another key; the same /56 is the same key.
  assert.equal((lim.check(req('POST', '/login?x=1'), '2.2.2.2') as typeof o3).refused, undefined);
  lim.check(req('POST', '/login'), '2001:db8:0:1::1');
  lim.check(req('POST', '/login'), '2001:db8:0:2::1');
  assert.equal((lim.check(req('POST', '/login'), '2001:db8:0:3::1') as typeof o3).refused?.name, 'login');
  // A key function returning undefined skips that limit.
  const me = lim.check(req('GET', '/me'), '3.3.3.3') as typeof o3;
  assert.deepEqual(me.applied.map((a) => a.name), ['default']);
});

test('memory store stays at maxKeys under a flood of 1M distinct IPs', () => {
  const maxKeys = 10_000;
  const store = createMemoryCounterStore({ maxKeys });
  const lim = createLimiter([{ name: 'default', max: 100, windowMs: 60_000, key: undefined, matches: () => true }], store, 56);
  const r = req('GET', '/');
  let refused = 0;
  for (let i = 0; i < 1_000_000; i++) {
    const ip = `${(i >>> 24) & 255}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
    const o = lim.check(r, ip) as { refused: unknown };
    if (o.refused) refused++;
    if (i === maxKeys) assert.equal(store.size, maxKeys);
  }
  assert.equal(store.size, maxKeys);
  assert.equal(refused, 0);
});

test('memory store failure log: bounded, exact window, clears on reaching maxRetry', () => {
  const clock = { t: 0 };
  const s = createMemoryCounterStore({ maxKeys: 100, now: () => clock.t });
  assert.equal(s.fail('k', 1, 3, 1000), false);
  assert.equal(s.fail('k', 1, 3, 1000), false);
  clock.t = 1000;
  assert.equal(s.fail('k', 1, 3, 1000), false, 'the first two are exactly findTime old');
  assert.equal(s.fail('k', 2, 3, 1000), true);
  assert.equal(s.fail('k', 1, 3, 1000), false, 'cleared after the ban');
  s.forget('k');
  assert.equal(s.fail('k', 2, 3, 1000), false);
});

test('limiter: alternating and repeated clients each keep their own bucket (the last-client memo)', () => {
  const store = createMemoryCounterStore({ maxKeys: 100 });
  const lim = createLimiter([
    { name: 'default', max: 2, windowMs: 60_000, key: undefined, matches: compileRoute(undefined, undefined) },
    { name: 'v6', max: 3, windowMs: 60_000, key: undefined, matches: compileRoute(undefined, '/v6') },
  ], store, 56);
  const refusedBy = (ip: string, url = '/') => {
    const o = lim.check(req('GET', url), ip) as Exclude<ReturnType<typeof lim.check>, Promise<unknown> | undefined>;
    return [o.refused?.name ?? null, o.key, o.applied.map((a) => a.check.remaining)];
  };
  assert.deepEqual(refusedBy('1.1.1.1'), [null, '1.1.1.1', [1]]);
  assert.deepEqual(refusedBy('2.2.2.2'), [null, '2.2.2.2', [1]]);
  assert.deepEqual(refusedBy('1.1.1.1'), [null, '1.1.1.1', [0]]);
  assert.deepEqual(refusedBy('1.1.1.1'), ['default', '1.1.1.1', [0]]);
  assert.deepEqual(refusedBy('2.2.2.2'), [null, '2.2.2.2', [0]]);
  assert.deepEqual(refusedBy(''), [null, '', [1]], 'no address is a key of its own');
  assert.deepEqual(refusedBy('2001:db8:0:100::1', '/v6'), [null, '2001:db8:0:100::/56', [1, 2]]);
  assert.deepEqual(refusedBy('2001:db8:0:1ff::2', '/v6'), [null, '2001:db8:0:100::/56', [0, 1]]);
  assert.deepEqual(refusedBy('2001:db8:0:200::1', '/v6'), [null, '2001:db8:0:200::/56', [1, 2]]);
});
