/**
 * Per-request cost of OWASP CRS v4 at paranoia level 1, without HTTP: `waf.inspect()` on the two requests of
 * `npm run bench` (a browser GET and a 1 KB JSON POST), after a warm-up. Run with `--cpu-prof` to see where the
 * time goes:
 *
 *   npx tsx bench/micro/crs-pl1.ts [iterations] [rounds]
 *
 * Each line is the median of `rounds` rounds (default 5) of `iterations` requests (the machine is shared and
 * noisy: compare medians, and base and candidate trees run interleaved).
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/micro/crs-pl1.ts 3000
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portcullis, type RequestLike } from '../../src/index.js';
import { SCENARIOS } from '../http/scenarios.js';

const n = Number(process.argv[2] ?? 2000);
const rounds = Math.max(1, Number(process.argv[3] ?? 5));
const crs = process.env.PORTCULLIS_CRS_DIR ?? fileURLToPath(new URL('../../../shared/crs', import.meta.url));
// The GET and the JSON POST of `npm run bench` (bench/http/scenarios.ts): both benchmarks measure the same requests.
const requests: [string, RequestLike][] = SCENARIOS.filter((sc) => Buffer.byteLength(sc.body ?? '') < 65_536).map((sc) => [sc.name, {
  method: sc.method, url: sc.path,
  headers: sc.body === undefined ? sc.headers : { ...sc.headers, 'content-length': String(Buffer.byteLength(sc.body)) },
  ...(sc.body !== undefined ? { body: Buffer.from(sc.body) } : {}),
}]);

const t0 = performance.now();
const waf = portcullis({ paranoia: 1, rules: { defaults: false, seclang: [join(crs, 'crs-setup.conf.example'), join(crs, 'rules')] } });
console.log(`CRS loaded and compiled in ${(performance.now() - t0).toFixed(0)} ms`);
const plain = portcullis();
for (const [name, req] of requests) {
  for (const [label, w] of [['crs-pl1', waf], ['default', plain]] as const) {
    for (let i = 0; i < 200; i++) await w.inspect(req);
    const r = await w.inspect(req);
    const times: number[] = [];
    for (let k = 0; k < rounds; k++) {
      const start = performance.now();
      for (let i = 0; i < n; i++) await w.inspect(req);
      times.push(((performance.now() - start) * 1000) / n);
    }
    times.sort((a, b) => a - b);
    const us = times[(times.length - 1) >> 1]!;
    console.log(`${name.padEnd(28)}${label.padEnd(10)}${us.toFixed(1).padStart(8)} µs/request (median of ${rounds}, min ${times[0]!.toFixed(1)})  action=${r.action} matches=${r.matches.map((m) => m.id).join(',') || '-'}`);
  }
}
await waf.close();
await plain.close();
