import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import express from 'express';
import { auditLog } from '../../src/alerts/audit-log.js';
import { portcullis, type Alert, type Portcullis, type PortcullisOptions } from '../../src/index.js';

// waf.close() waits for response bodies that response inspection holds (at most limits.responseHoldMs), so the
// phase-4 verdict and its alert (and the audit record) are not lost when the application shuts down.

const dir = mkdtempSync(join(tmpdir(), 'portcullis-response-close-'));
const servers: Server[] = [];
after(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const s of servers) { s.closeAllConnections(); s.close(); } // also when a test failed half-way
});

const LEAK = 'You have an error in your SQL syntax';
const RULES: PortcullisOptions['rules'] = {
  defaults: false,
  custom: [{ id: 1990001, phase: 4, targets: 'RESPONSE_BODY', operator: /error in your SQL syntax/, msg: 'SQL error leak', severity: 'critical' }],
};

interface Got { status: number; body: string }

/** An app whose /held route writes a first chunk, tells the test, and ends only when the test says so. */
async function heldSite(waf: Portcullis) {
  let firstWritten!: () => void;
  const written = new Promise<void>((r) => { firstWritten = r; });
  let finish!: (tail: string) => void;
  const finished = new Promise<string>((r) => { finish = r; });
  const app = express();
  app.use(waf);
  app.get('/held', (_req, res) => {
    res.type('text');
    res.write('first part; ');
    firstWritten();
    void finished.then((tail) => res.end(tail));
  });
  const server: Server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const response = new Promise<Got>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/held', headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    }).on('error', reject);
  });
  response.catch(() => undefined); // a test that failed half-way stops the server under it
  return { written, finish, response, stop: () => { server.closeAllConnections(); server.close(); } };
}

/** Lets pending callbacks and I/O run (no timing involved: a fixed number of event-loop turns). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

test('close() waits for a held response: its phase-4 block and audit record happen before close() resolves', { timeout: 20_000 }, async () => {
  const file = join(dir, 'audit.jsonl');
  const waf = portcullis({ rules: RULES, inspectResponse: true, limits: { responseHoldMs: 60_000 } });
  auditLog(waf, { file });
  const blocks: Alert[] = [];
  waf.on('block', (a) => blocks.push(a));
  const site = await heldSite(waf);
  try {
    await site.written; // the body is held now (text/plain, a phase-4 rule reads RESPONSE_BODY)
    let closed = false;
    const closing = waf.close().then(() => { closed = true; });
    await turns(20);
    assert.equal(closed, false, 'close() resolved while a response body was still held');
    site.finish(LEAK);
    await closing;
    assert.equal(blocks.length, 1, 'the held response was inspected before close() resolved');
    assert.deepEqual(blocks[0]!.matches.map((m) => m.id), [1990001]);
    const got = await site.response;
    assert.equal(got.status, 403);
    assert.ok(!got.body.includes('SQL'));
    const recs = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { incidentId: string; action: string });
    assert.deepEqual(recs.map((r) => [r.incidentId, r.action]), [[blocks[0]!.incidentId, 'block']]);
  } finally {
    site.finish(LEAK);
    site.stop();
  }
});

test('close() waits at most responseHoldMs: the held part is inspected and released, the rest streams after', async () => {
  const waf = portcullis({ rules: RULES, inspectResponse: true, limits: { responseHoldMs: 50 } });
  const errors: Error[] = [];
  waf.on('error', (e) => errors.push(e));
  const site = await heldSite(waf);
  try {
    await site.written;
    await waf.close(); // resolves although the application has not ended its response
    site.finish('last part');
    const got = await site.response;
    assert.equal(got.status, 200);
    assert.equal(got.body, 'first part; last part');
    assert.deepEqual(errors, []);
  } finally {
    site.finish('last part');
    site.stop();
  }
});

test('a client that goes away while its response is held does not keep close() waiting', { timeout: 20_000 }, async () => {
  const waf = portcullis({ rules: RULES, inspectResponse: true, limits: { responseHoldMs: 60_000 } });
  const app = express();
  app.use(waf);
  let served!: () => void;
  const inApp = new Promise<void>((r) => { served = r; });
  let gone!: () => void;
  const clientGone = new Promise<void>((r) => { gone = r; });
  app.get('/held', (_req, res) => { // never ends
    res.on('close', gone); // after response inspection's own close listener (registered before the app ran)
    res.type('text');
    res.write('part');
    served();
  });
  const server: Server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const req = http.get({ host: '127.0.0.1', port, path: '/held' });
  req.on('error', () => undefined);
  await inApp;
  req.destroy(); // the client leaves: the held body is dropped and no longer counted
  await clientGone;
  await waf.close(); // would wait for the 60 s hold (past the test's timeout) if the dropped body still counted
  server.closeAllConnections();
  server.close();
});
