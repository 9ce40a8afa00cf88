/**
 * `portcullis replay <file>`: runs an access log (combined, JSON lines, HAR; optionally gzipped) through the same
 * engine and rules as the middleware (`waf.inspect()` on a WAF built from the same options) and reports what the
 * WAF would have done. Streams the input: memory stays bounded whatever the file size.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import cliProgress from 'cli-progress';
import type { Portcullis, RequestLike } from '../portcullis.js';
import { CliError, EXIT } from './cli-error.js';
import { readHarEntries } from './har-stream.js';
import { readLines } from './lines.js';
import { harEntryToRequest, INPUT_FORMATS, LINE_PARSERS, sniffFormat, type InputFormat, type ParseContext, type ParsedRecord } from './log-formats.js';
import { createReportBuilder, formatReport, type ReplayReport } from './replay-report.js';

export interface ReplayArgs {
  /** Path to read, or `-` for stdin. */
  readonly file: string;
  /** The file as the user wrote it (for messages and the report). */
  readonly name: string;
  readonly inputFormat: InputFormat | undefined;
  readonly host: string;
  readonly top: number;
  readonly samples: number;
  readonly json: boolean;
  readonly failOnBlock: boolean;
  readonly ignoreBroken: boolean;
  /** Show a progress bar (default: when stderr is a terminal). */
  readonly progress: boolean;
}

export interface ReplayIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

interface Opened {
  readonly stream: Readable;
  readonly format: InputFormat;
  readonly size: number;
  readonly bytesRead: () => number;
}

const SNIFF_BYTES = 64 * 1024;

/** Opens the input (a file, or `-` for stdin), un-gzips it when needed and settles its format. */
async function openInput(args: ReplayArgs, io: ReplayIo): Promise<Opened> {
  let raw: Readable;
  let size = 0;
  if (args.file === '-') {
    raw = io.stdin as Readable;
  } else {
    try {
      const st = await stat(args.file);
      if (st.isDirectory()) throw new CliError(`${args.name} is a directory, not a log file`);
      size = st.size;
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`cannot read ${args.name}: ${(err as Error).message}`);
    }
    raw = createReadStream(args.file, { highWaterMark: 256 * 1024 });
  }
  let read = 0;
  // Peek at the first bytes: gzip magic, then the format.
  const it = (raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let first: Buffer;
  try {
    const r = await it.next();
    first = r.done ? Buffer.alloc(0) : Buffer.from(r.value);
    read += first.length;
  } catch (err) {
    throw new CliError(`cannot read ${args.name}: ${(err as Error).message}`);
  }
  async function* rest(): AsyncGenerator<Buffer> {
    if (first.length) yield first;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      read += r.value.length;
      yield r.value;
    }
  }
  let stream: Readable = Readable.from(rest(), { objectMode: false });
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
    const gunzip = createGunzip();
    stream.on('error', (e) => gunzip.destroy(e));
    stream = stream.pipe(gunzip);
  }
  let format = args.inputFormat;
  if (format === undefined) {
    // Sniff on the (decompressed) head, then put it back in front of the stream.
    const sit = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let headBytes = 0;
    let done = false;
    try {
      while (headBytes < SNIFF_BYTES) {
        const r = await sit.next();
        if (r.done) { done = true; break; }
        head.push(Buffer.from(r.value));
        headBytes += r.value.length;
      }
    } catch (err) {
      throw new CliError(`cannot read ${args.name}: ${(err as Error).message}`);
    }
    const text = Buffer.concat(head).subarray(0, SNIFF_BYTES).toString('utf8');
    const guessed = sniffFormat(args.file, text);
    if (!guessed) {
      throw new CliError(`cannot tell the format of ${args.name}: ${text.trim() === '' ? 'it is empty' : 'not combined/common log lines, JSON lines or HAR'}; use --input-format ${INPUT_FORMATS.join('|')}`);
    }
    format = guessed;
    async function* again(): AsyncGenerator<Buffer> {
      yield* head;
      if (done) return;
      for (;;) {
        const r = await sit.next();
        if (r.done) return;
        yield r.value;
      }
    }
    stream = Readable.from(again(), { objectMode: false });
  }
  return { stream, format, size, bytesRead: () => read };
}

