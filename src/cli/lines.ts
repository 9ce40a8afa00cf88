import type { Readable } from 'node:stream';

/** One line of an input file (without its line break). */
export interface InputLine {
  /** 1-based line number. */
  readonly no: number;
  /** The line as UTF-8 text; '' when it was too long (see `tooLong`). */
  readonly text: string;
  /** The line went past the byte cap: its content was dropped, not buffered. */
  readonly tooLong: boolean;
}

/** Lines longer than this (bytes) are reported as broken and skipped without being buffered. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * Splits a byte stream into lines, in batches (one batch per chunk read), holding at most one partial line of at
 * most `maxLineBytes` in memory: a line past the cap is dropped while it streams by and reported with `tooLong`.
 * `\r\n` and `\n` both end a line. Memory stays bounded whatever the input (a 1 GB file without a newline included).
 */
export async function* readLines(stream: Readable, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<InputLine[]> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = false;
  let no = 0;
  const emit = (out: InputLine[], last: Buffer): void => {
    no++;
    if (overflow) {
      out.push({ no, text: '', tooLong: true });
    } else {
      let buf = pending.length === 0 ? last : Buffer.concat([...pending, last]);
      if (buf.length > maxLineBytes) {
        out.push({ no, text: '', tooLong: true });
      } else {
        if (buf.length > 0 && buf[buf.length - 1] === 13) buf = buf.subarray(0, buf.length - 1);
        out.push({ no, text: buf.toString('utf8'), tooLong: false });
      }
    }
    pending = [];
    pendingBytes = 0;
    overflow = false;
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const out: InputLine[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      emit(out, buf.subarray(start, nl));
      start = nl + 1;
    }
    if (start < buf.length) {
      const rest = buf.subarray(start);
      if (!overflow) {
        if (pendingBytes + rest.length > maxLineBytes) {
          overflow = true;
          pending = [];
          pendingBytes = 0;
        } else {
          // Copy: the stream may reuse its chunk buffers.
          pending.push(Buffer.from(rest));
          pendingBytes += rest.length;
        }
      }
    }
    if (out.length > 0) yield out;
  }
  if (pendingBytes > 0 || overflow) {
    const out: InputLine[] = [];
    emit(out, Buffer.alloc(0));
    yield out;
  }
}
