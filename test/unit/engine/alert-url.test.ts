import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { portcullis, type Alert, type PortcullisOptions, type RateLimitEvent } from '../../../src/index.js';
import { DEFAULT_REDACT_NAMES, redactQueryValues } from '../../../src/engine/redact.js';

// Alert URLs: secret-named query values are redacted when the alert is built (engine.ts buildAlert), so every
// consumer of `alert`/`block` events (audit log, CLI, user listeners, stream) gets a URL without them.

describe('redactQueryValues', () => {
  const R = DEFAULT_REDACT_NAMES;
  const cases: [string, string][] = [
    ['/login?password=hunter2', '/login?password=[redacted]'],
    ['/login?user=bob&password=hunter2&next=%2Fhome', '/login?user=bob&password=[redacted]&next=%2Fhome'],
    ['/a?%70assword=x&b=2', '/a?%70assword=[redacted]&b=2'], // percent-encoded name
    ['/a?api+key=1&api_key=2&API-KEY=3', '/a?api+key=1&api_key=[redacted]&API-KEY=[redacted]'], // `+` is a space
    ['/a?token=1&token=2', '/a?token=[redacted]&token=[redacted]'],
    ['/a?password&password=&x=1', '/a?password&password=&x=1'], // nothing to hide: kept as sent
    ['/a?q=password%3Dhunter2', '/a?q=password%3Dhunter2'], // a value that mentions a name is not a name
    ['/a?session=a=b=c&x', '/a?session=[redacted]&x'],
    ['/plain/path', '/plain/path'],
    ['/a?', '/a?'],
    ['/a?x=%zz&&y=;z=1#frag', '/a?x=%zz&&y=;z=1#frag'], // malformed escapes, empty pairs: byte-identical
    ['/a?secret=\xe9\xff&b=\xe9', '/a?secret=[redacted]&b=\xe9'], // byte strings (latin1)
    ['/a?%zzpassword=1', '/a?%zzpassword=[redacted]'],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => assert.equal(redactQueryValues(input, R), want));
  }

  test('returns the same string when nothing is secret', () => {
    const url = '/search?q=shoes&page=2';
    assert.equal(redactQueryValues(url, R), url);
  });

  test('a /g pattern carries no state between names', () => {
    const g = /secret/gi;
    assert.equal(redactQueryValues('/a?secret=1&secret=2&secret=3', g), '/a?secret=[redacted]&secret=[redacted]&secret=[redacted]');
  });

  test('hostile input: 100 000 pairs and a 1 MB value stay linear and exact', () => {
    const many = `/a?${Array.from({ length: 100_000 }, (_, i) => (i % 2 ? `token=${i}` : `n${i}=${i}`)).join('&')}`;
    const out = redactQueryValues(many, R);
    assert.equal(out.split('&').length, 100_000);
    assert.equal((out.match(/=\[redacted\]/g) ?? []).length, 50_000);
    const huge = `/a?password=${'%'.repeat(1_000_000)}&ok=1`;
    assert.equal(redactQueryValues(huge, R), '/a?password=[redacted]&ok=1');
  });
});

describe('alert url', () => {
  const rules: PortcullisOptions['rules'] = {
    defaults: false,
    custom: [{ id: 1980001, targets: 'ARGS:q', operator: /attack/, severity: 'critical', msg: 'attack' }],
  };

  async function alertsOf(options: PortcullisOptions, url: string): Promise<Alert[]> {
    const waf = portcullis(options);
    const got: Alert[] = [];
    waf.on('alert', (a) => got.push(a));
    waf.on('block', (a) => got.push(a));
    await waf.inspect({ method: 'GET', url, headers: { host: 'x' } });
    await waf.close();
    return got;
  }

  test('alert and block events carry the URL with secret query values redacted, otherwise as sent', async () => {
    const got = await alertsOf({ rules }, '/login?user=bob&password=hunter2&q=attack&access_token=eyJabc.def.ghi');
    assert.equal(got.length, 2);
    for (const a of got) assert.equal(a.url, '/login?user=bob&password=[redacted]&q=attack&access_token=[redacted]');
  });

  test('the instance\'s `redact` pattern decides which names are secret', async () => {
    const got = await alertsOf({ rules, redact: /^pin$|^ARGS:q$/ }, '/x?pin=1234&password=kept&q=attack');
    assert.equal(got[0]!.url, '/x?pin=[redacted]&password=kept&q=[redacted]');
    assert.equal(got[0]!.matches[0]!.value, '[redacted]'); // the matched value of ARGS:q too, as before
  });

  test('a pattern written for target names (ARGS:name, ARGS_GET:name) hides the same query values', () => {
    assert.equal(redactQueryValues('/x?pin=1&pinx=2&code=3', /^ARGS:pin$|^ARGS_GET:code$/), '/x?pin=[redacted]&pinx=2&code=[redacted]');
  });

  test('alerts and rate-limit events from the gate (deny list, rate limits) are redacted the same way', async () => {
    const denied = portcullis({ deny: ['127.0.0.1'] });
    const limited = portcullis({ rateLimit: { max: 1, windowMs: 60_000 } });
    const got: Alert[] = [];
    const limits: RateLimitEvent[] = [];
    denied.on('block', (a) => got.push(a));
    limited.on('ratelimit', (e) => limits.push(e));
    const server = http.createServer((req, res) => {
      const waf = req.url!.startsWith('/denied') ? denied : limited;
      waf(req, res, () => { res.end('ok'); });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const status = (path: string) => fetch(`http://127.0.0.1:${port}${path}`).then((r) => { void r.arrayBuffer(); return r.status; });
    try {
      assert.equal(await status('/denied?password=hunter2&x=1'), 403);
      assert.equal(await status('/limited?x=1'), 200);
      assert.equal(await status('/limited?token=abc123&x=2'), 429);
      assert.deepEqual(got.map((a) => a.url), ['/denied?password=[redacted]&x=1']);
      assert.deepEqual(limits.map((e) => e.url), ['/limited?token=[redacted]&x=2']);
    } finally {
      server.closeAllConnections();
      server.close();
      await denied.close();
      await limited.close();
    }
  });
});
