/**
 * One instance of the multi-process test (test/e2e/cluster.test.ts): an Express app behind Portcullis whose limits and
 * bans live in Redis. Env: PREFIX (key prefix), LIMIT (requests per hour), CLIENT (ioredis | node-redis).
 * IPC: sends { ready: port }; answers { cmd: 'ban', ip } with { banned: ip }.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { portcullis } from '../../src/index.js';

const prefix = process.env.PREFIX ?? 'portcullis-test:cluster:';
const limit = Number(process.env.LIMIT ?? 100);
let client: object;
let quit: () => Promise<unknown>;
if (process.env.CLIENT === 'node-redis') {
  const c = createClient({ url: 'redis://127.0.0.1:6379' });
  c.on('error', () => undefined);
  await c.connect();
  client = c;
  quit = () => c.close();
} else {
  const c = new Redis({ host: '127.0.0.1', port: 6379 });
  client = c;
  quit = () => c.quit();
}
const waf = portcullis({
  trustProxy: 'loopback',
  rateLimit: { max: limit, windowMs: 3_600_000 },
  bans: { jails: [{ name: 'waf' }] },
  store: { redis: client, prefix, timeoutMs: 5000 },
});
waf.on('error', (err) => { process.send?.({ error: err.message }); });
const app = express();
app.use(waf);
app.get('/', (_req, res) => { res.send('ok'); });
const server = http.createServer(app);
server.listen(0, '127.0.0.1', () => {
  process.send?.({ ready: (server.address() as AddressInfo).port });
});
process.on('message', (m: { cmd?: string; ip?: string }) => {
  if (m.cmd === 'ban' && m.ip) void waf.ban(m.ip, 60_000, 'cluster test').then(() => process.send?.({ banned: m.ip }));
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
  void waf.close().then(quit).finally(() => process.exit(0));
});
