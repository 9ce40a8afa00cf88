import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createLineWriter, type LineWriterOptions } from '../../../src/alerts/audit-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writer(file: string, over: Partial<LineWriterOptions> = {}) {
  const seen = { written: 0, dropped: 0, errors: [] as { err: Error; lost: number }[] };
  const w = createLineWriter({
    file, maxBytes: 0, maxFiles: 3, maxQueueBytes: 1 << 20, mode: 0o640,
    onWritten: (n) => { seen.written += n; },
    onDrop: () => { seen.dropped++; },
    onError: (err, lost) => { seen.errors.push({ err, lost }); },
    ...over,
  });
  return { w, seen };
}

test('write returns at once; close writes every accepted line in order', async () => {
  const file = join(dir, 'order.jsonl');
  const { w, seen } = writer(file);
  for (let i = 0; i < 500; i++) assert.equal(w.write(`${JSON.stringify({ i })}\n`), true);
  assert.ok(w.pendingBytes > 0);
  await w.close();
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => JSON.parse(l).i), Array.from({ length: 500 }, (_, i) => i));
  assert.equal(seen.written, 500);
  assert.equal(w.pendingBytes, 0);
  assert.equal(w.write('late\n'), false);
  assert.equal(seen.dropped, 1);
});

test('appends to an existing file', async () => {
  const file = join(dir, 'append.jsonl');
  writeFileSync(file, 'old\n');
  const { w } = writer(file);
  w.write('new\n');
  await w.close();
  assert.equal(readFileSync(file, 'utf8'), 'old\nnew\n');
});

test('rotates by size and keeps maxFiles', async () => {
  const file = join(dir, 'rot.jsonl');
  const { w, seen } = writer(file, { maxBytes: 1000, maxFiles: 2 });
  const line = `${'x'.repeat(99)}\n`; // 100 bytes
  for (let i = 0; i < 45; i++) { w.write(line); await w.flush(); }
  await w.close();
  assert.equal(seen.written, 45);
  assert.ok(statSync(file).size <= 1000);
  assert.ok(statSync(`${file}.1`).size <= 1000 && statSync(`${file}.1`).size > 0);
  assert.ok(existsSync(`${file}.2`));
  assert.ok(!existsSync(`${file}.3`));
  const total = [file, `${file}.1`, `${file}.2`].reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').filter(Boolean).length, 0);
  assert.ok(total <= 30 && total >= 20, String(total));
});

test('the queue is bounded in bytes: past it lines are dropped and counted', async () => {
  const file = join(dir, 'full.jsonl');
  const { w, seen } = writer(file, { maxQueueBytes: 4096 });
  let accepted = 0;
  for (let i = 0; i < 1000; i++) if (w.write(`${'y'.repeat(63)}\n`)) accepted++;
  assert.ok(accepted <= 64, String(accepted));
  assert.equal(seen.dropped, 1000 - accepted);
  assert.ok(w.pendingBytes <= 4096);
  await w.close();
  assert.equal(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, accepted);
});

test('a full disk loses the batch, reports it, and the writer keeps going', async () => {
  const { w, seen } = writer('/dev/full');
  assert.equal(w.write('a\n'), true);
  await w.flush();
  assert.equal(seen.errors.length, 1);
  assert.equal((seen.errors[0]!.err as NodeJS.ErrnoException).code, 'ENOSPC');
  assert.equal(seen.errors[0]!.lost, 1);
  w.write('b\n'); w.write('c\n');
  await w.close();
  assert.equal(seen.errors.reduce((n, e) => n + e.lost, 0), 3);
  assert.equal(seen.written, 0);
});

test('a missing folder fails until it exists, then writing resumes', async () => {
  const sub = join(dir, 'later');
  const file = join(sub, 'audit.jsonl');
  const { w, seen } = writer(file);
  w.write('lost\n');
  await w.flush();
  assert.equal((seen.errors[0]!.err as NodeJS.ErrnoException).code, 'ENOENT');
  (await import('node:fs')).mkdirSync(sub);
  w.write('kept\n');
  await w.close();
  assert.equal(readFileSync(file, 'utf8'), 'kept\n');
});

test('reopen: after the file is moved away, the next line goes to a new file', async () => {
  const file = join(dir, 'moved.jsonl');
  const { w } = writer(file);
  w.write('one\n');
  await w.flush();
  (await import('node:fs')).renameSync(file, `${file}.old`);
  await w.reopen();
  w.write('two\n');
  await w.close();
  assert.equal(readFileSync(`${file}.old`, 'utf8'), 'one\n');
  assert.equal(readFileSync(file, 'utf8'), 'two\n');
});
