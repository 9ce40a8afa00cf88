/**
 * Request scenarios shared by the HTTP benchmark (bench/http/run.ts) and the in-process micro benchmark
 * (bench/micro/engine.ts). Add a row to SCENARIOS to measure a new request shape; the server
 * (bench/http/server.ts) must answer its path with a 2xx in every variant.
 */

export interface Scenario {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Per-measurement seconds multiplier for slow scenarios (default 1). */
  readonly weight?: number;
}

export const browserHeaders: Readonly<Record<string, string>> = {
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

/** A realistic checkout order, padded to at least 1 KB of JSON. */
export function orderJson(): string {
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
  let body = JSON.stringify(order);
  while (Buffer.byteLength(body) < 1024) {
    order.metadata.ab.push('variant-' + order.metadata.ab.length);
    body = JSON.stringify(order);
  }
  return body;
}

/**
 * About 1 MB of urlencoded form data (under the default 1 MiB body limit and 1000-argument limit) made of
 * near misses: SQL, shell, path and markup words in harmless prose, long runs that make backtracking
 * regexes work (`aaaa...!`, whitespace runs, repeated quotes and parens), and percent-encoded text.
 * It passes at paranoia level 1, so the whole body is inspected in both variants.
 */
export function hostileForm(targetBytes = 1_000_000): string {
  const fragments = [
    'Please pick a plan at the union station desk and drop by tomorrow',
    'sort by price, then by size; which is the "best" one?',
    'I tried 1 plus 2 in the calculator and it said 3 (odd)',
    'see ../docs and ./notes for details, e.g. C:\\Users\\me',
    '<b>bold</b> and <i>italic</i> are fine, alert me when the script is ready',
    'bags | boxes; chambers & halls',
    "O'Brien's \"quoted\" text with `ticks` and ((((nested)))) parens",
    '100% natural, 50%+ off, #hashtag, @mention, $price {curly} [square]',
    'javascript is a language; data is a word; http is a protocol',
    'a'.repeat(3000) + '!',
    ' '.repeat(2000) + 'x',
    '\'"'.repeat(800),
    '((('.repeat(700) + 'a',
    'café, naïve, façade — “smart quotes” … ',
    '{{ not a template }} and { curly } text',
  ];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < targetBytes && parts.length < 900; i++) {
    const v = fragments[i % fragments.length]!;
    let enc = '';
    while (enc.length < 2200) enc += encodeURIComponent(v + ' ');
    const part = `field${i}=${enc}`;
    parts.push(part);
    size += part.length + 1;
  }
  let body = parts.join('&');
  if (body.length > targetBytes) body = body.slice(0, body.lastIndexOf('&', targetBytes));
  return body;
}

const order = orderJson();
const hostile = hostileForm();

export const SCENARIOS: readonly Scenario[] = [
  { name: 'GET, 10 browser headers', method: 'GET', path: '/products?q=trail+shoes&size=42', headers: browserHeaders },
  { name: 'POST, 1 KB JSON', method: 'POST', path: '/api/orders', headers: { ...browserHeaders, 'content-type': 'application/json' }, body: order },
  {
    name: 'POST, 1 MB hostile form', method: 'POST', path: '/api/bulk',
    headers: { ...browserHeaders, 'content-type': 'application/x-www-form-urlencoded' }, body: hostile, weight: 1,
  },
];
