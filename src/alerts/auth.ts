/**
 * Who may watch: one check shared by the alert stream's upgrades and the dashboard's page and actions.
 *
 * `authenticate` is either a shared secret token or a callback. A token is accepted from
 * `Authorization: Bearer <token>`, from the `portcullis_token` cookie (set by the dashboard after a
 * `?token=` visit, HttpOnly, SameSite=Strict) or from a `?token=` query parameter. Tokens are compared in
 * constant time. A callback gets the request and answers (or resolves) true to let it in: use it to reuse the
 * app's own sessions or to check anything else.
 *
 * Browsers send cookies with WebSocket handshakes and form posts, so every check also refuses a request whose
 * `Origin` header names another site than the one it was sent to (cross-site WebSocket hijacking, CSRF), unless
 * that origin is listed in `origins`. Clients that send no Origin (Node, curl) are not affected.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PortcullisError } from '../errors.js';

export type Authenticate = string | ((req: IncomingMessage) => boolean | Promise<boolean>);

export const TOKEN_COOKIE = 'portcullis_token';

export type AuthOutcome = 'ok' | 'unauthenticated' | 'forbidden-origin';

export interface Authenticator {
  /** `ok`, `unauthenticated` (answer 401) or `forbidden-origin` (answer 403). Never rejects: a throwing callback denies. */
  check(req: IncomingMessage): Promise<AuthOutcome>;
  /** The token when `authenticate` is one (the dashboard turns a `?token=` visit into the cookie). */
  readonly token: string | undefined;
  /** The token a request carries in its query string, if any. */
  queryToken(req: IncomingMessage): string | undefined;
  /** True when `token` is the configured token (constant time); false in callback mode. */
  tokenMatches(token: string): boolean;
  /** The Origin check alone (see originAllowed). */
  originOk(req: IncomingMessage): boolean;
}

export interface AuthenticatorOptions {
  readonly authenticate: unknown;
  /** Other origins allowed to connect from a browser (`*` for any). */
  readonly origins?: unknown;
  /** Told when a callback throws or rejects (the request is refused). */
  readonly onError?: (err: Error) => void;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A cookie's value from the Cookie header (first occurrence), without decoding beyond %-escapes. */
export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = headerValue(req, 'cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try { return decodeURIComponent(raw); } catch { return raw; }
  }
  return undefined;
}

function queryParam(req: IncomingMessage, name: string): string | undefined {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get(name) ?? undefined;
}

/** True when the request has no Origin, or its Origin is the host it was sent to, or is listed. */
export function originAllowed(req: IncomingMessage, origins: readonly string[]): boolean {
  const origin = headerValue(req, 'origin');
  if (origin === undefined) return true;
  if (origins.includes('*') || origins.includes(origin)) return true;
  const host = headerValue(req, 'host');
  if (!host) return false;
  let o: URL;
  try { o = new URL(origin); } catch { return false; }
  return o.host.toLowerCase() === host.toLowerCase() && (o.protocol === 'http:' || o.protocol === 'https:');
}

export function createAuthenticator({ authenticate, origins: originsIn = [], onError }: AuthenticatorOptions): Authenticator {
  if (typeof authenticate === 'string') {
    if (authenticate.length < 8) {
      throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', 'option "authenticate" token must be at least 8 characters');
    }
  } else if (typeof authenticate !== 'function') {
    throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', 'option "authenticate" is required: a token string, or a function (req) => boolean | Promise<boolean> (use () => true to allow everyone)');
  }
  if (!Array.isArray(originsIn) || originsIn.some((o) => typeof o !== 'string')) {
    throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', 'option "origins" must be an array of origin strings');
  }
  const origins = originsIn as readonly string[];
  const expected = typeof authenticate === 'string' ? digest(authenticate) : undefined;
  const tokenOk = (t: string | undefined): boolean => t !== undefined && expected !== undefined && timingSafeEqual(digest(t), expected);
  const auth: Authenticator = {
    token: typeof authenticate === 'string' ? authenticate : undefined,
    queryToken: (req) => queryParam(req, 'token'),
    tokenMatches: (t) => tokenOk(t),
    originOk: (req) => originAllowed(req, origins),
    async check(req) {
      if (!originAllowed(req, origins)) return 'forbidden-origin';
      if (typeof authenticate === 'function') {
        try {
          return (await (authenticate as (r: IncomingMessage) => boolean | Promise<boolean>)(req)) === true ? 'ok' : 'unauthenticated';
        } catch (err) {
          onError?.(new PortcullisError('ERR_PORTCULLIS_AUTH_CALLBACK', `authenticate callback failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
          return 'unauthenticated';
        }
      }
      const header = headerValue(req, 'authorization');
      const bearer = header && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : undefined;
      return tokenOk(bearer) || tokenOk(cookieValue(req, TOKEN_COOKIE)) || tokenOk(queryParam(req, 'token')) ? 'ok' : 'unauthenticated';
    },
  };
  return auth;
}
