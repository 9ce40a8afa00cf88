/**
 * A benchmark target, run in its own process by bench/http/run.ts:
 *   tsx bench/http/server.ts <variant> <port>
 * Variants: bare (Express alone), off (the middleware with no rules, no limiter), default (Express + Portcullis on its default rules), crs-pl1 (Express + Portcullis
 * with OWASP CRS v4 at paranoia level 1, from $PORTCULLIS_CRS_DIR or ../shared/crs), limiter (rate limiter alone),
 * full (bans + limiter + default rules), redis (full, with the Redis store at 127.0.0.1:6379).
 * All parse JSON bodies with express.json(), so the only difference is Portcullis.
 */
import express from 'express';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portcullis } from '../../src/index.js';

const [variant = 'bare', portArg = '0'] = process.argv.slice(2);
const app = express();
app.disable('x-powered-by');
if (variant === 'default') {
  const waf = portcullis();
  app.use(waf);
} else if (variant === 'crs-pl1') {
  const crs = process.env.PORTCULLIS_CRS_DIR ?? fileURLToPath(new URL('../../../shared/crs', import.meta.url));
  app.use(portcullis({ paranoia: 1, rules: { defaults: false, seclang: [join(crs, 'crs-setup.conf.example'), join(crs, 'rules')] } }));
} else if (variant === 'off') {
  // The middleware with no rules and no limiter: its fixed cost (client IP, lists, body capture, events).
  app.use(portcullis({ rules: { defaults: false } }));
} else if (variant === 'limiter') {
  // The rate limiter alone (rules off): a limit high enough never to refuse, so only its cost is measured.
  app.use(portcullis({ rules: { defaults: false }, rateLimit: { max: 1_000_000_000, windowMs: 60_000 } }));
} else if (variant === 'full') {
  // Bans (default jail) + limiter + default rules, memory store.
  app.use(portcullis({ bans: { file: false }, rateLimit: { max: 1_000_000_000, windowMs: 60_000 } }));
} else if (variant === 'redis') {
  // The full stack with limiter counters and bans in Redis at 127.0.0.1:6379 (its keys expire within the 60 s window).
  const { Redis } = await import('ioredis');
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const prefix = `portcullis-bench:${process.pid}:`;
  app.use(portcullis({ bans: { file: false }, rateLimit: { max: 1_000_000_000, windowMs: 60_000 }, store: { redis, prefix } }));
} else if (variant !== 'bare') {
  console.error(`unknown variant ${variant}`);
  process.exit(2);
}
app.use(express.json());
app.get('/products', (req, res) => { res.json({ q: req.query.q ?? null, items: [1, 2, 3] }); });
app.post('/api/orders', (req, res) => { res.json({ ok: true, n: Object.keys((req.body ?? {}) as object).length }); });
// The 1 MB hostile form: read whole (both variants), not parsed by the app.
app.post('/api/bulk', express.raw({ type: () => true, limit: '2mb' }), (req, res) => { res.json({ ok: true, bytes: (req.body as Buffer).length }); });

const server = app.listen(Number(portArg), '127.0.0.1', () => {
  const addr = server.address();
  process.send?.({ ready: typeof addr === 'object' && addr ? addr.port : 0 });
});
process.on('disconnect', () => process.exit(0));
// bench/http/cpu.ts asks for this process's CPU time to report server CPU per request.
process.on('message', (m) => { if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() }); });
