import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMultipart, type MultipartFlagName, type MultipartResult } from '../../../src/variables/body/multipart.js';

const CT = 'multipart/form-data; boundary=b';
const LIMITS = { maxParts: 100, maxArgs: 1000 };
const crlf = (...lines: string[]): string => lines.join('\r\n');
const kv = (e: { key: string; value: string }[]): [string, string][] => e.map((x) => [x.key, x.value]);
const on = (r: MultipartResult): MultipartFlagName[] =>
  (Object.keys(r.flags) as MultipartFlagName[]).filter((k) => r.flags[k]).sort();

const SIMPLE = crlf(
  '--b',
  'Content-Disposition: form-data; name="field"',
  '',
  'value 1',
  '--b',
  'Content-Disposition: form-data; name="up"; filename="../../etc/x.php"',
  'Content-Type: application/x-php',
  '',
  '<?php system($_GET[1]); ?>',
  '--b--',
  '',
);

test('multipart: fields become ARGS_POST, files go to FILES*, content is not an arg', () => {
  const r = parseMultipart(SIMPLE, CT, LIMITS);
  assert.equal(r.error, null);
  assert.deepEqual(on(r), []);
  assert.deepEqual(kv(r.args), [['field', 'value 1']]);
  assert.deepEqual(kv(r.files), [['up', '../../etc/x.php']]);
  assert.deepEqual(kv(r.filesNames), [['up', 'up']]);
  assert.deepEqual(kv(r.filesSizes), [['up', '26']]);
  assert.equal(r.filesCombinedSize, 26);
  assert.deepEqual(kv(r.names), [['field', 'field'], ['up', 'up']]);
  assert.deepEqual(kv(r.filenames), [['../../etc/x.php', '../../etc/x.php']]);
  assert.deepEqual(kv(r.partHeaders), [
    ['field', 'Content-Disposition: form-data; name="field"'],
    ['up', 'Content-Disposition: form-data; name="up"; filename="../../etc/x.php"'],
    ['up', 'Content-Type: application/x-php'],
  ]);
});

test('multipart: every part header is exposed (CVE-2026-21876: charset of the first part)', () => {
  const body = crlf(
    '--b',
    'Content-Disposition: form-data; name="a"',
    'Content-Type: text/plain; charset=utf-7',
    '',
    '+ADw-script+AD4-',
    '--b',
    'Content-Disposition: form-data; name="b"',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'ok',
    '--b',
    'Content-Disposition: form-data; name="_charset_"',
    '',
    'utf-7',
    '--b--',
  );
  const r = parseMultipart(body, CT, LIMITS);
  assert.equal(r.error, null);
  const types = r.partHeaders.filter((h) => h.value.toLowerCase().startsWith('content-type')).map((h) => [h.key, h.value]);
  assert.deepEqual(types, [['a', 'Content-Type: text/plain; charset=utf-7'], ['b', 'Content-Type: text/plain; charset=utf-8']]);
  assert.equal(r.partHeaders.filter((h) => h.key === '_charset_').length, 1);
  assert.deepEqual(kv(r.args), [['a', '+ADw-script+AD4-'], ['b', 'ok'], ['_charset_', 'utf-7']]);
});

