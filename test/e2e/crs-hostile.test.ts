/**
 * Hostile input against Express + Portcullis loaded with the full OWASP CRS, over real HTTP on 127.0.0.1.
 * Two server processes (crs-hostile-server.ts): blocking paranoia 1 and 4, both detecting at paranoia 4,
 * the PL4 one inspecting whole values up to 1 MiB. Every request must get a clean answer (2xx from the
 * app or a 4xx from the WAF / Node's parser) within a 20 s socket timeout, the servers must keep
 * answering, and their peak RSS must stay bounded (a 1 GiB gzip bomb is among the inputs).
 * Diagnostics: HOSTILE_DEBUG=1 logs status and RSS per case; HOSTILE_PROF=1 runs the servers with --prof.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zc, deflateSync, gzipSync } from 'node:zlib';
import { CRS_DIR } from '../helpers/crs.js';

const SERVER = fileURLToPath(new URL('./crs-hostile-server.ts', import.meta.url));
const ANSWER_TIMEOUT_MS = 20_000;
const MB = 1_000_000;
const MIB = 1024 * 1024;
/** Peak RSS growth allowed per server over its RSS when ready (CRS loaded). Inflating the bomb would be 1 GiB. */
const RSS_GROWTH_BOUND = 640 * MIB;

interface Stats { rss: number; maxRss: number; errors: string[]; blocked: number }
interface Server { name: string; child: ChildProcess; port: number; readyRss: number; exited: string | null }

function start(name: string, paranoia: number, maxValue: number): Promise<Server> {
  const child = fork(SERVER, [], {
    execArgv: ['--import', 'tsx', ...(process.env.HOSTILE_PROF ? ['--prof'] : [])],
    env: { ...process.env, CRS_DIR: CRS_DIR ?? '', PARANOIA: String(paranoia), MAX_VALUE: String(maxValue) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const s: Server = { name, child, port: 0, readyRss: 0, exited: null };
    child.on('message', (m: { ready?: number; rss?: number }) => {
      if (m.ready === undefined) return;
      s.port = m.ready;
      s.readyRss = m.rss ?? 0;
      resolve(s);
    });
    child.once('exit', (code, signal) => {
      s.exited = `exited with ${code ?? signal}`;
      reject(new Error(`${name} server ${s.exited}`));
    });
  });
}

function stats(s: Server): Promise<Stats> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { stats?: Stats }): void => {
      if (m.stats === undefined) return;
      s.child.off('message', onMessage);
      resolve(m.stats);
    };
    s.child.on('message', onMessage);
    if (!s.child.send('stats')) reject(new Error('IPC closed'));
  });
}

interface Raw {
  readonly method?: string;
  /** Request target, written as latin1 bytes (so raw high bytes go through unchanged). */
  readonly path?: string;
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: Buffer | string;
  /** Omit Content-Length (the body is then only sent when a transfer-encoding header says how). */
  readonly noLength?: boolean;
}

interface Answer { status: number; body: string }

/**
 * One request on its own connection (`Connection: close`), written byte for byte. Resolves with the status
 * and body once the server closes; rejects when nothing comes back within ANSWER_TIMEOUT_MS (a hang) or the
 * connection dies before a status line (a crash or an unclean refusal).
 */
function send(port: number, r: Raw): Promise<Answer> {
  const body = r.body === undefined ? Buffer.alloc(0) : typeof r.body === 'string' ? Buffer.from(r.body, 'latin1') : r.body;
  const lines = [`${r.method ?? (r.body === undefined ? 'GET' : 'POST')} ${r.path ?? '/'} HTTP/1.1`, 'Host: localhost', 'Connection: close'];
  for (const [k, v] of r.headers ?? []) lines.push(`${k}: ${v}`);
  if (r.body !== undefined && r.noLength !== true) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = net.connect(port, '127.0.0.1');
    const answer = (): Answer | null => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (m === null) return null;
      const sep = text.indexOf('\r\n\r\n');
      return { status: Number(m[1]), body: sep === -1 ? '' : text.slice(sep + 4, sep + 4 + 2000) };
    };
    const done = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const a = answer();
      if (a !== null) resolve(a);
      else reject(err ?? new Error('connection closed without a response'));
    };
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => done(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => done(null));
    socket.on('close', () => done(null));
    socket.on('error', (err) => done(err)); // EPIPE/ECONNRESET after an early answer: the answer counts
    socket.write(head);
    if (body.length > 0) socket.write(body);
  });
}

