import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { Registry } from 'prom-client';
import type { Server } from 'node:http';
import { alertStream } from '../../src/alerts/stream.js';
import { prometheusMetrics } from '../../src/metrics/prometheus.js';
import { portcullis, type Portcullis } from '../../src/portcullis.js';

let waf: Portcullis;
let server: Server;
let base = '';

before(async () => {
  waf = portcullis({ bans: { file: false, jails: [{ name: 'waf', maxRetry: 3 }] } });
  const app = express();
  const registry = new Registry();
  app.get('/metrics', prometheusMetrics(waf, { registry }));
  app.use(waf);
  app.use((_req, res) => { res.send('ok'); });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  alertStream(waf, { server, authenticate: () => true });
});

after(async () => {
  await waf.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** Parses the Prometheus text format strictly enough to catch malformed output. */
function parse(text: string): { types: Map<string, string>; samples: { name: string; labels: Record<string, string>; value: number }[] } {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/.exec(line);
    if (m) { helps.add(m[1]!); continue; }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) { types.set(m[1]!, m[2]!); continue; }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    assert.ok(m, `malformed line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').split(/,(?=[a-zA-Z_])/).filter(Boolean)) {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(l);
      assert.ok(lm, `malformed label ${l} in ${line}`);
      labels[lm[1]!] = lm[2]!;
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  for (const name of types.keys()) assert.ok(helps.has(name), `HELP for ${name}`);
  return { types, samples };
}

test('GET /metrics serves the Prometheus text format with units, _total counters and bounded labels', async () => {
  for (let i = 0; i < 4; i++) await fetch(`${base}/search?q=${encodeURIComponent("1' or '1'='1")}&i=${i}`);
  await fetch(`${base}/search?q=fine`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
  for (let i = 0; i < 3; i++) await fetch(`${base}/login`, { method: 'POST' });
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const { types, samples } = parse(text);
  const get = (name: string, labels: Record<string, string> = {}) => samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);

  for (const [name, type] of types) {
    if (!name.startsWith('portcullis_')) continue;
    if (type === 'counter') assert.match(name, /_total$/, name);
    else assert.doesNotMatch(name, /_total$/, name);
  }
  assert.equal(types.get('portcullis_inspection_duration_seconds'), 'histogram');
  assert.equal(types.get('portcullis_anomaly_score'), 'histogram');
  assert.equal(types.get('portcullis_bans_active'), 'gauge');

  assert.equal(get('portcullis_requests_inspected_total', { action: 'block', phase: '2' }), 3);
  assert.equal(get('portcullis_requests_blocked_total', { reason: 'rules' }), 3);
  // Banned after the third block: the fourth attack, the benign request and the three POSTs are refused as banned.
  assert.equal(get('portcullis_requests_blocked_total', { reason: 'ban', phase: '1' }), 5);
  assert.equal(get('portcullis_rule_matches_total', { rule_id: '101000', severity: 'critical' }), 3);
  assert.equal(get('portcullis_bans_total', { jail: 'waf', source: 'local' }), 1);
  assert.equal(get('portcullis_bans_active', { jail: 'waf' }), 1);
  assert.equal(get('portcullis_alert_stream_clients'), 0);
  const buckets = samples.filter((s) => s.name === 'portcullis_inspection_duration_seconds_bucket');
  assert.ok(buckets.length >= 10);
  assert.equal(buckets[buckets.length - 1]!.labels.le, '+Inf');
  assert.equal(buckets[buckets.length - 1]!.value, get('portcullis_inspection_duration_seconds_count'));
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]!.value >= buckets[i - 1]!.value, 'cumulative buckets');

  // No label carries a client address or a path.
  for (const s of samples) {
    for (const v of Object.values(s.labels)) {
      assert.doesNotMatch(v, /^127\.0\.0\.1$|203\.0\.113|\/search|\/login/, `${s.name} ${JSON.stringify(s.labels)}`);
    }
  }
});

test('the rate limit refusal is counted by limit name', async () => {
  const waf2 = portcullis({ rateLimit: { routes: [{ name: 'login', path: '/login', max: 1, windowMs: 60_000 }] } });
  const registry = new Registry();
  const metrics = prometheusMetrics(waf2, { registry, prefix: 'rl_' });
  const app = express();
  app.get('/metrics', metrics);
  app.use(waf2);
  app.use((_req, res) => { res.send('ok'); });
  const s = app.listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const b = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await fetch(`${b}/login`, { method: 'POST' })).status);
  assert.deepEqual(statuses, [200, 429, 429]);
  const text = await (await fetch(`${b}/metrics`)).text();
  assert.match(text, /^rl_ratelimited_requests_total\{limit="login"\} 2$/m);
  assert.match(text, /^rl_requests_blocked_total\{phase="1",reason="ratelimit"\} 2$/m);
  await waf2.close();
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
});
