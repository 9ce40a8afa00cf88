/**
 * `npm run bench:micro`: in-process cost of Portcullis per request, in microseconds, through `waf.inspect()`
 * (the engine plus snapshot building; no sockets). For each scenario of bench/http/scenarios.ts it runs
 * batches and prints the fastest and the median batch, in CPU time of this process (process.cpuUsage), so
 * other processes competing for the CPU barely move the numbers; the wall-clock median is shown too.
 *
 * Env: MICRO_BATCHES (default 15), MICRO_MS (target milliseconds per batch, default 100),
 * MICRO_PARANOIA (default 1), MICRO_ONLY (substring of a scenario name).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { portcullis } from '../../src/index.js';
import { SCENARIOS, type Scenario } from '../http/scenarios.js';

const batches = Number(process.env.MICRO_BATCHES ?? 15);
const batchMs = Number(process.env.MICRO_MS ?? 100);
const paranoia = Number(process.env.MICRO_PARANOIA ?? 1);
const only = process.env.MICRO_ONLY;

const waf = portcullis({ paranoia });

interface Row { scenario: string; minUs: number; medianUs: number; wallMedianUs: number; action: string; matches: number }

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function costOf(s: Scenario): Promise<Row> {
  const req = {
    method: s.method,
    url: s.path,
    headers: s.body === undefined ? s.headers : { ...s.headers, 'content-length': String(Buffer.byteLength(s.body)) },
    ...(s.body !== undefined ? { body: Buffer.from(s.body) } : {}),
  };
  const first = await waf.inspect(req);
  // Calibrate the batch size to about batchMs.
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await waf.inspect(req);
    const ms = performance.now() - t0;
    if (ms >= batchMs / 4 || n >= 1 << 20) {
      n = Math.max(1, Math.round((n * batchMs) / Math.max(ms, 0.001)));
      break;
    }
    n *= 2;
  }
  const per: number[] = [];
  const wall: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    const c0 = cpuMicros();
    for (let i = 0; i < n; i++) await waf.inspect(req);
    per.push((cpuMicros() - c0) / n);
    wall.push(((performance.now() - t0) * 1000) / n);
  }
  per.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  const mid = Math.floor(per.length / 2);
  return {
    scenario: s.name, minUs: per[0]!, medianUs: per[mid]!, wallMedianUs: wall[mid]!,
    action: first.action, matches: first.matches.length,
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  console.log(`\nPortcullis micro benchmark: waf.inspect(), paranoia ${paranoia}, ${batches} batches of ~${batchMs} ms, Node ${process.version}\n`);
  console.log('scenario                        CPU us/request: min    median   wall median   verdict');
  for (const s of SCENARIOS) {
    if (only !== undefined && !s.name.includes(only)) continue;
    const r = await costOf(s);
    rows.push(r);
    console.log(`${s.name.padEnd(32)}${r.minUs.toFixed(1).padStart(19)}${r.medianUs.toFixed(1).padStart(10)}${r.wallMedianUs.toFixed(1).padStart(14)}   ${r.action}${r.matches ? ` (${r.matches} matches)` : ''}`);
  }
  await waf.close();
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/micro-latest.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), node: process.version, paranoia, rows }, null, 2));
}

main().catch((err) => { console.error(err); process.exit(1); });
