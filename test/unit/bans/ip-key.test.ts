import assert from 'node:assert/strict';
import { test } from 'node:test';
import ipaddr from 'ipaddr.js';
import { ipKey, normalizeIp } from '../../../src/bans/ip.js';

/** The definition of an IPv6 limiter key, through ipaddr.js: parse, clear the bits past the prefix, RFC 5952 text. */
function reference(ip: string, prefix: number): string {
  if (!ip.includes(':') || prefix >= 128) return ip;
  try {
    const bytes = ipaddr.IPv6.parse(ip).toByteArray();
    for (let bit = prefix; bit < 128; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
    return `${ipaddr.fromByteArray(bytes).toString()}/${prefix}`;
  } catch {
    return ip;
  }
}

const PREFIXES = [32, 33, 48, 56, 60, 64, 65, 100, 127, 128];

test('ipKey: IPv6 keys match the ipaddr.js definition (compression, masks, odd and malformed text)', () => {
  assert.equal(ipKey('2001:db8:aa:bbcc:1::1', 56), '2001:db8:aa:bb00::/56');
  assert.equal(ipKey('2001:db8:0:0:1:0:0:1', 128), '2001:db8:0:0:1:0:0:1');
  assert.equal(ipKey('::', 56), '::/56');
  assert.equal(ipKey('1:0:0:2:0:0:0:3', 127), '1:0:0:2::2/127', 'the longest zero run is compressed');
  assert.equal(ipKey('1:0:0:2:0:0:3:3', 127), '1::2:0:0:3:2/127', 'the first of equal runs is compressed');
  assert.equal(ipKey('fe80::1%eth0', 64), 'fe80::/64', 'zone id dropped');
  assert.equal(ipKey('not:an:ip', 56), 'not:an:ip');
  const odd = [
    '::', '::1', '1::', '1::2', '::ffff:102:304', '::ffff:1.2.3.4', '64:ff9b::1.2.3.4', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::',
    '::2:3:4:5:6:7:8', '1::3:4:5:6:7:8', '1:2:3:4:5:6::8', 'ABCD::EF', 'abcd:EF01::', '00001::', '0001::1', ':::', ':1::', '1:',
    ':1', '1::2::3', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', 'g::1', '2001:db8::', '0:0:1:0:0:1:0:0', '1:0:0:0:0:0:0:0',
    ' ::1', '::1 ', '::01:2', '1:2:3:4:5:6:7:8::', '::1:2:3:4:5:6:7:8', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  ];
  for (const ip of odd) for (const p of PREFIXES) assert.equal(ipKey(ip, p), reference(ip, p), `${ip} /${p}`);
});

test('ipKey: random IPv6 text (canonical, expanded, upper case, garbage) keys as ipaddr.js does', () => {
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 48271) % 2147483647; return seed % n; };
  const hex = (x: number): string => x.toString(16);
  for (let i = 0; i < 20_000; i++) {
    const g = Array.from({ length: 8 }, () => (rnd(3) === 0 ? 0 : rnd(4) === 0 ? rnd(16) : rnd(65536)));
    let ip: string;
    switch (rnd(4)) {
      case 0: ip = g.map(hex).join(':'); break;
      case 1: { const a = rnd(8); const b = a + rnd(8 - a) + 1; ip = `${g.slice(0, a).map(hex).join(':')}::${g.slice(b).map(hex).join(':')}`; break; }
      case 2: ip = g.map((x) => hex(x).padStart(rnd(5), '0').toUpperCase()).join(':'); break;
      default: { const chars = '0123456789abcdefABCDEF:.%g'; ip = `${Array.from({ length: 1 + rnd(20) }, () => chars[rnd(chars.length)]).join('')}:`; }
    }
    const p = PREFIXES[rnd(PREFIXES.length)]!;
    assert.equal(ipKey(ip, p), reference(ip, p), `${ip} /${p}`);
    const canonical = normalizeIp(ip);
    if (canonical !== undefined) assert.equal(ipKey(canonical, p), reference(canonical, p), `${canonical} /${p}`);
  }
});
