import type { IncomingMessage } from 'node:http';
import { encodedSlack, inflateCapped, parseContentEncoding } from './body-inflate.js';

export interface BodyCaptureOptions {
  /** Max bytes inspected (the inflated size counts when `inflate` is on). */
  limit: number;
  /** reject: stop reading, report tooLarge (the middleware answers 413); partial: inspect the prefix. */
  onOverflow: 'reject' | 'partial';
  /** Decode gzip / deflate / br (Content-Encoding) for inspection, capped at `limit` decoded bytes. */
  inflate: boolean;
  /** A client that trickles the body cannot hold the request forever: on timeout report timedOut. */
  timeoutMs: number;
}

export interface BodyCapture {
  /** Bytes to inspect (inflated when inflate is on and encoding known), at most `limit`. */
  body: Buffer | undefined;
  /** False when `body` is only a prefix (overflow, timeout, abort). True when there was no body to read. */
  complete: boolean;
  /** The body went past `limit` and `onOverflow` is 'reject'. (In 'partial' mode: complete=false instead.) */
  tooLarge: boolean;
  /** The stream was already consumed upstream (req.body from a parser): nothing to read. */
  consumed: boolean;
  /** Unknown Content-Encoding or corrupt compressed data; `body` then holds the raw (undecoded) bytes. */
  encodingError?: string;
  aborted?: boolean;
  timedOut?: boolean;
}

/**
 * Reads the request body for inspection and puts the bytes back, so any downstream reader ('data'/'end',
 * pipe, async iteration, raw-body, body-parser, busboy, multer) still receives the full original bytes.
 *
 * Technique: read in paused mode ('readable' + read()) until EOF or the cap; then, in the same tick as the
 * last read(), unshift everything read. The 'end' that read() scheduled is then suppressed by Readable's own
 * "one last unshift" check, and removing our listener returns the stream to its initial non-flowing state.
 * A read() is never issued on an ended, empty stream (that would emit 'end' with nobody listening).
 *
 * Never rejects. Raw bytes held: at most the cap (+ one chunk). A second call for the same request returns
 * the first call's result.
 */
export function captureBody(req: IncomingMessage, opts: BodyCaptureOptions): Promise<BodyCapture> {
  const known = captures.get(req);
  if (known !== undefined) return known;
  const p = captureOnce(req, opts);
  captures.set(req, p);
  return p;
}

const captures = new WeakMap<IncomingMessage, Promise<BodyCapture>>();

function failed(err: unknown): BodyCapture {
  // Defensive only: captureOnce handles its own errors. Report "aborted" so the caller fails closed.
  void err;
  return { body: undefined, complete: false, tooLarge: false, consumed: false, aborted: true };
}

/** Whether the request message declares a body (RFC 9112 §6.3: Transfer-Encoding or Content-Length). */
export function declaresBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
}

/** Someone upstream already read (or is reading) the body, so there are no raw bytes left for us. */
export function isConsumed(req: IncomingMessage): boolean {
  const r = req as IncomingMessage & { _body?: unknown };
  if (r._body === true) return true; // body-parser 1.x (Express 4) marks a body it read
  if (req.readableEnded || req.destroyed) return true;
  if (req.readableFlowing === true || req.listenerCount('data') > 0) return true;
  // Read before by a paused-mode reader and nothing put back.
  return req.readableDidRead && req.readableLength === 0;
}

interface Raw {
  /** The bytes read, for inspection. */
  chunks: Buffer[];
  /** What read() returned, as returned (strings if someone called setEncoding upstream), to put back. */
  replay: (Buffer | string)[];
  size: number;
  /** All bytes up to EOF were read (and size <= cap). */
  eof: boolean;
  overflow: boolean;
  aborted: boolean;
  timedOut: boolean;
}

/**
 * captureRead as a promise that never rejects: an unforeseen throw becomes a failed capture. Written without an
 * async function or a `.catch` layer: on the usual path (body not yet arrived) the only promises are the read's
 * own and the one `then` that builds the capture.
 */
