import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import express from 'express';
import { auditLog, MAX_WAITING_RECORDS, RECENT_INCIDENTS } from '../../src/alerts/audit-log.js';
import { portcullis, type Alert, type PortcullisOptions } from '../../src/index.js';

// One audit record per transaction with response inspection: a transaction that alerts at request time and
// again from its response is written once, with the matches and verdict of both, even when other transactions'
// records come in between.

const dir = mkdtempSync(join(tmpdir(), 'portcullis-audit-response-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const RULES: PortcullisOptions['rules'] = {
  defaults: false,
  custom: [
    { id: 1970001, phase: 1, targets: 'ARGS:x', operator: '@streq probe', msg: 'probe', severity: 'notice' },
    { id: 1970002, phase: 4, targets: 'RESPONSE_BODY', operator: /LEAKED-SECRET/, msg: 'leak', severity: 'notice' },
    { id: 1970003, phase: 4, targets: 'RESPONSE_BODY', operator: /FATAL-LEAK/, msg: 'fatal leak', action: 'deny' },
  ],
};

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

test('a transaction alerting in its request and its response makes one audit record, other records in between', async () => {
  const file = join(dir, 'interleaved.jsonl');
  const waf = portcullis({ rules: RULES, inspectResponse: true });
  auditLog(waf, { file });
  const events: Alert[] = [];
  waf.on('alert', (a) => events.push(a));
  let releaseSlow!: () => void;
  const slowGo = new Promise<void>((r) => { releaseSlow = r; });
  let slowArrived!: () => void;
  const slowIn = new Promise<void>((r) => { slowArrived = r; });
  const app = express();
  app.use(waf);
  app.get('/slow', (_req, res) => { slowArrived(); void slowGo.then(() => res.type('text').send('here: LEAKED-SECRET')); });
  app.get('/fast', (_req, res) => { res.type('text').send('also LEAKED-SECRET'); });
  app.get('/deny', (_req, res) => { res.type('text').send('FATAL-LEAK'); });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;

  const slow = get(port, '/slow?x=probe'); // request-phase alert A, then the app waits
  await slowIn;
  assert.equal(await get(port, '/fast?x=probe'), 200); // alert B (request) and B (response) meanwhile
  assert.equal(await get(port, '/deny?x=probe'), 403); // alert C (request), then C blocked from its response
  releaseSlow();
  assert.equal(await slow, 200); // response-phase alert A, after B and C were recorded
  server.closeAllConnections();
  server.close();
  await waf.close();

  // The events still say everything: request and response alerts per transaction.
  assert.equal(events.length, 6);
  assert.equal(new Set(events.map((a) => a.incidentId)).size, 3);
  const recs = lines(file);
  assert.equal(recs.length, 3, 'one record per transaction');
  assert.equal(new Set(recs.map((r) => r.incidentId)).size, 3);
  // Written when each transaction's response phases were over: /fast, /deny, then /slow.
  const byUrl = new Map(recs.map((r) => [r.request.url as string, r]));
  assert.deepEqual(recs.map((r) => r.request.url), ['/fast?x=probe', '/deny?x=probe', '/slow?x=probe']);
  for (const url of ['/slow?x=probe', '/fast?x=probe']) {
    const r = byUrl.get(url)!;
    assert.deepEqual(r.matches.map((m: any) => [m.id, m.phase]), [[1970001, 1], [1970002, 4]], url);
    assert.equal(r.action, 'pass');
    assert.equal(r.status, null);
    assert.equal(r.response.status, 200);
  }
  const denied = byUrl.get('/deny?x=probe')!;
  assert.deepEqual(denied.matches.map((m: any) => m.id), [1970001, 1970003]);
  assert.equal(denied.action, 'block');
  assert.equal(denied.status, 403);
  assert.equal(denied.response.status, 200); // what the application answered before the block replaced it
  const ids = new Map(events.map((a) => [a.url, a.incidentId]));
  for (const r of recs) assert.equal(r.incidentId, ids.get(r.request.url));
});

test('with actions: [\'block\'] the response-phase block of a transaction that alerted before is its one record', async () => {
  const file = join(dir, 'blocks.jsonl');
  const waf = portcullis({ rules: RULES, inspectResponse: true });
  auditLog(waf, { file, actions: ['block'] });
  const app = express();
  app.use(waf);
  app.get('/deny', (_req, res) => { res.type('text').send('FATAL-LEAK'); });
  app.get('/fine', (_req, res) => { res.type('text').send('fine'); });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  for (let i = 0; i < 5; i++) {
    assert.equal(await get(port, `/deny?x=probe&i=${i}`), 403);
    assert.equal(await get(port, `/fine?x=probe&i=${i}`), 200);
  }
  server.closeAllConnections();
  server.close();
  await waf.close();
  const recs = lines(file);
  assert.equal(recs.length, 5);
  assert.ok(recs.every((r) => r.action === 'block' && r.status === 403));
  assert.ok(recs.every((r) => r.matches.map((m: any) => m.id).join() === '1970001,1970003'));
  assert.equal(new Set(recs.map((r) => r.incidentId)).size, 5);
});

test('waf.close() writes the record of a transaction whose response is still running, with what is known', async () => {
  const file = join(dir, 'running.jsonl');
  const waf = portcullis({ rules: RULES, inspectResponse: true });
  auditLog(waf, { file });
  let inApp!: () => void;
  const served = new Promise<void>((r) => { inApp = r; });
  const app = express();
  app.use(waf);
  // Not an inspected type: the body streams through, the response phases wait for the end that does not come.
  app.get('/stream', (_req, res) => { res.type('application/octet-stream'); res.write('LEAKED-SECRET'); inApp(); });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const req = http.get({ host: '127.0.0.1', port, path: '/stream?x=probe' });
  req.on('error', () => undefined);
  try {
    await served;
    await waf.close();
    const recs = lines(file);
    assert.equal(recs.length, 1);
    assert.deepEqual(recs[0]!.matches.map((m: any) => m.id), [1970001]);
    assert.equal(recs[0]!.response, undefined);
  } finally {
    req.destroy();
    server.closeAllConnections();
    server.close();
  }
});

test('remembered incident ids are bounded: the oldest are forgotten first', async () => {
  const file = join(dir, 'bounded.jsonl');
  const waf = portcullis({ rules: { defaults: false, custom: [] } });
  auditLog(waf, { file });
  const alert = (id: string): Alert => ({
    v: 1, incidentId: id, time: new Date(0).toISOString(), clientIp: '127.0.0.1', method: 'GET', url: '/', matches: [],
    score: 0, threshold: 5, action: 'pass', status: undefined, rulesVersion: 'test',
  });
  const detail = { httpVersion: '1.1', headers: [], bodyExcerpt: undefined, bodyLength: 0 };
  waf.emit('alert', alert('first'), detail);
  waf.emit('alert', alert('first'), detail); // remembered: skipped
  for (let i = 0; i < RECENT_INCIDENTS; i++) waf.emit('alert', alert(`n${i}`), detail);
  waf.emit('alert', alert('n5'), detail); // still remembered: skipped
  waf.emit('alert', alert('first'), detail); // forgotten by now: written again
  await waf.close();
  const ids = lines(file).map((r) => r.incidentId);
  assert.equal(ids.length, RECENT_INCIDENTS + 2);
  assert.equal(ids.filter((id) => id === 'first').length, 2);
  assert.equal(ids.filter((id) => id === 'n5').length, 1);
});

test('waiting records are bounded: past MAX_WAITING_RECORDS a record is written at once', async () => {
  const file = join(dir, 'waiting.jsonl');
  const waf = portcullis({ rules: { defaults: false, custom: [] } });
  const log = auditLog(waf, { file });
  const alert = (id: string): Alert => ({
    v: 1, incidentId: id, time: new Date(0).toISOString(), clientIp: '127.0.0.1', method: 'GET', url: '/', matches: [],
    score: 0, threshold: 5, action: 'pass', status: undefined, rulesVersion: 'test',
  });
  const never = new Promise<void>(() => undefined); // responses that never finish
  const detail = { httpVersion: '1.1', headers: [], bodyExcerpt: undefined, bodyLength: 0, responseDone: never };
  for (let i = 0; i < MAX_WAITING_RECORDS; i++) waf.emit('alert', alert(`w${i}`), detail);
  waf.emit('alert', alert('over'), detail);
  await log.flush();
  assert.deepEqual(lines(file).map((r) => r.incidentId), ['over']);
  await waf.close(); // the waiting ones are written with what is known
  const ids = lines(file).map((r) => r.incidentId);
  assert.equal(ids.length, MAX_WAITING_RECORDS + 1);
  assert.equal(new Set(ids).size, ids.length);
});
