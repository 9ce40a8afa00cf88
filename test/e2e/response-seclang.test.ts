import assert from 'node:assert/strict';
import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import express from 'express';
import { portcullis, type Alert, type PortcullisOptions } from '../../src/index.js';
import { resolveOptions } from '../../src/options.js';

// SecResponseBodyAccess, SecResponseBodyLimit(Action) and ctl:responseBodyAccess in SecLang rules, and the
// precedence of explicit Portcullis options over them (README "Response inspection").

const servers: Server[] = [];
after(() => { for (const s of servers) { s.closeAllConnections(); s.close(); } });

const LEAK = 'You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version';
const PAGE = `<html><body>${'<p>Nothing unusual here.</p>'.repeat(20)}</body></html>`; // 560+ bytes

/** A phase-4 data-leak rule and a phase-3 header rule, as SecLang, after `head` (directives under test). */
function rules(head: string): NonNullable<PortcullisOptions['rules']> {
  return {
    defaults: false,
    seclangBase: false,
    seclang: [{
      name: 'response.conf',
      text: `SecRuleEngine On
${head}
SecRule RESPONSE_BODY "@contains error in your SQL syntax" "id:1960001,phase:4,deny,status:403,log,msg:'SQL error leak'"
SecRule RESPONSE_HEADERS:X-Debug-Token "@unconditionalMatch" "id:1960002,phase:3,deny,status:403,log,msg:'debug token header'"
`,
    }],
  };
}

interface Got { status: number; body: string; headers: http.IncomingHttpHeaders }

function get(port: number, path: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers: { connection: 'close' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString(), headers: res.headers }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function site(options: PortcullisOptions) {
  const waf = portcullis(options);
  const events = { alert: [] as Alert[], block: [] as Alert[], errors: [] as Error[] };
  waf.on('alert', (a) => events.alert.push(a));
  waf.on('block', (a) => events.block.push(a));
  waf.on('error', (e) => events.errors.push(e));
  const app = express();
  app.use(waf);
  app.get('/leak', (_req, res) => { res.type('html').send(`<p>${LEAK}</p>`); });
  app.get('/other-leak', (_req, res) => { res.type('html').send(`<p>${LEAK}</p>`); });
  app.get('/page', (_req, res) => { res.type('html').send(PAGE); });
  app.get('/late-leak', (_req, res) => { res.type('html').send(`${PAGE}${LEAK}`); });
  app.get('/debug', (_req, res) => { res.set('x-debug-token', 'abc').type('text').send('debug'); });
  const server = http.createServer(app);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    waf, events,
    get: (path: string) => get(port, path),
    close: async () => { server.closeAllConnections(); server.close(); await waf.close(); },
  };
}

