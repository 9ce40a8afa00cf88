import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import * as promClient from 'prom-client';
import { prometheusMetrics } from '../../../src/metrics/prometheus.js';
import { portcullis } from '../../../src/portcullis.js';
import type { PortcullisError } from '../../../src/errors.js';

const SQLI = { method: 'GET', url: "/?q=1'%20or%20'1'='1", headers: { host: 'x' } };

async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const m = registry.getSingleMetric(name);
  if (!m) return undefined;
  const { values } = await m.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, x]) => String((v.labels as Record<string, unknown>)[k]) === x) && !('metricName' in v && String(v.metricName).match(/_(bucket|sum)$/)));
  return hit?.value;
}

test('two WAF instances: different prefixes on one registry, or one prefix on two registries, never collide', async () => {
  const a = portcullis({ bans: { file: false } });
  const b = portcullis();
  const shared = new Registry();
  const ha = prometheusMetrics(a, { registry: shared, prefix: 'site_a_' });
  const hb = prometheusMetrics(b, { registry: shared, prefix: 'site_b_' });
  const r1 = new Registry();
  const r2 = new Registry();
  prometheusMetrics(a, { registry: r1 });
  prometheusMetrics(b, { registry: r2 });
  await a.inspect(SQLI);
  await a.inspect(SQLI);
  await b.inspect({ method: 'GET', url: '/fine' });
  assert.equal(await value(shared, 'site_a_requests_inspected_total', { action: 'block' }), 2);
  assert.equal(await value(shared, 'site_b_requests_inspected_total', { action: 'pass' }), 1);
  assert.equal(await value(shared, 'site_b_requests_inspected_total', { action: 'block' }), undefined);
  assert.equal(await value(r1, 'portcullis_requests_inspected_total', { action: 'block', phase: '2' }), 2);
  assert.equal(await value(r2, 'portcullis_requests_inspected_total', { action: 'pass', phase: '2' }), 1);
  assert.equal(await value(r1, 'portcullis_rule_matches_total', { rule_id: '101000', severity: 'critical' }), 2);
  assert.equal(promClient.register.getMetricsAsArray().filter((m) => String((m as { name?: string }).name).includes('portcullis')).length, 0, 'nothing on the global registry');
  const events = ['inspected', 'alert', 'block', 'ratelimit', 'ban', 'unban', 'reload', 'error'] as const;
  const before = events.map((e) => a.listenerCount(e));
  ha.remove();
  hb.remove();
  assert.equal(shared.getMetricsAsArray().length, 0);
  assert.deepEqual(events.map((e) => a.listenerCount(e)), before.map((n) => n - 1), 'remove() detaches one listener per event');
  await a.close();
  await b.close();
});

test('a taken name throws ERR_PORTCULLIS_METRICS_REGISTER and leaves nothing half-registered', () => {
  const registry = new Registry();
  new promClient.Counter({ name: 'portcullis_bans_total', help: 'someone else', registers: [registry] });
  const waf = portcullis();
  assert.throws(() => prometheusMetrics(waf, { registry }), (e: PortcullisError) => e.code === 'ERR_PORTCULLIS_METRICS_REGISTER' && /portcullis_bans_total/.test(e.message));
  assert.deepEqual(registry.getMetricsAsArray().map((m) => (m as { name?: string }).name), ['portcullis_bans_total']);
  assert.equal(waf.listenerCount('inspected'), 0);
  const again = prometheusMetrics(waf, { registry, prefix: 'other_' });
  assert.ok(again.names.length >= 14);
  assert.ok(again.names.every((n) => n.startsWith('other_')));
});

test('options: registry is required (no silent global), prefix and buckets are checked, client may be passed', () => {
  const waf = portcullis();
  const code = (c: string) => (e: PortcullisError) => e.code === c;
  assert.throws(() => prometheusMetrics(waf, {} as never), code('ERR_PORTCULLIS_METRICS_PROM_CLIENT'));
  assert.throws(() => prometheusMetrics(waf, { registry: {} as never }), code('ERR_PORTCULLIS_METRICS_PROM_CLIENT'));
  assert.throws(() => prometheusMetrics(waf, undefined as never), code('ERR_PORTCULLIS_OPTION_INVALID'));
  assert.throws(() => prometheusMetrics(waf, { registry: new Registry(), prefix: '9bad' }), code('ERR_PORTCULLIS_OPTION_INVALID'));
  assert.throws(() => prometheusMetrics(waf, { registry: new Registry(), durationBuckets: [0.1, 0.05] }), code('ERR_PORTCULLIS_OPTION_INVALID'));
  assert.throws(() => prometheusMetrics(waf, { registry: new Registry(), regsitry: 1 } as never), code('ERR_PORTCULLIS_OPTION_UNKNOWN'));
  assert.throws(() => prometheusMetrics(waf, { registry: new Registry(), client: {} }), code('ERR_PORTCULLIS_METRICS_PROM_CLIENT'));
  const h = prometheusMetrics(waf, { registry: new Registry(), client: promClient, scoreBuckets: [1, 5, 10] });
  assert.equal(typeof h, 'function');
});

test('bans: counters from events, the active gauge read from waf.bans() at scrape, by jail', async () => {
  const waf = portcullis({ bans: { file: false } });
  const registry = new Registry();
  prometheusMetrics(waf, { registry });
  await waf.ban('192.0.2.1', 60_000, 'test');
  await waf.ban('192.0.2.2', 60_000, 'test');
  assert.equal(await value(registry, 'portcullis_bans_total', { jail: 'manual', source: 'local' }), 2);
  assert.equal(await value(registry, 'portcullis_bans_active', { jail: 'manual' }), 2);
  await waf.unban('192.0.2.1');
  assert.equal(await value(registry, 'portcullis_bans_active', { jail: 'manual' }), 1);
  assert.equal(await value(registry, 'portcullis_unbans_total', { reason: 'manual' }), 1);
  await waf.close();
});

test('scores and durations land in histograms; error events are counted by code', async () => {
  const waf = portcullis();
  const registry = new Registry();
  prometheusMetrics(waf, { registry });
  await waf.inspect(SQLI);
  await waf.inspect({ method: 'GET', url: '/ok' });
  const text = await registry.metrics();
  assert.match(text, /^portcullis_anomaly_score_count 2$/m);
  assert.match(text, /^portcullis_anomaly_score_bucket\{le="0"\} 1$/m);
  assert.match(text, /^portcullis_inspection_duration_seconds_count 2$/m);
  waf.emit('error', Object.assign(new Error('x'), { code: 'ERR_PORTCULLIS_AUDIT_WRITE' }));
  waf.emit('error', Object.assign(new Error('y'), { code: '<script>' }));
  assert.equal(await value(registry, 'portcullis_errors_total', { code: 'ERR_PORTCULLIS_AUDIT_WRITE' }), 1);
  assert.equal(await value(registry, 'portcullis_errors_total', { code: 'other' }), 1);
});
