import { isUtf8 } from 'node:buffer';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Arbitrary } from 'fast-check';
import { canonicalNumber, flattenJsonBytes, flattenValue, processJson } from '../../../src/variables/body/json.js';
import { utf8ToByteString } from '../../../src/variables/bytes.js';

const pairs = (r: { args: { key: string; value: string }[] }): [string, string][] => r.args.map((e) => [e.key, e.value]);

test('processJson: flattens with json. prefix, document order, scalars as text', () => {
  const cases: [string, [string, string][]][] = [
    ['{"user":{"name":"x"},"items":[1,"b"]}', [['json.user.name', 'x'], ['json.items.0', '1'], ['json.items.1', 'b']]],
    ['{"a":true,"b":false,"c":null,"d":1.5e2}', [['json.a', 'true'], ['json.b', 'false'], ['json.c', 'null'], ['json.d', '150']]],
    ['"just a string"', [['json', 'just a string']]],
    ['[[1],[2,[3]]]', [['json.0.0', '1'], ['json.1.0', '2'], ['json.1.1.0', '3']]],
    ['{"a":{},"b":[]}', [['json.a', ''], ['json.b', '']]],
    // Operator / prototype keys stay visible in names.
    ['{"user":{"$ne":null},"$where":"1","__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
      [['json.user.$ne', 'null'], ['json.$where', '1'], ['json.__proto__.isAdmin', 'true'], ['json.constructor.prototype.x', '1']]],
    // \u escapes are decoded (HARDENING §2.6) and non-ASCII becomes UTF-8 bytes.
    ['{"q":"\\u0027 OR 1=1--","\\u0075ser":"\\u00e9"}', [['json.q', "' OR 1=1--"], ['json.user', '\xc3\xa9']]],
    // Duplicate keys: JSON.parse keeps the last one only (documented limit).
    ['{"role":"user","role":"admin"}', [['json.role', 'admin']]],
  ];
  for (const [text, want] of cases) {
    const r = processJson(Buffer.from(text, 'utf8'), 512, 1000);
    assert.equal(r.error, null, text);
    assert.deepEqual(pairs(r), want, text);
  }
});

test('processJson: raw UTF-8 and invalid UTF-8 bytes reach the rules as bytes', () => {
  const utf8 = processJson(Buffer.from('{"k":"\u2018x"}', 'utf8'), 512, 10);
  assert.deepEqual(pairs(utf8), [['json.k', '\xe2\x80\x98x']]);
  // Overlong / invalid sequences are kept byte for byte instead of becoming U+FFFD.
  const bad = processJson(Buffer.concat([Buffer.from('{"k":"'), Buffer.from([0xc0, 0xa7, 0xff]), Buffer.from('","e":"\\u20ac"}')]), 512, 10);
  assert.equal(bad.error, null);
  assert.deepEqual(pairs(bad), [['json.k', '\xc0\xa7\xff'], ['json.e', '\xe2\x82\xac']]);
  // A UTF-8 BOM is tolerated.
  assert.deepEqual(pairs(processJson(Buffer.from('\ufeff{"a":1}', 'utf8'), 512, 10)), [['json.a', '1']]);
});

test('processJson: invalid JSON is an error, never a throw; empty body is not', () => {
  for (const text of ['{', '{"a":}', "{'a':1}", 'nul', '   ', '{"a":1}}', '\x00']) {
    const r = processJson(Buffer.from(text, 'latin1'), 512, 1000);
    assert.notEqual(r.error, null, JSON.stringify(text));
    assert.deepEqual(r.args, []);
  }
  assert.deepEqual(processJson(Buffer.alloc(0), 512, 1000), { args: [], error: null });
});

test('processJson: 10k-deep arrays do not overflow the stack; depth beyond the limit is an error', () => {
  const d = 10_000;
  const r = processJson(Buffer.from(`${'['.repeat(d)}"deep"${']'.repeat(d)}`), 512, 1000);
  assert.match(r.error ?? '', /deeper than 512/);
  assert.deepEqual(r.args, []);
  // Shallow siblings of a too-deep branch are still collected.
  const mixed = processJson(Buffer.from(`{"ok":"yes","deep":${'['.repeat(5)}1${']'.repeat(5)}}`), 3, 1000);
  assert.match(mixed.error ?? '', /deeper than 3/);
  assert.deepEqual(pairs(mixed), [['json.ok', 'yes']]);
  // Exactly at the limit is fine.
  const exact = processJson(Buffer.from('[[["x"]]]'), 3, 1000);
  assert.equal(exact.error, null);
  assert.deepEqual(pairs(exact), [['json.0.0.0', 'x']]);
});

