import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import express from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { alertStream } from '../../src/alerts/stream.js';
import { dashboard } from '../../src/dashboard/dashboard.js';
import { portcullis, type Portcullis } from '../../src/portcullis.js';

const TOKEN = 'dashboard-test-token-42';
const root = new URL('../../', import.meta.url).pathname;
let waf: Portcullis;
let server: Server;
let base = '';
let browser: Browser;
let page: Page;

before(async () => {
  waf = portcullis({ bans: { file: false, jails: [{ name: 'waf', maxRetry: 3, banTimeMs: 600_000 }] } });
  const app = express();
  const { createServer } = await import('node:http');
  server = createServer(app);
  const stream = alertStream(waf, { server, authenticate: TOKEN });
  app.use(dashboard(waf, { stream, title: 'Portcullis' }));
  app.use(waf);
  app.use(express.json());
  app.get('/search', (req, res) => { res.json({ q: req.query.q ?? '' }); });
  app.use((_req, res) => { res.send('ok'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.on('pageerror', (e) => { throw e; });
});

after(async () => {
  await browser?.close();
  await waf.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const text = async (sel: string) => (await page.locator(sel).allTextContents()).join('\n');
async function until(pred: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the page and its API refuse requests without credentials', async () => {
  const r1 = await fetch(`${base}/_waf/dashboard`);
  assert.equal(r1.status, 401);
  const html = await r1.text();
  assert.match(html, /<form method="post"/);
  assert.doesNotMatch(html, /portcullis-config/);
  assert.equal((await fetch(`${base}/_waf/dashboard/api/state`)).status, 401);
  assert.equal((await fetch(`${base}/_waf/dashboard/api/unban`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-portcullis-dashboard': '1' }, body: '{"ip":"127.0.0.1"}' })).status, 401);
  const cookie = `portcullis_token=${TOKEN}`;
  assert.equal((await fetch(`${base}/_waf/dashboard/api/unban`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"ip":"127.0.0.1"}' })).status, 403, 'no CSRF header');
  assert.equal((await fetch(`${base}/_waf/dashboard/api/state`, { headers: { cookie, origin: 'https://evil.example' } })).status, 403, 'foreign origin');
  const bad = await fetch(`${base}/_waf/dashboard/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=wrong', redirect: 'manual' });
  assert.equal(bad.status, 401);
  const viaQuery = await fetch(`${base}/_waf/dashboard?token=${TOKEN}`, { redirect: 'manual' });
  assert.equal(viaQuery.status, 303);
  assert.equal(viaQuery.headers.get('location'), '/_waf/dashboard');
  assert.match(String(viaQuery.headers.get('set-cookie')), /^portcullis_token=.+; Path=\/_waf\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
});

test('sign in, watch attacks arrive live, see counts, top rules, top IPs, mode and paranoia', async () => {
  await page.goto(`${base}/_waf/dashboard`);
  await page.fill('#token', TOKEN);
  await Promise.all([page.waitForURL(`${base}/_waf/dashboard`), page.click('button[type=submit]')]);
  await page.locator('body[data-ready="1"]').waitFor({ state: 'attached' });
  assert.equal(await text('#status'), 'live');
  assert.equal((await text('#mode')).toLowerCase(), 'block');
  assert.equal(await text('#paranoia'), 'PL 1');
  const csp = (await page.request.get(`${base}/_waf/dashboard`)).headers()['content-security-policy'];
  assert.match(String(csp), /default-src 'none'; script-src 'nonce-/);

  // Attacks from other clients (through the engine) and from this machine (over HTTP, which also bans it).
  await waf.inspect({ method: 'GET', url: '/search?q=%3Cscript%3Ealert(1)%3C/script%3E', remoteAddress: '203.0.113.10' });
  await waf.inspect({ method: 'GET', url: '/files?f=../../../../etc/passwd', remoteAddress: '198.51.100.7' });
  await waf.inspect({ method: 'GET', url: "/search?q=%3Cimg%20src=x%20onerror=window.__pwned=1%3E", remoteAddress: '203.0.113.10' });
  const statuses = [];
  for (const q of ["1' or '1'='1", "1 union select password from users--", "admin'--"]) statuses.push((await fetch(`${base}/search?q=${encodeURIComponent(q)}`)).status);
  assert.deepEqual(statuses, [403, 403, 403]);
  assert.equal((await fetch(`${base}/search?q=hello`)).status, 403, 'banned after three blocks');
  await waf.ban('192.0.2.66', 300_000, 'manual ban from the test');

  await until(async () => (await page.locator('#bans tr[data-ip="127.0.0.1"]').count()) === 1, 'the ban row');
  await until(async () => Number(await text('#total-alerts')) >= 6, 'the alert total');
  const feed = await text('#feed');
  assert.match(feed, /sqli/);
  assert.match(feed, /xss/);
  assert.match(feed, /203\.0\.113\.10/);
  assert.match(feed, /Client IP is banned/);
  assert.match(await text('#top-rules'), /101000/);
  assert.match(await text('#top-ips'), /127\.0\.0\.1/);
  assert.equal(Number(await text('#total-bans')), 2);
  const legend = await page.locator('#legend li').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset.category));
  assert.ok(legend.includes('sqli') && legend.includes('xss'), legend.join(','));
  assert.ok(Number(await page.locator('#chart').getAttribute('data-total')) >= 6);
  // Attack text is shown as text, never run.
  assert.equal(await page.locator('#feed img').count(), 0);
  assert.equal(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned), undefined);
  assert.match(feed, /<img src=x onerror|%3Cimg/);

  // The README's screenshot: refreshed with UPDATE_SCREENSHOT=1; otherwise written to a temp file (the run
  // never changes a tracked file).
  const shot = process.env.UPDATE_SCREENSHOT === '1' ? join(root, 'docs', 'dashboard.png') : join(mkdtempSync(join(tmpdir(), 'portcullis-shot-')), 'dashboard.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.deepEqual([...readFileSync(shot).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!shot.startsWith(root)) rmSync(dirname(shot), { recursive: true, force: true });
});

test('the unban button lifts the ban (authenticated POST → waf.unban)', async () => {
  assert.ok((await waf.bans()).some((b) => b.ip === '127.0.0.1'));
  await page.click('#bans button.unban[data-ip="127.0.0.1"]');
  await until(async () => (await page.locator('#bans tr[data-ip="127.0.0.1"]').count()) === 0, 'the row to go');
  assert.ok(!(await waf.bans()).some((b) => b.ip === '127.0.0.1'));
  assert.equal((await fetch(`${base}/search?q=hello`)).status, 200);
  await until(async () => /unban/.test(await text('#feed')), 'the unban event in the feed');
  assert.equal(Number(await text('#total-bans')), 1);
});

test('the unban API answers bad input with 400 and an unknown IP with unbanned: false', async () => {
  const headers = { cookie: `portcullis_token=${TOKEN}`, 'content-type': 'application/json', 'x-portcullis-dashboard': '1' };
  const post = (body: string) => fetch(`${base}/_waf/dashboard/api/unban`, { method: 'POST', headers, body });
  assert.equal((await post('{not json')).status, 400);
  assert.equal((await post('{"ip": 42}')).status, 400);
  assert.equal((await post(JSON.stringify({ ip: 'x'.repeat(100) }))).status, 400);
  assert.equal((await post(JSON.stringify({ ip: 'not-an-ip' }))).status, 400);
  assert.equal((await post(JSON.stringify({ ip: 'a', pad: 'x'.repeat(10_000) }))).status, 413);
  const r = await post(JSON.stringify({ ip: '198.51.100.200' }));
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { ok: true, ip: '198.51.100.200', unbanned: false });
});

test('a reload of the page re-syncs from the server snapshot', async () => {
  await page.reload();
  await page.locator('body[data-ready="1"]').waitFor({ state: 'attached' });
  assert.ok(Number(await text('#total-alerts')) >= 6);
  assert.equal(await page.locator('#bans tr[data-ip="192.0.2.66"]').count(), 1);
});