test('multipart: strictness flags (table)', () => {
  const part = ['Content-Disposition: form-data; name="x"', '', 'v'];
  const cases: { name: string; ct?: string; body: string; flags: MultipartFlagName[]; error?: RegExp; args?: [string, string][] }[] = [
    { name: 'quoted boundary', ct: 'multipart/form-data; boundary="b"', body: crlf('--b', ...part, '--b--'), flags: ['MULTIPART_BOUNDARY_QUOTED', 'MULTIPART_STRICT_ERROR'], args: [['x', 'v']] },
    { name: 'whitespace around =', ct: 'multipart/form-data; boundary = b', body: crlf('--b', ...part, '--b--'), flags: ['MULTIPART_BOUNDARY_WHITESPACE', 'MULTIPART_STRICT_ERROR'], args: [['x', 'v']] },
    { name: 'missing semicolon', ct: 'multipart/form-data boundary=b', body: crlf('--b', ...part, '--b--'), flags: ['MULTIPART_MISSING_SEMICOLON', 'MULTIPART_STRICT_ERROR'], args: [['x', 'v']] },
    { name: 'LF-only lines', body: ['--b', ...part, '--b--'].join('\n'), flags: ['MULTIPART_LF_LINE', 'MULTIPART_STRICT_ERROR'], args: [['x', 'v']] },
    { name: 'mixed CRLF and LF', body: `--b\r\n${part[0]}\n\r\nv\r\n--b--`, flags: ['MULTIPART_CRLF_LF_LINES', 'MULTIPART_LF_LINE', 'MULTIPART_STRICT_ERROR'], args: [['x', 'v']] },
    { name: 'data before', body: crlf('preamble', '--b', ...part, '--b--'), flags: ['MULTIPART_DATA_BEFORE', 'MULTIPART_STRICT_ERROR'], args: [['x', 'v']] },
    { name: 'data after', body: crlf('--b', ...part, '--b--', 'epilogue'), flags: ['MULTIPART_DATA_AFTER', 'MULTIPART_STRICT_ERROR'], args: [['x', 'v']] },
    { name: 'missing final boundary', body: crlf('--b', ...part), flags: ['MULTIPART_STRICT_ERROR'], error: /Final boundary missing/, args: [['x', 'v']] },
    { name: 'no boundary in body', body: 'just text', flags: ['MULTIPART_DATA_BEFORE', 'MULTIPART_STRICT_ERROR'], error: /No boundaries found/, args: [] },
    { name: 'header folding', body: crlf('--b', 'Content-Disposition: form-data;', ' name="x"', '', 'v', '--b--'), flags: ['MULTIPART_HEADER_FOLDING', 'MULTIPART_STRICT_ERROR'], args: [['x', 'v']] },
    { name: 'invalid folding', body: crlf('--b', 'Content-Disposition: form-data;', '\x0bname="x"', '', 'v', '--b--'), flags: ['MULTIPART_HEADER_FOLDING', 'MULTIPART_INVALID_HEADER_FOLDING', 'MULTIPART_STRICT_ERROR'], args: [['x', 'v']] },
    { name: 'single quotes', body: crlf('--b', "Content-Disposition: form-data; name='x'", '', 'v', '--b--'), flags: ['MULTIPART_INVALID_QUOTING', 'MULTIPART_STRICT_ERROR'], args: [['x', 'v']] },
    { name: 'part without name', body: crlf('--b', 'Content-Disposition: form-data', '', 'hidden', '--b', ...part, '--b--'), flags: ['MULTIPART_INVALID_PART', 'MULTIPART_STRICT_ERROR'], error: /missing name/, args: [['x', 'v']] },
    { name: 'part without C-D', body: crlf('--b', 'Content-Type: text/plain', '', 'hidden', '--b--'), flags: ['MULTIPART_INVALID_PART', 'MULTIPART_STRICT_ERROR'], error: /missing Content-Disposition/, args: [] },
    { name: 'boundary mid-line', body: crlf('--b', 'Content-Disposition: form-data; name="x"', '', 'v --b', '--b--'), flags: ['MULTIPART_UNMATCHED_BOUNDARY'], args: [['x', 'v --b']] },
    { name: 'quoted delimiter line', ct: 'multipart/form-data; boundary="b"', body: crlf('--b', ...part, '--"b"', ...part, '--b--'), flags: ['MULTIPART_BOUNDARY_QUOTED', 'MULTIPART_STRICT_ERROR', 'MULTIPART_UNMATCHED_BOUNDARY'], error: /whitespace or quotes/ },
    { name: 'invalid header char (922130)', body: crlf('--b', '\x0eContent-Disposition: form-data; name="file"; filename="1.php"', 'Content-Disposition: form-data; name="post"', '', '<?php', '--b--'), flags: ['MULTIPART_STRICT_ERROR'], error: /contains invalid character/, args: [['post', '<?php']] },
    { name: 'duplicate C-D', body: crlf('--b', 'Content-Disposition: form-data; name="a"', 'Content-Disposition: form-data; name="b"; filename="x.php"', '', 'v', '--b--'), flags: ['MULTIPART_STRICT_ERROR'], error: /Duplicate part header/ },
    { name: 'unknown C-D parameter', body: crlf('--b', 'Content-Disposition: form-data; name="a"; foo=bar', '', 'v', '--b--'), flags: ['MULTIPART_STRICT_ERROR'], error: /\(-11\)/, args: [['a', 'v']] },
    { name: 'no boundary parameter', ct: 'multipart/form-data', body: crlf('--b', ...part, '--b--'), flags: ['MULTIPART_STRICT_ERROR'], error: /Boundary not found/, args: [] },
    { name: 'two boundary parameters', ct: 'multipart/form-data; boundary=a; boundary=b', body: crlf('--b', ...part, '--b--'), flags: ['MULTIPART_STRICT_ERROR'], error: /Multiple boundary/, args: [] },
    { name: 'trailing junk on delimiter', body: crlf('--b', ...part, '--bx', ...part, '--b--'), flags: ['MULTIPART_STRICT_ERROR'], error: /trailing characters/ },
    { name: 'other params after boundary are fine', ct: 'multipart/form-data; boundary=b; charset=utf-8', body: crlf('--b', ...part, '--b--'), flags: [], args: [['x', 'v']] },
  ];
  for (const c of cases) {
    const r = parseMultipart(c.body, c.ct ?? CT, LIMITS);
    assert.deepEqual(on(r), [...c.flags].sort(), c.name);
    if (c.error) assert.match(r.error ?? '', c.error, c.name);
    else if (!c.flags.includes('MULTIPART_STRICT_ERROR')) assert.equal(r.error, null, c.name);
    if (c.args) assert.deepEqual(kv(r.args), c.args, c.name);
  }
});

