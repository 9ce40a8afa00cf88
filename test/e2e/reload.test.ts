import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import express from 'express';
import { CRS_DIR } from '../helpers/crs.js';
import { portcullis, type Alert, type Portcullis, type ReloadEvent, type RuleDefinition, type RuleOptions } from '../../src/index.js';
import { startLoopProbe } from '../helpers/loop-probe.js';

/** A ruleset of `n` rules with ids base+1..base+n; every one matches ARGS:probe=x (so an alert lists all of them). */
function ruleset(base: number, n: number): RuleOptions {
  const custom: RuleDefinition[] = [];
  for (let i = 1; i <= n; i++) {
    custom.push({ id: base + i, targets: 'ARGS:probe', operator: `@rx ^(?:x|y${base + i}[a-z]{2,9}\\d*)$`, severity: 'notice', msg: `set ${base} rule ${i}` });
  }
  return { defaults: false, custom };
}

const N_RULES = 150;
const A = ruleset(10_000, N_RULES);
const B = ruleset(20_000, N_RULES);
const idsOf = (base: number): number[] => Array.from({ length: N_RULES }, (_, i) => base + i + 1);

async function serve(waf: Portcullis): Promise<{ port: number; close(): Promise<void> }> {
  const app = express();
  app.use(waf);
  app.use(express.urlencoded({ extended: false }));
  app.all('/{*any}', (req, res) => { res.json({ ok: true, body: req.body ?? null }); });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function request(agent: http.Agent, port: number, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Which ruleset an alert was decided by: 'A', 'B', or a description of the inconsistency. */
function setOf(alert: Alert): string {
  const ids = alert.matches.map((m) => m.id).sort((x, y) => x - y);
  if (JSON.stringify(ids) === JSON.stringify(idsOf(10_000))) return 'A';
  if (JSON.stringify(ids) === JSON.stringify(idsOf(20_000))) return 'B';
  return `mixed(${ids.length} ids: ${ids.slice(0, 3).join(',')}...)`;
}

describe('hot reload under load (real HTTP)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => { for (const c of cleanups.reverse()) await c(); });

  it('loses no request and never applies half a ruleset while reloading many times', async () => {
    const waf = portcullis({ mode: 'detect', rules: A });
    const versionSet = new Map<string, 'A' | 'B'>([[waf.rulesVersion, 'A']]);
    const alerts = new Map<string, Alert[]>();
    waf.on('alert', (a) => {
      const n = new URL(a.url, 'http://x').searchParams.get('n') ?? 'body';
      const list = alerts.get(n) ?? [];
      list.push(a);
      alerts.set(n, list);
    });
    const srv = await serve(waf);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    cleanups.push(() => agent.destroy(), () => srv.close(), () => waf.close());

    let done = false;
    let reloads = 0;
    const reloader = (async () => {
      while (!done) {
        const which = reloads % 2 === 0 ? 'B' : 'A';
        const r = await waf.reload(which === 'A' ? A : B);
        assert.equal(r.ok, true);
        versionSet.set(r.rulesVersion, which);
        reloads++;
      }
    })();

    const TOTAL = 1200;
    const results: { n: number; status: number; text: string }[] = [];
    let next = 0;
    const client = async (): Promise<void> => {
      while (next < TOTAL) {
        const n = next++;
        // Half GET (decided in phase 1/2 without a body), half POST with the probe in the body (async body read).
        const r = n % 2 === 0
          ? await request(agent, srv.port, 'GET', `/p?probe=x&n=${n}`)
          : await request(agent, srv.port, 'POST', `/p?n=${n}`, 'probe=x');
        results.push({ n, ...r });
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));
    done = true;
    await reloader;

    assert.equal(results.length, TOTAL);
    assert.deepEqual(results.filter((r) => r.status !== 200), [], 'every request answered 200 (detect mode)');
    assert.ok(reloads >= 3, `reloads happened during the load (${reloads})`);
    const seen = new Set<string>();
    for (let n = 0; n < TOTAL; n++) {
      const list = alerts.get(String(n));
      assert.equal(list?.length, 1, `request ${n}: exactly one alert`);
      const a = list[0]!;
      const set = setOf(a);
      assert.ok(set === 'A' || set === 'B', `request ${n}: ${set}`);
      assert.equal(versionSet.get(a.rulesVersion), set, `request ${n}: version ${a.rulesVersion} is a ruleset ${set} version`);
      seen.add(a.rulesVersion);
    }
    assert.ok(seen.size >= 2, `requests were decided by several rule versions (${seen.size})`);
  });

  it('a request in flight finishes on the ruleset it started with', async () => {
    const waf = portcullis({ mode: 'detect', rules: A });
    const alerts: Alert[] = [];
    waf.on('alert', (a) => alerts.push(a));
    const srv = await serve(waf);
    cleanups.push(() => srv.close(), () => waf.close());
    const before = waf.rulesVersion;
    // Headers now, body later: the transaction starts on A; B is swapped in while the body is on its way.
    const response = new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: srv.port, method: 'POST', path: '/slow', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': 7 } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
      req.on('error', reject);
      req.write('probe');
      setTimeout(async () => {
        const r = await waf.reload(B);
        assert.equal(r.ok, true);
        assert.notEqual(waf.rulesVersion, before);
        req.end('=x');
      }, 50);
    });
    assert.equal(await response, 200);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.rulesVersion, before);
    assert.equal(setOf(alerts[0]!), 'A');
    // The next request sees B.
    await request(new http.Agent(), srv.port, 'GET', '/q?probe=x');
    assert.equal(setOf(alerts[1]!), 'B');
    assert.equal(alerts[1]!.rulesVersion, waf.rulesVersion);
  });

  it('a ruleset that does not compile is refused with its errors; the old one stays', async () => {
    const waf = portcullis({ mode: 'block', rules: A });
    const events: ReloadEvent[] = [];
    waf.on('reload', (e) => events.push(e));
    cleanups.push(() => waf.close());
    const before = waf.rulesVersion;
    const bad: RuleOptions = { defaults: false, custom: [...(B.custom ?? []), { id: 30_001, targets: 'ARGS', operator: '@rx (unclosed' }] };
    const r = await waf.reload(bad);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.errors.some((e) => /30001/.test(e) && /ERR_PORTCULLIS_RULE_OPERATOR/.test(e)), JSON.stringify(r));
    assert.equal(r.rulesVersion, before);
    assert.equal(waf.rulesVersion, before);
    assert.deepEqual(events.map((e) => e.ok), [false]);
    const res = await waf.inspect({ method: 'GET', url: '/?probe=x' });
    assert.equal(res.matches.length, N_RULES);
    assert.ok(res.matches.every((m) => m.id > 10_000 && m.id <= 10_000 + N_RULES));
    // Invalid options are refused the same way.
    const r2 = await waf.reload({ defaults: 'yes' } as unknown as RuleOptions);
    assert.equal(r2.ok, false);
    assert.ok(!r2.ok && /rules\.defaults/.test(r2.errors.join('\n')));
    assert.equal(waf.rulesVersion, before);
  });

  it('the rules version changes on every successful reload and is in every alert', async () => {
    const waf = portcullis();
    cleanups.push(() => waf.close());
    const alerts: Alert[] = [];
    waf.on('alert', (a) => alerts.push(a));
    const versions = [waf.rulesVersion];
    for (let i = 0; i < 3; i++) {
      const r = await waf.reload({});
      assert.ok(r.ok);
      assert.equal(r.ok && r.previousVersion, versions[versions.length - 1]);
      versions.push(r.rulesVersion);
      await waf.inspect({ method: 'GET', url: "/?q=1'%20or%20'1'='1" });
      assert.equal(alerts[alerts.length - 1]!.rulesVersion, r.rulesVersion);
    }
    assert.equal(new Set(versions).size, 4, versions.join(' '));
  });

  it('reloads queue in call order (the last call wins) and reload after close is refused', async () => {
    const waf = portcullis({ rules: A });
    const p1 = waf.reload(B);
    const p2 = waf.reload(A);
    const p3 = waf.reload(B);
    const [r1, r2, r3] = await Promise.all([p1, p2, p3]);
    assert.ok(r1.ok && r2.ok && r3.ok);
    assert.equal(r2.ok && r2.previousVersion, r1.rulesVersion);
    assert.equal(r3.ok && r3.previousVersion, r2.rulesVersion);
    assert.equal(waf.rulesVersion, r3.rulesVersion);
    const res = await waf.inspect({ method: 'GET', url: '/?probe=x' });
    assert.ok(res.matches.every((m) => m.id > 20_000));
    await waf.close();
    await assert.rejects(waf.reload(A), /ERR_PORTCULLIS_CLOSED/);
  });

  it('watch(): a changed rule file is reloaded; a broken one is refused; close() stops watching', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-watch-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'site.conf');
    writeFileSync(file, 'SecRule ARGS:probe "@streq one" "id:9001,phase:1,deny,status:403,msg:\'one\'"\n');
    const waf = portcullis({ rules: { defaults: false, seclang: [file], seclangBase: false } });
    const events: ReloadEvent[] = [];
    let wake: (() => void) | null = null;
    waf.on('reload', (e) => { events.push(e); wake?.(); });
    const nextEvent = (): Promise<void> => new Promise((resolve) => { wake = resolve; });
    waf.watch(undefined, { debounceMs: 50 });
    assert.equal((await waf.inspect({ method: 'GET', url: '/?probe=one' })).action, 'block');

    let got = nextEvent();
    // Editors save by writing a new file and renaming it over the old one.
    writeFileSync(`${file}.tmp`, 'SecRule ARGS:probe "@streq two" "id:9002,phase:1,deny,status:403,msg:\'two\'"\n');
    const { renameSync } = await import('node:fs');
    renameSync(`${file}.tmp`, file);
    await got;
    assert.equal(events.at(-1)?.ok, true);
    assert.equal((await waf.inspect({ method: 'GET', url: '/?probe=one' })).action, 'pass');
    assert.equal((await waf.inspect({ method: 'GET', url: '/?probe=two' })).matches[0]?.id, 9002);

    got = nextEvent();
    writeFileSync(file, 'SecRule ARGS:probe "@streq three" "id:9003,phase:1,deny,status:403,msg:\'three\'\n');
    await got;
    const failed = events.at(-1)!;
    assert.equal(failed.ok, false);
    assert.ok(!failed.ok && failed.errors.some((e) => e.includes('site.conf')), JSON.stringify(failed));
    assert.equal((await waf.inspect({ method: 'GET', url: '/?probe=two' })).action, 'block', 'old rules still active');

    // Without a `reload` listener, a refused reload is an `error` event.
    waf.removeAllListeners('reload');
    const errors: Error[] = [];
    const gotError = new Promise<void>((resolve) => waf.on('error', (e) => { errors.push(e); resolve(); }));
    writeFileSync(file, 'SecRule ARGS:probe "@streq four" "id:9004,phase:1,deny,msg:\'four\'\n');
    await gotError;
    assert.match(errors[0]!.message, /reload was refused .*site\.conf/);
    waf.on('reload', (e) => { events.push(e); });

    await waf.close();
    const count = events.length;
    writeFileSync(file, 'SecRule ARGS:probe "@streq four" "id:9004,phase:1,deny"\n');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(events.length, count, 'no reload after close()');
  });

  it('a CRS-size compile yields to the event loop (requests keep being served meanwhile)', async () => {
    // The OWASP CRS when it is here (about 630 rules), else 2000 generated rules.
    const big: RuleOptions = CRS_DIR
      ? { defaults: false, seclang: [join(CRS_DIR, 'crs-setup.conf.example'), join(CRS_DIR, 'rules')] }
      : ruleset(40_000, 2000);
    const waf = portcullis({ rules: A });
    cleanups.push(() => waf.close());
    const probe = startLoopProbe();
    const r = await waf.reload(big);
    const { ticks } = probe.stop();
    assert.ok(r.ok);
    assert.ok(ticks >= 5, `the event loop ran ${ticks} times during the compile`);
  });
});

describe('watch() without anything to watch', () => {
  it('throws instead of silently watching nothing', async () => {
    const waf = portcullis();
    assert.throws(() => waf.watch(), /ERR_PORTCULLIS_OPTION_INVALID/);
    await waf.close();
    assert.throws(() => waf.watch(['x.conf']), /ERR_PORTCULLIS_CLOSED/);
  });
});
