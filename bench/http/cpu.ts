/**
 * Server CPU per request, per variant: `tsx bench/http/cpu.ts [variants] [scenario-substring]`.
 * Each server runs in its own process (as in run.ts); autocannon drives it from here for BENCH_SECONDS and the
 * server reports its own process.cpuUsage() delta, so the figure does not depend on how fast the client is.
 * BENCH_PROFILE=1 also writes a V8 CPU profile per server into bench/results/.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SCENARIOS } from './scenarios.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const variants = (process.argv[2] ?? 'bare,default').split(',');
const pick = process.argv[3] ?? 'GET';
const scenario = SCENARIOS.find((s) => s.name.includes(pick))!;
const serverFile = fileURLToPath(new URL('./server.ts', import.meta.url));
const profDir = fileURLToPath(new URL('../results/', import.meta.url));

function start(variant: string): Promise<{ child: ChildProcess; port: number }> {
  const execArgv = ['--import', 'tsx', ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profDir}${variant}`] : [])];
  return new Promise((resolve, reject) => {
    const child = fork(serverFile, [variant, '0'], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { ready?: number }) => (m.ready ? resolve({ child, port: m.ready }) : reject(new Error('no port'))));
    child.once('exit', (code) => reject(new Error(`server ${variant} exited ${code}`)));
  });
}

function cpu(child: ChildProcess): Promise<{ user: number; system: number }> {
  return new Promise((resolve) => { child.once('message', (m: { cpu: { user: number; system: number } }) => resolve(m.cpu)); child.send('cpu'); });
}

for (const v of variants) {
  const { child, port } = await start(v);
  const run = (duration: number) => autocannon({
    url: `http://127.0.0.1:${port}${scenario.path}`, method: scenario.method, headers: { ...scenario.headers },
    ...(scenario.body !== undefined ? { body: scenario.body } : {}), connections: 20, duration,
  });
  await run(2); // warm-up
  const c0 = await cpu(child);
  const r = await run(seconds);
  const c1 = await cpu(child);
  const user = c1.user - c0.user; const system = c1.system - c0.system;
  const n = r.requests.total;
  console.log(`${scenario.name} ${v.padEnd(10)} ${String(Math.round(r.requests.average)).padStart(6)} req/s  server CPU ${((user + system) / n).toFixed(1)} µs/req (user ${(user / n).toFixed(1)}, sys ${(system / n).toFixed(1)})`);
  child.removeAllListeners('exit');
  await new Promise((res) => { child.once('exit', res); child.disconnect(); });
}
