import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequestVariables } from '../../../src/variables/index.js';
import type { CollectionName } from '../../../src/rules/types.js';
import type { BodyProcessorName, RequestSnapshot, VarEntry } from '../../../src/variables/types.js';

const LIMITS = { maxArgs: 1000, maxDepth: 512, maxParts: 100 };
const kv = (e: readonly VarEntry[]): [string, string][] => e.map((x) => [x.key, x.value]);
const one = (e: readonly VarEntry[]): string | undefined => (e.length === 1 && e[0]?.key === '' ? e[0].value : undefined);

function req(over: Partial<RequestSnapshot> & { ct?: string; text?: string } = {}): RequestSnapshot {
  const { ct, text, ...rest } = over;
  const headers: [string, string][] = [['Host', 'shop.example:8443']];
  if (ct !== undefined) headers.push(['Content-Type', ct]);
  return {
    method: text === undefined ? 'GET' : 'POST',
    url: '/',
    httpVersion: '1.1',
    headers,
    remoteAddress: '203.0.113.9',
    remotePort: 51000,
    serverPort: 8443,
    ...(text === undefined ? {} : { body: Buffer.from(text, 'latin1') }),
    ...rest,
  };
}

test('URI and connection scalars', () => {
  const v = createRequestVariables(req({ url: '/shop/%2e%2e/cart.php?id=1%27&x=%zz#f', httpVersion: '1.0' }), LIMITS);
  const want: [CollectionName, string][] = [
    ['REQUEST_METHOD', 'GET'],
    ['REQUEST_PROTOCOL', 'HTTP/1.0'],
    ['REQUEST_LINE', 'GET /shop/%2e%2e/cart.php?id=1%27&x=%zz#f HTTP/1.0'],
    ['REQUEST_URI', '/shop/%2e%2e/cart.php?id=1%27&x=%zz#f'],
    ['REQUEST_URI_RAW', '/shop/%2e%2e/cart.php?id=1%27&x=%zz#f'],
    ['REQUEST_FILENAME', '/shop/../cart.php'],
    ['PATH_INFO', '/shop/../cart.php'],
    ['REQUEST_BASENAME', 'cart.php'],
    ['QUERY_STRING', 'id=1%27&x=%zz'],
    ['REMOTE_ADDR', '203.0.113.9'],
    ['REMOTE_PORT', '51000'],
    ['SERVER_PORT', '8443'],
    ['SERVER_NAME', 'shop.example'],
    ['REQUEST_BODY_LENGTH', '0'],
    ['INBOUND_DATA_ERROR', '0'],
    ['REQBODY_ERROR', '0'],
    ['REQBODY_PROCESSOR', 'NONE'],
  ];
  for (const [c, value] of want) assert.equal(one(v.get(c)), value, c);
  assert.deepEqual(kv(v.get('ARGS_GET')), [['id', "1'"], ['x', '%zz']]);
  const abs = createRequestVariables(req({ url: 'http://evil.example/a?b=1' }), LIMITS);
  assert.equal(one(abs.get('REQUEST_URI')), '/a?b=1');
  assert.equal(one(abs.get('REQUEST_URI_RAW')), 'http://evil.example/a?b=1');
});

test('query args keep raw bracket names, duplicates and prototype keys', () => {
  const v = createRequestVariables(req({ url: '/?a[$ne]=1&__proto__[x]=1&a=1&a=2' }), LIMITS);
  const want: [string, string][] = [['a[$ne]', '1'], ['__proto__[x]', '1'], ['a', '1'], ['a', '2']];
  assert.deepEqual(kv(v.get('ARGS_GET')), want);
  assert.deepEqual(kv(v.get('ARGS')), want);
  assert.deepEqual(v.get('ARGS_NAMES').map((e) => e.value), ['a[$ne]', '__proto__[x]', 'a', 'a']);
  assert.deepEqual(v.get('ARGS_GET_NAMES').map((e) => e.key), ['a[$ne]', '__proto__[x]', 'a', 'a']);
  assert.equal(one(v.get('ARGS_COMBINED_SIZE')), String(6 + 1 + 12 + 1 + 1 + 1 + 1 + 1));
  assert.deepEqual(v.get('ARGS_POST'), []);
});