test('processJson: more leaves than maxArgs are capped and flagged', () => {
  const big = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => i));
  const r = processJson(Buffer.from(big), 512, 1000);
  assert.equal(r.error, 'too many arguments');
  assert.equal(r.args.length, 1000);
  assert.deepEqual(r.args[999], { key: 'json.999', value: '999' });
  assert.equal(processJson(Buffer.from('[1,2]'), 512, 2).error, null);
});

test('processJson: 1 MB body in well under a second', () => {
  const obj = { data: 'x'.repeat(1024 * 1024), n: [1, 2, 3] };
  const t0 = performance.now();
  const r = processJson(Buffer.from(JSON.stringify(obj)), 512, 1000);
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(r.args[0]?.value.length, 1024 * 1024);
  assert.equal(r.args.length, 4);
});

test('flattenValue: qs-style names for parsed bodies, Buffers and Dates as leaves, cycles bounded', () => {
  const parsed = { a: { b: ['x', 'y'] }, __proto_: 1, buf: Buffer.from([0xde, 0xad]), when: new Date(0), skip: undefined, fn: () => 1 };
  const r = flattenValue(parsed, { prefix: '', style: 'bracket', maxDepth: 32, maxArgs: 100, toBytes: utf8ToByteString });
  assert.equal(r.error, null);
  assert.deepEqual(pairs(r), [['a[b][0]', 'x'], ['a[b][1]', 'y'], ['__proto_', '1'], ['buf', '\xde\xad'], ['when', '1970-01-01T00:00:00.000Z']]);
  const cyclic: Record<string, unknown> = { v: 'leaf' };
  cyclic.self = cyclic;
  const c = flattenValue(cyclic, { prefix: '', style: 'bracket', maxDepth: 5, maxArgs: 100, toBytes: utf8ToByteString });
  assert.match(c.error ?? '', /deeper than 5/);
  assert.equal(c.args.length, 5);
  const throwing = { get boom(): string { throw new Error('nope'); }, ok: 'x' };
  const t = flattenValue(throwing, { prefix: '', style: 'bracket', maxDepth: 5, maxArgs: 100, toBytes: utf8ToByteString });
  assert.match(t.error ?? '', /nope/);
});

test('processJson: the direct (latin1) parse of UTF-8 bodies gives what decoding and re-encoding gives', async () => {
  const fc = (await import('fast-check')).default;
  // The reference: decode as UTF-8, parse, turn each string into its UTF-8 byte string.
  const reference = (body: Buffer): [string, string][] | string => {
    let text = body.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch (e) { return (e as Error).message; }
    return pairs(flattenValue(parsed, { prefix: 'json', style: 'dot', maxDepth: 64, maxArgs: 1000, toBytes: utf8ToByteString }));
  };
  const check = (body: Buffer): void => {
    const got = processJson(body, 64, 1000);
    const want = reference(body);
    if (typeof want === 'string') assert.equal(got.error, want, body.toString('utf8'));
    else assert.deepEqual(pairs(got), want, body.toString('utf8'));
  };
  const text = fc.string({ unit: fc.constantFrom('a', 'é', '—', '😀', '"', '\\', ' ', '1', '_', '\u2028', 'ß') });
  fc.assert(fc.property(fc.jsonValue(), (v) => check(Buffer.from(JSON.stringify(v)))), { numRuns: 300 });
  fc.assert(fc.property(fc.dictionary(text, fc.oneof(text, fc.integer(), fc.array(text))), (v) => check(Buffer.from(JSON.stringify(v)))), { numRuns: 300 });
  for (const s of ['\ufeff{"a":"é"}', '{"é":1,"e\u0301":2}', '{"a":"x"', '{"é": }', '{"10":"a","é":"b","2":"c"}', '"—"', '{"a":"\u0000"}']) check(Buffer.from(s));
});

