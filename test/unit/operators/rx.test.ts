import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PortcullisError } from '../../../src/errors.js';
import { createRx, rxOperator } from '../../../src/operators/rx.js';

describe('@rx', () => {
  const cases: [string, string | undefined, string, boolean, string[]?][] = [
    ['^GET$', undefined, 'GET', true, ['GET']],
    ['^GET$', undefined, 'get', false],
    ['^GET$', 'si', 'get', true, ['get']],
    ['a.b', undefined, 'a\nb', true, ['a\nb']], // default flags include s (dotAll)
    ['a.b', '', 'a\nb', false],
    ['(\\d+)-(\\d+)', undefined, 'x 12-34 y', true, ['12-34', '12', '34']],
    ['(a)|(b)', undefined, 'b', true, ['b', '', 'b']],
    ['\\xe2\\x80[\\x98\\x99]', undefined, 'x\xe2\x80\x99y', true, ['\xe2\x80\x99']],
    ['^$', undefined, '', true, ['']],
  ];
  for (const [source, flags, value, matched, captures] of cases) {
    it(`/${source}/${flags ?? '(default)'} on ${JSON.stringify(value)} -> ${matched}`, () => {
      const op = flags === undefined ? rxOperator(source, {}) : createRx(source, flags);
      assert.equal(op.test(value), matched);
      const got = ['stale', 'stale', 'stale', 'stale'];
      assert.equal(op.test(value, got), matched);
      if (captures !== undefined) assert.deepEqual(got, captures);
      else assert.deepEqual(got, ['stale', 'stale', 'stale', 'stale']);
    });
  }

  it('^.*$ with dotAll matches every value whole, as the RegExp does, whatever the other flags', () => {
    const values = ['', 'host', 'a\nb\r\n', 'x\u2028y', '\ud800 lone surrogate', '\xff\x00'];
    for (const flags of ['s', 'si', 'sm', 'su', 'sgy', 'ims']) {
      const op = createRx('^.*$', flags);
      const re = new RegExp('^.*$', flags.replace(/[gy]/g, ''));
      for (const v of values) {
        const got = ['stale', 'stale'];
        assert.equal(op.test(v), re.test(v));
        assert.equal(op.test(v, got), true);
        assert.deepEqual(got, [re.exec(v)![0]]);
      }
    }
    // Without dotAll it stays a regex: a line break fails it.
    assert.equal(createRx('^.*$', '').test('a\nb'), false);
    assert.equal(createRx('^.*$', 's').prefilter?.(), createRx('^.*$', 's').prefilter?.());
  });

  it('captures at most the whole match and 9 groups', () => {
    const op = rxOperator('(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)', {});
    const got: string[] = [];
    assert.equal(op.test('abcdefghijk', got), true);
    assert.deepEqual(got, ['abcdefghijk', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
  });

  it('drops g and y so repeated tests do not depend on lastIndex', () => {
    const op = createRx('abc', 'gy');
    for (let i = 0; i < 3; i++) assert.equal(op.test('xxabc'), true);
  });

  for (const [source, flags] of [['(', 's'], ['a{2,1}', 's'], ['x', 'q']] as const) {
    it(`rejects /${source}/${flags}`, () => {
      assert.throws(
        () => createRx(source, flags),
        (e: unknown) => e instanceof PortcullisError && e.code === 'ERR_PORTCULLIS_RULE_OPERATOR' && e.message.includes('@rx') && e.message.includes(JSON.stringify(source)),
      );
    });
  }
});
