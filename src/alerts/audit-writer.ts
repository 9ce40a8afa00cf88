/**
 * An append-only line writer that never blocks its caller: `write()` queues the line and returns at once; one
 * asynchronous pump appends queued lines to the file in batches. The queue is bounded in bytes (lines being
 * written count until they are on disk): past it, lines are dropped and counted. A failed write (full disk,
 * missing folder, permissions) loses that batch, is reported through `onError`, and the next batch reopens the
 * file, so the writer recovers when the cause goes away. Files rotate by size: `file` → `file.1` → ... →
 * `file.<maxFiles>` (the oldest is removed). `close()` writes everything accepted before it.
 *
 * One writer per file: rotation assumes no other process appends to the same path.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';

export interface LineWriterOptions {
  readonly file: string;
  /** Rotate before a write would take the file past this many bytes; 0 never rotates. */
  readonly maxBytes: number;
  /** Rotated files kept (`file.1` newest). */
  readonly maxFiles: number;
  /** Bytes queued or being written before new lines are dropped. */
  readonly maxQueueBytes: number;
  /** File mode for a new file. */
  readonly mode: number;
  /** A batch could not be written (`lost` lines are gone). */
  readonly onError: (err: Error, lost: number) => void;
  /** A line was dropped because the queue was full. */
  readonly onDrop: () => void;
  /** Lines reached the file. */
  readonly onWritten: (n: number) => void;
}

export interface LineWriter {
  /** Queues one line (with its trailing newline). False when it was dropped (queue full or closed). */
  write(line: string): boolean;
  /** Resolves when everything queued so far is written (or failed). */
  flush(): Promise<void>;
  /** Closes the file after the next batch; the following write opens it again (for external log rotation). */
  reopen(): Promise<void>;
  /** Stops accepting lines, writes what was accepted, closes the file. */
  close(): Promise<void>;
  /** Bytes queued or being written. */
  readonly pendingBytes: number;
}

export function createLineWriter(o: LineWriterOptions): LineWriter {
  let queue: string[] = [];
  let pending = 0;
  let fh: FileHandle | null = null;
  let size = 0;
  let pump: Promise<void> | null = null;
  let closed = false;

  async function openFile(): Promise<FileHandle> {
    const h = await open(o.file, 'a', o.mode);
    try {
      size = (await h.stat()).size;
    } catch (err) {
      await h.close().catch(() => {});
      throw err;
    }
    return h;
  }

  async function closeFile(): Promise<void> {
    const h = fh;
    fh = null;
    if (h) await h.close().catch(() => {});
  }

  async function rotate(): Promise<void> {
    await closeFile();
    if (o.maxFiles <= 0) {
      await rm(o.file, { force: true });
    } else {
      await rm(`${o.file}.${o.maxFiles}`, { force: true });
      for (let i = o.maxFiles - 1; i >= 1; i--) {
        await rename(`${o.file}.${i}`, `${o.file}.${i + 1}`).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
      }
      await rename(o.file, `${o.file}.1`).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
    }
    fh = await openFile();
  }

  async function writeAll(h: FileHandle, buf: Buffer): Promise<void> {
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await h.write(buf, off, buf.length - off);
      if (bytesWritten <= 0) throw new Error(`short write to ${o.file}`);
      off += bytesWritten;
    }
  }

  async function run(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      const buf = Buffer.from(batch.join(''), 'utf8');
      const bytes = buf.length;
      try {
        fh ??= await openFile();
        if (o.maxBytes > 0 && size > 0 && size + bytes > o.maxBytes) await rotate();
        await writeAll(fh!, buf);
        size += buf.length;
        o.onWritten(batch.length);
      } catch (err) {
        await closeFile();
        o.onError(err instanceof Error ? err : new Error(String(err)), batch.length);
      } finally {
        pending -= bytes;
      }
    }
  }

  function kick(): Promise<void> {
    pump ??= run().finally(() => { pump = null; if (queue.length > 0) void kick(); });
    return pump;
  }

  return {
    write(line) {
      const n = Buffer.byteLength(line);
      if (closed || pending + n > o.maxQueueBytes) { o.onDrop(); return false; }
      queue.push(line);
      pending += n;
      void kick();
      return true;
    },
    async flush() {
      while (pump) await pump;
    },
    async reopen() {
      while (pump) await pump;
      await closeFile();
    },
    async close() {
      closed = true;
      while (pump) await pump;
      await closeFile();
    },
    get pendingBytes() { return pending; },
  };
}