test('processJson gives the same result when the caller passes the body already as a latin1 string', () => {
  const bodies = [
    '{"a":{"b":[1,"x"]},"c":"Siobhán"}',
    '\ufeff{"bom":true,"n":[null,1.5]}',
    '{"esc":"\\u00e9\\u4e2d"}',
    '{"broken":',
    '[]',
  ].map((t) => Buffer.from(t, 'utf8'));
  bodies.push(Buffer.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])); // invalid UTF-8
  for (const body of bodies) {
    assert.deepEqual(processJson(body, 32, 1000, body.toString('latin1')), processJson(body, 32, 1000), body.toString('latin1'));
  }
});

test('flattenJsonBytes (one pass, no parse tree) gives what JSON.parse + flattenValue give, or hands over (null)', async () => {
  const fc = (await import('fast-check')).default;
  // Texts are byte strings of valid UTF-8; the reference decodes them, parses, and re-encodes every string.
  const reference = (text: string, maxDepth: number, maxArgs: number): [string, string][] | null => {
    let parsed: unknown;
    try { parsed = JSON.parse(Buffer.from(text, 'latin1').toString('utf8')); } catch { return null; }
    const r = flattenValue(parsed, { prefix: 'json', style: 'dot', maxDepth, maxArgs, toBytes: utf8ToByteString });
    return r.error === null ? pairs(r) : null;
  };
  let handled = 0;
  const check = (text: string, maxDepth = 64, maxArgs = 1000): void => {
    if (!isUtf8(Buffer.from(text, 'latin1'))) return; // processJson takes this path for valid UTF-8 only
    const got = flattenJsonBytes(text, 0, maxDepth, maxArgs);
    const want = reference(text, maxDepth, maxArgs);
    if (got === null) return; // the general path decides (errors, duplicates, digit keys, limits)
    handled++;
    assert.notEqual(want, null, `accepted what JSON.parse + flattenValue reject: ${JSON.stringify(text)}`);
    assert.deepEqual(got.map((e) => [e.key, e.value]), want, JSON.stringify(text));
  };
  // Raw JSON text (not JSON.stringify): duplicate and digit keys, every number form, escapes, odd whitespace.
  const ws = fc.constantFrom('', '', ' ', '\n', '\t', '\r\n ', '\f');
  const str = fc.array(fc.constantFrom('a', 'Z', ' ', '\xc3\xa9', '\xe2\x80\x94', '\xf0\x9f\x98\x80', '\\"', '\\\\', '\\/', '\\n', '\\t', '\\b', '\\f', '\\r', '1', '.', '$', '"', '\\x', '\\u0041', '\\u00e9', '\\u00E9', '\\u2028', '\\uD83D\\uDE00', '\\uD83D', '\\uDE00', '\\uFFFD', '\\u0000', '\\u12', '\\uZZZZ', '\x01', '\x7f'), { maxLength: 6 })
    .map((parts) => `"${parts.join('')}"`);
  const num = fc.constantFrom('0', '-0', '1', '-12', '1.5', '12.50', '1e2', '1E+2', '2e-3', '0.000001', '1e400', '-1e-400', '123456789012345678901234', '01', '1.', '.5', '-', '1e', '+1', '0x10', 'NaN');
  const lit = fc.constantFrom('true', 'false', 'null', 'nul', 'True');
  const key = fc.constantFrom('"a"', '"b"', '"a b"', '""', '"1"', '"0"', '"10"', '"1a"', '"__proto__"', '"x\\"y"', '"\xc3\xa9"', '"\\u00e9"', 'a', '"k\\u0041"', '"\\u0031"', '"\\uD800"', '"\\uD801"', '"\\uFFFD"', '"\xef\xbf\xbd"');
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, str, num, lit, tie('array'), tie('object')),
    array: fc.tuple(fc.array(fc.tuple(ws, tie('value'), ws), { maxLength: 4 }), ws)
      .map(([items, w]) => `[${w}${(items as [string, string, string][]).map(([a, v, b]) => a + v + b).join(',')}]`),
    object: fc.tuple(fc.array(fc.tuple(key, ws, tie('value'), ws), { maxLength: 4 }), ws)
      .map(([members, w]) => `{${w}${(members as [string, string, string, string][]).map(([k, a, v, b]) => `${k}${a}:${b}${v}`).join(',')}}`),
  }));
  fc.assert(fc.property(ws, value as Arbitrary<string>, ws, (a, v, b) => check(a + v + b)), { numRuns: 3000 });
  // Broken variants: a character dropped, doubled or swapped in.
  fc.assert(fc.property(value as Arbitrary<string>, fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '\\', ' ', 'x'), (v, at, ch) => {
    const i = at % (v.length + 1);
    check(v.slice(0, i) + ch + v.slice(i + 1));
    check(v.slice(0, i) + ch + v.slice(i));
  }), { numRuns: 3000 });
  // Limits: at the limit handled, past it handed over (the general path reports the error).
  for (const [text, depth, args] of [['[[["x"]]]', 3, 10], ['[[["x"]]]', 2, 10], ['[1,2]', 5, 2], ['[1,2,3]', 5, 2], ['{"a":{}}', 1, 5], ['{}', 0, 5], ['"s"', 0, 1]] as const) {
    check(text, depth, args);
  }
  assert.equal(flattenJsonBytes('[1,2,3]', 0, 5, 2), null);
  assert.equal(flattenJsonBytes('[[1]]', 0, 1, 5), null);
  assert.equal(flattenJsonBytes('{"a":1,"a":2}', 0, 5, 5), null);
  assert.equal(flattenJsonBytes('{"2":1,"1":2}', 0, 5, 5), null);
  assert.deepEqual(flattenJsonBytes('\xef\xbb\xbf {"a" : [ {} , [] , "x\\"y" , -0 , 1E+2 ] }', 3, 5, 10)?.map((e) => [e.key, e.value]),
    [['json.a.0', ''], ['json.a.1', ''], ['json.a.2', 'x"y'], ['json.a.3', '0'], ['json.a.4', '100']]);
  assert.ok(handled > 1000, `only ${handled} generated texts took the one-pass path`);
});

