import type { IncomingMessage } from 'node:http';
import type { RequestSnapshot } from '../variables/types.js';
import type { BodyCapture } from './body.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The snapshot of an `IncomingMessage`. The collections read `rawHeaders` (Node's flat list, not copied);
 * the `headers` pairs are built only when something asks for them (an alert's detail), not per request.
 * Optional fields are set only when known, so `'body' in snapshot` stays false without a body.
 */
class IncomingSnapshot implements Mutable<RequestSnapshot> {
  declare remotePort?: number;
  declare serverPort?: number;
  declare body?: Buffer;
  declare bodyComplete?: boolean;
  declare parsedBody?: unknown;
  #headers: [string, string][] | undefined;

  constructor(
    public method: string,
    public url: string,
    public httpVersion: string,
    public rawHeaders: readonly string[],
    public remoteAddress: string,
  ) {}

  get headers(): [string, string][] {
    return (this.#headers ??= headerPairs(this.rawHeaders));
  }
}

/**
 * Builds the engine's framework-independent view of a request. `url` is the raw request-target
 * (`originalUrl` under Express, which mounts rewrite `req.url`); headers are `rawHeaders` pairs in arrival
 * order and original case. `clientIp` is the address resolved through trusted proxies, when the caller has
 * one; otherwise the socket's peer address.
 */
export function snapshotFromRequest(req: IncomingMessage, capture: BodyCapture, clientIp?: string): RequestSnapshot {
  const socket = req.socket as IncomingMessage['socket'] | null | undefined;
  const snap = new IncomingSnapshot(
    req.method ?? 'GET',
    requestTarget(req),
    req.httpVersion || '1.1',
    req.rawHeaders ?? [],
    clientIp ?? socket?.remoteAddress ?? '',
  );
  const remotePort = socket?.remotePort;
  if (remotePort !== undefined) snap.remotePort = remotePort;
  const serverPort = socket?.localPort;
  if (serverPort !== undefined) snap.serverPort = serverPort;
  setBodyFields(snap, req, capture); // in place: no spread of a second object
  return snap;
}

type BodyFields = Pick<RequestSnapshot, 'body' | 'bodyComplete' | 'parsedBody'>;

/** The body part of a snapshot: captured bytes, or what an upstream parser left in `req.body`. */
export function bodyFields(req: IncomingMessage, capture: BodyCapture): BodyFields {
  const out: Mutable<BodyFields> = {};
  setBodyFields(out, req, capture);
  return out;
}

/** Sets bodyFields' fields on `out` (only those that have a value, so `'body' in out` stays false otherwise). */
function setBodyFields(out: Mutable<BodyFields>, req: IncomingMessage, capture: BodyCapture): void {
  if (capture.body !== undefined) {
    out.body = capture.body;
    out.bodyComplete = capture.complete;
  }
  if (capture.consumed) {
    const parsed = (req as IncomingMessage & { body?: unknown }).body;
    if (parsed !== undefined) out.parsedBody = parsed;
  }
}

function requestTarget(req: IncomingMessage): string {
  const original = (req as IncomingMessage & { originalUrl?: unknown }).originalUrl;
  if (typeof original === 'string') return original;
  return req.url ?? '/';
}

/** `rawHeaders` is a flat [name, value, name, value, ...] list; an odd trailing name is dropped. */
export function headerPairs(raw: readonly string[] | undefined): [string, string][] {
  const out: [string, string][] = [];
  if (raw === undefined) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    if (name !== undefined && value !== undefined) out.push([name, value]);
  }
  return out;
}
