import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveOptions } from '../../../src/options.js';
import type { PortcullisOptions } from '../../../src/index.js';

const bad = (o: unknown, code: string, re?: RegExp) =>
  assert.throws(() => resolveOptions(o as PortcullisOptions), (e: Error & { code?: string }) => e.code === code && (!re || re.test(e.message)), JSON.stringify(o));

test('defaults: no limiter, no jails, memory store, trustProxy off', () => {
  const c = resolveOptions({});
  assert.equal(c.rateLimit, undefined);
  assert.equal(c.bans, undefined);
  assert.deepEqual(c.store, { kind: 'memory', redis: undefined });
  assert.equal(c.trustProxy, undefined);
});

test('rateLimit: true gives 100/min per IP with draft-8 headers; routes alone have no global limit', () => {
  const c = resolveOptions({ rateLimit: true });
  assert.deepEqual(c.rateLimit?.limits.map((l) => [l.name, l.max, l.windowMs]), [['default', 100, 60_000]]);
  assert.equal(c.rateLimit?.headers, 'draft-8');
  assert.equal(c.rateLimit?.ipv6Subnet, 56);
  const r = resolveOptions({ rateLimit: { routes: [{ path: '/login', max: 5, windowMs: 1000 }] } });
  assert.deepEqual(r.rateLimit?.limits.map((l) => l.name), ['route0']);
  assert.ok(Object.isFrozen(r.rateLimit));
});

test('bans: true gives the default jail and snapshot file', () => {
  const c = resolveOptions({ bans: true });
  assert.equal(c.bans?.jails[0]?.name, 'waf');
  assert.equal(c.bans?.jails[0]?.maxRetry, 5);
  assert.deepEqual(c.bans?.jails[0]?.failures, ['block', 'strike']);
  assert.equal(c.bans?.file, join(process.cwd(), '.portcullis/bans.json'));
  assert.equal(c.bans?.jails[0]?.policy.banTimeMs, 600_000);
  assert.equal(resolveOptions({ bans: { jails: [{ name: 'p', banTimeMs: -1 }] } }).bans?.jails[0]?.policy.banTimeMs, -1);
});

test('bad values throw with codes and name the option', () => {
  bad({ rateLimit: { max: 0 } }, 'ERR_PORTCULLIS_OPTION_INVALID', /rateLimit\.max/);
  bad({ rateLimit: { headers: 'draft-9' } }, 'ERR_PORTCULLIS_OPTION_INVALID', /rateLimit\.headers/);
  bad({ rateLimit: { maxKey: 1 } }, 'ERR_PORTCULLIS_OPTION_UNKNOWN', /rateLimit\.maxKey/);
  bad({ rateLimit: { routes: [{ path: '/x', max: 1 }] } }, 'ERR_PORTCULLIS_OPTION_INVALID', /windowMs/);
  bad({ rateLimit: { routes: [{ name: 'a', max: 1, windowMs: 1 }, { name: 'a', max: 1, windowMs: 1 }] } }, 'ERR_PORTCULLIS_OPTION_INVALID', /two limits/);
  bad({ rateLimit: { key: 'ip' } }, 'ERR_PORTCULLIS_OPTION_INVALID', /rateLimit\.key/);
  bad({ bans: { jails: [{ name: 'bad name' }] } }, 'ERR_PORTCULLIS_OPTION_INVALID', /name/);
  bad({ bans: { jails: [{ name: 'a' }, { name: 'a' }] } }, 'ERR_PORTCULLIS_OPTION_INVALID', /two jails/);
  bad({ bans: { jails: [{ name: 'a', failures: ['login'] }] } }, 'ERR_PORTCULLIS_OPTION_INVALID', /failures/);
  bad({ bans: { jails: [{ name: 'a', increment: { multipliers: [] } }] } }, 'ERR_PORTCULLIS_OPTION_INVALID', /multipliers/);
  bad({ bans: { jails: [{ name: 'a', banTimeMs: 0 }] } }, 'ERR_PORTCULLIS_OPTION_INVALID', /banTimeMs/);
  bad({ bans: { ignore: ['10.0.0.0/40'] } }, 'ERR_PORTCULLIS_OPTION_INVALID', /10\.0\.0\.0\/40/);
  bad({ deny: ['not an ip'] }, 'ERR_PORTCULLIS_OPTION_INVALID', /deny/);
  bad({ allow: 42 }, 'ERR_PORTCULLIS_OPTION_INVALID', /allow/);
  bad({ trustProxy: ['10.0.0.1', 'nope'] }, 'ERR_PORTCULLIS_OPTION_INVALID', /trustProxy/);
  bad({ trustProxy: 100 }, 'ERR_PORTCULLIS_OPTION_INVALID', /trustProxy/);
  bad({ store: 'redis' }, 'ERR_PORTCULLIS_OPTION_INVALID', /store/);
  bad({ store: { redis: {} } }, 'ERR_PORTCULLIS_OPTION_INVALID', /store\.redis/);
  bad({ store: { redis: { call() {}, duplicate() {} }, timeoutMs: 0 } }, 'ERR_PORTCULLIS_OPTION_INVALID', /timeoutMs/);
  bad({ trustproxy: 1 }, 'ERR_PORTCULLIS_OPTION_UNKNOWN', /did you mean "trustProxy"/);
});
