import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { percentDecode, parseUrlEncoded } from '../../../src/variables/query.js';
import { parseRequestTarget } from '../../../src/variables/uri.js';
import { parseMultipart } from '../../../src/variables/body/multipart.js';
import { parseXml } from '../../../src/variables/body/xml.js';
import { processJson } from '../../../src/variables/body/json.js';
import { createRequestVariables } from '../../../src/variables/index.js';

// Byte strings biased towards the syntax each parser cares about.
const alphabet = ['%', '2', '7', 'z', 'u', '+', '&', '=', '-', 'b', '\r', '\n', '"', "'", ';', ':', '<', '>', '/', '!', '[', ']', '{', '}', ',', '\\', ' ', '\x00', '\xff', 'a'];
const bytes = fc.array(fc.constantFrom(...alphabet), { maxLength: 200 }).map((a) => a.join(''));
const isByteString = (s: string): boolean => [...s].every((c) => c.charCodeAt(0) <= 0xff);

test('parsers never throw and only produce byte strings', () => {
  fc.assert(fc.property(bytes, (s) => {
    assert.ok(isByteString(percentDecode(s, true)));
    const q = parseUrlEncoded(s, 50);
    assert.ok(q.entries.length <= 50);
    for (const e of q.entries) assert.ok(isByteString(e.key) && isByteString(e.value));
    parseRequestTarget(s);
    const m = parseMultipart(`--b\r\n${s}`, 'multipart/form-data; boundary=b', { maxParts: 10, maxArgs: 10 });
    assert.ok(m.args.length <= 10);
    const x = parseXml(s, 8, 50);
    assert.ok(x.entries.length <= 50);
    for (const e of x.entries) assert.ok(isByteString(e.value));
    const j = processJson(Buffer.from(s, 'latin1'), 8, 50);
    for (const e of j.args) assert.ok(isByteString(e.key) && isByteString(e.value));
  }), { numRuns: 400 });
});

test('percentDecode is a single pass: decoding a decoded-safe string changes nothing', () => {
  fc.assert(fc.property(fc.string({ maxLength: 50 }).filter((s) => !s.includes('%') && !s.includes('+')), (s) => {
    assert.equal(percentDecode(s, true), s);
  }), { numRuns: 200 });
});

test('createRequestVariables never throws for arbitrary URLs, headers and bodies', () => {
  const names = ['ARGS', 'ARGS_NAMES', 'REQUEST_COOKIES', 'REQUEST_FILENAME', 'XML', 'FILES', 'MULTIPART_STRICT_ERROR', 'REQBODY_ERROR', 'REQUEST_BODY'] as const;
  fc.assert(fc.property(bytes, bytes, fc.constantFrom('application/json', 'application/xml', 'multipart/form-data; boundary=b', 'application/x-www-form-urlencoded', 'x'), (url, body, ct) => {
    const v = createRequestVariables({ method: 'POST', url, httpVersion: '1.1', headers: [['Content-Type', ct], ['Cookie', body]], remoteAddress: '::1', body: Buffer.from(body, 'latin1') }, { maxArgs: 20, maxDepth: 8, maxParts: 5 });
    v.processBody();
    for (const n of names) assert.ok(Array.isArray(v.get(n)));
  }), { numRuns: 300 });
});
