/**
 * Child process of crs-hostile.test.ts: Express on 127.0.0.1 behind Portcullis loaded with the full OWASP
 * CRS. Running the server in its own process lets the test notice a hang (a blocked event loop cannot
 * answer) or a crash, and measure this process' peak RSS without the client's buffers.
 *
 * Env: CRS_DIR, PARANOIA (blocking level), MAX_VALUE (limits.maxValueLength, bytes).
 * IPC out: { ready: port, rss } once listening; { stats } on request; { error } for each 'error' event.
 * IPC in: 'stats'.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { portcullis } from '../../src/index.js';

const crs = process.env.CRS_DIR ?? '';
const paranoia = Number(process.env.PARANOIA ?? '1');
const maxValueLength = Number(process.env.MAX_VALUE ?? '65536');

const waf = portcullis({
  paranoia,
  detectionParanoia: 4,
  rules: { defaults: false, seclang: [join(crs, 'crs-setup.conf.example'), join(crs, 'rules')] },
  // Large enough that every hostile body below is read and parsed rather than refused with 413.
  limits: { maxBodyBytes: 4 * 1024 * 1024, maxValueLength },
});
const errors: string[] = [];
waf.on('error', (err) => {
  const line = `${(err as { code?: string }).code ?? err.name}: ${err.message}`.slice(0, 300);
  if (errors.length < 50) errors.push(line);
});
let blocked = 0;
waf.on('block', () => { blocked++; });

const app = express();
app.use(waf);
app.get('/health', (_req, res) => { res.send('ok'); });
app.use((req, res) => {
  // The app reads whatever body the WAF replays and answers with its size.
  let bytes = 0;
  req.on('data', (c: Buffer) => { bytes += c.length; });
  req.on('end', () => { res.json({ bytes }); });
  req.on('error', () => { if (!res.headersSent) res.status(400).end(); });
});

const server = http.createServer(app);
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  process.send?.({ ready: port, rss: process.memoryUsage().rss });
});

process.on('message', (m) => {
  if (m !== 'stats') return;
  // resourceUsage().maxRSS is the peak resident set size of this process, in KiB.
  process.send?.({ stats: { rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024, errors, blocked } });
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
  void waf.close().finally(() => process.exit(0));
});
