import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortcullisError } from '../../../src/errors.js';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { ipMatchFromFileOperator, ipMatchOperator } from '../../../src/operators/ip-match.js';
import { fourPartDecimal } from '../../../src/operators/ip-set.js';

describe('@ipMatch', () => {
  const cases: [string, string, boolean][] = [
    ['127.0.0.1,::1', '127.0.0.1', true],
    ['127.0.0.1,::1', '::1', true],
    ['127.0.0.1,::1', '0:0:0:0:0:0:0:1', true],
    ['127.0.0.1,::1', '127.0.0.2', false],
    ['127.0.0.1,::1', '::2', false],
    ['127.0.0.1', '::ffff:127.0.0.1', true], // IPv4-mapped IPv6 is the same address
    ['127.0.0.1', '::ffff:7f00:1', true],
    ['::ffff:127.0.0.1', '127.0.0.1', true],
    ['10.0.0.0/8', '10.255.3.4', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true],
    ['192.168.1.77/24', '192.168.1.200', true], // host bits in the entry are masked off
    ['192.168.1.0/24', '192.168.2.1', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['0.0.0.0/0', '2001:db8::1', false],
    ['1.2.3.4/32', '1.2.3.4', true],
    ['1.2.3.4/32', '1.2.3.5', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::/127', '2001:db8::1', true],
    ['2001:db8::/127', '2001:db8::2', false],
    ['::/0', '2001:db8::1', true],
    ['::/0', '1.2.3.4', true], // mapped form of an IPv4 value is inside ::/0
    ['::ffff:10.0.0.0/104', '10.9.9.9', true],
    ['::ffff:10.0.0.0/104', '11.0.0.0', false],
    ['1.1.1.1, 2.2.2.2 ,3.3.3.0/30', '3.3.3.3', true],
    ['1.1.1.1, 2.2.2.2 ,3.3.3.0/30', '3.3.3.4', false],
    ['10.0.0.0/9,10.128.0.0/9', '10.200.0.1', true], // adjacent ranges merged
    // garbage values never match and never throw
    ['0.0.0.0/0,::/0', '', false],
    ['0.0.0.0/0,::/0', 'localhost', false],
    ['0.0.0.0/0,::/0', '127.1', false],
    ['0.0.0.0/0,::/0', '0x7f.0.0.1', false],
    ['0.0.0.0/0,::/0', '010.0.0.1', false],
    ['0.0.0.0/0,::/0', '256.0.0.1', false],
    ['0.0.0.0/0,::/0', '1.2.3.4 ', false],
    ['0.0.0.0/0,::/0', '1.2.3.4/8', false],
    ['0.0.0.0/0,::/0', 'fe80::1%eth0', false],
    ['0.0.0.0/0,::/0', ':::', false],
    ['0.0.0.0/0,::/0', '1:2:3:4:5:6:7:8:9', false],
    ['0.0.0.0/0,::/0', '\xff\x00', false],
    ['0.0.0.0/0,::/0', `${'1:'.repeat(50000)}1`, false],
  ];
  for (const [param, value, matched] of cases) {
    it(`${JSON.stringify(value.slice(0, 40))} in ${param} -> ${matched}`, () => {
      const op = ipMatchOperator(param, {});
      assert.equal(op.test(value), matched);
      const got: string[] = [];
      assert.equal(op.test(value, got), matched);
      assert.deepEqual(got, matched ? [value] : []);
    });
  }

  const bad = ['', ' , ', 'localhost', '1.2.3.4/33', '::1/129', '1.2.3.4/', '1.2.3.4/abc', '300.1.1.1', '127.1', '10.0.0.0/8,nope', 'fe80::1%eth0', '::ffff:1.2.3.4/129'];
  for (const param of bad) {
    it(`rejects @ipMatch ${JSON.stringify(param)}`, () => {
      assert.throws(
        () => ipMatchOperator(param, {}),
        (e: unknown) => e instanceof PortcullisError && e.code === 'ERR_PORTCULLIS_RULE_OPERATOR' && e.message.includes('@ipMatch'),
      );
    });
  }
});

describe('@ipMatchFromFile', () => {
  it('reads one entry per line, skipping comments and blank lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-ip-'));
    try {
      writeFileSync(join(dir, 'ips.txt'), '# trusted\n10.0.0.0/8\r\n\n  192.168.0.1  \n2001:db8::/48\n');
      const op = ipMatchFromFileOperator('ips.txt', { baseDir: dir });
      const cases: [string, boolean][] = [
        ['10.1.1.1', true], ['192.168.0.1', true], ['192.168.0.2', false], ['2001:db8:0:1::5', true], ['2001:db8:1::5', false],
      ];
      for (const [value, matched] of cases) assert.equal(op.test(value), matched, value);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the bad line of a data file', () => {
    assert.throws(
      () => ipMatchFromFileOperator('ips.txt', { readFile: () => '1.2.3.4\nnot-an-ip\n' }),
      (e: unknown) => e instanceof PortcullisError && e.message.includes('not-an-ip') && e.message.includes('@ipMatchFromFile'),
    );
  });

  it('rejects a missing file', () => {
    assert.throws(
      () => ipMatchFromFileOperator('does-not-exist.txt', { baseDir: tmpdir() }),
      (e: unknown) => e instanceof PortcullisError && e.code === 'ERR_PORTCULLIS_RULE_OPERATOR',
    );
  });
});

describe('fourPartDecimal (the IPv4 fast path of @ipMatch)', () => {
  const reference = (text: string): number =>
    ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text).toByteArray().reduce((a, b) => a * 256 + b, 0) : -1;
  const table: [string, number][] = [
    ['127.0.0.1', 0x7f000001],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['256.0.0.1', -1],
    ['1.2.3', -1],
    ['1.2.3.4.5', -1],
    ['1.2.3.', -1],
    ['.1.2.3', -1],
    ['1..2.3', -1],
    ['01.2.3.4', -1],
    ['1.2.3.00', -1],
    ['1.2.3.0', 0x01020300],
    ['1.2.3.4 ', -1],
    [' 1.2.3.4', -1],
    ['1.2.3.4\n', -1],
    ['0x7f.0.0.1', -1],
    ['127.1', -1],
    ['2130706433', -1],
    ['1.2.3.2555', -1],
    ['1.2.3.-4', -1],
    ['１.2.3.4', -1], // full-width digit: not \d
    ['', -1],
    ['.', -1],
  ];
  for (const [text, want] of table) {
    it(`${JSON.stringify(text)} -> ${want}`, () => {
      assert.equal(fourPartDecimal(text), want);
      assert.equal(reference(text), want, 'ipaddr.js agrees');
    });
  }
  it('agrees with ipaddr.js on random dotted strings', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9.a ]{0,16}$/), (text) => {
        assert.equal(fourPartDecimal(text), reference(text));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 3, maxLength: 5 }), (parts) => {
        const text = parts.join('.');
        assert.equal(fourPartDecimal(text), reference(text));
      }),
      { numRuns: 2000 },
    );
  });
});