describe('SecLang response directives', () => {
  test('SecResponseBodyAccess On turns response inspection on by itself (phases 3 and 4)', async () => {
    const s = await site({ rules: rules('SecResponseBodyAccess On') });
    const leak = await s.get('/leak');
    assert.equal(leak.status, 403);
    assert.ok(!leak.body.includes('SQL'));
    assert.deepEqual(s.events.block.map((a) => a.matches.map((m) => m.id)), [[1960001]]);
    assert.equal((await s.get('/debug')).status, 403);
    const page = await s.get('/page');
    assert.equal(page.status, 200);
    assert.equal(page.body, PAGE);
    assert.deepEqual(s.events.errors, []);
    await s.close();
  });

  test('without SecResponseBodyAccess (or with Off) and no inspectResponse, responses are not inspected', async () => {
    for (const head of ['', 'SecResponseBodyAccess Off']) {
      const s = await site({ rules: rules(head) });
      const leak = await s.get('/leak');
      assert.equal(leak.status, 200, head);
      assert.ok(leak.body.includes(LEAK));
      assert.equal((await s.get('/debug')).status, 200);
      assert.equal(s.events.alert.length, 0);
      await s.close();
    }
  });

  test('explicit inspectResponse wins: false keeps it off despite SecResponseBodyAccess On', async () => {
    const s = await site({ rules: rules('SecResponseBodyAccess On'), inspectResponse: false });
    assert.equal((await s.get('/leak')).status, 200);
    assert.equal((await s.get('/debug')).status, 200);
    assert.equal(s.events.alert.length, 0);
    await s.close();
  });

  test('inspectResponse: true with SecResponseBodyAccess Off: headers (phase 3) are inspected, bodies are not held', async () => {
    const s = await site({ rules: rules('SecResponseBodyAccess Off'), inspectResponse: true });
    const leak = await s.get('/leak');
    assert.equal(leak.status, 200);
    assert.ok(leak.body.includes(LEAK));
    assert.equal((await s.get('/debug')).status, 403);
    await s.close();
  });

  test('ctl:responseBodyAccess=On turns body inspection on for the transactions that ran it', async () => {
    const s = await site({
      rules: rules(`SecResponseBodyAccess Off
SecRule REQUEST_URI "@beginsWith /leak" "id:1960010,phase:1,pass,nolog,ctl:responseBodyAccess=On"`),
    });
    assert.equal((await s.get('/leak')).status, 403);
    const other = await s.get('/other-leak'); // same body, no ctl: not held, not inspected
    assert.equal(other.status, 200);
    assert.ok(other.body.includes(LEAK));
    assert.deepEqual(s.events.block.map((a) => a.url), ['/leak']);
    // Enabled by a ctl, response inspection runs phase 3 on every response, as ModSecurity does.
    assert.equal((await s.get('/debug')).status, 403);
    await s.close();
  });

  test('ctl:responseBodyAccess=Off turns body inspection off for one transaction', async () => {
    const s = await site({
      rules: rules(`SecResponseBodyAccess On
SecRule REQUEST_URI "@beginsWith /other" "id:1960011,phase:1,pass,nolog,ctl:responseBodyAccess=Off"`),
    });
    assert.equal((await s.get('/leak')).status, 403);
    assert.equal((await s.get('/other-leak')).status, 200);
    await s.close();
  });

  test('SecResponseBodyLimit with SecResponseBodyLimitAction Reject answers 500 past the limit', async () => {
    const s = await site({ rules: rules('SecResponseBodyAccess On\nSecResponseBodyLimit 64\nSecResponseBodyLimitAction Reject') });
    const page = await s.get('/page');
    assert.equal(page.status, 500);
    assert.ok(!page.body.includes('Nothing unusual'));
    assert.deepEqual(s.events.block.map((a) => a.matches.map((m) => m.id)), [[199500]]);
    await s.close();
  });

  test('SecResponseBodyLimitAction ProcessPartial inspects the first SecResponseBodyLimit bytes only', async () => {
    const s = await site({ rules: rules('SecResponseBodyAccess On\nSecResponseBodyLimit 64\nSecResponseBodyLimitAction ProcessPartial') });
    const late = await s.get('/late-leak'); // the leak lies past the first 64 bytes
    assert.equal(late.status, 200);
    assert.equal(late.body, `${PAGE}${LEAK}`);
    assert.equal((await s.get('/leak')).status, 403); // within the first 64 bytes
    await s.close();
  });

  test('explicit limits win over SecResponseBodyLimit and SecResponseBodyLimitAction', async () => {
    const head = 'SecResponseBodyAccess On\nSecResponseBodyLimit 64\nSecResponseBodyLimitAction Reject';
    const partial = await site({ rules: rules(head), limits: { responseOverflow: 'partial' } });
    const p = await partial.get('/page');
    assert.equal(p.status, 200);
    assert.equal(p.body, PAGE);
    assert.equal((await partial.get('/late-leak')).status, 200); // still limited to 64 bytes: the leak is not seen
    await partial.close();
    const bigger = await site({ rules: rules(head), limits: { maxResponseBodyBytes: 1024 * 1024 } });
    assert.equal((await bigger.get('/page')).status, 200);
    assert.equal((await bigger.get('/late-leak')).status, 403); // the whole body is inspected
    await bigger.close();
  });

  test('SecResponseBodyLimit above 1 GiB is refused, as in ModSecurity', () => {
    assert.throws(() => portcullis({ rules: rules('SecResponseBodyLimit 1073741825') }), /SecResponseBodyLimit must be at most 1073741824/);
    assert.doesNotThrow(() => portcullis({ rules: rules('SecResponseBodyLimit 1073741824') }));
  });

  test('options record what the caller set explicitly', () => {
    assert.deepEqual(resolveOptions({}).inspectResponse.explicit, { enabled: false, maxResponseBodyBytes: false, responseOverflow: false });
    const c = resolveOptions({ inspectResponse: false, limits: { maxResponseBodyBytes: 10, responseOverflow: 'reject' } });
    assert.deepEqual(c.inspectResponse.explicit, { enabled: true, maxResponseBodyBytes: true, responseOverflow: true });
    assert.equal(c.inspectResponse.enabled, false);
    assert.ok(c.explicit.has('limits.maxResponseBodyBytes') && c.explicit.has('limits.responseOverflow'));
    assert.ok(!resolveOptions({ limits: { maxResponseBodyBytes: undefined } as unknown as { maxResponseBodyBytes: number } }).inspectResponse.explicit.maxResponseBodyBytes);
  });
});