function captureOnce(req: IncomingMessage, opts: BodyCaptureOptions): Promise<BodyCapture> {
  let r: BodyCapture | Promise<BodyCapture>;
  try {
    r = captureRead(req, opts);
  } catch (err) {
    r = failed(err);
  }
  return r instanceof Promise ? r : Promise.resolve(r);
}

/** Runs a capture step; an unforeseen throw becomes a failed capture. */
function guarded<A>(step: (a: A) => BodyCapture | Promise<BodyCapture>): (a: A) => BodyCapture | Promise<BodyCapture> {
  return (a) => {
    try {
      return step(a);
    } catch (err) {
      return failed(err);
    }
  };
}

/** The capture itself: synchronous when the body is already buffered (or there is none), else a promise. */
function captureRead(req: IncomingMessage, opts: BodyCaptureOptions): BodyCapture | Promise<BodyCapture> {
  const limit = Number.isNaN(opts.limit) ? 0 : Math.max(0, Math.floor(opts.limit));
  if (!declaresBody(req)) return { body: undefined, complete: true, tooLarge: false, consumed: false };
  if (req.destroyed && !req.readableEnded) {
    return { body: undefined, complete: false, tooLarge: false, consumed: false, aborted: true };
  }
  if (isConsumed(req)) return { body: undefined, complete: true, tooLarge: false, consumed: true };
  if (req.headers['transfer-encoding'] === undefined && req.headers['content-length'] === '0') {
    return { body: Buffer.alloc(0), complete: true, tooLarge: false, consumed: false };
  }

  const enc = opts.inflate ? parseContentEncoding(req.headers['content-encoding']) : { ok: true as const, codings: [] };
  const decoding = enc.ok && enc.codings.length > 0;
  const rawCap = decoding ? limit + encodedSlack(limit) : limit;

  const pending = readRaw(req, rawCap, opts.timeoutMs);
  if (pending instanceof Promise) return pending.then(guarded((raw: Raw) => fromRaw(raw, enc, decoding, limit, opts)));
  return fromRaw(pending, enc, decoding, limit, opts);
}

function fromRaw(raw: Raw, enc: ReturnType<typeof parseContentEncoding> | { ok: true; codings: [] }, decoding: boolean, limit: number, opts: BodyCaptureOptions): BodyCapture | Promise<BodyCapture> {
  const base: BodyCapture = { body: undefined, complete: false, tooLarge: false, consumed: false };
  if (raw.aborted) base.aborted = true;
  if (raw.timedOut) base.timedOut = true;

  if (!enc.ok || !decoding) {
    const overflow = raw.overflow || raw.size > limit;
    // A copy (concat always copies): downstream readers get the original chunks back.
    base.body = Buffer.concat(raw.chunks, Math.min(raw.size, limit));
    base.complete = raw.eof && !overflow;
    base.tooLarge = overflow && opts.onOverflow === 'reject';
    if (!enc.ok) base.encodingError = enc.error;
    return base;
  }

  const rawBuf = Buffer.concat(raw.chunks, raw.size);
  return inflateCapped(rawBuf, enc.codings, limit, raw.eof).then(guarded((inflated: Awaited<ReturnType<typeof inflateCapped>>) => {
    if (inflated.error !== undefined) {
      // Inspect what was sent: a body labelled gzip that is not gzip may still be read as-is by a raw reader.
      const overflow = raw.overflow || raw.size > limit;
      base.body = raw.size > limit ? rawBuf.subarray(0, limit) : rawBuf;
      base.complete = raw.eof && !overflow;
      base.tooLarge = overflow && opts.onOverflow === 'reject';
      base.encodingError = inflated.error;
      return base;
    }
    const overflow = raw.overflow || inflated.overflow;
    base.body = inflated.output;
    base.complete = raw.eof && !overflow;
    base.tooLarge = overflow && opts.onOverflow === 'reject';
    return base;
  }), failed);
}

