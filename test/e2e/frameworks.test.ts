import assert from 'node:assert/strict';
import { once } from 'node:events';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { after, describe, test } from 'node:test';
import connect from 'connect';
import express5 from 'express';
import { portcullis, type Alert } from '../../src/index.js';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express5;

async function listen(handler: http.RequestListener | ReturnType<typeof express5>): Promise<{ server: Server; base: string }> {
  const server = http.createServer(handler as http.RequestListener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const servers: Server[] = [];
after(() => { for (const s of servers) s.close(); });

type Build = (waf: ReturnType<typeof portcullis>) => http.RequestListener;

const frameworks: [string, Build][] = [
  ['express 5', (waf) => {
    const app = express5();
    app.use(waf);
    app.use(express5.json());
    app.get('/search', (req, res) => { res.json({ q: req.query.q }); });
    app.post('/api', (req, res) => { res.json({ got: req.body }); });
    return app as unknown as http.RequestListener;
  }],
  ['express 4', (waf) => {
    const app = express4();
    app.use(waf);
    app.use(express4.json());
    app.get('/search', (req, res) => { res.json({ q: req.query.q }); });
    app.post('/api', (req, res) => { res.json({ got: req.body }); });
    return app as unknown as http.RequestListener;
  }],
  ['connect', (waf) => {
    const app = connect();
    app.use(waf);
    app.use((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => { body += c; });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(req.method === 'POST' ? { got: JSON.parse(body) } : { q: url.searchParams.get('q') }));
      });
    });
    return app as unknown as http.RequestListener;
  }],
  ['node:http', (waf) => (req, res) => {
    waf(req, res, (err?: unknown) => {
      if (err) { res.statusCode = 500; res.end(); return; }
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => { body += c; });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(req.method === 'POST' ? { got: JSON.parse(body) } : { q: url.searchParams.get('q') }));
      });
    });
  }],
];

for (const [name, build] of frameworks) {
  describe(`middleware on ${name}`, () => {
    const waf = portcullis();
    const alerts: Alert[] = [];
    waf.on('alert', (a) => alerts.push(a));
    let base = '';
    test('start', async () => {
      const l = await listen(build(waf));
      servers.push(l.server);
      base = l.base;
    });

    test('benign GET and POST reach the app unchanged', async () => {
      const r = await fetch(`${base}/search?q=${encodeURIComponent("O'Brien select a plan")}`);
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { q: "O'Brien select a plan" });
      const payload = { user: 'siobhán', note: 'drop by tomorrow; 1+1=2', tags: ['a', 'b'] };
      const p = await fetch(`${base}/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
      assert.equal(p.status, 200);
      assert.deepEqual(await p.json(), { got: payload });
    });

    test('attacks get 403 with an incident id that matches the alert', async () => {
      alerts.length = 0;
      const r = await fetch(`${base}/search?q=${encodeURIComponent("1' OR '1'='1")}`);
      assert.equal(r.status, 403);
      const incident = r.headers.get('x-portcullis-incident');
      assert.ok(incident);
      await r.text();
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]!.incidentId, incident);
      assert.equal(alerts[0]!.action, 'block');
      assert.ok(alerts[0]!.matches.some((m) => m.tags.includes('attack-sqli')));
    });

    test('attacks in a JSON body are blocked before the app parses it', async () => {
      const p = await fetch(`${base}/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: { $ne: null }, password: { $ne: null } }) });
      assert.equal(p.status, 403);
      await p.text();
    });
  });
}

describe('mounted after express.json()', () => {
  test('inspects the parsed req.body and still blocks attacks in it', async () => {
    const waf = portcullis();
    const app = express5();
    app.use(express5.json());
    app.use(waf);
    app.post('/api', (req, res) => { res.json({ got: req.body }); });
    const { server, base } = await listen(app);
    servers.push(server);
    const bad = await fetch(`${base}/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: { $ne: null } }) });
    assert.equal(bad.status, 403);
    await bad.text();
    const good = await fetch(`${base}/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: "o'brien" }) });
    assert.equal(good.status, 200);
    assert.deepEqual(await good.json(), { got: { user: "o'brien" } });
  });
});
