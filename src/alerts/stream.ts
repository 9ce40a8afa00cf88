/**
 * The live alert stream: a WebSocket endpoint on the app's own HTTP server that broadcasts the WAF's events.
 *
 * - Attaches with `noServer` + `handleUpgrade` to upgrades on its path only; other upgrade paths are left alone.
 * - Authenticated on upgrade (see auth.ts): a refused client gets a plain HTTP 401/403 and never a socket.
 * - Per-client filters (event types, minimum severity, tags) from the query string or a `subscribe` message.
 * - A bounded replay buffer of the last events, sent to clients that ask (`replay=N`).
 * - Alerts are sent as emitted, except that secret-named query values in `url` are redacted.
 * - Each event is serialised once (lazily, on first delivery) into one Buffer sent to every client.
 * - Backpressure: a client whose socket holds more than `maxBufferedBytes` unsent gets no events (they are
 *   dropped for it and counted, and it is told how many once it catches up); one stuck over the cap for
 *   `stuckTimeoutMs` is terminated. Memory per client is therefore bounded by the cap plus one message.
 * - Heartbeat: a ping every `heartbeatMs`; a client that did not answer the previous ping is terminated.
 *
 * Message format (version 1, JSON text frames), server → client:
 *   { "v": 1, "type": "hello", "data": { filter, replay, mode, paranoia, rulesVersion } }
 *   { "v": 1, "type": "alert" | "block", "seq": n, "data": Alert }
 *   { "v": 1, "type": "ban", "seq": n, "data": BanEvent }   (also unban, ratelimit, reload with their payloads)
 *   { "v": 1, "type": "subscribed", "data": { filter, replayed } }
 *   { "v": 1, "type": "dropped", "data": { count } }        events this client missed while it was too slow
 *   { "v": 1, "type": "error", "data": { message } }        a bad client message (the connection stays open)
 * client → server:
 *   { "type": "subscribe", "types"?: [...], "severity"?: "warning", "tags"?: [...], "replay"?: n }
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { PortcullisError } from '../errors.js';
import { onClose } from '../lifecycle.js';
import type { Portcullis } from '../portcullis.js';
import { intOption, optionsObject, pathOption } from './consumer-options.js';
import { createAuthenticator, type Authenticate, type Authenticator } from './auth.js';
import { redactAlertUrl } from './redact-request.js';
import { createRingBuffer } from './ring-buffer.js';
import { highestSeverity, severityRank } from './severity.js';
import { statsOf } from './stats.js';
import {
  DEFAULT_FILTER, describeFilter, parseFilter, passes, type EventFacts, type FilterInput, type StreamEventType, type StreamFilter,
} from './stream-filter.js';
import type { Alert } from './types.js';

/** Version of the stream's message format (the `v` of every message). */
export const STREAM_PROTOCOL_VERSION = 1;

export interface AlertStreamOptions {
  /** The app's HTTP(S) server (what `app.listen()` returns). */
  readonly server: Pick<HttpServer, 'on' | 'off'>;
  /** URL path of the stream. Default `/_waf/alerts`. */
  readonly path?: string;
  /** A token (at least 8 characters) or a callback `(req) => boolean | Promise<boolean>`. Required. */
  readonly authenticate: Authenticate;
  /** Browser origins other than the server's own that may connect (`*` for any). Default none. */
  readonly origins?: readonly string[];
  /** Events kept for replay to new subscribers. Default 200, max 10000 (0 disables replay). */
  readonly replay?: number;
  /** Unsent bytes a client may hold before events are dropped for it. Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** A client over `maxBufferedBytes` this long is terminated. Default 30000 ms. */
  readonly stuckTimeoutMs?: number;
  /** Ping interval; a client that misses a pong by the next ping is terminated. Default 30000 ms. */
  readonly heartbeatMs?: number;
  /** Concurrent clients; more get HTTP 503. Default 1000. */
  readonly maxClients?: number;
}

export interface AlertStream {
  readonly path: string;
  /** Clients connected now. */
  readonly clients: number;
  /** Events not delivered to some client because it was over its cap (summed over clients). */
  readonly dropped: number;
  /** The credential check this stream uses (the dashboard reuses it). */
  readonly authenticator: Authenticator;
  /** Stops listening, closes every client (1001) and waits for their sockets. Also run by `waf.close()`. */
  close(): Promise<void>;
}

interface Entry {
  readonly facts: EventFacts;
  readonly seq: number;
  readonly data: unknown;
  payload: Buffer | null;
}

interface Client {
  readonly ws: WebSocket;
  filter: StreamFilter;
  alive: boolean;
  /** Events dropped since the client was last told. */
  missed: number;
  /** When the client went over the cap (ms since epoch), 0 when under it. */
  overSince: number;
}

const KNOWN_KEYS = new Set(['server', 'path', 'authenticate', 'origins', 'replay', 'maxBufferedBytes', 'stuckTimeoutMs', 'heartbeatMs', 'maxClients']);
const MAX_INCOMING_BYTES = 16 * 1024;

