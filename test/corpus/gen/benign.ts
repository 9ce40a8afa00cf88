/**
 * Benign corpus generator: browser page loads with real header sets, REST/JSON and GraphQL calls, forms (login,
 * registration with symbol-heavy passwords, checkout), multilingual searches, SQL-ish English, markdown posts,
 * uploads, OAuth flows, analytics cookies, JWTs. Deterministic (seeded PRNG).
 */
import { apiHeaders, browserHeaders, enc, formBody, formEnc, multipart, pick, rng, type CorpusRequest } from './lib.js';

const r = rng(0xb3e1);
const out: CorpusRequest[] = [];
let n = 0;

function add(cls: string, req: Omit<CorpusRequest, 'id' | 'class'>): void {
  n++;
  out.push({ id: `benign-${String(n).padStart(3, '0')}`, class: cls, ...req });
}

const COOKIES = [
  '_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700100000; _gat_gtag_UA_123456_1=1',
  '_ga=GA1.1.555.1699999999; _ga_ABC123XYZ=GS1.1.1700000000.3.1.1700000500.0.0.0; _fbp=fb.1.1700000000000.1234567890',
  'session=s%3AkP9x2LrA7yQ.8d1f2c3b4a5e6d7c8b9a0f1e2d3c4b5a6978; csrftoken=Yx2bT9kLm3Qp8Rw1; theme=dark',
  'OptanonConsent=isGpcEnabled=0&datestamp=Mon+Nov+20+2023+10%3A00%3A00+GMT%2B0100+(Central+European+Standard+Time)&version=202310.1.0&isIABGlobal=false&hosts=&consentId=3f2a&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A0%2CC0004%3A0; OptanonAlertBoxClosed=2023-11-20T09:00:00.000Z',
  '_gcl_au=1.1.1234567890.1700000000; _hjSessionUser_123=eyJpZCI6IjEyMzQiLCJjcmVhdGVkIjoxNzAwMDAwMDAwMDAwLCJleGlzdGluZyI6dHJ1ZX0=; __stripe_mid=5f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
  'cart=%7B%22items%22%3A%5B%7B%22sku%22%3A%22A-100%22%2C%22qty%22%3A2%7D%5D%7D; currency=EUR; lang=fr',
  'ajs_anonymous_id=%22e3b0c442-98fc-1c14-9afb-f4c8996fb924%22; ajs_user_id=%2212345%22; intercom-id-abc=1f2e3d4c-5b6a',
  'connect.sid=s%3A6nB2qYz1.ZkE1%2Bq%2F9x4%2B2Lk; remember_me=true; last_visit=2024-05-12T18%3A22%3A01Z',
  'PHPSESSID=9a8b7c6d5e4f3a2b1c0d; wordpress_test_cookie=WP%20Cookie%20check; wp-settings-time-1=1700000000',
  'JSESSIONID=1A2B3C4D5E6F7A8B9C0D1E2F3A4B5C6D; AWSALB=abc123/def456+ghi789==; AWSALBCORS=abc123/def456+ghi789==',
];

const REFERERS = [
  'https://www.google.com/', 'https://www.google.com/search?q=best+running+shoes+2024&oq=best+running&sourceid=chrome&ie=UTF-8',
  'https://www.bing.com/search?q=o%27brien+bakery+hours&form=QBLH', 'https://duckduckgo.com/?q=union+station+parking&ia=web',
  'https://shop.example.com/cart?step=2&coupon=SAVE10', 'https://t.co/AbC123xYz', 'https://www.facebook.com/', 'https://news.ycombinator.com/item?id=40000000',
  'https://shop.example.com/search?q=select+a+plan&page=2',
];

function page(path: string, note: string, extra: Record<string, string> = {}): void {
  const h = browserHeaders(r, { cookie: pick(r, COOKIES), referer: pick(r, REFERERS), ...extra });
  add('page', { method: 'GET', url: path, headers: h, note });
}