test('headers keep case and repeats; cookies from every Cookie header', () => {
  const v = createRequestVariables(req({
    headers: [['Host', 'h'], ['X-Forwarded-For', '1.1.1.1'], ['x-forwarded-for', '2.2.2.2'], ['Cookie', 'sid=%41b; theme=dark'], ['cookie', 'x=<y>']],
  }), LIMITS);
  assert.deepEqual(kv(v.get('REQUEST_HEADERS')).slice(1, 3), [['X-Forwarded-For', '1.1.1.1'], ['x-forwarded-for', '2.2.2.2']]);
  assert.deepEqual(v.get('REQUEST_HEADERS_NAMES').map((e) => e.value), ['Host', 'X-Forwarded-For', 'x-forwarded-for', 'Cookie', 'cookie']);
  assert.deepEqual(kv(v.get('REQUEST_COOKIES')), [['sid', '%41b'], ['theme', 'dark'], ['x', '<y>']]);
  assert.deepEqual(v.get('REQUEST_COOKIES_NAMES').map((e) => e.value), ['sid', 'theme', 'x']);
});

test('body processor chosen from Content-Type', () => {
  const cases: [string | undefined, BodyProcessorName][] = [
    ['application/x-www-form-urlencoded', 'URLENCODED'],
    ['application/x-www-form-urlencoded; charset=UTF-8', 'URLENCODED'],
    ['multipart/form-data; boundary=x', 'MULTIPART'],
    ['multipart/form-data; boundary=a b', 'MULTIPART'],
    ['application/json', 'JSON'],
    ['APPLICATION/JSON; charset=utf-8; foo=bar', 'JSON'],
    ['application/vnd.api+json', 'JSON'],
    ['application/xml', 'XML'],
    ['text/xml; charset=utf-8', 'XML'],
    ['application/soap+xml', 'XML'],
    ['text/plain', 'TEXT'],
    ['multipart/mixed; boundary=x', 'TEXT'],
    [';;;garbage"', 'TEXT'],
    ['', 'TEXT'],
    [undefined, 'NONE'],
  ];
  for (const [ct, want] of cases) {
    const v = createRequestVariables(req(ct === undefined ? { text: 'x' } : { ct, text: 'x' }), LIMITS);
    assert.equal(one(v.get('REQBODY_PROCESSOR')), want, String(ct));
  }
});

test('phase semantics: body collections appear only after processBody()', () => {
  const v = createRequestVariables(req({ url: '/?g=1', ct: 'application/x-www-form-urlencoded', text: 'p=2&q=%3Cscript%3E' }), LIMITS);
  assert.deepEqual(kv(v.get('ARGS')), [['g', '1']]);
  assert.deepEqual(v.get('REQUEST_BODY'), []);
  assert.equal(one(v.get('REQUEST_BODY_LENGTH')), '18');
  v.processBody();
  assert.deepEqual(kv(v.get('ARGS')), [['g', '1'], ['p', '2'], ['q', '<script>']]);
  assert.deepEqual(kv(v.get('ARGS_POST')), [['p', '2'], ['q', '<script>']]);
  assert.deepEqual(v.get('ARGS_POST_NAMES').map((e) => e.value), ['p', 'q']);
  assert.equal(one(v.get('REQUEST_BODY')), 'p=2&q=%3Cscript%3E');
  assert.equal(one(v.get('ARGS_COMBINED_SIZE')), String(2 + 2 + 9));
  // Idempotent; a late processor change is ignored.
  v.setBodyProcessor('JSON');
  v.processBody();
  assert.equal(one(v.get('REQBODY_PROCESSOR')), 'URLENCODED');
  assert.equal(v.get('ARGS').length, 3);
});

test('REQUEST_BODY availability per processor and forceRequestBodyVariable', () => {
  const cases: [string | undefined, string, boolean][] = [
    ['application/x-www-form-urlencoded', 'a=1', true],
    ['text/plain', '{"a":1}', true],
    [undefined, 'raw', true],
    ['application/json', '{"a":1}', false],
    ['application/xml', '<a>1</a>', false],
    ['multipart/form-data; boundary=b', '--b--', false],
  ];
  for (const [ct, text, visible] of cases) {
    const v = createRequestVariables(req(ct === undefined ? { text } : { ct, text }), LIMITS);
    v.processBody();
    assert.equal(one(v.get('REQUEST_BODY')), visible ? text : undefined, String(ct));
    v.forceRequestBodyVariable(true);
    assert.equal(one(v.get('REQUEST_BODY')), text, `${String(ct)} forced`);
  }
});

test('setBodyProcessor overrides Content-Type before processing', () => {
  const v = createRequestVariables(req({ ct: 'text/plain', text: '{"cmd":"; cat /etc/passwd"}' }), LIMITS);
  v.setBodyProcessor('JSON');
  v.processBody();
  assert.equal(one(v.get('REQBODY_PROCESSOR')), 'JSON');
  assert.deepEqual(kv(v.get('ARGS_POST')), [['json.cmd', '; cat /etc/passwd']]);
  assert.deepEqual(v.get('REQUEST_BODY'), []);
});

