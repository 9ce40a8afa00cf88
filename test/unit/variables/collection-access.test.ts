import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { collectionIndex, createRequestVariables } from '../../../src/variables/request-variables.js';
import { snapshotFromRequest } from '../../../src/middleware/snapshot.js';
import type { CollectionName } from '../../../src/rules/types.js';
import type { RequestSnapshot } from '../../../src/variables/types.js';

const LIMITS = { maxArgs: 1000, maxDepth: 512, maxParts: 100 };

/** Every collection RequestVariables serves, plus names it does not. */
const SERVED = [
  'REQUEST_METHOD', 'REQUEST_PROTOCOL', 'REQUEST_LINE', 'REQUEST_URI', 'REQUEST_URI_RAW', 'REQUEST_FILENAME', 'PATH_INFO',
  'REQUEST_BASENAME', 'QUERY_STRING', 'ARGS_GET', 'ARGS_GET_NAMES', 'INBOUND_DATA_ERROR', 'REQUEST_HEADERS',
  'REQUEST_HEADERS_NAMES', 'REQUEST_COOKIES', 'REQUEST_COOKIES_NAMES', 'REMOTE_ADDR', 'REMOTE_PORT', 'SERVER_PORT',
  'SERVER_NAME', 'REQUEST_BODY_LENGTH', 'ARGS_POST', 'ARGS_POST_NAMES', 'ARGS', 'ARGS_NAMES', 'ARGS_COMBINED_SIZE',
  'REQUEST_BODY', 'REQBODY_PROCESSOR', 'REQBODY_ERROR', 'REQBODY_PROCESSOR_ERROR', 'REQBODY_ERROR_MSG', 'XML', 'FILES',
  'FILES_NAMES', 'FILES_SIZES', 'FILES_COMBINED_SIZE', 'MULTIPART_PART_HEADERS', 'MULTIPART_NAME', 'MULTIPART_FILENAME',
  'MULTIPART_STRICT_ERROR', 'MULTIPART_UNMATCHED_BOUNDARY',
] as const;
const NOT_SERVED = ['TX', 'UNIQUE_ID', 'RESPONSE_BODY', 'constructor', '__proto__', 'toString', ''];

const HEADERS: [string, string][] = [
  ['Host', 'shop.example:8443'],
  ['Content-Type', 'application/x-www-form-urlencoded'],
  ['Cookie', 'a=1; b=%41'],
  ['X-Dup', 'one'],
  ['x-dup', 'two'],
  ['COOKIE', 'c=3'],
];

function snapshot(extra: Partial<RequestSnapshot> = {}): RequestSnapshot {
  return {
    method: 'POST', url: '/p/a.php?q=1&r=%27', httpVersion: '1.1', headers: HEADERS, remoteAddress: '203.0.113.9',
    remotePort: 51000, serverPort: 8443, body: Buffer.from('x=1&y=2'), ...extra,
  };
}

function everything(s: RequestSnapshot): Record<string, unknown> {
  const v = createRequestVariables(s, LIMITS);
  const out: Record<string, unknown> = {};
  for (const c of SERVED) out[`1:${c}`] = v.get(c);
  v.processBody();
  for (const c of SERVED) out[`2:${c}`] = v.get(c);
  return out;
}

test('collectionIndex/getAt give what get() gives, the same memoised array', () => {
  const v = createRequestVariables(snapshot(), LIMITS);
  const seen = new Set<number>();
  for (const c of SERVED) {
    const i = collectionIndex(c);
    assert.ok(i >= 0, c);
    assert.equal(seen.has(i), false, c);
    seen.add(i);
    assert.equal(collectionIndex(c.toLowerCase()), i, c);
    const a = v.getAt(i);
    assert.equal(v.get(c), a, c);
  }
  v.processBody();
  for (const c of SERVED) assert.equal(v.getAt(collectionIndex(c)), v.get(c), c);
  assert.deepEqual(v.getAt(collectionIndex('ARGS_POST')).map((e) => [e.key, e.value]), [['x', '1'], ['y', '2']]);
  for (const c of NOT_SERVED) {
    assert.equal(collectionIndex(c), -1, c);
    assert.deepEqual(v.get(c as CollectionName), [], c);
  }
  for (const i of [-1, 1e6, 0.5, Number.NaN]) assert.deepEqual(v.getAt(i), [], String(i));
});

test('rawHeaders (flat list) and headers (pairs) give the same collections', () => {
  const flat = HEADERS.flat();
  const fromPairs = everything(snapshot());
  assert.deepEqual(everything(snapshot({ rawHeaders: flat })), fromPairs);
  // A trailing name without a value is not a header (headerPairs drops it too).
  assert.deepEqual(everything(snapshot({ rawHeaders: [...flat, 'Cookie'] })), fromPairs);
  // The collections read rawHeaders when present: the pairs are not consulted.
  const v = createRequestVariables(snapshot({ rawHeaders: flat, headers: [] }), LIMITS);
  assert.deepEqual(v.get('REQUEST_COOKIES').map((e) => [e.key, e.value]), [['a', '1'], ['b', '%41'], ['c', '3']]);
  assert.deepEqual(v.get('REQUEST_HEADERS_NAMES').map((e) => e.value), ['Host', 'Content-Type', 'Cookie', 'X-Dup', 'x-dup', 'COOKIE']);
  assert.deepEqual(v.get('SERVER_NAME').map((e) => e.value), ['shop.example']);
  assert.deepEqual(v.get('REQBODY_PROCESSOR').map((e) => e.value), ['URLENCODED']);
});

test('REQUEST_PROTOCOL and REQUEST_LINE for each HTTP version', () => {
  for (const version of ['1.1', '1.0', '2.0', '0.9', '']) {
    const v = createRequestVariables(snapshot({ httpVersion: version }), LIMITS);
    assert.deepEqual(v.get('REQUEST_PROTOCOL'), [{ key: '', value: `HTTP/${version}` }], version);
    assert.deepEqual(v.get('REQUEST_LINE'), [{ key: '', value: `POST /p/a.php?q=1&r=%27 HTTP/${version}` }], version);
  }
});

test('a snapshot from IncomingMessage reads rawHeaders and builds the pairs only on demand', () => {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = '/x?a=1';
  req.httpVersion = '1.1';
  req.rawHeaders = HEADERS.flat();
  const snap = snapshotFromRequest(req, { body: undefined, complete: true, tooLarge: false, consumed: false });
  assert.equal(snap.rawHeaders, req.rawHeaders);
  const fromRequest = everything(snap);
  assert.deepEqual(snap.headers, HEADERS);
  assert.equal(snap.headers, snap.headers); // built once
  const { rawHeaders: _, ...plain } = { ...snap, headers: HEADERS };
  assert.deepEqual(everything(plain), fromRequest);
});
