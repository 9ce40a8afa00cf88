/**
 * `npm run bench`: throughput of Express + Portcullis as a ratio to bare Express, measured in the same run.
 * Each server runs in its own process; autocannon runs here against 127.0.0.1 only. Variants alternate
 * over several rounds and the median of each is compared, so drift on a shared machine affects both.
 *
 * Env: BENCH_SECONDS (per measurement, default 5), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 20).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const serverFile = fileURLToPath(new URL('./server.ts', import.meta.url));

const browserHeaders = {
  host: '127.0.0.1',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-language': 'en-GB,en;q=0.9,fr;q=0.8',
  'accept-encoding': 'gzip, deflate, br',
  referer: 'https://shop.example.com/category/shoes?page=2&sort=price',
  cookie: '_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; session=eyJhbGciOiJIUzI1NiJ9.eyJ1IjoxfQ.abc123',
  'sec-ch-ua': '"Chromium";v="126", "Not.A/Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"',
  'upgrade-insecure-requests': '1',
};

const order = {
  customer: { id: 'c_81723', name: "Siobhán O'Brien", email: 'siobhan.obrien@example.com', phone: '+353 1 555 0199' },
  shipping: { street: '12 Harbour View', city: 'Cork', postcode: 'T12 X7Y2', country: 'IE', notes: 'Leave at the back door, please - thanks!' },
  items: [
    { sku: 'SHOE-RED-42', qty: 1, price: 89.99, title: 'Trail runner, red (size 42)' },
    { sku: 'SOCK-WOOL-3', qty: 3, price: 12.5, title: 'Merino socks & liners' },
    { sku: 'CAP-BLK', qty: 1, price: 19, title: 'Cap — black' },
  ],
  coupon: 'AUTUMN-15', giftMessage: 'Happy birthday! Select a plan for the marathon & go for it :)',
  metadata: { source: 'web', campaign: 'newsletter_oct', ab: ['checkout-v2', 'free-ship'] },
};
let orderBody = JSON.stringify(order);
while (Buffer.byteLength(orderBody) < 1024) {
  order.metadata.ab.push('variant-' + order.metadata.ab.length);
  orderBody = JSON.stringify(order);
}

interface Scenario { name: string; method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string }
const scenarios: Scenario[] = [
  { name: 'GET, 10 browser headers', method: 'GET', path: '/products?q=trail+shoes&size=42', headers: browserHeaders },
  { name: 'POST, 1 KB JSON', method: 'POST', path: '/api/orders', headers: { ...browserHeaders, 'content-type': 'application/json' }, body: orderBody },
];
const variants = ['bare', 'default'] as const;

function start(variant: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(serverFile, [variant, '0'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m: { ready?: number }) => (m.ready ? resolve({ child, port: m.ready }) : reject(new Error('no port'))));
    child.once('exit', (code) => reject(new Error(`server ${variant} exited ${code}`)));
  });
}

async function measure(port: number, s: Scenario): Promise<number> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${s.path}`, method: s.method, headers: s.headers,
    ...(s.body !== undefined ? { body: s.body } : {}), connections, duration: seconds, pipelining: 1,
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
          (results[s.name]![v] ??= []).push(await measure(servers.get(v)!.port, s));
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
