import zlib from 'node:zlib';
import type { Transform } from 'node:stream';

/** Content-codings Portcullis can decode for inspection (the same set body-parser 2 inflates). */
export type ContentCoding = 'gzip' | 'deflate' | 'br';

/** At most this many stacked codings (`Content-Encoding: gzip, br`); more is an encoding error. */
export const MAX_CODINGS = 3;

export type ParsedEncoding =
  | { readonly ok: true; readonly codings: readonly ContentCoding[] }
  | { readonly ok: false; readonly error: string };

const CODING_NAMES: Readonly<Record<string, ContentCoding | 'identity'>> = {
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'br',
  identity: 'identity',
};

/**
 * Parses a Content-Encoding header value (possibly several headers joined by `, `) into the codings in the
 * order they were applied. `identity` and empty items are dropped. Unknown codings are an error.
 */
export function parseContentEncoding(header: string | undefined): ParsedEncoding {
  if (header === undefined) return { ok: true, codings: [] };
  const codings: ContentCoding[] = [];
  for (const item of header.split(',')) {
    const name = item.trim().toLowerCase();
    if (name === '') continue;
    const coding = Object.hasOwn(CODING_NAMES, name) ? CODING_NAMES[name] : undefined;
    if (coding === undefined) return { ok: false, error: `unsupported content-encoding "${printable(name)}"` };
    if (coding === 'identity') continue;
    if (codings.length >= MAX_CODINGS) return { ok: false, error: `more than ${MAX_CODINGS} content-codings` };
    codings.push(coding);
  }
  return { ok: true, codings };
}

export interface InflateResult {
  /** Decoded bytes, at most `cap`. */
  readonly output: Buffer;
  /** The decoded data went past `cap` (output holds the first `cap` bytes). */
  readonly overflow: boolean;
  readonly error?: string;
}

/**
 * Decodes `input` (encoded with `codings`, in the order applied) keeping at most `cap` decoded bytes: decoding
 * stops as soon as the cap is passed, so a zip bomb costs no more than `cap` (+ one zlib chunk) of memory.
 * `inputComplete: false` means `input` is a prefix of the encoded body: the decoder then flushes what it
 * can instead of reporting "unexpected end of file". Never rejects.
 */
export async function inflateCapped(
  input: Buffer,
  codings: readonly ContentCoding[],
  cap: number,
  inputComplete: boolean,
): Promise<InflateResult> {
  let data = input;
  let complete = inputComplete;
  let overflow = false;
  // Decode in reverse order of application. Intermediate stages keep a little slack: compressed data may be
  // slightly larger than what it decodes to.
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i];
    if (coding === undefined) continue;
    const stageCap = i === 0 ? cap : cap + encodedSlack(cap);
    const r = await decodeOne(data, coding, stageCap, complete);
    if (r.error !== undefined) return { output: r.output, overflow: overflow || r.overflow, error: r.error };
    data = r.output;
    if (r.overflow) {
      overflow = true;
      complete = false;
    }
  }
  return { output: data, overflow };
}

/** How many bytes an encoded body may exceed its decoded size by (headers, trailers, stored-block overhead). */
export function encodedSlack(limit: number): number {
  return 1024 + Math.ceil(limit / 1024) * 8;
}

function decodeOne(input: Buffer, coding: ContentCoding, cap: number, inputComplete: boolean): Promise<InflateResult> {
  return new Promise<InflateResult>((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    let decoder: Transform;
    try {
      decoder = makeDecoder(input, coding, inputComplete);
    } catch (err) {
      resolve({ output: Buffer.alloc(0), overflow: false, error: errorText(err) });
      return;
    }
    const finish = (overflow: boolean, error?: string): void => {
      if (done) return;
      done = true;
      decoder.removeAllListeners('data');
      decoder.destroy();
      const output = Buffer.concat(parts, size);
      resolve(error === undefined ? { output, overflow } : { output, overflow, error });
    };
    decoder.on('data', (chunk: Buffer) => {
      if (done) return;
      const room = cap - size;
      if (chunk.length > room) {
        if (room > 0) parts.push(chunk.subarray(0, room));
        size += Math.max(room, 0);
        finish(true);
        return;
      }
      parts.push(chunk);
      size += chunk.length;
    });
    decoder.on('end', () => finish(false));
    // Errors after an overflow or after 'end' are ignored (finish is idempotent); a listener stays attached
    // so a late error from a destroyed decoder is never unhandled.
    decoder.on('error', (err: unknown) => finish(false, errorText(err)));
    decoder.end(input);
  });
}

function makeDecoder(input: Buffer, coding: ContentCoding, inputComplete: boolean): Transform {
  if (coding === 'br') {
    return zlib.createBrotliDecompress(
      inputComplete ? {} : { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH },
    );
  }
  const opts: zlib.ZlibOptions = inputComplete ? {} : { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (coding === 'gzip') return zlib.createGunzip(opts);
  // `deflate` should be zlib-wrapped (RFC 9110), but some clients send raw deflate: look at the header.
  return hasZlibHeader(input) ? zlib.createInflate(opts) : zlib.createInflateRaw(opts);
}

/** RFC 1950 header: CM = 8, CINFO <= 7, and the first two bytes form a multiple of 31. */
function hasZlibHeader(b: Buffer): boolean {
  const b0 = b[0];
  const b1 = b[1];
  if (b0 === undefined || b1 === undefined) return true;
  return (b0 & 0x0f) === 8 && b0 >> 4 <= 7 && ((b0 << 8) | b1) % 31 === 0;
}

function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `content-encoding decode error: ${printable(msg)}`;
}

function printable(s: string): string {
  return s.slice(0, 100).replace(/[^\x20-\x7e]/g, '?');
}