interface StateView {
  ended?: boolean;
}

/** EOF has been pushed into the stream (not necessarily emitted as 'end'). */
function eofPushed(req: IncomingMessage): boolean {
  const st = (req as unknown as { _readableState?: StateView })._readableState;
  return st?.ended === true || req.complete;
}

/** The handlers one read attaches to the request (closures over the reader: nothing is stored on the request). */
interface Handlers {
  readonly readable: () => void;
  readonly error: () => void;
  readonly close: () => void;
}

/**
 * One body read in progress. Listeners and the timer exist only when the body was not already buffered. The
 * handlers are closures over the reader rather than module functions that find the reader through a property on
 * the request: adding and deleting a property on an IncomingMessage that gained listeners in between turns it
 * into a dictionary-mode object in V8 (measured), which slows every later access by the application.
 */
class RawReader {
  readonly raw: Raw = { chunks: [], replay: [], size: 0, eof: false, overflow: false, aborted: false, timedOut: false };
  done = false;
  timer: NodeJS.Timeout | undefined = undefined;
  resolve: ((raw: Raw) => void) | undefined = undefined;
  handlers: Handlers | undefined = undefined;

  constructor(readonly req: IncomingMessage, readonly cap: number) {}

  cleanup(): void {
    const h = this.handlers;
    if (h !== undefined) {
      const req = this.req;
      req.removeListener('readable', h.readable);
      req.removeListener('error', h.error);
      req.removeListener('close', h.close);
      req.removeListener('aborted', h.close);
      this.handlers = undefined;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** Stops reading and puts the bytes back, synchronously (same tick as the last read()). */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.cleanup();
    const req = this.req;
    const replay = this.raw.replay;
    if (!req.destroyed && !req.readableEnded) {
      for (let i = replay.length - 1; i >= 0; i--) {
        const c = replay[i];
        if (c === undefined || c.length === 0) continue;
        if (typeof c === 'string') req.unshift(c, req.readableEncoding ?? undefined);
        else req.unshift(c);
      }
    }
    this.resolve?.(this.raw);
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    this.raw.aborted = true;
    this.cleanup();
    this.resolve?.(this.raw);
  }

  pump(): void {
    if (this.done) return;
    const req = this.req;
    const raw = this.raw;
    for (;;) {
      if (req.readableLength === 0) {
        if (eofPushed(req)) {
          raw.eof = true;
          this.stop();
        }
        return; // wait for the next 'readable'
      }
      const chunk = req.read() as Buffer | string | null;
      if (chunk === null) return;
      raw.replay.push(chunk);
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, req.readableEncoding ?? 'utf8') : chunk;
      raw.chunks.push(buf);
      raw.size += buf.length;
      if (raw.size > this.cap) {
        raw.overflow = true;
        this.stop();
        return;
      }
    }
  }
}

function onTimeout(r: RawReader): void {
  if (r.done) return;
  r.raw.timedOut = true;
  r.stop();
}

function readRaw(req: IncomingMessage, cap: number, timeoutMs: number): Promise<Raw> | Raw {
  const r = new RawReader(req, cap);
  // Take what is already buffered now; if that reaches EOF or the cap we never attach listeners or a timer.
  r.pump();
  if (r.done) return r.raw;
  return new Promise<Raw>((resolve) => {
    r.resolve = resolve;
    const q = r.req;
    const h: Handlers = {
      readable: () => r.pump(),
      error: () => r.abort(),
      // 'close' or 'aborted' before EOF: the client went away (or the request was destroyed).
      close: () => { if (!r.raw.eof) r.abort(); },
    };
    r.handlers = h;
    q.on('error', h.error);
    q.on('close', h.close);
    q.on('aborted', h.close);
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) r.timer = setTimeout(onTimeout, timeoutMs, r);
    q.on('readable', h.readable);
  });
}