// ------------------------------------------------------------------------------------------------
// Inputs

const form = (body: Buffer | string): Raw => ({ body, headers: [['Content-Type', 'application/x-www-form-urlencoded']] });
const json = (body: Buffer | string): Raw => ({ body, headers: [['Content-Type', 'application/json']] });
const xml = (body: string, type = 'application/xml'): Raw => ({ body, headers: [['Content-Type', type]] });
const multipart = (body: string, boundary: string | null = 'XyZ'): Raw => ({
  body,
  headers: [['Content-Type', boundary === null ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary}`]],
});
const encoded = (encoding: string, body: Buffer, type = 'application/x-www-form-urlencoded'): Raw => ({
  body,
  headers: [['Content-Type', type], ['Content-Encoding', encoding]],
});
const pct = (s: string): string => [...Buffer.from(s, 'latin1')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const fill = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/** 1 GiB of zeros in about 1 MB: one 16 MiB gzip member, repeated (RFC 1952 allows concatenated members). */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(16 * MIB), { level: 9 });
  return Buffer.concat(Array.from({ length: 64 }, () => member));
}

/** NOTES.md §5.5 patterns: the repeated units measured worst for them (rx-cost-table.ts), 1 MB each. */
const REDOS_UNITS = ['\r', '\n', '<', '-', '\t', '|', '.', '/', '$', '(', ',', '`', '\'"', ' ', "'"];

const BILLION_LAUGHS = [
  '<?xml version="1.0"?>',
  '<!DOCTYPE lolz [',
  ' <!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
  ']>',
  '<lolz>&lol9;</lolz>',
].join('\n');

function multipartParts(n: number, boundary: string): string {
  const part = `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n`;
  return part.repeat(n) + `--${boundary}--\r\n`;
}

/** `expect`: the status both servers must answer, where the outcome does not depend on the paranoia level. */
interface Case { readonly name: string; readonly raw: () => Raw; readonly expect?: number }

const CASES: readonly Case[] = [
  // deep JSON
  { name: 'JSON object nested 10k levels', raw: () => json('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)), expect: 400 },
  { name: 'JSON array nested 10k levels', raw: () => json('['.repeat(10_000) + ']'.repeat(10_000)), expect: 400 },
  { name: 'JSON nested 10k levels, never closed', raw: () => json('[{"a":'.repeat(10_000)), expect: 400 },
  { name: 'JSON 100k-element flat array', raw: () => json(`[${Array.from({ length: 100_000 }, () => '1').join(',')}]`), expect: 400 },
  // brackets and argument counts
  { name: '1 MB of "a[" in a urlencoded body', raw: () => form('a['.repeat(MB / 2)) },
  { name: '1 MB of "a[" as a name with a value', raw: () => form('a['.repeat(MB / 2) + '=1') },
  { name: 'a name nested 300k levels deep (x[a][a]...)', raw: () => form('x' + '[a]'.repeat(300_000) + '=1') },
  { name: '50k distinct args', raw: () => form(Array.from({ length: 50_000 }, (_, i) => `a${i}=${i}`).join('&')), expect: 400 },
  { name: '50k args with the same name', raw: () => form('a=1&'.repeat(50_000)), expect: 400 },
  { name: '50k empty separators', raw: () => form('&'.repeat(50_000)) },
  { name: '3k args in the query string', raw: () => ({ path: '/?' + 'a=1&'.repeat(3_000) }), expect: 400 },
  // headers around Node's 16 KiB limit
  { name: '15 KB User-Agent of "("', raw: () => ({ headers: [['User-Agent', fill('(', 15_000)]] }) },
  { name: '15 KB Referer of quote pairs', raw: () => ({ headers: [['Referer', fill('\'"', 15_000)]] }) },
  { name: '1,000 headers', raw: () => ({ headers: Array.from({ length: 1_000 }, (_, i) => [`x-h${i}`, 'v'] as const) }) },
  { name: 'Cookie with 2,500 cookies', raw: () => ({ headers: [['Cookie', 'c=1; '.repeat(2_500)]] }) },
  { name: '15 KB header of tabs', raw: () => ({ headers: [['X-Tabs', `a${'\t'.repeat(15_000)}b`]] }) },
  { name: 'headers over the limit (17 KB)', raw: () => ({ headers: [['X-Big', fill('a', 17_000)]] }), expect: 431 },
  // broken UTF-8, overlong and odd encodings
  { name: 'raw invalid bytes in the path and query', raw: () => ({ path: '/\xff\xfe/\xc0\xaf?q=\x80\x81\xfe&\xff=1' }), expect: 400 },
  { name: 'overlong / surrogate / truncated %-encodings', raw: () => ({ path: '/%c0%af%e0%80%af%ed%a0%80%f8%88%80%80%80?q=%c0%ae%c0%ae%2f%e0%80%ae&r=%ff%&s=%zz%%%u&t=%uD800%uDC00%u002e' }) },
  { name: '%u encodings in a form body', raw: () => form('a=%u003cscript%u003e&b=%uFFFF%uD800&c=%u' + '%c0%bc'.repeat(10_000)) },
  { name: 'raw high bytes in header values', raw: () => ({ headers: [['User-Agent', '\xc0\xbc\xff\xfe\x80 Mozilla'], ['Referer', 'http://x/\xed\xa0\x80']] }) },
  { name: 'JSON with invalid UTF-8 and lone surrogates', raw: () => json(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc0, 0xaf, 0xff, 0xed, 0xa0, 0x80]), Buffer.from('","b":"\\ud800\\u0000","\\udfff":1}')])) },
  { name: '1 MB of overlong "/" in a value', raw: () => form('a=' + '%c0%af'.repeat(MB / 2)) },
  // multipart
  { name: 'multipart without the closing boundary', raw: () => multipart('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue'), expect: 400 },
  { name: 'multipart without a boundary parameter', raw: () => multipart('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--XyZ--\r\n', null), expect: 400 },
  { name: 'multipart with 50k parts', raw: () => multipart(multipartParts(50_000, 'XyZ')), expect: 400 },
  { name: 'multipart part without a header/body separator', raw: () => multipart('--XyZ\r\nContent-Disposition: form-data; name="a"\r\nvalue\r\n--XyZ--\r\n'), expect: 400 },
  { name: 'multipart with LF-only line ends and a 1 MB filename', raw: () => multipart(`--XyZ\nContent-Disposition: form-data; name="f"; filename="${fill('a', MB)}"\n\nx\n--XyZ--\n`), expect: 400 },
  { name: 'multipart with a 1 MB header line', raw: () => multipart(`--XyZ\r\nX-H: ${fill('(', MB)}\r\n\r\nx\r\n--XyZ--\r\n`), expect: 400 },
  { name: 'multipart boundary repeated 100k times', raw: () => multipart('--XyZ\r\n'.repeat(100_000)), expect: 400 },
  // XML
  { name: 'XML billion laughs', raw: () => xml(BILLION_LAUGHS) },
  { name: 'XML external entity', raw: () => xml('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>') },
  { name: 'XML parameter entities', raw: () => xml('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p "<!ENTITY e \'x\'>"> %p;]><r>&e;</r>', 'text/xml') },
  { name: 'XML nested 10k levels', raw: () => xml('<a>'.repeat(10_000) + '</a>'.repeat(10_000)), expect: 400 },
  { name: 'XML never closed', raw: () => xml('<?xml version="1.0"?><a b="' + fill('<', 100_000)), expect: 400 },
  { name: 'XML with 50k attributes', raw: () => xml(`<a ${Array.from({ length: 50_000 }, (_, i) => `x${i}="1"`).join(' ')}/>`), expect: 400 },
  // compression
  { name: 'gzip bomb: 1 GiB of zeros in ~1 MB', raw: () => encoded('gzip', gzipBomb()), expect: 413 },
  { name: 'deflate bomb: 64 MiB of "a"', raw: () => encoded('deflate', deflateSync(Buffer.alloc(64 * MIB, 0x61), { level: 9 })), expect: 413 },
  { name: 'brotli bomb: 64 MiB of "a"', raw: () => encoded('br', brotliCompressSync(Buffer.alloc(64 * MIB, 0x61), { params: { [zc.BROTLI_PARAM_QUALITY]: 4 } })), expect: 413 },
  { name: 'gzip inside gzip', raw: () => encoded('gzip, gzip', gzipSync(gzipSync(Buffer.alloc(64 * MIB)))), expect: 413 },
  { name: 'truncated gzip stream', raw: () => encoded('gzip', gzipSync(Buffer.from('a=1&'.repeat(1000))).subarray(0, 40)) },
  { name: 'gzip header on a plain body', raw: () => encoded('gzip', Buffer.from('a=1')) },
  { name: 'unknown content-encoding', raw: () => encoded('x-bomb', Buffer.from('a=1')) },
  { name: 'chunked body with a bogus chunk size', raw: () => ({ body: '5\r\na=1&b\r\nzzzzzzzz\r\n', noLength: true, headers: [['Content-Type', 'application/x-www-form-urlencoded'], ['Transfer-Encoding', 'chunked']] }), expect: 400 },
];

