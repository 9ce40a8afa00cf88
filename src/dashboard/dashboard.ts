/**
 * The live dashboard: one self-contained page and a small JSON API, behind the alert stream's authentication.
 *
 *   GET  <path>              the page (token mode: `?token=` sets the session cookie and redirects; without
 *                            credentials a sign-in form is shown)
 *   POST <path>/login        token sign-in form → HttpOnly SameSite=Strict cookie
 *   POST <path>/logout       clears it
 *   GET  <path>/api/state    totals, timeline, top rules and IPs, recent events, active bans, mode, paranoia
 *   POST <path>/api/unban    {"ip": "..."} → waf.unban(ip)
 *
 * Every route checks credentials and refuses foreign `Origin`s (auth.ts); the POST API also requires the
 * `x-portcullis-dashboard: 1` header, which a cross-site form cannot send. Other requests go to `next()`.
 * Mount it before the WAF middleware if operators share an IP with clients that may get banned (a ban would
 * otherwise lock them out of the page that lifts it).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import getRawBody from 'raw-body';
import { createAuthenticator, TOKEN_COOKIE, type Authenticate, type Authenticator } from '../alerts/auth.js';
import { optionsObject, pathOption } from '../alerts/consumer-options.js';
import { redactAlertUrl } from '../alerts/redact-request.js';
import type { AlertStream } from '../alerts/stream.js';
import type { Alert, BanEvent, RateLimitEvent, UnbanEvent } from '../alerts/types.js';
import { PortcullisError } from '../errors.js';
import { onClose } from '../lifecycle.js';
import type { Portcullis } from '../portcullis.js';
import { createDashboardAggregate, RATELIMIT_RULE } from './aggregate.js';
import { renderDashboardPage, renderLoginPage } from './page.js';

export interface DashboardOptions {
  /** The alert stream the page subscribes to (from `alertStream()`). Required. */
  readonly stream: AlertStream;
  /** URL path of the page. Default `/_waf/dashboard`. */
  readonly path?: string;
  /** Who may see the page and act: a token or a callback. Default: the stream's own check (and its origins). */
  readonly authenticate?: Authenticate;
  /** Page title. Default `Portcullis`. */
  readonly title?: string;
}