// ---------------------------------------------------------------- page loads and assets
for (const p of [
  '/', '/products', '/products/12345', '/products/12345/reviews?page=2&sort=newest', '/blog/2024/05/how-we-scaled-postgres', '/about-us',
  '/category/mens-shoes?size=42&color=black&price_min=50&price_max=150', '/static/js/app.3f2a1b9c.js', '/static/css/main.8c7d6e5f.css',
  '/images/logo@2x.png', '/favicon.ico', '/robots.txt', '/sitemap.xml', '/.well-known/security.txt', '/.well-known/openid-configuration',
  '/fonts/inter-var.woff2', '/docs/getting-started', '/docs/api/v2/reference#authentication', '/help/faq?topic=returns', '/careers/senior-engineer-berlin',
  '/downloads/report-2024.pdf', '/downloads/annual_report_2023-final.pdf', '/media/videos/intro-720p.mp4', '/users/sam', '/api/credentials-help',
  '/en-gb/stores/london-oxford-street', '/products/caf%C3%A9-au-lait-mug', '/tag/c%2B%2B', '/search/node.js', '/wiki/Main_Page', '/p/123/comments/456',
  '/static/js/vendor.js.map', '/manifest.webmanifest', '/service-worker.js', '/checkout/success?order=A-10023', '/account/orders/2024-000123',
  '/events/2024-06-01/union-station-meetup', '/legal/terms-and-conditions', '/legal/privacy', '/cart', '/wishlist', '/compare?ids=1,2,3',
  '/catalog/select-plans', '/how-to/drop-shipping-guide', '/recipes/chicken-and-rice', '/shows/tom-and-jerry', '/releases/v2.3.1',
]) page(p, 'page load');

// ---------------------------------------------------------------- search queries (many languages, SQL-ish English)
const QUERIES = [
  'select a plan', 'drop by tomorrow', 'union station', "O'Brien", "D'Angelo's pizza", 'rock & roll', 'Q&A', 'AT&T phone plans', 'salt & pepper',
  'tom & jerry', 'dog & cat food', '1+1=2', 'what is 2*3?', 'where is my order?', 'delete my account', 'how to update my address', 'insert coin',
  'select all that apply', 'from 9 to 5', 'C# vs Java', '5\'10" height', "it's 50% off", '$19.99 deals', 'email me at jane.doe@example.com',
  'union jack flag', 'drop table lamp', 'order by price', 'group by category', 'create account', 'alter ego', 'exec summary template',
  'Name | ID | Email', 'DVD & CD -50%', 'Eat; sleep 8 hours', 'cat 5 ethernet cable', 'id card holder', 'ls 1 engine', 'ping pong table',
  'node.js tutorial', 'javascript: the good parts', 'sleep apnea', 'where 2 buy', 'null and void', 'true or false quiz', 'if then else',
  'café crème', 'crème brûlée recette', 'l\'été à Paris', 'aujourd\'hui', 'Straße in München', 'Größe 42 Schuhe', '¿dónde está el baño?',
  'niño y niña', '東京 ホテル 予約', '北京烤鸭 做法', 'Москва погода', 'مرحبا بالعالم', 'हिंदी समाचार', 'Ελληνικά μαθήματα', '서울 맛집',
  'emoji 😀 party 🎉', 'São Paulo — voos baratos', 'Zürich «Altstadt»', 'naïve coöperation', 'résumé tips', 'prices < $50', 'size > 10',
  'a <= b', 'x != y', 'he said "hello" -- then left', 'wait... what?', 'and/or', 'either/or', 'w/ friends', 'half-price (today only)',
  '#1 best seller', '@home furniture', '100% cotton', 'key=value', 'a=b&c=d', 'path/to/file', 'hello world', 'foo bar baz', 'user@host',
  'The Union will select a new leader from the members', 'Please drop the package at the front desk; thanks', 'Updates & more: see below',
  "Bob's burgers", "Rock 'n' roll", '"exact phrase"', "it's 'quoted' text", 'online = yes', 'one=1', 'set up wifi', 'type c charger',
  'more or less', 'kill bill', 'head & shoulders shampoo', 'tail light', 'find my phone', 'env variables explained', 'bash birthday party',
  'curl hair tips', 'wget vs curl', 'echo dot', 'sudo meaning', 'date night ideas', 'who am i', 'whoami meaning', 'python course',
];
QUERIES.forEach((q, i) => {
  if (i % 3 === 0) page(`/search?q=${formEnc(q)}`, 'search (form-encoded)');
  else if (i % 3 === 1) page(`/search?q=${enc(q)}&page=1&lang=${pick(r, ['en', 'fr', 'de', 'ja'])}`, 'search');
  else add('search', { method: 'GET', url: `/api/search?query=${enc(q)}&limit=20`, headers: apiHeaders(r), note: 'search API' });
});

