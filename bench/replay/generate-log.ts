/**
 * Writes a synthetic access log in the combined format for `portcullis replay` benchmarks:
 * `npx tsx bench/replay/generate-log.ts <out-file> <lines> [attackPercent=5]`.
 * Benign traffic (pages, assets, searches, API calls with ordinary query strings) from many client IPs, with a share of
 * attack lines (SQLi, XSS, traversal, scanners) from fewer IPs. Deterministic (seeded), streamed to disk.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const [out, linesArg, attackArg] = process.argv.slice(2);
if (!out || !linesArg) {
  console.error('usage: generate-log.ts <out-file> <lines> [attackPercent=5]');
  process.exit(2);
}
const total = Number(linesArg);
const attackShare = Number(attackArg ?? 5) / 100;

let seed = 0x2545f491;
const rnd = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 0x100000000; };
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;

const words = ['shoes', 'red dress', 'laptop 15 inch', 'garden chair', "o'reilly books", 'coffee', 'select a plan', 'union station', 'drop shipping', 'script writing'];
const agents = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
];
const benign = [
  () => `/`, () => `/products/${Math.floor(rnd() * 5000)}`, () => `/static/app.${Math.floor(rnd() * 90)}.js`,
  () => `/search?q=${encodeURIComponent(pick(words))}&page=${1 + Math.floor(rnd() * 5)}`,
  () => `/api/items?limit=20&offset=${Math.floor(rnd() * 400)}&sort=price&order=asc`,
  () => `/account/orders/${Math.floor(rnd() * 1e6)}?ref=email&utm_source=newsletter&utm_campaign=spring`,
];
const attacks = [
  () => `/search?q=1'%20or%20'1'='1`, () => `/item?id=1%20union%20select%20password%20from%20users--`,
  () => `/?x=%3Cscript%3Ealert(document.cookie)%3C/script%3E`, () => `/download?file=../../../../etc/passwd`,
  () => `/?cmd=;cat%20/etc/shadow`, () => `/.env`, () => `/?url=http://169.254.169.254/latest/meta-data/`,
];
const stream = createWriteStream(out);
const month = ['Jan', 'Feb', 'Mar'];
for (let i = 0; i < total; i++) {
  const attack = rnd() < attackShare;
  const ip = attack ? `203.0.113.${Math.floor(rnd() * 20)}` : `10.${Math.floor(rnd() * 4)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`;
  const url = attack ? pick(attacks)() : pick(benign)();
  const ua = attack && rnd() < 0.3 ? 'sqlmap/1.7.2#stable (https://sqlmap.org)' : pick(agents);
  const t = `${String(1 + (i % 28)).padStart(2, '0')}/${pick(month)}/2026:${String(i % 24).padStart(2, '0')}:00:00 +0000`;
  const line = `${ip} - - [${t}] "GET ${url} HTTP/1.1" 200 ${Math.floor(rnd() * 50000)} "https://shop.test/" "${ua}"\n`;
  if (!stream.write(line)) await once(stream, 'drain');
}
stream.end();
await once(stream, 'finish');
