/**
 * Metrics scrape cost: a registry populated as after a busy day (every default rule matched, thousands of
 * bans, inspected-request histograms filled), then N scrapes through the /metrics handler over HTTP and
 * N direct registry.metrics() calls. Reports ms per scrape and the exposition size.
 *
 *   npx tsx bench/alerts/scrape.ts [scrapes=200] [bans=5000]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { DEFAULT_RULES, portcullis, prometheusMetrics, type Alert, type RuleMatch } from '../../src/index.js';

const SCRAPES = Number(process.argv[2] ?? 200);
const BANS = Number(process.argv[3] ?? 5000);
const waf = portcullis({ bans: { file: false, maxEntries: BANS * 2 } });
const registry = new Registry();
const metrics = prometheusMetrics(waf, { registry });

const ids = DEFAULT_RULES.flatMap((r) => ('id' in r && typeof r.id === 'number' ? [r.id] : []));
const sev: RuleMatch['severity'][] = ['critical', 'error', 'warning', 'notice'];
for (let i = 0; i < 20_000; i++) {
  waf.emit('inspected', { v: 1, action: i % 10 === 0 ? 'block' : 'pass', phase: i % 7 === 0 ? 1 : 2, seconds: (i % 100) / 100_000, score: i % 25 });
}
for (let i = 0; i < ids.length * 4; i++) {
  const m: RuleMatch = { id: ids[i % ids.length]!, phase: 2, message: 'm', severity: sev[i % 4], tags: [], paranoiaLevel: 1, target: 'ARGS', value: '', data: '', score: 5 };
  waf.emit('alert', { v: 1, incidentId: String(i), time: '', clientIp: '', method: 'GET', url: '/', matches: [m], score: 5, threshold: 5, action: 'block', status: 403, rulesVersion: 'x' } as Alert, { httpVersion: '1.1', headers: [], bodyExcerpt: undefined, bodyLength: 0 });
}
for (let i = 0; i < BANS; i++) await waf.ban(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 3_600_000, 'bench');

const server = http.createServer((req, res) => metrics(req, res));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
const first = await (await fetch(url)).text();
const series = first.split('\n').filter((l) => l && !l.startsWith('#')).length;

for (let i = 0; i < 20; i++) await registry.metrics(); // warm-up
let t0 = performance.now();
for (let i = 0; i < SCRAPES; i++) await registry.metrics();
const direct = (performance.now() - t0) / SCRAPES;
t0 = performance.now();
for (let i = 0; i < SCRAPES; i++) await (await fetch(url)).text();
const overHttp = (performance.now() - t0) / SCRAPES;

console.log(`${ids.length} rule ids x 4 severities, ${BANS} active bans, ${series} series, ${(first.length / 1024).toFixed(1)} KiB per scrape`);
console.log(`registry.metrics(): ${direct.toFixed(2)} ms per scrape; GET /metrics over HTTP: ${overHttp.toFixed(2)} ms per scrape`);
server.close();
await waf.close();
