/**
 * In-process instructions per `waf.inspect()`, counted by valgrind's callgrind (repeatable to ~0.1 % on a noisy
 * machine, unlike CPU time):
 *   tsx bench/micro/instr.ts [default|crs-pl1] [scenario-substring] [requests]
 *
 * The driver runs this same file under `valgrind --tool=callgrind node --single-threaded` with INSTR_CHILD=1;
 * the child warms up (INSTR_WARMUP inspections, default 3000), says so, the driver zeroes the counters
 * (`callgrind_control -z`), the child runs the measured inspections and exits, and the driver reads the total.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portcullis, type PortcullisOptions } from '../../src/index.js';
import { SCENARIOS } from '../http/scenarios.js';

const [ruleset = 'default', pick = 'GET', countArg = '2000'] = process.argv.slice(2);
const requests = Number(countArg);
const warmup = Number(process.env.INSTR_WARMUP ?? 3000);

function optionsFor(name: string): PortcullisOptions {
  if (name === 'default') return { paranoia: 1 };
  if (name === 'crs-pl1') {
    const crs = process.env.PORTCULLIS_CRS_DIR ?? fileURLToPath(new URL('../../../shared/crs', import.meta.url));
    return { paranoia: 1, rules: { defaults: false, seclang: [join(crs, 'crs-setup.conf.example'), join(crs, 'rules')] } };
  }
  throw new Error(`unknown ruleset ${name} (default | crs-pl1)`);
}

async function child(): Promise<void> {
  const s = SCENARIOS.find((x) => x.name.includes(pick));
  if (s === undefined) throw new Error(`no scenario matches ${pick}`);
  const waf = portcullis(optionsFor(ruleset));
  const req = {
    method: s.method, url: s.path,
    headers: s.body === undefined ? s.headers : { ...s.headers, 'content-length': String(Buffer.byteLength(s.body)) },
    ...(s.body !== undefined ? { body: Buffer.from(s.body) } : {}),
  };
  for (let i = 0; i < warmup; i++) await waf.inspect(req);
  process.stdout.write('warm\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  for (let i = 0; i < requests; i++) await waf.inspect(req);
  process.stdout.write('done\n');
  process.exit(0);
}

async function driver(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-instr-'));
  const self = fileURLToPath(import.meta.url);
  const proc = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'cg.%p')}`, process.execPath, '--single-threaded', '--import', 'tsx', self, ruleset, pick, String(requests)], {
    stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, INSTR_CHILD: '1' },
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('warm') && !out.includes('zeroed')) {
        out += 'zeroed';
        execFileSync('callgrind_control', ['-z', String(proc.pid)], { stdio: 'ignore' });
        proc.stdin.write('go\n');
      }
    });
    proc.once('exit', (code) => (code === 0 && out.includes('done') ? resolve() : reject(new Error(`child exited ${code}: ${out}`))));
  });
  let total = 0;
  for (const f of readdirSync(dir)) {
    const m = /^(?:totals|summary):\s*(\d+)/m.exec(readFileSync(join(dir, f), 'utf8'));
    if (m) total = Math.max(total, Number(m[1]));
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`${ruleset} ${pick}: ${(total / requests / 1000).toFixed(1)} k instructions per inspect (${requests} inspections after ${warmup} warm-up)`);
}

await (process.env.INSTR_CHILD === '1' ? child() : driver());