test('body parse errors land in REQBODY_ERROR, never throw', () => {
  const cases: [string, string, RegExp][] = [
    ['application/json', '{"a":', /^JSON parsing error: /],
    ['application/json', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, /^JSON parsing error: nesting deeper than 512/],
    ['application/xml', '<a><b></a>', /^XML parsing error: mismatched end tag/],
    ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nv', /^Multipart parsing error: Multipart: Final boundary missing/],
  ];
  for (const [ct, text, msg] of cases) {
    const v = createRequestVariables(req({ ct, text }), LIMITS);
    v.processBody();
    assert.equal(one(v.get('REQBODY_ERROR')), '1', ct);
    assert.equal(one(v.get('REQBODY_PROCESSOR_ERROR')), '1', ct);
    assert.match(one(v.get('REQBODY_ERROR_MSG')) ?? '', msg, ct);
  }
});

test('argument limit counts query and body together', () => {
  const query = Array.from({ length: 8 }, (_, i) => `q${i}=1`).join('&');
  const small = { maxArgs: 10, maxDepth: 8, maxParts: 10 };
  const v = createRequestVariables(req({ url: `/?${query}`, ct: 'application/json', text: '[1,2,3,4]' }), small);
  v.processBody();
  assert.equal(v.get('ARGS').length, 10);
  assert.equal(one(v.get('INBOUND_DATA_ERROR')), '0');
  assert.equal(one(v.get('REQBODY_ERROR')), '1');
  assert.match(one(v.get('REQBODY_ERROR_MSG')) ?? '', /too many arguments/);
  const q = createRequestVariables(req({ url: `/?${query}&${query}` }), small);
  assert.equal(q.get('ARGS_GET').length, 10);
  assert.equal(one(q.get('INBOUND_DATA_ERROR')), '1');
  const big = Array.from({ length: 100_000 }, (_, i) => `k${i}=v`).join('&');
  const b = createRequestVariables(req({ ct: 'application/x-www-form-urlencoded', text: big }), LIMITS);
  b.processBody();
  assert.equal(b.get('ARGS').length, 1000);
  assert.equal(one(b.get('REQBODY_ERROR')), '1');
});

test('partial body sets INBOUND_DATA_ERROR', () => {
  const v = createRequestVariables(req({ ct: 'text/plain', text: 'abc', bodyComplete: false }), LIMITS);
  assert.equal(one(v.get('INBOUND_DATA_ERROR')), '1');
});

test('multipart, XML and JSON through get()', () => {
  const mp = createRequestVariables(req({
    ct: 'multipart/form-data; boundary=b',
    text: '--b\r\nContent-Disposition: form-data; name="f"; filename="a.php"\r\n\r\n12345\r\n--b\r\nContent-Disposition: form-data; name="t"\r\n\r\nhi\r\n--b--\r\n',
  }), LIMITS);
  mp.processBody();
  assert.deepEqual(kv(mp.get('FILES')), [['f', 'a.php']]);
  assert.deepEqual(kv(mp.get('FILES_NAMES')), [['f', 'f']]);
  assert.equal(one(mp.get('FILES_COMBINED_SIZE')), '5');
  assert.deepEqual(kv(mp.get('ARGS')), [['t', 'hi']]);
  assert.equal(one(mp.get('MULTIPART_STRICT_ERROR')), '0');
  assert.equal(one(mp.get('MULTIPART_UNMATCHED_BOUNDARY')), '0');
  assert.equal(mp.get('MULTIPART_PART_HEADERS').length, 2);
  assert.deepEqual(kv(mp.get('MULTIPART_FILENAME')), [['a.php', 'a.php']]);

  const lf = createRequestVariables(req({ ct: 'multipart/form-data; boundary=b', text: '--b\nContent-Disposition: form-data; name="t"\n\nhi\n--b--\n' }), LIMITS);
  lf.processBody();
  assert.equal(one(lf.get('MULTIPART_LF_LINE')), '1');
  assert.equal(one(lf.get('MULTIPART_STRICT_ERROR')), '1');

  const xml = createRequestVariables(req({ ct: 'application/xml', text: '<r a="1"><q>x</q></r>' }), LIMITS);
  xml.processBody();
  assert.deepEqual(kv(xml.get('XML')), [['//@*', '1'], ['/*', 'x']]);
  assert.deepEqual(xml.get('ARGS'), []);

  // Not multipart: flags are '0', lists are empty.
  const json = createRequestVariables(req({ ct: 'application/json', text: '{"a":{"b":"c"}}' }), LIMITS);
  json.processBody();
  assert.deepEqual(kv(json.get('ARGS_POST')), [['json.a.b', 'c']]);
  assert.equal(one(json.get('MULTIPART_STRICT_ERROR')), '0');
  assert.deepEqual(json.get('FILES'), []);
  assert.deepEqual(json.get('XML'), []);
});