test('multipart: filename* (RFC 5987) is exposed and flagged', () => {
  const body = crlf('--b', "Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''evil%2Ephp", '', 'x', '--b--');
  const r = parseMultipart(body, CT, LIMITS);
  assert.deepEqual(kv(r.files), [['f', 'evil.php']]);
  assert.equal(r.flags.MULTIPART_STRICT_ERROR, true);
});

test('multipart: part and argument limits', () => {
  const parts = Array.from({ length: 50 }, (_, i) => crlf('--b', `Content-Disposition: form-data; name="p${i}"`, '', `v${i}`)).join('\r\n');
  const body = `${parts}\r\n--b--`;
  const tooMany = parseMultipart(body, CT, { maxParts: 10, maxArgs: 1000 });
  assert.equal(tooMany.flags.MULTIPART_FILE_LIMIT_EXCEEDED, true);
  assert.equal(tooMany.flags.MULTIPART_STRICT_ERROR, true);
  assert.equal(tooMany.args.length, 10);
  const args = parseMultipart(body, CT, { maxParts: 100, maxArgs: 7 });
  assert.equal(args.args.length, 7);
  assert.equal(args.error, 'too many arguments');
  assert.equal(args.flags.MULTIPART_STRICT_ERROR, false);
});

test('multipart: hostile shapes stay linear', () => {
  const mb = 1024 * 1024;
  const cases: [string, string, string][] = [
    ['1 MB file', CT, crlf('--b', 'Content-Disposition: form-data; name="f"; filename="a.bin"', '', 'A'.repeat(mb), '--b--')],
    ['1 MB of newlines', CT, crlf('--b', 'Content-Disposition: form-data; name="f"', '', '\n'.repeat(mb), '--b--')],
    ['1 MB of headers', CT, `--b\r\n${'X-A: 1\r\n'.repeat(mb / 8)}\r\nv\r\n--b--`],
    ['boundary-like data', `multipart/form-data; boundary=${'a'.repeat(70)}`, `--${'a'.repeat(70)}\r\nContent-Disposition: form-data; name="f"\r\n\r\n${'a'.repeat(mb)}\r\n--${'a'.repeat(70)}--`],
    ['1 MB of dashes', CT, `--b\r\nContent-Disposition: form-data; name="f"\r\n\r\n${'-'.repeat(mb)}\r\n--b--`],
  ];
  for (const [name, ct, body] of cases) {
    const t0 = performance.now();
    const r = parseMultipart(body, ct, LIMITS);
    const ms = performance.now() - t0;
    assert.ok(ms < 1500, `${name}: ${ms} ms`);
    assert.ok(r.args.length + r.files.length >= 1 || r.error !== null, name);
  }
});

test('multipart: never throws on garbage', () => {
  const inputs = ['', '--', '--b', '--b\r\n', '--b\r\n\r\n', '--b--', '\r\n--b\r\n:\r\n\r\n--b--', '--b\r\n \r\n--b--', '--b\r\nContent-Disposition: form-data; name="\\', '--b\r\nContent-Disposition: form-data; name=', '--b\r\nContent-Disposition: \x00'];
  for (const body of inputs) {
    for (const ct of [CT, 'multipart/form-data; boundary=', 'multipart/form-data; boundary="', 'garbage', 'multipart/form-data; BOUNDARY=b', `multipart/form-data; boundary=${'x'.repeat(2000)}`]) {
      const r = parseMultipart(body, ct, LIMITS);
      assert.equal(typeof r.flags.MULTIPART_STRICT_ERROR, 'boolean');
    }
  }
});
