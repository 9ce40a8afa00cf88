/**
 * Several Node processes acting as one WAF through Redis: limits, jails, bans and alerts are shared.
 *
 *   npx tsx examples/cluster-redis.ts          (needs Redis at 127.0.0.1:6379, or REDIS_URL)
 *
 * The primary forks WORKERS processes that share port 3000 (node:cluster). Try:
 *   for i in $(seq 12); do curl -s -o /dev/null -w '%{http_code} ' http://127.0.0.1:3000/login -X POST; done; echo
 *     → 401 x5 then 429: the 5-per-minute login limit is counted across all workers
 *   curl -s -X POST http://127.0.0.1:3000/_admin/ban/203.0.113.9       bans on every worker within a few ms
 *   curl -s http://127.0.0.1:3000/ -H 'x-forwarded-for: 203.0.113.9'   → 403 whichever worker answers
 * The primary prints every worker's ban/unban events and relayed alerts.
 */
import cluster from 'node:cluster';
import express from 'express';
import { Redis } from 'ioredis';
import { portcullis } from '../src/index.js';

const WORKERS = Number(process.env.WORKERS ?? 2);
const PORT = Number(process.env.PORT ?? 3000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

if (cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('message', (_worker, msg) => console.log(msg));
  console.log(`primary ${process.pid}: ${WORKERS} workers on http://127.0.0.1:${PORT}`);
} else {
  const redis = new Redis(REDIS_URL);
  const waf = portcullis({
    trustProxy: 'loopback', // curl from this machine stands in for a proxy here; list your real proxies in production
    rateLimit: { max: 300, windowMs: 60_000, routes: [{ name: 'login', method: 'POST', path: '/login', max: 5, windowMs: 60_000 }] },
    bans: { jails: [{ name: 'waf', maxRetry: 5, increment: true }, { name: 'login', maxRetry: 10, failures: ['ratelimit', 'strike'] }] },
    store: { redis, prefix: 'portcullis-example:', relayAlerts: true },
  });
  const tell = (text: string) => process.send?.(`[worker ${process.pid}] ${text}`);
  waf.on('ban', (e) => tell(`ban ${e.ip} (${e.jail}, ${e.source}) for ${Math.round(e.durationMs / 1000)} s: ${e.reason}`));
  waf.on('unban', (e) => tell(`unban ${e.ip} (${e.reason}, ${e.source})`));
  waf.on('ratelimit', (e) => tell(`429 ${e.clientIp} ${e.method} ${e.url} (${e.limit})`));
  waf.on('remoteAlert', (a, o) => { if (o.kind === 'block') tell(`seen from another worker: ${a.clientIp} ${a.url} rules ${a.matches.map((m) => m.id).join(',')}`); });
  waf.on('error', (err) => tell(`error: ${err.message}`));

  const app = express();
  app.use(waf);
  app.get('/', (_req, res) => { res.send(`hello from ${process.pid}\n`); });
  app.post('/login', (req, res) => {
    void waf.strike(waf.clientIp(req), 'failed login', 'login');
    res.status(401).send('wrong password\n');
  });
  // An operator endpoint; protect it in real life (loopback only here).
  app.post('/_admin/ban/:ip', async (req, res) => {
    if (waf.clientIp(req) !== '127.0.0.1') { res.status(404).end(); return; }
    try {
      const e = await waf.ban(String(req.params.ip), 10 * 60_000, 'operator');
      res.json(e);
    } catch (err) {
      res.status(400).send(`${(err as Error).message}\n`);
    }
  });
  app.listen(PORT, '127.0.0.1');
  process.on('SIGTERM', () => { void waf.close().then(() => redis.quit()).finally(() => process.exit(0)); });
}
