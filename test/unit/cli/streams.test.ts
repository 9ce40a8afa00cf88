import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readHarEntries, type HarItem } from '../../../src/cli/har-stream.js';
import { readLines, type InputLine } from '../../../src/cli/lines.js';

/** A stream that hands out `text` in chunks of `size` bytes (to cross every boundary). */
function chunked(text: string | Buffer, size: number): Readable {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

async function lines(text: string | Buffer, size: number, max?: number): Promise<InputLine[]> {
  const out: InputLine[] = [];
  for await (const batch of readLines(chunked(text, size), max)) out.push(...batch);
  return out;
}

async function har(text: string, size: number, max?: number): Promise<HarItem[]> {
  const out: HarItem[] = [];
  for await (const batch of readHarEntries(chunked(text, size), max)) out.push(...batch);
  return out;
}

describe('readLines', () => {
  it('splits LF and CRLF lines, numbers them, keeps a last line without newline, decodes UTF-8 across chunks', async () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const got = await lines('a\r\nb\n\nzé€\nlast', size);
      assert.deepEqual(got.map((l) => [l.no, l.text, l.tooLong]), [[1, 'a', false], [2, 'b', false], [3, '', false], [4, 'zé€', false], [5, 'last', false]], `chunk ${size}`);
    }
  });

  it('drops lines over the cap without buffering them, and goes on with the next line', async () => {
    const long = 'x'.repeat(5000);
    for (const size of [1, 64, 100_000]) {
      const got = await lines(`ok1\n${long}\nok2\n${long}`, size, 1000);
      assert.deepEqual(got.map((l) => [l.no, l.text, l.tooLong]), [[1, 'ok1', false], [2, '', true], [3, 'ok2', false], [4, '', true]], `chunk ${size}`);
    }
  });

  it('holds at most one capped line: a 64 MiB input without a newline streams through', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    async function* gen(): AsyncGenerator<Buffer> { for (let i = 0; i < 64; i++) yield chunk; }
    const before = process.memoryUsage().arrayBuffers;
    const out: InputLine[] = [];
    for await (const b of readLines(Readable.from(gen()), 1024)) out.push(...b);
    assert.deepEqual(out, [{ no: 1, text: '', tooLong: true }]);
    assert.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024);
  });
});

describe('readHarEntries', () => {
  const doc = JSON.stringify({
    log: {
      version: '1.2', creator: { name: 'x', entries: [{ nope: 1 }] },
      pages: [{ id: 'p', title: 'a "quoted" {brace} [bracket] \\ title' }],
      entries: [
        { request: { method: 'GET', url: 'http://h/a?x="}"', headers: [] }, response: { content: { text: '{"entries":[1,2]}' } } },
        { request: { method: 'POST', url: 'http://h/b', headers: [{ name: 'k', value: '\\"' }] } },
      ],
    },
  }, null, 1);

  it('streams log.entries items, whatever the chunking, ignoring look-alikes elsewhere', async () => {
    for (const size of [1, 3, 17, 100_000]) {
      const got = await har(doc, size);
      assert.equal(got.length, 2, `chunk ${size}`);
      assert.deepEqual(got.map((g) => g.no), [1, 2]);
      assert.ok(got.every((g) => 'entry' in g));
      assert.equal(((got[0] as { entry: { request: { url: string } } }).entry).request.url, 'http://h/a?x="}"');
    }
  });

  it('reports an entry over the size cap as broken and goes on', async () => {
    const big = JSON.stringify({ log: { entries: [{ request: { method: 'GET', url: 'http://h/', pad: 'p'.repeat(10_000) } }, { request: { method: 'GET', url: 'http://h/ok' } }] } });
    const got = await har(big, 512, 2000);
    assert.ok('error' in got[0]! && /larger than 2000/.test(got[0].error));
    assert.ok('entry' in got[1]!);
  });

  it('refuses what is not a HAR document: not an object, truncated, no entries, empty', async () => {
    await assert.rejects(har('[1,2]', 10), /JSON object/);
    await assert.rejects(har(doc.slice(0, doc.length - 20), 50), /ends in the middle/);
    await assert.rejects(har('{"log":{"pages":[]}}', 5), /no "log.entries"/);
    await assert.rejects(har('   ', 5), /empty input/);
  });

  it('is not fooled by deep nesting or brace-heavy strings', async () => {
    const deep = `{"log":{"entries":[{"request":{"method":"GET","url":"http://h/"},"x":${'['.repeat(5000)}${']'.repeat(5000)}}]}}`;
    const got = await har(deep, 333);
    assert.equal(got.length, 1);
    assert.ok('entry' in got[0]!);
  });
});