/** A Connect/Express middleware serving the dashboard under `path`; anything else goes to `next()`. */
export interface Dashboard {
  (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void;
  readonly path: string;
  /** Stops collecting (also run by `waf.close()`). */
  close(): void;
}

const KNOWN_KEYS = new Set(['stream', 'path', 'authenticate', 'title']);
const MAX_BODY = 4096;

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin'); // not no-referrer: browsers then send `Origin: null` on POSTs
  res.setHeader('X-Frame-Options', 'DENY');
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/** The longest common directory of two paths (the session cookie's Path, covering page and stream). */
function commonDir(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const cut = a.slice(0, i).lastIndexOf('/');
  return cut <= 0 ? '/' : a.slice(0, cut + 1);
}

function isHttps(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

/**
 * The fields of a small JSON or urlencoded body. When a body parser mounted earlier already read it,
 * its result (`req.body`) is used; otherwise the body is read here (at most 4 KiB).
 */
async function readFields(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  let text: string;
  if (parsed !== undefined && req.readableEnded) {
    if (parsed && typeof parsed === 'object' && !Buffer.isBuffer(parsed)) return parsed as Record<string, unknown>;
    text = Buffer.isBuffer(parsed) ? parsed.toString('utf8') : String(parsed);
  } else {
    text = await getRawBody(req, { limit: MAX_BODY, encoding: 'utf8' });
  }
  if ((req.headers['content-type'] ?? '').toLowerCase().includes('json')) {
    try {
      const v: unknown = JSON.parse(text);
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch { return null; }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Serves the dashboard (see the module comment). Needs the alert stream it shows. */
export function dashboard(waf: Portcullis, options: DashboardOptions): Dashboard {
  const o = optionsObject(options, 'dashboard', KNOWN_KEYS);
  const streamIn = o.stream as AlertStream | undefined;
  if (!streamIn || typeof streamIn.path !== 'string' || !streamIn.authenticator) {
    throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', 'dashboard() needs option "stream": the value alertStream() returned');
  }
  const stream: AlertStream = streamIn;
  const path = pathOption(o, 'path', '/_waf/dashboard').replace(/\/+$/, '') || '/';
  const titleIn = o.title ?? 'Portcullis';
  if (typeof titleIn !== 'string' || titleIn.length > 200) throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', 'option "title" must be a string of at most 200 characters');
  const title: string = titleIn;
  const fail = (err: Error): void => { if (waf.listenerCount('error') > 0) waf.emit('error', err); };
  const auth: Authenticator = o.authenticate !== undefined ? createAuthenticator({ authenticate: o.authenticate, onError: fail }) : stream.authenticator;
  const tokenMode = auth.token !== undefined;
  const cookiePath = commonDir(`${path}/`, stream.path);
  const api = `${path === '/' ? '' : path}/api`;

  const agg = createDashboardAggregate();
  const listeners = {
    alert: (a: Alert) => agg.alert(redactAlertUrl(a)),
    block: (a: Alert) => agg.block(redactAlertUrl(a)),
    ban: (e: BanEvent) => agg.ban(e),
    unban: (e: UnbanEvent) => agg.unban(e),
    ratelimit: (e: RateLimitEvent) => agg.ratelimit(e),
  };
  for (const [k, fn] of Object.entries(listeners)) waf.on(k as 'alert', fn as (a: Alert) => void);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const [k, fn] of Object.entries(listeners)) waf.off(k as 'alert', fn as (a: Alert) => void);
    unregister();
  };
  const unregister = onClose(waf, close);

  function sessionCookie(req: IncomingMessage, value: string, maxAge: number): string {
    return `${TOKEN_COOKIE}=${encodeURIComponent(value)}; Path=${cookiePath}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${isHttps(req) ? '; Secure' : ''}`;
  }

  function page(req: IncomingMessage, res: ServerResponse): void {
    const nonce = randomBytes(16).toString('base64');
    const host = String(req.headers.host ?? '').replace(/[^A-Za-z0-9.:[\]-]/g, '');
    const connect = host ? `'self' ws://${host} wss://${host}` : "'self'";
    send(res, 200, 'text/html; charset=utf-8', renderDashboardPage(nonce, { api, page: path, stream: stream.path, tokenMode, ratelimitRule: RATELIMIT_RULE }, title), {
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src ${connect}; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    });
  }

  function login(res: ServerResponse, status: number, error?: string): void {
    const nonce = randomBytes(16).toString('base64');
    send(res, status, 'text/html; charset=utf-8', renderLoginPage(nonce, `${path === '/' ? '' : path}/login`, title, error), {
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    });
  }

  async function state(): Promise<unknown> {
    const bans = await waf.bans().catch((err: unknown) => { fail(err instanceof Error ? err : new Error(String(err))); return []; });
    return {
      v: 1,
      config: {
        mode: waf.config.mode, paranoia: waf.config.paranoia, detectionParanoia: waf.config.detectionParanoia,
        threshold: waf.config.threshold, rulesVersion: waf.rulesVersion,
      },
      bans: bans.map((b) => ({ ip: b.ip, until: b.until, jail: b.jail, reason: b.reason, count: b.count })),
      ...agg.snapshot(),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, sub: string, method: string): Promise<void> {
    if (sub === '/login' && method === 'POST' && tokenMode) {
      if (!auth.originOk(req)) { login(res, 403, 'Cross-site sign-in refused.'); return; }
      const token = (await readFields(req))?.token;
      if (typeof token === 'string' && auth.tokenMatches(token)) {
        send(res, 303, 'text/plain; charset=utf-8', 'signed in\n', { Location: path, 'Set-Cookie': sessionCookie(req, token, 12 * 3600) });
      } else {
        login(res, 401, 'That token is not valid.');
      }
      return;
    }
    const outcome = await auth.check(req);
    if (outcome === 'forbidden-origin') { json(res, 403, { error: 'origin not allowed' }); return; }
    if (outcome !== 'ok') {
      if (sub === '' && method === 'GET' && tokenMode) { login(res, 401); return; }
      if (sub === '' && method === 'GET') { send(res, 401, 'text/plain; charset=utf-8', 'authentication required\n'); return; }
      json(res, 401, { error: 'authentication required' });
      return;
    }
    if (sub === '' && (method === 'GET' || method === 'HEAD')) {
      const q = auth.queryToken(req);
      if (tokenMode && q !== undefined) {
        // Trade the URL token for the cookie and drop it from the address bar (and from history and logs).
        send(res, 303, 'text/plain; charset=utf-8', 'signed in\n', { Location: path, 'Set-Cookie': sessionCookie(req, q, 12 * 3600) });
        return;
      }
      page(req, res);
      return;
    }
    if (sub === '/api/state' && method === 'GET') { json(res, 200, await state()); return; }
    if (method === 'POST' && req.headers['x-portcullis-dashboard'] !== '1' && !req.headers.authorization) {
      json(res, 403, { error: 'missing x-portcullis-dashboard header' });
      return;
    }
    if (sub === '/logout' && method === 'POST') {
      send(res, 204, 'text/plain; charset=utf-8', '', { 'Set-Cookie': sessionCookie(req, '', 0) });
      return;
    }
    if (sub === '/api/unban' && method === 'POST') {
      let ip: unknown;
      const fields = await readFields(req);
      if (!fields) { json(res, 400, { error: 'body must be JSON {"ip": "..."}' }); return; }
      ip = fields.ip;
      if (typeof ip !== 'string' || ip.length > 64 || isIP(ip) === 0) { json(res, 400, { error: 'ip must be an IP address' }); return; }
      try {
        json(res, 200, { ok: true, ip, unbanned: await waf.unban(ip) });
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        json(res, e instanceof PortcullisError ? 400 : 500, { error: e.message });
      }
      return;
    }
    json(res, 404, { error: 'not found' });
  }

  const handler = ((req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): void => {
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const q = url.indexOf('?');
    const p = q < 0 ? url : url.slice(0, q);
    const base = path === '/' ? '' : path;
    if (!(p === path || p === `${base}/` || (p.startsWith(`${base}/`) && ['/login', '/logout', '/api/state', '/api/unban'].includes(p.slice(base.length))))) {
      if (next) next(); else json(res, 404, { error: 'not found' });
      return;
    }
    const sub = p === `${base}/` ? '' : p.slice(base.length);
    handle(req, res, sub, (req.method ?? 'GET').toUpperCase()).catch((err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      const status = (e as { status?: number }).status; // raw-body: 413 too large, 400 bad encoding
      if (typeof status !== 'number') fail(e);
      if (!res.headersSent) json(res, typeof status === 'number' && status >= 400 && status < 500 ? status : 500, { error: typeof status === 'number' ? e.message : 'internal error' });
      else res.destroy();
    });
  }) as Dashboard;
  Object.defineProperties(handler, {
    path: { value: path, enumerable: true },
    close: { value: close },
  });
  return handler;
}