test('parsedBody is flattened when no raw bytes are available', () => {
  const base = { method: 'POST', url: '/', httpVersion: '1.1', remoteAddress: '::1' } as const;
  const j = createRequestVariables({ ...base, headers: [['content-type', 'application/json']], parsedBody: { user: { $ne: null }, list: ['a\u00e9'] } }, LIMITS);
  j.processBody();
  assert.deepEqual(kv(j.get('ARGS_POST')), [['json.user.$ne', 'null'], ['json.list.0', 'a\xc3\xa9']]);
  const f = createRequestVariables({ ...base, headers: [['content-type', 'application/x-www-form-urlencoded']], parsedBody: { a: { b: ['1', '2'] } } }, LIMITS);
  f.processBody();
  assert.deepEqual(kv(f.get('ARGS_POST')), [['a[b][0]', '1'], ['a[b][1]', '2']]);
  // express.text(): a string body goes through the normal pipeline.
  const t = createRequestVariables({ ...base, headers: [['content-type', 'application/x-www-form-urlencoded']], parsedBody: 'x=%27' }, LIMITS);
  t.processBody();
  assert.deepEqual(kv(t.get('ARGS_POST')), [['x', "'"]]);
  assert.equal(one(t.get('REQUEST_BODY')), 'x=%27');
});

test('lazy and memoised: untouched collections cost nothing', () => {
  let headerReads = 0;
  let bodyReads = 0;
  const snap = {
    method: 'POST', url: '/a?b=c', httpVersion: '1.1', remoteAddress: '127.0.0.1',
    get headers(): readonly (readonly [string, string])[] {
      headerReads++;
      return [['Content-Type', 'application/json'], ['Cookie', 'a=b']];
    },
    get body(): Buffer {
      bodyReads++;
      return Buffer.from('{"x":1}');
    },
  } satisfies RequestSnapshot;
  const v = createRequestVariables(snap, LIMITS);
  v.get('REQUEST_METHOD');
  v.get('REQUEST_URI');
  const args = v.get('ARGS_GET');
  assert.equal(args, v.get('ARGS_GET'));
  assert.equal(headerReads, 0);
  assert.equal(bodyReads, 0);
  v.processBody(); // resolves the processor (reads Content-Type) but does not parse
  assert.equal(bodyReads, 0);
  assert.equal(headerReads, 1);
  const cookies = v.get('REQUEST_COOKIES');
  assert.equal(cookies, v.get('REQUEST_COOKIES'));
  assert.equal(headerReads, 1); // the header list is read once per request, whatever collections use it
  assert.deepEqual(kv(v.get('ARGS_POST')), [['json.x', '1']]);
  v.get('ARGS');
  v.get('REQBODY_ERROR');
  assert.equal(bodyReads, 1);
});

test('unknown and engine-owned collections are empty; names are case-tolerant', () => {
  const v = createRequestVariables(req({ url: '/?a=1' }), LIMITS);
  for (const c of ['TX', 'UNIQUE_ID', 'RESPONSE_BODY', 'constructor', '__proto__', 'toString'] as CollectionName[]) assert.deepEqual(v.get(c), [], c);
  assert.deepEqual(kv(v.get('args' as CollectionName)), [['a', '1']]);
});

test('1 MB bodies are processed quickly', () => {
  const mb = 1024 * 1024;
  const bodies: [string, string][] = [
    ['application/x-www-form-urlencoded', `a=${'%41'.repeat(mb / 3)}`],
    ['application/json', JSON.stringify({ a: 'x'.repeat(mb) })],
    ['application/xml', `<r>${'<i>v</i>'.repeat(mb / 8)}</r>`],
    ['text/plain', 'z'.repeat(mb)],
  ];
  for (const [ct, text] of bodies) {
    const t0 = performance.now();
    const v = createRequestVariables(req({ ct, text }), LIMITS);
    v.processBody();
    v.get('ARGS');
    v.get('XML');
    v.get('REQUEST_BODY');
    v.get('REQBODY_ERROR');
    const ms = performance.now() - t0;
    assert.ok(ms < 1500, `${ct}: ${ms} ms`);
  }
});
