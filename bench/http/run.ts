/**
 * `npm run bench`: throughput of Express + Portcullis as a ratio to bare Express, measured in the same run.
 * Each server runs in its own process; autocannon runs here against 127.0.0.1 only. Variants alternate
 * over several rounds and the median of each is compared, so drift on a shared machine affects both.
 *
 * Env: BENCH_SECONDS (per measurement, default 5), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 20).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SCENARIOS, type Scenario } from './scenarios.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const serverFile = fileURLToPath(new URL('./server.ts', import.meta.url));

// Request shapes live in scenarios.ts (shared with bench/micro/engine.ts): add rows there.
// BENCH_SCENARIOS / BENCH_VARIANTS (comma-separated substrings / names) pick a subset.
const pick = process.env.BENCH_SCENARIOS?.split(',');
const scenarios: readonly Scenario[] = SCENARIOS.filter((s) => pick === undefined || pick.some((p) => s.name.includes(p)));
// crs-pl1: OWASP CRS v4 at paranoia level 1 from $PORTCULLIS_CRS_DIR or ../shared/crs (the row is skipped, and said so, when absent).
const crsDir = process.env.PORTCULLIS_CRS_DIR ?? fileURLToPath(new URL('../../../shared/crs', import.meta.url));
const hasCrs = existsSync(join(crsDir, 'rules'));
if (!hasCrs) console.log(`CRS not found at ${crsDir}: no crs-pl1 row`);
const allVariants: readonly string[] = ['bare', 'off', 'default', ...(hasCrs ? ['crs-pl1'] : []), 'limiter', 'full', 'redis'];
const onlyVariants = process.env.BENCH_VARIANTS?.split(',');
const variants: readonly string[] = allVariants.filter((v) => v === 'bare' || onlyVariants === undefined || onlyVariants.includes(v));

function start(variant: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(serverFile, [variant, '0'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { ready?: number }) => (m.ready ? resolve({ child, port: m.ready }) : reject(new Error('no port'))));
    child.once('exit', (code) => reject(new Error(`server ${variant} exited ${code}`)));
  });
}

async function measure(port: number, s: Scenario): Promise<number> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${s.path}`, method: s.method, headers: { ...s.headers },
    ...(s.body !== undefined ? { body: s.body } : {}), connections, duration: Math.max(1, seconds * (s.weight ?? 1)), pipelining: 1,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${s.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const servers = new Map<string, { child: ChildProcess; port: number }>();
  for (const v of variants) servers.set(v, await start(v));
  const results: Record<string, Record<string, number[]>> = {};
  try {
    for (const s of scenarios) {
      results[s.name] = {};
      for (const v of variants) await measure(servers.get(v)!.port, { ...s }).catch(() => 0); // warm-up
      for (let r = 0; r < rounds; r++) {
        for (const v of (r % 2 === 0 ? variants : [...variants].reverse())) {
          (results[s.name]![v] ??= []).push(await measure(servers.get(v)!.port, s).catch((err: Error) => { throw new Error(`${v}: ${err.message}`); }));
        }
      }
    }
  } finally {
    for (const { child } of servers.values()) child.kill();
  }
  const rows: { scenario: string; variant: string; reqPerSec: number; ratio: number }[] = [];
  console.log(`\nPortcullis benchmark: ${rounds} rounds x ${seconds}s, ${connections} connections, Node ${process.version}\n`);
  console.log('scenario                    variant     req/s (median)   ratio to bare Express');
  for (const s of scenarios) {
    const bare = median(results[s.name]!.bare!);
    for (const v of variants) {
      const rps = median(results[s.name]![v]!);
      rows.push({ scenario: s.name, variant: v, reqPerSec: Math.round(rps), ratio: Number((rps / bare).toFixed(3)) });
      console.log(`${s.name.padEnd(28)}${v.padEnd(12)}${String(Math.round(rps)).padStart(14)}   ${(rps / bare).toFixed(3)}`);
    }
  }
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/http-latest.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), node: process.version, seconds, rounds, connections, rows }, null, 2));
}

main().catch((err) => { console.error(err); process.exit(1); });
