/**
 * Server instructions per request, per variant, counted by valgrind's callgrind:
 *   tsx bench/http/instr.ts [variants] [scenario-substring]      (e.g. `bare,default GET`)
 *
 * Why: on a shared, noisy machine CPU time per request moves by ±50 % between runs; callgrind counts the
 * instructions the server process executes (user space, JIT code included), which barely moves with load.
 * Each server runs under `valgrind --tool=callgrind` (about 50× slower), is warmed up with INSTR_WARMUP
 * requests, its counters are zeroed (`callgrind_control -z`), INSTR_REQUESTS requests are sent over one
 * connection, and the counters are dumped (`callgrind_control -d`). Node runs with `--single-threaded` (no
 * background compiler or GC threads), which makes the count repeatable to about 0.1 %. The ratio bare/variant is the
 * throughput ratio the server alone would reach with unlimited client CPU (kernel time not included).
 *
 * Env: INSTR_WARMUP (default 3000), INSTR_REQUESTS (default 2000). Needs valgrind (Debian package).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SCENARIOS } from './scenarios.js';

const warmup = Number(process.env.INSTR_WARMUP ?? 3000);
const requests = Number(process.env.INSTR_REQUESTS ?? 2000);
const variants = (process.argv[2] ?? 'bare,default').split(',');
const pick = process.argv[3] ?? 'GET';
const scenario = SCENARIOS.find((s) => s.name.includes(pick));
if (scenario === undefined) throw new Error(`no scenario matches ${pick}`);
const serverFile = fileURLToPath(new URL('./server.ts', import.meta.url));

function start(variant: string, dir: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'cg.%p')}`, process.execPath, '--single-threaded', '--import', 'tsx', serverFile, variant, '0'], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    child.once('message', (m: { ready?: number }) => (m.ready ? resolve({ child, port: m.ready }) : reject(new Error('no port'))));
    child.once('exit', (code) => reject(new Error(`server ${variant} exited ${code}`)));
  });
}

async function drive(port: number, amount: number): Promise<number> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}${scenario!.path}`, method: scenario!.method, headers: { ...scenario!.headers },
    ...(scenario!.body !== undefined ? { body: scenario!.body } : {}), connections: 1, amount, timeout: 60,
  });
  return r.requests.total === 0 ? 0 : r['2xx'];
}

/** Sum of the `totals:`/`summary:` lines of the dumps written since the counters were zeroed. */
function dumpedInstructions(dir: string, before: Set<string>): number {
  let sum = 0;
  for (const f of readdirSync(dir)) {
    if (before.has(f)) continue;
    const text = readFileSync(join(dir, f), 'utf8');
    const m = /^(?:totals|summary):\s*(\d+)/m.exec(text);
    if (m) sum += Number(m[1]);
  }
  return sum;
}

const rows: { variant: string; perRequest: number }[] = [];
for (const v of variants) {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-instr-'));
  const { child, port } = await start(v, dir);
  try {
    await drive(port, warmup);
    execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
    const before = new Set(readdirSync(dir));
    const ok = await drive(port, requests);
    execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
    if (ok !== requests) throw new Error(`${v}: ${ok} of ${requests} requests got a 2xx`);
    const per = dumpedInstructions(dir, before) / requests;
    rows.push({ variant: v, perRequest: per });
    const base = rows[0]!.perRequest;
    console.log(`${scenario.name} ${v.padEnd(10)} ${(per / 1000).toFixed(1).padStart(8)} k instructions/request   ratio to ${rows[0]!.variant}: ${(base / per).toFixed(3)}`);
  } finally {
    child.removeAllListeners('exit');
    await new Promise((res) => { child.once('exit', res); child.kill('SIGKILL'); });
    rmSync(dir, { recursive: true, force: true });
  }
}