// ---------------------------------------------------------------- forms: login, registration, contact, checkout
const SYMBOLS = '!@#$%^&*()-_=+[]{};:,.<>/?~|';
function password(): string {
  const chars = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789' + SYMBOLS;
  let p = '';
  const len = 12 + Math.floor(r() * 10);
  for (let i = 0; i < len; i++) p += chars[Math.floor(r() * chars.length)]!;
  return p;
}
const NAMES = ["Siobhan O'Brien", "Marco D'Angelo", 'José Álvarez', 'Zoë Müller', 'Nguyễn Văn An', '李小龙', 'Anne-Marie Smith-Jones', "Sinéad O'Connor", 'Jean-Luc Picard', 'Ólafur Arnalds'];
const ADDRESSES = ['123 Main St. Apt #4B', '10 Downing Street, London SW1A 2AA', 'Rue de l\'Église 5, 1000 Bruxelles', 'Hauptstraße 12/3, 10115 Berlin', 'P.O. Box 1234; Suite 100', '1600 Pennsylvania Ave NW, Washington, DC 20500', '742 Evergreen Terrace (rear entrance)'];
for (let i = 0; i < 30; i++) {
  add('form', {
    method: 'POST', url: '/login',
    headers: browserHeaders(r, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://shop.example.com', referer: 'https://shop.example.com/login', cookie: pick(r, COOKIES) }),
    body: formBody({ email: `user${i}@example.com`, password: password(), remember: 'on', csrf_token: 'Ab9xK2mP7qL4wZ8n' }), note: 'login form with a random strong password',
  });
}
for (let i = 0; i < 15; i++) {
  const name = pick(r, NAMES);
  add('form', {
    method: 'POST', url: '/register',
    headers: browserHeaders(r, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://shop.example.com' }),
    body: formBody({ full_name: name, email: `new${i}@example.org`, password: password(), password_confirm: 'same-as-above', phone: '+1 (555) 123-4567', address: pick(r, ADDRESSES), company: pick(r, ['Smith & Sons, Inc.', 'Müller GmbH & Co. KG', "Bob's Burgers LLC", 'AT&T', 'Procter & Gamble']), terms: 'accepted' }),
    note: 'registration form',
  });
}
const MESSAGES = [
  "Hi, I ordered a lamp last week (order #A-10023) but it hasn't arrived yet. Could you check? Thanks, Siobhan O'Brien",
  'Hello!\r\nI want to return the shoes; they are too small. What is the process?\r\n\r\nBest regards,\r\nMarco',
  "Great product -- would buy again. 5/5 stars! Only issue: the box was damaged & the manual was missing.",
  'Can I select a different plan from next month? I would like to drop the premium add-on and update my billing address.',
  "Quick question: is the price $19.99 or €19.99? The page says \"from $19.99*\" and I'm confused.",
  'Bonjour, je voudrais savoir si la livraison est gratuite à partir de 50 €. Merci d\'avance !',
  'Guten Tag, meine Bestellung (Nr. 2024-000123) ist beschädigt angekommen. Können Sie mir bitte helfen?',
  '注文した商品がまだ届いていません。確認していただけますか？よろしくお願いします。',
  'Where is the union station store located? Is it open on Sundays & holidays?',
  'My son (age 5) loves the dinosaur set!!! Any plans for a T-Rex 2.0? :)',
  "I tried 1+1=2 in your calculator app and it says 11... is this a bug? Steps: open app -> type 1+1 -> press '='.",
  'Location: Paris\nDate: 12/05/2024\nIssue: the zipper broke after one use.',
  'Name | Size | Qty\nT-shirt | M | 2\nHoodie | L | 1',
];
MESSAGES.forEach((m, i) => add('form', {
  method: 'POST', url: '/contact',
  headers: browserHeaders(r, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://shop.example.com', cookie: pick(r, COOKIES) }),
  body: formBody({ name: pick(r, NAMES), email: `c${i}@example.net`, subject: pick(r, ['Order question', 'Return', 'Feedback', 'Hello']), message: m }),
  note: 'contact form with prose',
}));
for (let i = 0; i < 10; i++) {
  add('form', {
    method: 'POST', url: '/checkout',
    headers: browserHeaders(r, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://shop.example.com', cookie: pick(r, COOKIES) }),
    body: formBody({ first_name: pick(r, ['Anne', 'Bob', 'Chloé', 'Dmitri']), last_name: pick(r, ["O'Brien", "D'Angelo", 'Smith-Jones', 'van der Berg']), address1: pick(r, ADDRESSES), city: pick(r, ['New York', 'Zürich', 'São Paulo', 'Köln']), zip: '10001', country: pick(r, ['US', 'CH', 'BR', 'DE']), coupon: pick(r, ['SAVE20', '', 'WELCOME-10', 'BLACK_FRIDAY']), notes: pick(r, ['Leave at the door; ring twice', 'Gift wrap please!', 'Call before delivery (after 6pm)', '']), total: '129.99', currency: 'USD' }),
    note: 'checkout form',
  });
}

// ---------------------------------------------------------------- REST JSON APIs
const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjEyMyJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUgRG9lIiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDAsInNjb3BlIjoicmVhZDpvcmRlcnMgd3JpdGU6Y2FydCJ9.kZ8vJ3mQ1xL0nR2pT5wY7aB9cD4eF6gH8iJ0kL2mN4oP6qR8sT0uV2wX4yZ6aB8cD0eF2gH4iJ6kL8mN0oP2q';
function api(method: string, url: string, body: unknown, note: string): void {
  const h = apiHeaders(r, { authorization: `Bearer ${JWT}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) });
  add('api', { method, url, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), note });
}
for (let i = 0; i < 12; i++) {
  api('GET', `/api/v2/orders?status=${pick(r, ['open', 'shipped', 'delivered'])}&page=${i}&per_page=25&sort=-created_at`, undefined, 'list orders');
  api('GET', `/api/v2/products/${1000 + i}?include=variants,images&fields[product]=name,price`, undefined, 'get product');
  api('POST', '/api/v2/cart/items', { sku: `SKU-${i}-BLK-42`, quantity: 1 + (i % 3), options: { color: 'black', size: '42' }, gift: i % 2 === 0, note: i % 2 ? "For my dad's birthday" : null }, 'add to cart');
  api('PATCH', `/api/v2/users/${500 + i}`, { displayName: pick(r, NAMES), bio: pick(r, ['Coffee lover ☕ & amateur photographer.', 'Dad. Runner. Builder of things (mostly broken).', 'Select your own adventure!', "I'm a union electrician from Chicago.", '']), preferences: { newsletter: true, theme: 'dark', language: pick(r, ['en', 'fr-CA', 'pt-BR']) }, links: ['https://github.com/example', 'https://example.com/about?ref=profile'] }, 'update profile');
  api('POST', '/api/v2/events', { type: 'page_view', ts: 1700000000000 + i * 1000, url: 'https://shop.example.com/products/123?utm_source=newsletter&utm_medium=email', referrer: 'https://www.google.com/', viewport: { w: 1440, h: 900 }, sessionId: `s-${i}-abc` }, 'analytics event');
}
api('POST', '/api/v2/orders', { items: [{ sku: 'A-1', qty: 2, price: 19.99 }, { sku: 'B-2', qty: 1, price: 5 }], shipping: { name: "Siobhan O'Brien", line1: '123 Main St. Apt #4B', city: 'Dublin', postcode: 'D02 X285' }, payment: { method: 'card', token: 'tok_1NAbCdEfGhIjKlMn' }, total: '$44.98' }, 'create order');
api('PUT', '/api/v2/settings', { webhookUrl: 'https://hooks.example.com/portcullis/abc123', retries: 3, events: ['order.created', 'order.paid'], headers: { 'X-Signature': 'sha256=abc' } }, 'settings with public webhook URL');
api('POST', '/api/v2/search', { query: 'select a plan', filters: { price: { min: 10, max: 100 }, tags: ['union', 'drop', 'update'] }, sort: [{ field: 'price', order: 'asc' }] }, 'search API with SQL-ish words');
api('POST', '/api/v2/schema', { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: 'https://example.com/product.schema.json', type: 'object', properties: { price: { type: 'number' } } }, 'JSON schema with $schema/$id');
api('POST', '/api/v2/notes', { title: 'Meeting notes 2024-05-12', body: 'Agenda:\n1. Budget (Q3)\n2. Hiring -- 2 roles\n3. Misc.\n\nAction items: Bob -> update the roadmap; Alice -> select vendors.', pinned: false }, 'notes with newlines');
api('POST', '/api/v2/translate', { text: 'Wie geht es dir? Ça va bien, merci ! お元気ですか？', from: 'auto', to: 'en' }, 'translation API UTF-8');
api('POST', '/api/v2/images', { name: 'avatar.png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' }, 'base64 image upload');
api('DELETE', '/api/v2/cart/items/SKU-1-BLK-42', undefined, 'remove cart item');
api('GET', '/api/v2/geo?lat=48.8566&lng=2.3522&radius=5km', undefined, 'geo query');
api('GET', '/api/v2/reports?from=2024-01-01T00:00:00Z&to=2024-03-31T23:59:59Z&tz=Europe%2FBerlin', undefined, 'report date range');

// ---------------------------------------------------------------- GraphQL
const GQL = [
  { query: 'query GetUser($id: ID!) { user(id: $id) { id name email orders(first: 10) { edges { node { id total } } } } }', variables: { id: '123' } },
  { query: 'mutation AddToCart($input: AddToCartInput!) { addToCart(input: $input) { cart { id itemCount } errors { field message } } }', variables: { input: { sku: 'A-1', quantity: 2 } } },
  { query: '{ products(filter: {category: "shoes", priceLt: 100}, orderBy: PRICE_ASC) { name price } }' },
  { query: 'query Search($q: String!) { search(q: $q) { ... on Product { name } ... on Article { title } } }', variables: { q: "O'Brien & Sons" } },
  { query: 'mutation { updateProfile(bio: "Select a plan; drop by anytime!") { ok } }', operationName: null },
  { query: 'query { __typename viewer { login } }' },
];
GQL.forEach((g) => api('POST', '/graphql', g, 'GraphQL'));

// ---------------------------------------------------------------- markdown blog posts
const MARKDOWN = [
  '# How we cut our build time in half\n\nLast quarter our CI took **25 minutes**. Here is what we changed:\n\n1. Cached `node_modules`\n2. Split tests into 4 shards\n3. Dropped the legacy E2E suite\n\n> "Measure first" -- our team motto\n\nSee [the docs](https://example.com/docs?section=ci&lang=en) for details.',
  '## Recipe: chicken & rice\n\n- 2 cups rice\n- 1 lb chicken (diced)\n- salt & pepper to taste\n\n*Tip:* let it rest for 5 min. Serves 4--6 people.',
  "## Release notes v2.3\n\n| Feature | Status |\n|---|---|\n| Dark mode | done |\n| Export to CSV | in progress |\n\nThanks to @jane and @o'brien for the reviews!",
  '### Why we chose PostgreSQL\n\nWe needed `JSONB`, window functions and solid tooling. The union of these requirements made the choice easy; we will select partitions by month.\n\n```\nSELECT id, total FROM orders WHERE created_at > now() - interval \'7 days\';\n```',
  '# Travel diary: Tōkyō\n\nDay 1 -- 東京タワー, then ramen in Shinjuku. Day 2: Asakusa & the Sumida river.\n\n![photo](https://cdn.example.com/img/tokyo-1.jpg "Tokyo")',
  '**Update (2024-05-12):** prices changed from $10 to $12/month. Old plans are grandfathered.\n\n_Questions?_ Email support@example.com.',
];
MARKDOWN.forEach((md, i) => {
  if (i % 2 === 0) api('POST', '/api/v2/posts', { title: md.split('\n')[0]!.replace(/^#+\s*/, ''), body: md, tags: ['engineering', 'blog'], draft: false }, 'markdown blog post (JSON)');
  else add('form', { method: 'POST', url: '/admin/posts/new', headers: browserHeaders(r, { 'content-type': 'application/x-www-form-urlencoded', cookie: pick(r, COOKIES) }), body: formBody({ title: `Post ${i}`, body: md, status: 'publish' }), note: 'markdown blog post (form)' });
});

// ---------------------------------------------------------------- uploads (multipart)
for (const [fname, type, content] of [
  ['report-2024.pdf', 'application/pdf', '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF'],
  ['avatar.png', 'image/png', 'PNG-binary-placeholder-IHDR-IDAT-IEND'],
  ['resume_Jean-Luc_Picard.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'PK-zip-placeholder'],
  ['holiday photo (1).jpg', 'image/jpeg', 'JFIF-placeholder'],
  ['data export 2024-05.csv', 'text/csv', 'id,name,email\n1,"O\'Brien, Siobhan",s@example.com\n2,"Müller, Zoë",z@example.de\n'],
  ['notes.txt', 'text/plain', 'Shopping list:\n- milk\n- eggs & bacon\n- select ripe avocados'],
  ['Übersicht_Q1.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'PK-zip-placeholder'],
  ['screenshot 2024-05-12 at 10.22.01.png', 'image/png', 'PNG-binary-placeholder'],
] as const) {
  const m = multipart({ title: `Upload ${fname}`, description: pick(r, ["My CV -- please review", 'Q1 numbers & charts', "Photo from O'Brien's party", 'Data export (UTF-8)']) }, [{ name: 'file', filename: fname, type, content }]);
  add('upload', { method: 'POST', url: '/upload', headers: browserHeaders(r, { 'content-type': m.type, cookie: pick(r, COOKIES) }), body: m.body, note: 'multipart upload' });
}

// ---------------------------------------------------------------- OAuth / redirects / URLs in params
for (const u of [
  `/oauth/authorize?response_type=code&client_id=abc123&redirect_uri=${enc('https://app.example.com/callback')}&scope=${enc('openid profile email')}&state=xyZ123&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256`,
  '/oauth/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyZ123', `/login?next=${enc('/account/orders?page=2')}`, `/login?redirect=${enc('https://example.com/x')}`,
  `/out?url=${enc('https://www.wikipedia.org/wiki/Union_Station_(Washington,_D.C.)')}`, `/share?u=${enc('https://shop.example.com/products/123?ref=twitter&utm_campaign=spring')}`,
  `/auth/saml/acs?RelayState=${enc('https://app.example.com/dashboard')}`, `/embed?src=${enc('https://www.youtube.com/watch?v=dQw4w9WgXcQ')}&autoplay=0`,
  `/api/link-preview?url=${enc('https://github.com/nodejs/node/releases/tag/v20.0.0')}`, `/img?src=${enc('https://cdn.example.com/images/banner.jpg')}&w=800&q=75`,
  `/unsubscribe?token=${enc('eyJ1aWQiOjEyMywiY2lkIjo0NTZ9')}&email=${enc('jane+news@example.com')}`, '/track?event=click&target=%2Fproducts%2F123&ts=1700000000',
  `/feeds?rss=${enc('https://blog.example.org/feed.xml')}`, `/download?file=${enc('report-2024.pdf')}`, `/view?page=${enc('about')}`, `/docs?path=${enc('guides/setup.md')}`,
]) page(u, 'OAuth / redirect / URL param');

// ---------------------------------------------------------------- misc realistic requests
page('/products/123', 'HEAD-like page with If-None-Match', { 'if-none-match': 'W/"5e15153d-120f"', 'if-modified-since': 'Wed, 21 Oct 2015 07:28:00 GMT', 'cache-control': 'max-age=0' });
page('/', 'page with DNT and Save-Data', { dnt: '1', 'save-data': 'on', 'x-requested-with': 'XMLHttpRequest' });
add('api', { method: 'OPTIONS', url: '/api/v2/orders', headers: { host: 'api.example.com', origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization', 'user-agent': pick(r, ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36']) }, note: 'CORS preflight' });
add('api', { method: 'HEAD', url: '/health', headers: { host: 'api.example.com', 'user-agent': 'kube-probe/1.29' }, note: 'health check' });
add('api', { method: 'GET', url: '/api/v2/me', headers: apiHeaders(r, { authorization: `Bearer ${JWT}`, 'x-request-id': '7f3c2a10-4b5e-4d6f-9a8b-1c2d3e4f5a6b', 'x-forwarded-for': '203.0.113.10, 10.0.0.2', 'x-forwarded-proto': 'https' }), note: 'API with proxy headers' });
add('api', { method: 'POST', url: '/api/v2/webhooks/stripe', headers: { host: 'api.example.com', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'content-type': 'application/json; charset=utf-8', 'stripe-signature': 't=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd' }, body: JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', amount: 4498, currency: 'usd', metadata: { order: 'A-10023' } } } }), note: 'webhook from a payment provider' });
add('api', { method: 'GET', url: '/api/v2/products?q=%E2%82%AC50&currency=%E2%82%AC', headers: apiHeaders(r), note: 'euro sign' });
add('api', { method: 'POST', url: '/api/v2/comments', headers: apiHeaders(r, { 'content-type': 'text/plain;charset=UTF-8' }), body: 'Loved it!! 10/10 -- would recommend to anyone who likes rock & roll.', note: 'text/plain body' });
add('api', { method: 'POST', url: '/api/v2/bulk', headers: apiHeaders(r, { 'content-type': 'application/json' }), body: JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ id: i, name: `Item ${i}`, price: (i * 3.5).toFixed(2), tags: ['a', 'b'] }))), note: 'JSON array body' });
add('api', { method: 'PUT', url: '/api/v2/users/5/avatar', headers: apiHeaders(r, { 'content-type': 'application/octet-stream' }), body: 'binary-bytes-placeholder', note: 'binary PUT' });
add('api', { method: 'POST', url: '/api/v2/sql-notes', headers: apiHeaders(r, { 'content-type': 'application/json' }), body: JSON.stringify({ note: 'Remember to update the union of both sets, then select the top 10 from the result.' }), note: 'SQL-ish English in JSON' });
add('page', { method: 'GET', url: '/search?q=%F0%9F%98%80%20smile&sort=relevance', headers: browserHeaders(r, { cookie: pick(r, COOKIES) }), note: 'emoji search' });
add('page', { method: 'GET', url: '/products?price=%2419.99&discount=10%25', headers: browserHeaders(r), note: 'dollar and percent in args' });

for (let i = 0; i < 30; i++) {
  const cat = pick(r, ['shoes', 'shirts', 'kitchen', 'garden', 'toys', 'books', 'électronique', 'küche']);
  page(`/c/${enc(cat)}?page=${i + 1}&sort=${pick(r, ['price_asc', 'price_desc', 'newest', 'rating'])}&brand=${enc(pick(r, ['Nike', "Levi's", 'Dr. Martens', 'H&M', 'Procter & Gamble', 'Ben & Jerry\'s']))}&utm_source=${pick(r, ['google', 'newsletter', 'facebook'])}&utm_medium=cpc&gclid=Cj0KCQjw${i}abcDEF_ghi-JKL`, 'category page with tracking params');
}

const OPEN = ['Honestly,', 'Update:', 'Wow!', 'Meh.', 'So far so good:', "I can't believe it -", 'Pros & cons:', 'TL;DR:'];
const MIDDLE = [
  'the fit is great and the color matches the photos', 'shipping took 3-5 days (as promised)', "my wife's favorite; she uses it daily",
  'the union of style & comfort', 'select size up if you have wide feet', 'it dropped once and still works', 'price went from $49 to $39, nice',
  'instructions were in English, French & German', 'battery lasts ~10h; charging takes 2h', 'works with iOS 17 and Android 14',
];
const CLOSE = ['5/5 would buy again.', 'Recommended!', '3 stars -- ok for the price.', 'Returned it :(', 'Thanks, team!', '10/10 😀', 'N/A'];
for (let i = 0; i < 40; i++) {
  const text = `${pick(r, OPEN)} ${pick(r, MIDDLE)}; ${pick(r, MIDDLE)}. ${pick(r, CLOSE)}`;
  api('POST', `/api/v2/products/${2000 + i}/reviews`, { rating: 1 + (i % 5), title: pick(r, ['Great!', 'Not bad', "Don't buy", 'Love it', 'Select carefully']), text, author: pick(r, NAMES), verified: i % 3 !== 0 }, 'product review');
}

export const BENIGN = out;
