import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { cookieValue, createAuthenticator, originAllowed } from '../../../src/alerts/auth.js';
import { PortcullisError } from '../../../src/errors.js';

const req = (headers: Record<string, string>, url = '/x'): IncomingMessage => ({ headers, url } as unknown as IncomingMessage);

test('token: from bearer header, cookie or query; wrong or missing is unauthenticated', async () => {
  const a = createAuthenticator({ authenticate: 'correct-horse-battery' });
  assert.equal(await a.check(req({ authorization: 'Bearer correct-horse-battery' })), 'ok');
  assert.equal(await a.check(req({ authorization: 'bearer   correct-horse-battery ' })), 'ok');
  assert.equal(await a.check(req({ cookie: 'a=1; portcullis_token=correct-horse-battery; b=2' })), 'ok');
  assert.equal(await a.check(req({}, '/x?token=correct-horse-battery')), 'ok');
  assert.equal(await a.check(req({ authorization: 'Bearer correct-horse-batter' })), 'unauthenticated');
  assert.equal(await a.check(req({ authorization: 'Basic correct-horse-battery' })), 'unauthenticated');
  assert.equal(await a.check(req({ cookie: 'portcullis_token=%E0%A4%A' })), 'unauthenticated');
  assert.equal(await a.check(req({}, '/x?token=')), 'unauthenticated');
  assert.equal(await a.check(req({})), 'unauthenticated');
  assert.equal(a.tokenMatches('correct-horse-battery'), true);
  assert.equal(a.tokenMatches('x'.repeat(100_000)), false);
});

test('callback: true lets in; false, a non-boolean or a throw refuses (and reports the throw)', async () => {
  const errors: Error[] = [];
  let answer: unknown = true;
  const a = createAuthenticator({ authenticate: async () => { if (answer === 'throw') throw new Error('db down'); return answer as boolean; }, onError: (e) => errors.push(e) });
  assert.equal(await a.check(req({})), 'ok');
  answer = false;
  assert.equal(await a.check(req({})), 'unauthenticated');
  answer = 'yes';
  assert.equal(await a.check(req({})), 'unauthenticated');
  answer = 'throw';
  assert.equal(await a.check(req({})), 'unauthenticated');
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as PortcullisError).code, 'ERR_PORTCULLIS_AUTH_CALLBACK');
  assert.equal(a.tokenMatches('anything'), false);
});

test('a foreign Origin is refused before credentials are looked at; listed origins pass', async () => {
  const a = createAuthenticator({ authenticate: 'correct-horse-battery', origins: ['https://ops.example'] });
  const good = { authorization: 'Bearer correct-horse-battery', host: 'app.example:8080' };
  assert.equal(await a.check(req({ ...good, origin: 'https://evil.example' })), 'forbidden-origin');
  assert.equal(await a.check(req({ ...good, origin: 'http://app.example:8080' })), 'ok');
  assert.equal(await a.check(req({ ...good, origin: 'https://ops.example' })), 'ok');
  assert.equal(await a.check(req({ ...good, origin: 'null' })), 'forbidden-origin');
  assert.equal(originAllowed(req({ host: 'a.example', origin: 'file://a.example' }), []), false);
  assert.equal(originAllowed(req({ origin: 'http://a.example' }), []), false);
  assert.equal(originAllowed(req({ origin: 'http://anything.example' }), ['*']), true);
});

test('bad authenticate options throw coded errors', () => {
  for (const bad of [undefined, null, 42, '', 'short', {}]) {
    assert.throws(() => createAuthenticator({ authenticate: bad }), (e: PortcullisError) => e.code === 'ERR_PORTCULLIS_OPTION_INVALID');
  }
  assert.throws(() => createAuthenticator({ authenticate: 'long-enough-token', origins: 'x' }), (e: PortcullisError) => e.code === 'ERR_PORTCULLIS_OPTION_INVALID');
});

test('cookieValue reads one cookie among many', () => {
  assert.equal(cookieValue(req({ cookie: 'a=1;b=%20two ; c=3' }), 'b'), ' two');
  assert.equal(cookieValue(req({ cookie: 'ab=1' }), 'a'), undefined);
  assert.equal(cookieValue(req({}), 'a'), undefined);
});
