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

const n = Number(process.argv[2] ?? 2000);
const rounds = Math.max(1, Number(process.argv[3] ?? 5));
const crs = process.env.PORTCULLIS_CRS_DIR ?? fileURLToPath(new URL('../../../shared/crs', import.meta.url));
const headers = {
  host: '127.0.0.1',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-language': 'en-GB,en;q=0.9,fr;q=0.8',
  'accept-encoding': 'gzip, deflate, br',
  referer: 'https://shop.example.com/category/shoes?page=2&sort=price',
  cookie: '_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; session=eyJhbGciOiJIUzI1NiJ9.eyJ1IjoxfQ.abc123',
};
const order = JSON.stringify({
  customer: { id: 'c_81723', name: "Siobhán O'Brien", email: 'siobhan.obrien@example.com' },
  items: Array.from({ length: 8 }, (_, i) => ({ sku: `SKU-${i}`, qty: i + 1, title: `Item number ${i} & co` })),
  giftMessage: 'Happy birthday! Select a plan for the marathon & go for it :)',
});
const requests: [string, RequestLike][] = [
  ['GET, browser headers', { method: 'GET', url: '/products?q=trail+shoes&size=42', headers }],
  ['POST, JSON', { method: 'POST', url: '/api/orders', headers: { ...headers, 'content-type': 'application/json' }, body: order }],
];

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
    console.log(`${name.padEnd(24)}${label.padEnd(10)}${us.toFixed(1).padStart(8)} µs/request (median of ${rounds}, min ${times[0]!.toFixed(1)})  action=${r.action} matches=${r.matches.map((m) => m.id).join(',') || '-'}`);
  }
}
await waf.close();
await plain.close();
