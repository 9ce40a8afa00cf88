/**
 * Who is the client? The socket's peer address, or, only through proxies you trust, the address they forwarded in
 * X-Forwarded-For. Semantics follow Express's `trust proxy` (proxy-addr): walk from the socket address leftwards
 * through X-Forwarded-For while the current hop is trusted; the first untrusted address is the client.
 *
 *   trustProxy: false (default)   the socket address; X-Forwarded-For is ignored
 *   trustProxy: 2                 trust two hops (e.g. CDN + load balancer) whatever their address
 *   trustProxy: ['10.0.0.0/8', 'loopback']   trust these proxy addresses only (recommended)
 *   trustProxy: (addr, hop) => boolean       your own test
 *   trustProxy: true              trust every hop: the client can claim any address (warned about)
 *
 * Every address is normalised (src/bans/ip.ts). A forwarded entry that is not an address stops the walk: the
 * client is then the last address established, the proxy that forwarded the garbage (for one proxy: the socket
 * address). A spoofed entry to the left of the real client is never reached, since the real client is untrusted.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { coversEverything, createIpList } from './ip-list.js';
import { normalizeIp } from './ip.js';

export type TrustProxy = boolean | number | string | readonly string[] | ((address: string, hop: number) => boolean);

export type ClientIpResolver = (req: IncomingMessage) => string;

/** Hops walked at most; a longer X-Forwarded-For is cut (the rest are older, spoofable entries anyway). */
export const MAX_FORWARDED_HOPS = 32;

/** Warning codes (process.emitWarning), documented in docs/errors.md. */
export const TRUST_WARNINGS = {
  PORTCULLIS_TRUST_PROXY_PERMISSIVE: 'trustProxy trusts every hop: any client can pick its own IP with X-Forwarded-For, so bans, allow/deny lists and rate limits can be bypassed. List your proxies\' addresses or give a hop count.',
  PORTCULLIS_UNEXPECTED_FORWARDED_FOR: 'A request carried X-Forwarded-For but trustProxy is off, so the proxy\'s address is used as the client IP (every client shares its bans and limits). If Portcullis runs behind a proxy, set trustProxy to its address.',
} as const;

const warned = new Set<string>();
/** `warned.has('PORTCULLIS_UNEXPECTED_FORWARDED_FOR')` as a plain flag: it is asked on every request. */
let forwardedWarned = false;

/** Emits each warning at most once per process. */
export function warnOnce(code: keyof typeof TRUST_WARNINGS): void {
  if (warned.has(code)) return;
  warned.add(code);
  if (code === 'PORTCULLIS_UNEXPECTED_FORWARDED_FOR') forwardedWarned = true;
  process.emitWarning(TRUST_WARNINGS[code], { type: 'PortcullisWarning', code });
}

/** The socket address, normalised; keep-alive connections compute it once. */
const socketIps = new WeakMap<Socket, string>();
export function socketIp(req: IncomingMessage): string {
  const socket = req.socket as Socket | null | undefined;
  if (!socket) return '';
  const cached = socketIps.get(socket);
  if (cached !== undefined) return cached;
  const raw = socket.remoteAddress ?? '';
  const ip = normalizeIp(raw) ?? raw;
  if (raw !== '') socketIps.set(socket, ip);
  return ip;
}

function forwardedFor(req: IncomingMessage): string | undefined {
  const v = req.headers['x-forwarded-for'];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Builds the resolver once from the option (validated, with warnings for spoofable settings). */
export function createClientIpResolver(trustProxy: TrustProxy | undefined): ClientIpResolver {
  if (trustProxy === undefined || trustProxy === false || trustProxy === 0) {
    return (req) => {
      // Once warned, the header is not looked at again (reading req.headers makes Node build the headers object).
      if (!forwardedWarned && forwardedFor(req) !== undefined) warnOnce('PORTCULLIS_UNEXPECTED_FORWARDED_FOR');
      return socketIp(req);
    };
  }
  let trusted: (address: string, hop: number) => boolean;
  if (trustProxy === true) {
    warnOnce('PORTCULLIS_TRUST_PROXY_PERMISSIVE');
    trusted = () => true;
  } else if (typeof trustProxy === 'number') {
    const hops = trustProxy;
    trusted = (_a, hop) => hop < hops;
  } else if (typeof trustProxy === 'function') {
    trusted = trustProxy;
  } else {
    if (coversEverything(trustProxy)) warnOnce('PORTCULLIS_TRUST_PROXY_PERMISSIVE');
    const list = createIpList(trustProxy, 'trustProxy');
    trusted = (a) => list.has(a);
  }
  return (req) => {
    let ip = socketIp(req);
    if (!safeTrust(trusted, ip, 0)) return ip;
    const xff = forwardedFor(req);
    if (xff === undefined) return ip;
    const entries = xff.split(',');
    const stop = Math.max(0, entries.length - MAX_FORWARDED_HOPS);
    for (let i = entries.length - 1, hop = 1; i >= stop; i--, hop++) {
      const next = normalizeIp(entries[i]!.trim());
      if (next === undefined) return ip;
      ip = next;
      if (!safeTrust(trusted, ip, hop)) return ip;
    }
    return ip;
  };
}

/** A throwing user function must not throw into the request: treat the hop as untrusted. */
function safeTrust(fn: (a: string, hop: number) => boolean, a: string, hop: number): boolean {
  try {
    return fn(a, hop) === true;
  } catch {
    return false;
  }
}
