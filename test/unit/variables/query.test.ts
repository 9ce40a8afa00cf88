import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUrlEncoded, percentDecode } from '../../../src/variables/query.js';
import { parseRequestTarget } from '../../../src/variables/uri.js';
import { parseCookies } from '../../../src/variables/cookies.js';

test('percentDecode: decodes valid escapes once and never throws on broken ones', () => {
  const cases: [string, boolean, string][] = [
    ['plain', true, 'plain'],
    ['a+b', true, 'a b'],
    ['a+b', false, 'a+b'],
    ['%41%42', false, 'AB'],
    ['%2527', false, '%27'], // decoded once only
    ['%zz%', true, '%zz%'],
    ['%', true, '%'],
    ['%4', true, '%4'],
    ['abc%4', true, 'abc%4'],
    ['%u0041', true, '%u0041'],
    ['%c0%a7', true, '\xc0\xa7'],
    ['%00x', true, '\x00x'],
    ['%%41', true, '%A'],
    ['%e2%80%98', true, '\xe2\x80\x98'],
  ];
  for (const [input, plus, want] of cases) assert.equal(percentDecode(input, plus), want, input);
});

test('parseUrlEncoded: flat ModSecurity semantics', () => {
  const cases: [string, [string, string][]][] = [
    ['', []],
    ['a=1&b=2', [['a', '1'], ['b', '2']]],
    ['a=1&a=2', [['a', '1'], ['a', '2']]],
    ['a[$ne]=1&__proto__[x]=1&a=1&a=2', [['a[$ne]', '1'], ['__proto__[x]', '1'], ['a', '1'], ['a', '2']]],
    ['a[b][c]=d', [['a[b][c]', 'd']]],
    ['flag&x=', [['flag', ''], ['x', '']]],
    ['=v', [['', 'v']]],
    ['a=1=2', [['a', '1=2']]],
    ['&&a=1&&', [['a', '1']]],
    ['q=%27+OR+1%3D1--', [['q', "' OR 1=1--"]]],
    ['x=%zz%&y=%u0041', [['x', '%zz%'], ['y', '%u0041']]],
    ['n%61me=v%61l', [['name', 'val']]],
    ['a;b=c', [['a;b', 'c']]],
  ];
  for (const [input, want] of cases) {
    const { entries, overflow } = parseUrlEncoded(input, 1000);
    assert.deepEqual(entries.map((e) => [e.key, e.value]), want, input);
    assert.equal(overflow, false);
  }
});

test('parseUrlEncoded: 100k arguments are capped and flagged, in linear time', () => {
  const text = Array.from({ length: 100_000 }, (_, i) => `k${i}=${i}`).join('&');
  const t0 = performance.now();
  const { entries, overflow } = parseUrlEncoded(text, 1000);
  assert.ok(performance.now() - t0 < 500);
  assert.equal(entries.length, 1000);
  assert.equal(overflow, true);
  assert.deepEqual(entries[999], { key: 'k999', value: '999' });
  // Exactly at the limit is not an overflow.
  assert.equal(parseUrlEncoded('a=1&b=2', 2).overflow, false);
  assert.equal(parseUrlEncoded('a=1&b=2&c', 2).overflow, true);
});

test('parseRequestTarget: split before decode, fragment handling, absolute form', () => {
  const cases: [string, { uri: string; query: string; filename: string; basename: string }][] = [
    ['/', { uri: '/', query: '', filename: '/', basename: '' }],
    ['/a/b.php?x=1%27', { uri: '/a/b.php?x=1%27', query: 'x=1%27', filename: '/a/b.php', basename: 'b.php' }],
    ['/get/dump%2Erdb', { uri: '/get/dump%2Erdb', query: '', filename: '/get/dump.rdb', basename: 'dump.rdb' }],
    // CVE-2024-1019: %3f must not cut the path.
    ['/admin%3f.php?x=1', { uri: '/admin%3f.php?x=1', query: 'x=1', filename: '/admin?.php', basename: 'admin?.php' }],
    ['/foo%0Abar', { uri: '/foo%0Abar', query: '', filename: '/foo\nbar', basename: 'foo\nbar' }],
    ['/a/b/', { uri: '/a/b/', query: '', filename: '/a/b/', basename: '' }],
    ['/a\\b.asp', { uri: '/a\\b.asp', query: '', filename: '/a\\b.asp', basename: 'b.asp' }],
    ['/p?q=1#frag?x', { uri: '/p?q=1#frag?x', query: 'q=1', filename: '/p', basename: 'p' }],
    ['http://evil.example:80/x/y?z=1', { uri: '/x/y?z=1', query: 'z=1', filename: '/x/y', basename: 'y' }],
    ['http://evil.example', { uri: '/', query: '', filename: '/', basename: '' }],
    ['*', { uri: '*', query: '', filename: '*', basename: '*' }],
    ['/%zz%/x', { uri: '/%zz%/x', query: '', filename: '/%zz%/x', basename: 'x' }],
  ];
  for (const [url, want] of cases) assert.deepEqual(parseRequestTarget(url), want, url);
});

test('parseCookies: ModSecurity v3 splitting, values not decoded, every Cookie header', () => {
  const cases: [string[], [string, string][]][] = [
    [['a=1; b=2'], [['a', '1'], ['b', '2']]],
    [['a=1;b=%41'], [['a', '1'], ['b', '%41']]],
    [['  a=x=y  '], [['a', 'x=y']]],
    [[';;foo=bar;'], [['foo', 'bar']]],
    [['=bar; k'], [['k', '']]],
    [['$Version=1; "q"="<script>"'], [['$Version', '1'], ['"q"', '"<script>"']]],
    [['a=1', 'b=2'], [['a', '1'], ['b', '2']]],
    [[''], []],
  ];
  for (const [values, want] of cases) {
    const headers = values.flatMap((v, i) => [i % 2 === 0 ? 'Cookie' : 'cookie', v]);
    assert.deepEqual(parseCookies(['Host', 'x', ...headers]).map((e) => [e.key, e.value]), want, values.join('|'));
    // A trailing name without a value (an odd-length list) is not a header.
    assert.deepEqual(parseCookies(['Host', 'x', ...headers, 'Cookie']).map((e) => [e.key, e.value]), want, values.join('|'));
  }
});
