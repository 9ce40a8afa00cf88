import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  harEntryToRequest, parseCombinedLine, parseJsonLine, parseRequestLine, sniffFormat, unescapeLogField,
} from '../../../src/cli/log-formats.js';

const ctx = { host: 'example.test' };

describe('combined log format', () => {
  it('reads nginx/Apache combined lines: client, request, referer, agent; Host from the context', () => {
    const r = parseCombinedLine('203.0.113.9 - frank [10/Oct/2026:13:55:36 -0700] "GET /a?q=1 HTTP/1.1" 200 2326 "http://ref.test/x" "Mozilla/5.0 (X11)"', ctx);
    assert.ok(r.ok);
    assert.deepEqual(r.request, {
      method: 'GET', url: '/a?q=1', httpVersion: '1.1', remoteAddress: '203.0.113.9',
      headers: [['host', 'example.test'], ['referer', 'http://ref.test/x'], ['user-agent', 'Mozilla/5.0 (X11)']],
    });
    assert.equal(r.time, '10/Oct/2026:13:55:36 -0700');
  });

  it('accepts the common log format, extra trailing fields, IPv6 clients and absolute-form targets', () => {
    const common = parseCombinedLine('::1 - - [01/Jan/2026:00:00:00 +0000] "POST /login HTTP/1.0" 302 -', ctx);
    assert.ok(common.ok);
    assert.deepEqual(common.request.headers, [['host', 'example.test']]);
    assert.equal(common.request.remoteAddress, '::1');
    const extra = parseCombinedLine('10.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET http://h.test:8080/p?x HTTP/1.1" 200 1 "-" "-" 0.003 "upstream"', ctx);
    assert.ok(extra.ok);
    assert.equal(extra.request.url, '/p?x');
    assert.deepEqual(extra.request.headers, [['host', 'h.test:8080']]);
  });

  it('undoes server escapes: \\" \\\\ and \\xHH bytes (UTF-8)', () => {
    assert.equal(unescapeLogField('a\\"b\\\\c\\x41\\xc3\\xa9'), 'a"b\\cAé');
    const r = parseCombinedLine('1.2.3.4 - - [t] "GET /?q=\\"x\\" HTTP/1.1" 200 1 "-" "ua \\"quoted\\""', ctx);
    assert.ok(r.ok);
    assert.equal(r.request.url, '/?q="x"');
    const headers = r.request.headers as readonly (readonly [string, string])[];
    assert.deepEqual(headers[headers.length - 1], ['user-agent', 'ua "quoted"']);
  });

  it('reports lines that are not requests (TLS probes, "-", garbage) as broken', () => {
    for (const line of [
      'garbage',
      '1.2.3.4 - - [t] "-" 400 0 "-" "-"',
      '1.2.3.4 - - [t] "\\x16\\x03\\x01\\x00" 400 0 "-" "-"',
      '1.2.3.4 - - [t] "GET" 400 0 "-" "-"',
      '',
    ]) {
      const r = parseCombinedLine(line, ctx);
      assert.equal(r.ok, false, line);
    }
  });

  it('is linear on hostile lines (long runs of quotes and backslashes)', () => {
    const hostile = `1.2.3.4 - - [t] "${'\\"'.repeat(200_000)}`;
    assert.equal(parseCombinedLine(hostile, ctx).ok, false);
    assert.equal(parseRequestLine(`GET ${' '.repeat(100_000)}`), null);
  });
});

describe('JSON lines', () => {
  it('reads method, url, headers (object or pairs), body (text, JSON, base64) and client address', () => {
    const r = parseJsonLine(JSON.stringify({ method: 'post', url: '/api', headers: { 'Content-Type': 'application/json', 'X-A': ['1', '2'] }, body: { a: 1 }, ip: '198.51.100.7', time: 't1' }), ctx);
    assert.ok(r.ok);
    assert.equal(r.request.method, 'POST');
    assert.deepEqual(r.request.headers, [['host', 'example.test'], ['Content-Type', 'application/json'], ['X-A', '1'], ['X-A', '2']]);
    assert.deepEqual(r.request.body, { a: 1 });
    assert.equal(r.request.remoteAddress, '198.51.100.7');
    assert.equal(r.time, 't1');
    const b = parseJsonLine(JSON.stringify({ uri: 'https://h.test/x?y', headers: [['Host', 'given']], body: Buffer.from('raw\x00bytes').toString('base64'), bodyEncoding: 'base64', httpVersion: 'HTTP/2' }), ctx);
    assert.ok(b.ok);
    assert.equal(b.request.method, 'GET');
    assert.equal(b.request.url, '/x?y');
    assert.deepEqual(b.request.headers, [['Host', 'given']]);
    assert.deepEqual(b.request.body, Buffer.from('raw\x00bytes'));
    assert.equal(b.request.httpVersion, '2');
  });

  it('reports invalid JSON, non-objects and missing urls as broken', () => {
    for (const line of ['{"url":', '[1,2]', '"x"', '{"method":"GET"}', '{"url":"/","method":"G E T"}', '{"url":"/","headers":5}']) {
      assert.equal(parseJsonLine(line, ctx).ok, false, line);
    }
  });
});

describe('HAR entries', () => {
  it('reads request, headers (dropping HTTP/2 pseudo-headers), postData text/params/base64', () => {
    const r = harEntryToRequest({
      startedDateTime: '2026-01-01T00:00:00Z',
      request: {
        method: 'POST', url: 'https://shop.test/cart?id=1', httpVersion: 'HTTP/2',
        headers: [{ name: ':authority', value: 'shop.test' }, { name: 'cookie', value: 'a=b' }],
        postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'q', value: "1' or 1=1" }] },
      },
    }, ctx);
    assert.ok(r.ok);
    assert.equal(r.request.url, '/cart?id=1');
    assert.deepEqual(r.request.headers, [['host', 'shop.test'], ['cookie', 'a=b'], ['content-type', 'application/x-www-form-urlencoded']]);
    assert.equal(r.request.body, 'q=1\'%20or%201%3D1');
    assert.equal(r.request.httpVersion, '2.0');
    const b = harEntryToRequest({ request: { method: 'PUT', url: 'http://h/x', headers: [], postData: { mimeType: 'application/octet-stream', text: 'AAE=', encoding: 'base64' } } }, ctx);
    assert.ok(b.ok);
    assert.deepEqual(b.request.body, Buffer.from([0, 1]));
    assert.equal(harEntryToRequest({ response: {} }, ctx).ok, false);
    assert.equal(harEntryToRequest({ request: { method: 'GET' } }, ctx).ok, false);
  });
});

describe('format sniffing', () => {
  it('by file name, then by content', () => {
    assert.equal(sniffFormat('x.har', ''), 'har');
    assert.equal(sniffFormat('x.ndjson.gz', ''), 'jsonl');
    assert.equal(sniffFormat('access.log', '\n\n{"url":"/"}\n'), 'jsonl');
    assert.equal(sniffFormat('dump', '\ufeff  {\n  "log": {'), 'har');
    assert.equal(sniffFormat('access.log', '1.2.3.4 - - [t] "GET / HTTP/1.1" 200 1\n'), 'combined');
    assert.equal(sniffFormat('access.log', 'hello world\n'), null);
    assert.equal(sniffFormat('access.log', ''), null);
  });
});
