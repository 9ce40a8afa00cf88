import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_REDACT_FIELDS, DEFAULT_REDACT_HEADERS, REDACTED, redactAlertUrl, redactBody, redactHeaders, redactLoose, redactUrl, type RedactionRules,
} from '../../../src/alerts/redact-request.js';
import type { Alert } from '../../../src/alerts/types.js';

const rules: RedactionRules = { headers: DEFAULT_REDACT_HEADERS, fields: DEFAULT_REDACT_FIELDS };

test('secret headers are replaced, others kept (as UTF-8 text), JWTs masked anywhere', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  const out = redactHeaders([
    ['Host', 'example.com'], ['Authorization', 'Bearer abc.def.ghi'], ['Cookie', 'sid=s3cr3t'], ['Set-Cookie', 'a=b'],
    ['X-Api-Key', 'k'], ['X-CSRF-Token', 't'], ['Proxy-Authorization', 'Basic eA=='], ['User-Agent', 'caf\xc3\xa9'],
    ['X-Forwarded-Token-Less', 'fine'], ['Referer', `https://x.example/?t=${jwt}`],
  ], rules);
  const m = new Map(out);
  assert.equal(m.get('Host'), 'example.com');
  for (const k of ['Authorization', 'Cookie', 'Set-Cookie', 'X-Api-Key', 'X-CSRF-Token', 'Proxy-Authorization', 'X-Forwarded-Token-Less']) assert.equal(m.get(k), REDACTED, k);
  assert.equal(m.get('User-Agent'), 'café');
  assert.ok(!m.get('Referer')!.includes(jwt));
});

test('header lists are bounded in count and value length', () => {
  const many = Array.from({ length: 1000 }, (_, i) => [`x-h${i}`, 'v'.repeat(100_000)] as const);
  const out = redactHeaders(many, rules);
  assert.equal(out.length, 200);
  assert.ok(out.every(([, v]) => v.length <= 4097));
});

test('query strings: secret-named values redacted, encoding and order kept', () => {
  assert.equal(redactUrl('/login?user=bob&password=hunter2&next=%2Fhome', rules), `/login?user=bob&password=${REDACTED}&next=%2Fhome`);
  assert.equal(redactUrl('/a?pass%77ord=x&API_KEY=y&q', rules), `/a?pass%77ord=${REDACTED}&API_KEY=${REDACTED}&q`);
  assert.equal(redactUrl('/a?session+id=1', rules), `/a?session+id=${REDACTED}`);
  assert.equal(redactUrl('/plain/path', rules), '/plain/path');
  assert.equal(redactUrl('/a?%E0%A4%A=1&token=%', rules), `/a?%E0%A4%A=1&token=${REDACTED}`);
});

test('JSON bodies: secret keys at any depth, __proto__ kept as a plain key, deep nesting cut', () => {
  const body = Buffer.from(JSON.stringify({ user: 'bob', password: 'hunter2', nested: [{ apiKey: 'k', ok: 1 }], ['__proto__']: { token: 't' } }).replace('"__proto__"', '"__proto__"'));
  const r = redactBody(Buffer.from('{"user":"bob","password":"hunter2","nested":[{"apiKey":"k","ok":1}],"__proto__":{"token":"t"}}'), body.length, 'application/json', 4096, rules);
  assert.equal(r.encoding, 'utf8');
  assert.equal(r.truncated, false);
  const parsed = JSON.parse(r.excerpt);
  assert.equal(parsed.password, REDACTED);
  assert.equal(parsed.nested[0].apiKey, REDACTED);
  assert.equal(parsed.nested[0].ok, 1);
  assert.equal(parsed.__proto__.token, REDACTED);
  assert.equal(({} as Record<string, unknown>).token, undefined);
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  const d = redactBody(Buffer.from(deep), deep.length, 'application/json', 16384, rules);
  assert.ok(d.excerpt.includes('[too deep]'));
});

test('truncated or broken JSON falls back to pair matching', () => {
  const text = '{"user":"bob","password":"hun\\"ter2","card":"4111 1111 1111 1111","note":"x"';
  const r = redactBody(Buffer.from(text), 10_000, 'application/json', 4096, rules);
  assert.equal(r.truncated, true);
  assert.ok(!r.excerpt.includes('hun'), r.excerpt);
  assert.ok(!r.excerpt.includes('4111'), r.excerpt);
  assert.ok(r.excerpt.includes('"user":"bob"'));
});

test('urlencoded and multipart bodies', () => {
  const u = redactBody(Buffer.from('user=bob&passwd=x%26y&q=1'), 25, 'application/x-www-form-urlencoded; charset=utf-8', 4096, rules);
  assert.equal(u.excerpt, `user=bob&passwd=${REDACTED}&q=1`);
  const mp = '--XyZ\r\nContent-Disposition: form-data; name="user"\r\n\r\nbob\r\n--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\nhunter2\r\n--XyZ--\r\n';
  const m = redactBody(Buffer.from(mp), mp.length, 'multipart/form-data; boundary=XyZ', 4096, rules);
  assert.ok(m.excerpt.includes('bob'));
  assert.ok(!m.excerpt.includes('hunter2'));
  assert.ok(m.excerpt.includes(`name="password"\r\n\r\n${REDACTED}\r\n--XyZ--`));
});

test('binary bodies are base64 (not redacted text); a cut inside a UTF-8 character is still text', () => {
  const bin = Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x41]);
  const b = redactBody(bin, bin.length, 'application/octet-stream', 4096, rules);
  assert.equal(b.encoding, 'base64');
  assert.deepEqual(Buffer.from(b.excerpt, 'base64'), bin);
  const text = Buffer.from('token=abc ééé');
  const cut = redactBody(text, text.length, 'text/plain', text.length - 1, rules);
  assert.equal(cut.encoding, 'utf8');
  assert.equal(cut.truncated, true);
  assert.ok(cut.excerpt.startsWith(`token=${REDACTED}`));
});

test('hostile input: long runs of quotes, separators and backslashes are handled in one pass', () => {
  const inputs = ['"'.repeat(200_000), '"a":'.repeat(50_000), 'password='.repeat(30_000), `"password":"${'\\'.repeat(100_001)}`, "'".repeat(100_000) + '=' ];
  for (const s of inputs) {
    const out = redactLoose(s, rules);
    assert.equal(typeof out, 'string');
  }
  assert.ok(!redactLoose(`"password":"${'\\\\'.repeat(10)}x"`, rules).includes('x"'));
});

test('redaction names are configurable', () => {
  const custom: RedactionRules = { headers: /^x-internal$/i, fields: /^pin$/ };
  assert.equal(new Map(redactHeaders([['Authorization', 'a'], ['X-Internal', 'b']], custom)).get('Authorization'), 'a');
  assert.equal(redactUrl('/?pin=1234&session=p', custom), `/?pin=${REDACTED}&session=p`);
  const g = { headers: /secret/gi, fields: /pin/g };
  assert.equal(redactUrl('/?pin=1&pin=2&pin=3', g), `/?pin=${REDACTED}&pin=${REDACTED}&pin=${REDACTED}`);
});

test('redactAlertUrl returns the same alert when nothing changes', () => {
  const a = { url: '/search?q=1' } as Alert;
  assert.equal(redactAlertUrl(a), a);
  const b = { url: '/login?password=x', method: 'GET' } as Alert;
  const r = redactAlertUrl(b);
  assert.notEqual(r, b);
  assert.equal(r.url, `/login?password=${REDACTED}`);
  assert.equal(r.method, 'GET');
});
