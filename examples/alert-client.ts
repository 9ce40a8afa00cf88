/**
 * A small alert stream client: subscribes to a Portcullis alert stream and prints each event.
 *
 *   PORTCULLIS_TOKEN=... npx tsx examples/alert-client.ts [ws://127.0.0.1:3000/_waf/alerts] [--severity critical] [--types alert,ban] [--replay 20]
 *
 * Reconnects with backoff when the connection drops. Message format: README, "Alert stream".
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    severity: { type: 'string' },
    types: { type: 'string' },
    tags: { type: 'string' },
    replay: { type: 'string', default: '10' },
  },
});
const base = positionals[0] ?? 'ws://127.0.0.1:3000/_waf/alerts';
const token = process.env.PORTCULLIS_TOKEN;
if (!token) {
  console.error('set PORTCULLIS_TOKEN (the demo prints it)');
  process.exit(2);
}

interface Message { v: number; type: string; seq?: number; data: Record<string, unknown> }

function describe(m: Message): string {
  const d = m.data;
  switch (m.type) {
    case 'alert':
    case 'block': {
      const matches = (d.matches as { id: number; message: string }[]).map((x) => `${x.id} ${x.message}`).join('; ');
      return `${String(d.action).toUpperCase()} ${d.method} ${d.url} from ${d.clientIp} score=${d.score}/${d.threshold} [${matches}]`;
    }
    case 'ban': return `BAN ${d.ip} by ${d.jail} for ${Math.round(Number(d.durationMs) / 1000)} s (${d.reason})`;
    case 'unban': return `UNBAN ${d.ip} (${d.reason})`;
    case 'ratelimit': return `429 ${d.method} ${d.url} from ${d.clientIp} (limit ${d.limit})`;
    case 'reload': return d.ok ? `RELOAD rules ${d.rulesVersion}` : `RELOAD rejected: ${(d.errors as string[]).join('; ')}`;
    case 'dropped': return `(${d.count} events dropped: this client was too slow)`;
    default: return JSON.stringify(d);
  }
}

let backoff = 500;
let stopping = false;
let current: WebSocket | undefined;

function connect(): void {
  const url = new URL(base);
  for (const k of ['severity', 'types', 'tags', 'replay'] as const) if (values[k]) url.searchParams.set(k, values[k]!);
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  current = ws;
  ws.on('unexpected-response', (_req, res) => {
    console.error(`refused: HTTP ${res.statusCode}`);
    stopping = res.statusCode === 401 || res.statusCode === 403;
  });
  ws.on('open', () => { backoff = 500; });
  ws.on('message', (raw) => {
    let m: Message;
    try { m = JSON.parse(raw.toString()) as Message; } catch { return; }
    if (m.v !== 1) return; // a future format: ignore rather than misread
    if (m.type === 'hello') {
      console.log(`connected to ${url.origin}${url.pathname}: mode ${m.data.mode}, paranoia ${m.data.paranoia}, rules ${m.data.rulesVersion}, replaying ${m.data.replay}`);
      return;
    }
    const time = typeof m.data.time === 'string' ? m.data.time.slice(11, 19) : '';
    console.log(`${time} ${describe(m)}`);
  });
  ws.on('error', (err) => console.error(`stream error: ${err.message}`));
  ws.on('close', (code) => {
    if (stopping) { process.exitCode = code === 1000 ? 0 : 1; return; }
    console.error(`disconnected (${code}); reconnecting in ${backoff} ms`);
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 30_000);
  });
}

process.on('SIGINT', () => { stopping = true; current?.close(1000); });
connect();
