import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRequest, expandTemplate } from './request.js';
import { evaluate } from './harness.js';
import { sniffContentType } from './albedo.js';

const text = (b: Buffer): string => b.toString('latin1');

describe('go-ftw request bytes', () => {
  it('defaults, header order by name, Connection and Content-Length appended', () => {
    assert.equal(text(buildRequest({ headers: { 'User-Agent': 'ua', Host: 'localhost', accept: '*/*' } })),
      'GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: ua\r\naccept: */*\r\nConnection: close\r\n\r\n');
    assert.equal(text(buildRequest({ method: 'POST', uri: '/p', headers: { Host: 'h' } })),
      'POST /p HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  it('form data: Content-Type added, keys and values QueryEscaped unless already escaped', () => {
    const r = text(buildRequest({ method: 'POST', headers: { Host: 'h' }, data: "a=1' or 1=1&b=x y&flag" }));
    assert.match(r, /\r\nContent-Type: application\/x-www-form-urlencoded\r\nConnection: close\r\nContent-Length: 26\r\n\r\na=1%27\+or\+1%3D1&b=x\+y&flag$/);
    assert.match(text(buildRequest({ method: 'POST', headers: { Host: 'h' }, data: 'a=%27x' })), /\r\n\r\na=%27x$/, 'already escaped: sent as is');
    assert.match(text(buildRequest({ method: 'POST', headers: { Host: 'h' }, data: 'a=%zz' })), /\r\n\r\na=%zz$/, 'bad escape: sent as is');
    assert.match(text(buildRequest({ method: 'POST', headers: { Host: 'h' }, data: 'q=é' })), /\r\n\r\nq=%C3%A9$/, 'UTF-8 bytes escaped');
  });

  it('multipart: every LF becomes CRLF (an existing CRLF becomes CR CR LF, as in Go)', () => {
    const r = text(buildRequest({ method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=x' }, data: '--x\nA\r\n--x--\n' }));
    assert.ok(r.endsWith('\r\n\r\n--x\r\nA\r\r\n--x--\r\n'));
    assert.match(r, /Content-Length: 16\r\n/);
  });

  it('autocomplete_headers false: nothing added; encoded_request sent verbatim', () => {
    assert.equal(text(buildRequest({ method: 'POST', headers: { Host: 'h' }, data: 'x', autocomplete_headers: false })), 'POST / HTTP/1.1\r\nHost: h\r\n\r\nx');
    const raw = 'GET /\x00 HTTP/1.1\r\n\r\n';
    assert.equal(text(buildRequest({ encoded_request: Buffer.from(raw, 'latin1').toString('base64') })), raw);
  });

  it('the Sprig repeat template', () => {
    assert.equal(expandTemplate('a={{ "1" | repeat 5 }}&b'), 'a=11111&b');
    assert.equal(buildRequest({ method: 'POST', data: '{{ "ab" | repeat 3000 }}', autocomplete_headers: false }).length, 'POST / HTTP/1.1\r\n\r\n'.length + 6000);
  });
});

describe('stage verdicts as go-ftw decides them', () => {
  const ok = { response: { status: 200, head: '', body: Buffer.alloc(0) } };
  it('expect_ids, no_expect_ids, status, regexes, expect_error', () => {
    assert.equal(evaluate({ log: { expect_ids: [1, 2] } }, ok, '', [2, 1, 3]), null);
    assert.match(evaluate({ log: { expect_ids: [1, 2] } }, ok, '', [1]) ?? '', /expected ids 2/);
    assert.match(evaluate({ log: { no_expect_ids: [3] } }, ok, '', [3]) ?? '', /ids 3 fired/);
    assert.match(evaluate({ status: 403 }, ok, '', []) ?? '', /expected status 403, got 200/);
    assert.equal(evaluate({ status: [200, 404] }, ok, '', []), null);
    assert.equal(evaluate({ log: { match_regex: 'Total Score: \\d+' } }, ok, '[msg "Total Score: 5"]', []), null);
    assert.match(evaluate({ log: { no_match_regex: '\\[id "\\d+"\\]' } }, ok, '[id "1"]', [1]) ?? '', /must not/);
    assert.equal(evaluate({ expect_error: true }, { response: null, error: 'closed' }, '', []), null);
    assert.match(evaluate({ expect_error: true }, ok, '', []) ?? '', /expected no response/);
  });
});

describe('albedo content-type sniffing (Go net/http)', () => {
  it('html, xml, plain, binary', () => {
    assert.equal(sniffContentType(Buffer.from('  <html><body>x')), 'text/html; charset=utf-8');
    assert.equal(sniffContentType(Buffer.from('<?xml version="1.0"?><a/>')), 'text/xml; charset=utf-8');
    assert.equal(sniffContentType(Buffer.from('{"a":1}')), 'text/plain; charset=utf-8');
    assert.equal(sniffContentType(Buffer.from([0, 1, 2, 3])), 'application/octet-stream');
  });
});