function factsOf(type: StreamEventType, data: unknown): EventFacts {
  if (type !== 'alert' && type !== 'block') return { type, severity: -1, tags: [] };
  const alert = data as Alert;
  const tags: string[] = [];
  for (const m of alert.matches) for (const t of m.tags) if (!tags.includes(t)) tags.push(t);
  return { type, severity: severityRank(highestSeverity(alert)), tags };
}

function reject(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) { socket.destroy(); return; }
  const body = `${message}\n`;
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`);
}

function message(type: string, data: unknown): Buffer {
  return Buffer.from(JSON.stringify({ v: STREAM_PROTOCOL_VERSION, type, data }));
}

/**
 * Serves the WAF's events over WebSocket on `options.server` at `options.path`. See the module comment for the
 * message format. Closed by `stream.close()` or `waf.close()`.
 */
export function alertStream(waf: Portcullis, options: AlertStreamOptions): AlertStream {
  const o = optionsObject(options, 'alertStream', KNOWN_KEYS);
  const server = options.server;
  if (!server || typeof server.on !== 'function' || typeof server.off !== 'function') throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', 'option "server" must be the app\'s http.Server');
  const path = pathOption(o, 'path', '/_waf/alerts');
  const replaySize = intOption(o, 'replay', 0, 10_000, 200);
  const maxBuffered = intOption(o, 'maxBufferedBytes', 1024, 1024 * 1024 * 1024, 1024 * 1024);
  const stuckMs = intOption(o, 'stuckTimeoutMs', 100, 24 * 3600_000, 30_000);
  const heartbeatMs = intOption(o, 'heartbeatMs', 100, 24 * 3600_000, 30_000);
  const maxClients = intOption(o, 'maxClients', 1, 1_000_000, 1000);
  const fail = (err: Error): void => { if (waf.listenerCount('error') > 0) waf.emit('error', err); };
  const authenticator = createAuthenticator({ authenticate: options.authenticate, origins: options.origins, onError: fail });

  const stats = statsOf(waf);
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: MAX_INCOMING_BYTES, perMessageDeflate: false });
  const clients = new Set<Client>();
  const ring = createRingBuffer<Entry>(replaySize);
  let seq = 0;
  let dropped = 0;
  let closed = false;
  let closing: Promise<void> | null = null;

  const payloadOf = (e: Entry): Buffer => (e.payload ??= Buffer.from(JSON.stringify({ v: STREAM_PROTOCOL_VERSION, type: e.facts.type, seq: e.seq, data: e.data })));

  /** True when the client can take more now; counts a drop (and terminates a stuck client) otherwise. */
  function hasRoom(c: Client, now: number): boolean {
    if (c.ws.readyState !== WebSocket.OPEN) return false;
    if (c.ws.bufferedAmount <= maxBuffered) {
      if (c.overSince !== 0) c.overSince = 0;
      if (c.missed > 0) {
        const n = c.missed;
        c.missed = 0;
        c.ws.send(message('dropped', { count: n }), { binary: false });
      }
      return true;
    }
    c.missed++;
    dropped++;
    stats.streamDropped++;
    if (c.overSince === 0) c.overSince = now;
    else if (now - c.overSince > stuckMs) c.ws.terminate();
    return false;
  }

  function deliver(c: Client, e: Entry, now: number): void {
    if (!passes(c.filter, e.facts)) return;
    if (hasRoom(c, now)) c.ws.send(payloadOf(e), { binary: false });
  }

  function broadcast(type: StreamEventType, data: unknown): void {
    if (closed) return;
    const entry: Entry = { facts: factsOf(type, data), seq: ++seq, data, payload: null };
    ring.push(entry);
    if (clients.size === 0) return;
    const now = Date.now();
    for (const c of clients) deliver(c, entry, now);
  }

  /** The newest `n` buffered events that pass the client's filter, oldest first. */
  function replayable(c: Client, n: number): Entry[] {
    return n <= 0 ? [] : ring.last(ring.size).filter((e) => passes(c.filter, e.facts)).slice(-n);
  }

  function replayTo(c: Client, picked: readonly Entry[]): number {
    const now = Date.now();
    let sent = 0;
    for (const e of picked) {
      if (!hasRoom(c, now)) break;
      c.ws.send(payloadOf(e), { binary: false });
      sent++;
    }
    return sent;
  }

  /** Answers a client message; a client that sends but never reads is cut off instead of buffering replies. */
  function reply(c: Client, type: string, data: unknown): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (c.ws.bufferedAmount > maxBuffered) { c.ws.terminate(); return; }
    c.ws.send(message(type, data), { binary: false });
  }

  function onMessage(c: Client, raw: RawData, isBinary: boolean): void {
    let msg: unknown;
    try {
      if (isBinary) throw new Error('binary');
      msg = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : Buffer.concat(raw as Buffer[]).toString('utf8'));
    } catch {
      reply(c, 'error', { message: 'messages must be JSON text' });
      return;
    }
    if (!msg || typeof msg !== 'object' || (msg as { type?: unknown }).type !== 'subscribe') {
      reply(c, 'error', { message: 'unknown message; send {"type":"subscribe", ...}' });
      return;
    }
    const r = parseFilter(msg as FilterInput, c.filter, replaySize);
    if (!r.ok) { reply(c, 'error', { message: r.error }); return; }
    c.filter = r.filter;
    const replayed = replayTo(c, replayable(c, r.replay));
    reply(c, 'subscribed', { filter: describeFilter(c.filter), replayed });
  }

  function attach(ws: WebSocket, filter: StreamFilter, replay: number): void {
    if (closed) { ws.terminate(); return; }
    const c: Client = { ws, filter, alive: true, missed: 0, overSince: 0 };
    clients.add(c);
    stats.streamClients++;
    ws.on('pong', () => { c.alive = true; });
    ws.on('message', (raw, isBinary) => onMessage(c, raw, isBinary));
    ws.on('error', () => ws.terminate());
    ws.once('close', () => {
      if (clients.delete(c)) stats.streamClients--;
    });
    const picked = replayable(c, replay);
    ws.send(message('hello', {
      protocol: STREAM_PROTOCOL_VERSION,
      filter: describeFilter(filter),
      replay: picked.length,
      mode: waf.config.mode,
      paranoia: waf.config.paranoia,
      rulesVersion: waf.rulesVersion,
    }), { binary: false });
    replayTo(c, picked);
  }

  async function handle(req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): Promise<void> {
    const outcome = await authenticator.check(req);
    if (outcome === 'forbidden-origin') { reject(socket, 403, 'origin not allowed'); return; }
    if (outcome !== 'ok') { reject(socket, 401, 'authentication required', { 'WWW-Authenticate': 'Bearer realm="portcullis"' }); return; }
    if (closed) { reject(socket, 503, 'alert stream closed'); return; }
    if (clients.size >= maxClients) { reject(socket, 503, 'too many alert stream clients'); return; }
    const input: FilterInput = { types: query.get('types') ?? undefined, severity: query.get('severity') ?? undefined, tags: query.get('tags') ?? undefined, replay: query.get('replay') ?? undefined };
    const r = parseFilter(input, DEFAULT_FILTER, replaySize);
    if (!r.ok) { reject(socket, 400, r.error); return; }
    if (!socket.readable || !socket.writable) { socket.destroy(); return; }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, r.filter, r.replay));
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) !== path) return; // someone else's upgrade
    const swallow = (): void => {};
    socket.on('error', swallow); // a client that resets during authentication must not crash the process
    handle(req, socket, head, new URLSearchParams(q < 0 ? '' : url.slice(q + 1))).then(
      () => socket.off('error', swallow),
      (err: unknown) => { fail(err instanceof Error ? err : new Error(String(err))); socket.destroy(); },
    );
  };
  server.on('upgrade', onUpgrade);

  const listeners = {
    alert: (a: Alert) => broadcast('alert', redactAlertUrl(a)),
    block: (a: Alert) => broadcast('block', redactAlertUrl(a)),
    ban: (e: unknown) => broadcast('ban', e),
    unban: (e: unknown) => broadcast('unban', e),
    ratelimit: (e: unknown) => broadcast('ratelimit', e),
    reload: (e: unknown) => broadcast('reload', e),
  };
  for (const [k, fn] of Object.entries(listeners)) waf.on(k as 'alert', fn as (a: Alert) => void);

  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const c of clients) {
      if (!c.alive || (c.overSince !== 0 && c.ws.bufferedAmount > maxBuffered && now - c.overSince > stuckMs)) { c.ws.terminate(); continue; }
      c.alive = false;
      c.ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  function close(): Promise<void> {
    if (closing) return closing;
    closed = true;
    clearInterval(heartbeat);
    server.off('upgrade', onUpgrade);
    for (const [k, fn] of Object.entries(listeners)) waf.off(k as 'alert', fn as (a: Alert) => void);
    unregister();
    const waits: Promise<void>[] = [];
    for (const c of clients) {
      waits.push(new Promise<void>((resolve) => {
        if (c.ws.readyState === WebSocket.CLOSED) { resolve(); return; }
        c.ws.once('close', () => resolve());
        // A client that does not finish the closing handshake in time is cut off.
        const t = setTimeout(() => c.ws.terminate(), 1000);
        t.unref();
        c.ws.once('close', () => clearTimeout(t));
        c.ws.close(1001, 'server closing');
      }));
    }
    ring.clear();
    closing = Promise.all(waits).then(() => { wss.close(); });
    return closing;
  }
  const unregister = onClose(waf, close);

  return {
    path,
    get clients() { return clients.size; },
    get dropped() { return dropped; },
    authenticator,
    close,
  };
}
