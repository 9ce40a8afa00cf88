/**
 * Shared helpers for the body e2e tests: a real HTTP server on 127.0.0.1 (ephemeral port), a test middleware
 * that runs captureBody and records the result, and an http.request client that returns status/headers/body.
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { captureBody, type BodyCapture, type BodyCaptureOptions } from '../../../src/middleware/body.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
export type Next = (err?: unknown) => void;
export type Middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: Next) => void;

export interface Running {
  readonly port: number;
  readonly server: http.Server;
  close(): Promise<void>;
}

export async function listen(handler: Handler): Promise<Running> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sha = (b: Buffer | Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

export interface CaptureSummary {
  readonly len: number | null;
  readonly sha: string | null;
  readonly complete: boolean;
  readonly tooLarge: boolean;
  readonly consumed: boolean;
  readonly encodingError: string | null;
  readonly aborted: boolean;
  readonly timedOut: boolean;
}

export function summarize(c: BodyCapture): CaptureSummary {
  return {
    len: c.body === undefined ? null : c.body.length,
    sha: c.body === undefined ? null : sha(c.body),
    complete: c.complete,
    tooLarge: c.tooLarge,
    consumed: c.consumed,
    encodingError: c.encodingError ?? null,
    aborted: c.aborted === true,
    timedOut: c.timedOut === true,
  };
}

const CAPTURE = Symbol('capture');
type WithCapture = http.IncomingMessage & { [CAPTURE]?: BodyCapture };

export const DEFAULT_OPTS: BodyCaptureOptions = { limit: 8 * 1024 * 1024, onOverflow: 'partial', inflate: true, timeoutMs: 5000 };

/** The tiny middleware of the brief: await captureBody, record it on the request, next(). */
export function captureMiddleware(
  opts: BodyCaptureOptions = DEFAULT_OPTS,
  onCapture?: (c: BodyCapture, req: http.IncomingMessage, res: http.ServerResponse) => boolean | void,
): Middleware {
  return (req, res, next) => {
    captureBody(req, opts).then(
      (c) => {
        (req as WithCapture)[CAPTURE] = c;
        if (onCapture?.(c, req, res) === true) return; // handled (e.g. blocked)
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

export function capturedOf(req: http.IncomingMessage): CaptureSummary | null {
  const c = (req as WithCapture)[CAPTURE];
  return c === undefined ? null : summarize(c);
}

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface SendOptions {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string | number>;
  /** Sent with Content-Length unless `chunked`. */
  readonly body?: Buffer | string;
  /** Sends the body as several writes without Content-Length (Transfer-Encoding: chunked). */
  readonly chunked?: number;
  readonly agent?: http.Agent;
  readonly timeoutMs?: number;
}

export function send(port: number, o: SendOptions = {}): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const body = o.body === undefined ? undefined : Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body, 'utf8');
    const headers: Record<string, string | number> = { ...(o.headers ?? {}) };
    if (body !== undefined && o.chunked === undefined) headers['content-length'] = body.length;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: o.method ?? (body === undefined ? 'GET' : 'POST'),
        path: o.path ?? '/',
        headers,
        agent: o.agent ?? false,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(o.timeoutMs ?? 10000, () => req.destroy(new Error('client timeout')));
    if (body !== undefined && o.chunked !== undefined) {
      const step = Math.max(1, Math.ceil(body.length / o.chunked));
      for (let i = 0; i < body.length; i += step) req.write(body.subarray(i, i + step));
    } else if (body !== undefined && body.length > 0) {
      req.write(body);
    }
    req.end();
  });
}

export function json(reply: Reply): unknown {
  return JSON.parse(reply.body.toString('utf8')) as unknown;
}

/** Every byte value, repeated up to `n` bytes, with a little variation so it is not periodic. */
export function binary(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 0x9e3779b1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = (i & 0xff) ^ (x >>> 24);
  }
  return b;
}

/** Collects a readable's bytes via 'data'/'end'. */
export function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}