/** Records of the input, in batches: `{ no, parsed }`. */
async function* records(opened: Opened, ctx: ParseContext): AsyncGenerator<{ no: number; parsed: ParsedRecord }[]> {
  if (opened.format === 'har') {
    for await (const batch of readHarEntries(opened.stream)) {
      yield batch.map((item) => ({
        no: item.no,
        parsed: 'error' in item ? { ok: false, reason: item.error } : harEntryToRequest(item.entry, ctx),
      }));
    }
    return;
  }
  const parse = LINE_PARSERS[opened.format];
  for await (const batch of readLines(opened.stream)) {
    const out: { no: number; parsed: ParsedRecord }[] = [];
    for (const line of batch) {
      if (line.tooLong) { out.push({ no: line.no, parsed: { ok: false, reason: 'line too long (over 1 MiB)' } }); continue; }
      if (line.text.trim() === '') continue;
      out.push({ no: line.no, parsed: parse(line.text, ctx) });
    }
    yield out;
  }
}

function progressBar(io: ReplayIo, total: number): { update(n: number): void; stop(): void } {
  const bar = new cliProgress.SingleBar({
    stream: io.stderr,
    format: 'replay [{bar}] {percentage}% | {value}/{total} MB | {requests} requests | ETA {eta_formatted}',
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  }, cliProgress.Presets.shades_classic);
  const mb = (n: number): number => Math.round((n / 1048576) * 10) / 10;
  bar.start(mb(total), 0, { requests: 0 });
  let requests = 0;
  return {
    update(n) { requests++; if ((requests & 1023) === 0) bar.update(mb(n), { requests }); },
    stop() { bar.update(mb(total), { requests }); bar.stop(); },
  };
}

/** Runs the replay and writes the report; returns the exit code. */
export async function replay(waf: Portcullis, args: ReplayArgs, io: ReplayIo): Promise<number> {
  const opened = await openInput(args, io);
  const ctx: ParseContext = { host: args.host };
  if (waf.config.mode === 'off') io.stderr.write('portcullis: warning: mode is "off" in the configuration: every request passes\n');
  const builder = createReportBuilder({
    file: args.name, format: opened.format, rulesVersion: waf.rulesVersion, mode: waf.config.mode, top: args.top, samples: args.samples,
  });
  const bar = args.progress && opened.size > 0 ? progressBar(io, opened.size) : null;
  const started = performance.now();
  try {
    for await (const batch of records(opened, ctx)) {
      for (const { no, parsed } of batch) {
        if (!parsed.ok) { builder.broken(no, parsed.reason); continue; }
        const req: RequestLike = parsed.request;
        try {
          const res = await waf.inspect(req);
          builder.add(no, parsed.time, req.remoteAddress ?? '127.0.0.1', req.method, req.url, res);
        } catch (err) {
          builder.error(no, (err as Error).message);
        }
        bar?.update(opened.bytesRead());
      }
    }
  } catch (err) {
    bar?.stop();
    throw new CliError(`cannot read ${args.name} (${opened.format}): ${(err as Error).message}`);
  }
  bar?.stop();
  const report: ReplayReport = builder.finish(performance.now() - started);
  io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  if (report.requests === 0 && report.broken > 0) {
    io.stderr.write(`portcullis: no line of ${args.name} could be read as ${opened.format}; wrong --input-format?\n`);
    return EXIT.USAGE;
  }
  if (args.failOnBlock && report.wouldBlock > 0) return EXIT.FINDINGS;
  if (report.broken > 0 && !args.ignoreBroken) {
    io.stderr.write(`portcullis: ${report.broken} line(s) could not be read as requests (see the report; --ignore-broken to exit 0)\n`);
    return EXIT.BROKEN_INPUT;
  }
  return EXIT.OK;
}
