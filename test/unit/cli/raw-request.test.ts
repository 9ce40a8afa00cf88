import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from '../../../src/cli/cli-error.js';
import { parseHeaderArg, parseRawRequest, parseRequestArg } from '../../../src/cli/raw-request.js';

describe('request arguments', () => {
  it('--request: "METHOD target [HTTP/x]", a bare path, or an absolute URL', () => {
    assert.deepEqual(parseRequestArg("GET /search?q=1'"), { method: 'GET', url: "/search?q=1'", httpVersion: '1.1', host: undefined });
    assert.deepEqual(parseRequestArg('post /x HTTP/1.0'), { method: 'POST', url: '/x', httpVersion: '1.0', host: undefined });
    assert.deepEqual(parseRequestArg('/only'), { method: 'GET', url: '/only', httpVersion: '1.1', host: undefined });
    assert.deepEqual(parseRequestArg('https://h.test:8443/p?q'), { method: 'GET', url: '/p?q', httpVersion: '1.1', host: 'h.test:8443' });
    assert.throws(() => parseRequestArg(''), CliError);
    assert.throws(() => parseRequestArg('G@T /'), CliError);
  });

  it('--header: "Name: value"', () => {
    assert.deepEqual(parseHeaderArg('X-Test:  a: b '), ['X-Test', 'a: b']);
    assert.throws(() => parseHeaderArg('novalue'), CliError);
    assert.throws(() => parseHeaderArg('bad name: x'), CliError);
  });
});

describe('raw request files', () => {
  it('reads request line, headers (CRLF or LF, folded), and the body bounded by Content-Length', () => {
    const r = parseRawRequest(Buffer.from('POST /login HTTP/1.1\r\nHost: h.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\nX-Long: a\r\n  b\r\n\r\nuser=a&b=xtrailing'), 'raw.http');
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/login');
    assert.deepEqual(r.headers, [['Host', 'h.test'], ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', '9'], ['X-Long', 'a b']]);
    assert.deepEqual(r.body, Buffer.from('user=a&b='));
    const lf = parseRawRequest(Buffer.from('\nGET http://h/x?q=é HTTP/1.1\nAccept: */*\n\nbody\n'), 'f');
    assert.equal(lf.url, '/x?q=é');
    assert.deepEqual(lf.headers, [['host', 'h'], ['Accept', '*/*']]);
    assert.deepEqual(lf.body, Buffer.from('body'));
    assert.equal(parseRawRequest(Buffer.from('GET / HTTP/1.1\n'), 'f').body, undefined);
  });

  it('says which line is wrong', () => {
    assert.throws(() => parseRawRequest(Buffer.from('GET / HTTP/1.1\nHost: x\nnot a header\n\n'), 'raw.http'), /raw\.http:3: expected a "Name: value"/);
    assert.throws(() => parseRawRequest(Buffer.from('\n\n'), 'raw.http'), /empty request file/);
  });
});
