import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { createClientIpResolver, MAX_FORWARDED_HOPS, type TrustProxy } from '../../../src/bans/client-ip.js';
import { createIpList } from '../../../src/bans/ip-list.js';
import { ipKey, normalizeIp } from '../../../src/bans/ip.js';

const warnings: string[] = [];
process.on('warning', (w: Error & { code?: string }) => { warnings.push(String(w.code)); });

/** A request as node:http builds it: socket address and lower-cased headers (duplicate XFF joined with ", "). */
function req(remoteAddress: string, xff?: string): IncomingMessage {
  return { socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } } as unknown as IncomingMessage;
}

test('normalizeIp: canonical forms, mapped IPv4 by range, garbage rejected', () => {
  const table: [string, string | undefined][] = [
    ['1.2.3.4', '1.2.3.4'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::ffff:102:304', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['2001:db8::1.2.3.4', '2001:db8::102:304'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
    ['0x7f.1', undefined],
    ['2130706433', undefined],
    ['127.1', undefined],
    ['0177.0.0.1', undefined],
    ['01.2.3.4', undefined],
    ['1.2.3.4 ', undefined],
    ['1.2.3.256', undefined],
    ['garbage', undefined],
    ['', undefined],
    [':::', undefined],
    ['1'.repeat(100_000), undefined],
    ['\u0000', undefined],
  ];
  for (const [input, want] of table) assert.equal(normalizeIp(input), want, JSON.stringify(input).slice(0, 40));
});

test('ipKey: IPv6 keyed by prefix, IPv4 and mapped IPv4 untouched (GHSA-46wh-pxpv-q5gq)', () => {
  assert.equal(ipKey('1.2.3.4', 56), '1.2.3.4');
  assert.equal(ipKey(normalizeIp('::ffff:1.2.3.4')!, 56), '1.2.3.4');
  assert.equal(ipKey('2001:db8:aa:bbcc:1::1', 56), '2001:db8:aa:bb00::/56');
  assert.equal(ipKey('2001:db8:aa:bbff:ffff::9', 56), ipKey('2001:db8:aa:bb00::1', 56));
  assert.notEqual(ipKey('2001:db8:aa:cc00::1', 56), ipKey('2001:db8:aa:bb00::1', 56));
  assert.equal(ipKey('2001:db8::1', 128), '2001:db8::1');
});

test('trustProxy off: the socket address, whatever X-Forwarded-For claims', () => {
  const resolve = createClientIpResolver(false);
  assert.equal(resolve(req('::ffff:10.0.0.7', '6.6.6.6')), '10.0.0.7');
  assert.equal(resolve(req('203.0.113.9', '127.0.0.1')), '203.0.113.9');
  assert.equal(createClientIpResolver(undefined)(req('::1')), '::1');
});

test('spoofing attempts through a trusted proxy list fail: the right-most untrusted hop is the client', () => {
  const resolve = createClientIpResolver(['10.0.0.0/8', 'loopback']);
  const cases: [string, string | undefined, string][] = [
    // socket, X-Forwarded-For, expected client
    ['10.0.0.1', '203.0.113.5', '203.0.113.5'],                       // honest, one proxy
    ['10.0.0.1', '6.6.6.6, 203.0.113.5', '203.0.113.5'],              // client-supplied entry to the left: ignored
    ['10.0.0.1', '127.0.0.1, 203.0.113.5', '203.0.113.5'],            // claims loopback (an allow-listed range)
    ['10.0.0.1', '203.0.113.5, 10.0.0.2', '203.0.113.5'],             // two trusted proxies
    ['203.0.113.5', '127.0.0.1', '203.0.113.5'],                      // direct client sends its own XFF: not trusted
    ['10.0.0.1', '6.6.6.6, 2130706433', '10.0.0.1'],                  // decimal "loopback" hop is garbage: stop
    ['10.0.0.1', 'garbage', '10.0.0.1'],                              // garbage → the proxy's address
    ['10.0.0.1', '', '10.0.0.1'],
    ['::ffff:10.0.0.1', '::ffff:203.0.113.5', '203.0.113.5'],         // mapped forms on both sides
    ['10.0.0.1', '2001:DB8::5', '2001:db8::5'],
    ['10.0.0.1', '203.0.113.5 , 10.0.0.3 ,10.0.0.2', '203.0.113.5'],  // odd spacing
  ];
  for (const [socket, xff, want] of cases) assert.equal(resolve(req(socket, xff)), want, `${socket} / ${xff}`);
});

test('hop count: trusts exactly N hops whatever their address', () => {
  const one = createClientIpResolver(1);
  assert.equal(one(req('10.0.0.1', '6.6.6.6, 203.0.113.5')), '203.0.113.5');
  assert.equal(one(req('10.0.0.1')), '10.0.0.1');
  const two = createClientIpResolver(2);
  assert.equal(two(req('10.0.0.1', '6.6.6.6, 203.0.113.5, 10.0.0.2')), '203.0.113.5');
  assert.equal(two(req('10.0.0.1', '203.0.113.5')), '203.0.113.5'); // fewer hops than trusted: the left-most
});

test('a function decides per hop; a throwing one trusts nothing', () => {
  const resolve = createClientIpResolver((addr) => addr.startsWith('10.'));
  assert.equal(resolve(req('10.1.1.1', '1.1.1.1, 10.9.9.9')), '1.1.1.1');
  const throwing = createClientIpResolver(() => { throw new Error('boom'); });
  assert.equal(throwing(req('10.1.1.1', '1.1.1.1')), '10.1.1.1');
});

test('trustProxy true is spoofable: the left-most entry, whatever the client says', () => {
  const a = createClientIpResolver(true);
  createClientIpResolver(true);
  createClientIpResolver(['0.0.0.0/0']);
  assert.equal(a(req('10.0.0.1', '6.6.6.6, 203.0.113.5')), '6.6.6.6');
});

test('spoofable configurations and unexpected X-Forwarded-For are each warned about exactly once, with a code', async () => {
  const r = createClientIpResolver(false);
  r(req('10.0.0.1', '1.1.1.1'));
  r(req('10.0.0.1', '1.1.1.1'));
  await new Promise((res) => setImmediate(res));
  assert.equal(warnings.filter((c) => c === 'PORTCULLIS_TRUST_PROXY_PERMISSIVE').length, 1);
  assert.equal(warnings.filter((c) => c === 'PORTCULLIS_UNEXPECTED_FORWARDED_FOR').length, 1);
});

test('a huge X-Forwarded-For is walked at most MAX_FORWARDED_HOPS hops', () => {
  const resolve = createClientIpResolver(true as TrustProxy);
  const hops = Array.from({ length: 5000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  const got = resolve(req('10.0.0.1', hops.join(', ')));
  assert.equal(got, hops[hops.length - MAX_FORWARDED_HOPS]);
});

test('ip lists: v4/v6 CIDR, mapped forms, names; bad entries throw with a code', () => {
  const list = createIpList(['192.0.2.0/24', '2001:db8::/32', '::ffff:198.51.100.7', 'loopback'], 'deny');
  for (const ip of ['192.0.2.1', '192.0.2.255', '2001:db8:1::9', '198.51.100.7', '127.0.0.5', '::1']) assert.ok(list.has(ip), ip);
  for (const ip of ['192.0.3.1', '2001:db9::1', '198.51.100.8', 'garbage', '']) assert.ok(!list.has(ip), ip);
  assert.ok(createIpList('10.0.0.1, 10.0.0.2', 'allow').has('10.0.0.2'));
  assert.throws(() => createIpList(['10.0.0.0/33'], 'deny'), { code: 'ERR_PORTCULLIS_OPTION_INVALID' });
  assert.throws(() => createIpList(['127.1'], 'deny'), /127\.1/);
});