test('canonicalNumber: true only when a JSON number literal already is String(Number(literal))', () => {
  const check = (lit: string): void => {
    const b = Buffer.from(lit, 'latin1');
    if (canonicalNumber(b, 0, b.length)) assert.equal(String(Number(lit)), lit, lit);
  };
  let canonical = 0;
  const digits = (n: number, first = '0123456789'): string => {
    let out = first[Math.floor(Math.random() * first.length)] ?? '';
    for (let i = 1; i < n; i++) out += '0123456789'[Math.floor(Math.random() * 10)];
    return n === 0 ? '' : out;
  };
  for (let r = 0; r < 50_000; r++) {
    const sign = Math.random() < 0.3 ? '-' : '';
    const int = Math.random() < 0.3 ? '0' : digits(1 + Math.floor(Math.random() * 18), '123456789');
    const zeros = '0'.repeat(Math.random() < 0.3 ? Math.floor(Math.random() * 9) : 0);
    const frac = Math.random() < 0.5 ? '' : `.${zeros}${digits(Math.floor(Math.random() * 12))}${Math.random() < 0.1 ? '0' : ''}`;
    const lit = sign + int + (frac === '.' ? '.5' : frac);
    check(lit);
    if (canonicalNumber(Buffer.from(lit, 'latin1'), 0, lit.length)) canonical++;
  }
  for (const lit of ['0', '-0', '0.5', '-0.5', '0.000001', '0.0000001', '1.50', '1e2', '123456789012345', '1234567890123456', '999999999999999', '0.1', '0.30000000000000004', '9007199254740993', '-12', '100', '1.0']) check(lit);
  const yes = (lit: string): boolean => canonicalNumber(Buffer.from(lit), 0, lit.length);
  assert.ok(yes('89.99') && yes('-12') && yes('0.000001') && yes('123456789012345'));
  assert.ok(!yes('-0') && !yes('1.50') && !yes('0.0000001') && !yes('1e2') && !yes('1234567890123456'));
  assert.ok(canonical > 10_000, `only ${canonical} canonical literals generated`);
});