/** One 1 MB value per unit, urlencoded (so the PL4 server, inspecting 1 MiB values, sees all of it). */
const REDOS_CASES: readonly Case[] = REDOS_UNITS.map((u) => ({
  name: `1 MB value of ${JSON.stringify(u)}`,
  raw: () => form('v=' + pct(fill(u, MB))),
}));

// ------------------------------------------------------------------------------------------------

const crs = CRS_DIR;
describe('hostile input against full OWASP CRS (PL1 and PL4, detection paranoia 4)', { skip: crs ? false : 'CRS not found', timeout: 90_000 }, () => {
  let servers: Server[] = [];

  before(async () => {
    servers = await Promise.all([start('PL1', 1, 65_536), start('PL4', 4, MIB)]);
  });

  after(() => {
    // A server stuck in a loop would not exit on disconnect: kill it (it is our own child).
    for (const s of servers) if (s.exited === null) s.child.kill('SIGKILL');
  });

  async function each(name: string, raw: Raw, expect: number | undefined): Promise<void> {
    const answers = await Promise.all(servers.map(async (s) => {
      const a = await send(s.port, raw).catch((err: Error) => { throw new Error(`${s.name}: ${err.message}`); });
      return [s, a] as const;
    }));
    for (const [s, a] of answers) {
      assert.ok((a.status >= 200 && a.status < 300) || (a.status >= 400 && a.status < 500), `${s.name}: status ${a.status} ${a.body.slice(0, 200)}`);
      if (expect !== undefined) assert.equal(a.status, expect, `${s.name}: ${a.body.slice(0, 200)}`);
      const health = await send(s.port, { path: '/health' });
      assert.equal(health.status, 200, `${s.name} does not answer afterwards`);
      if (process.env.HOSTILE_DEBUG) { const st = await stats(s); console.log(name, s.name, a.status, (st.rss / MIB).toFixed(0), (st.maxRss / MIB).toFixed(0)); }
    }
  }

  for (const c of [...CASES, ...REDOS_CASES]) {
    it(c.name, async () => { await each(c.name, c.raw(), c.expect); });
  }

  it('no internal failure was reported (fail-open \'error\' events)', async () => {
    for (const s of servers) {
      const st = await stats(s);
      assert.deepEqual(st.errors, [], `${s.name}: 'error' events`);
    }
  });

  it('peak RSS stayed bounded and both servers still answer', async () => {
    for (const s of servers) {
      assert.equal(s.exited, null);
      const st = await stats(s);
      const growth = st.maxRss - s.readyRss;
      assert.ok(growth < RSS_GROWTH_BOUND, `${s.name}: peak RSS grew by ${(growth / MIB).toFixed(0)} MiB`);
      assert.equal((await send(s.port, { path: '/health' })).status, 200);
    }
  });
});
