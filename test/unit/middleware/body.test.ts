/**
 * captureBody on hand-built IncomingMessages: exercises stream states that are hard to time over real HTTP
 * (body fully buffered before the capture, EOF with zero bytes, errors mid-read, earlier consumers).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import zlib from 'node:zlib';
import { captureBody, declaresBody, isConsumed, type BodyCaptureOptions } from '../../../src/middleware/body.js';

const OPTS: BodyCaptureOptions = { limit: 1024, onOverflow: 'partial', inflate: true, timeoutMs: 1000 };

function message(headers: Record<string, string>): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/';
  req.headers = headers;
  const raw: string[] = [];
  for (const [k, v] of Object.entries(headers)) raw.push(k, v);
  req.rawHeaders = raw;
  return req;
}

function finishBody(req: IncomingMessage): void {
  req.complete = true;
  req.push(null);
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

const withTimeout = <T>(p: Promise<T>, ms = 2000): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);

describe('declaresBody', () => {
  const table: readonly [Record<string, string>, boolean][] = [
    [{}, false],
    [{ 'content-length': '0' }, true],
    [{ 'content-length': '5' }, true],
    [{ 'transfer-encoding': 'chunked' }, true],
    [{ 'content-type': 'application/json' }, false],
  ];
  for (const [headers, expected] of table) {
    it(`${JSON.stringify(headers)} -> ${expected}`, () => assert.equal(declaresBody(message(headers)), expected));
  }
});

describe('captureBody on synthetic messages', () => {
  it('body fully buffered before the call: read and put back in one tick, end still delivered', async () => {
    const req = message({ 'content-length': '11' });
    req.push(Buffer.from('hello '));
    req.push(Buffer.from('world'));
    finishBody(req);
    const c = await captureBody(req, OPTS);
    assert.equal(c.body?.toString(), 'hello world');
    assert.equal(c.complete, true);
    assert.equal(req.readableEnded, false);
    assert.equal((await withTimeout(readAll(req))).toString(), 'hello world');
  });

  it('chunked body with zero bytes that already ended: end is not swallowed', async () => {
    const req = message({ 'transfer-encoding': 'chunked' });
    finishBody(req);
    const c = await captureBody(req, OPTS);
    assert.equal(c.body?.length, 0);
    assert.equal(c.complete, true);
    // Let any stray 'end' fire before a late reader attaches: it must still see 'end'.
    await new Promise((r) => setImmediate(r));
    assert.equal(req.readableEnded, false);
    assert.equal((await withTimeout(readAll(req))).length, 0);
  });

  it('chunked body whose EOF arrives later, with zero bytes', async () => {
    const req = message({ 'transfer-encoding': 'chunked' });
    const p = captureBody(req, OPTS);
    setTimeout(() => finishBody(req), 10);
    const c = await withTimeout(p);
    assert.equal(c.body?.length, 0);
    await new Promise((r) => setImmediate(r));
    assert.equal((await withTimeout(readAll(req))).length, 0);
  });

  it('data arriving over several ticks is captured and replayed in order', async () => {
    const req = message({ 'content-length': '300' });
    const p = captureBody(req, OPTS);
    const sent: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 5));
      const b = Buffer.alloc(100, 0x61 + i);
      sent.push(b);
      req.push(b);
    }
    finishBody(req);
    const c = await withTimeout(p);
    assert.ok(c.body?.equals(Buffer.concat(sent)));
    assert.ok((await withTimeout(readAll(req))).equals(Buffer.concat(sent)));
  });

  it('overflow in partial mode keeps a prefix of exactly `limit` bytes; the stream keeps everything', async () => {
    const req = message({ 'content-length': '3000' });
    const body = Buffer.alloc(3000);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    req.push(body.subarray(0, 1000));
    req.push(body.subarray(1000, 2000));
    req.push(body.subarray(2000));
    finishBody(req);
    const c = await captureBody(req, OPTS);
    assert.equal(c.body?.length, 1024);
    assert.ok(c.body?.equals(body.subarray(0, 1024)));
    assert.equal(c.complete, false);
    assert.equal(c.tooLarge, false);
    assert.ok((await withTimeout(readAll(req))).equals(body));
  });

  it('overflow in reject mode reports tooLarge', async () => {
    const req = message({ 'content-length': '2000' });
    req.push(Buffer.alloc(2000, 1));
    finishBody(req);
    const c = await captureBody(req, { ...OPTS, onOverflow: 'reject' });
    assert.equal(c.tooLarge, true);
    assert.equal(c.complete, false);
  });

  it('limit 0: any byte overflows; an empty body does not', async () => {
    const one = message({ 'content-length': '1' });
    one.push(Buffer.from('x'));
    finishBody(one);
    const c1 = await captureBody(one, { ...OPTS, limit: 0 });
    assert.equal(c1.body?.length, 0);
    assert.equal(c1.complete, false);
    assert.equal((await withTimeout(readAll(one))).toString(), 'x');
    const none = message({ 'transfer-encoding': 'chunked' });
    finishBody(none);
    const c0 = await captureBody(none, { ...OPTS, limit: 0 });
    assert.equal(c0.body?.length, 0);
    assert.equal(c0.complete, true);
  });

  it('a stream error mid-body resolves aborted, never rejects', async () => {
    const req = message({ 'content-length': '100' });
    const p = captureBody(req, OPTS);
    req.push(Buffer.from('partial'));
    setTimeout(() => req.destroy(new Error('boom')), 5);
    const c = await withTimeout(p);
    assert.equal(c.aborted, true);
    assert.equal(c.complete, false);
  });

  it('timeout resolves timedOut with what arrived', async () => {
    const req = message({ 'content-length': '100' });
    const p = captureBody(req, { ...OPTS, timeoutMs: 30 });
    req.push(Buffer.from('slow'));
    const c = await withTimeout(p);
    assert.equal(c.timedOut, true);
    assert.equal(c.body?.toString(), 'slow');
    req.push(Buffer.from('-rest'));
    finishBody(req);
    assert.equal((await withTimeout(readAll(req))).toString(), 'slow-rest');
  });

  it('a request destroyed before the capture resolves aborted', async () => {
    const req = message({ 'content-length': '10' });
    req.on('error', () => undefined);
    req.destroy(new Error('gone'));
    const c = await withTimeout(captureBody(req, OPTS));
    assert.equal(c.aborted, true);
    assert.equal(c.consumed, false);
  });

  it('a NaN limit inspects nothing instead of buffering without bound', async () => {
    const req = message({ 'content-length': '5' });
    req.push(Buffer.from('abcde'));
    finishBody(req);
    const c = await captureBody(req, { ...OPTS, limit: Number.NaN });
    assert.equal(c.body?.length, 0);
    assert.equal(c.complete, false);
    assert.equal((await withTimeout(readAll(req))).toString(), 'abcde');
  });

  it('a second call returns the first result instead of reporting consumed', async () => {
    const req = message({ 'content-length': '3' });
    req.push(Buffer.from('abc'));
    finishBody(req);
    const a = await captureBody(req, OPTS);
    const b = await captureBody(req, OPTS);
    assert.equal(a, b);
    assert.equal(b.consumed, false);
  });

  it('inflates gzip; the stream keeps the compressed bytes', async () => {
    const plain = Buffer.from('a=1&b=<script>'.repeat(20));
    const gz = zlib.gzipSync(plain);
    const req = message({ 'content-length': String(gz.length), 'content-encoding': 'gzip' });
    req.push(gz);
    finishBody(req);
    const c = await captureBody(req, OPTS);
    assert.ok(c.body?.equals(plain));
    assert.ok((await withTimeout(readAll(req))).equals(gz));
  });

  it('gzip inflating past the limit: prefix, overflow', async () => {
    const plain = Buffer.alloc(100_000, 0x7a);
    const gz = zlib.gzipSync(plain);
    const req = message({ 'content-length': String(gz.length), 'content-encoding': 'gzip' });
    req.push(gz);
    finishBody(req);
    const c = await captureBody(req, { ...OPTS, onOverflow: 'reject' });
    assert.equal(c.body?.length, 1024);
    assert.equal(c.tooLarge, true);
  });

  it('unknown coding: raw bytes inspected, encodingError set', async () => {
    const req = message({ 'content-length': '4', 'content-encoding': 'zstd' });
    req.push(Buffer.from('abcd'));
    finishBody(req);
    const c = await captureBody(req, OPTS);
    assert.equal(c.body?.toString(), 'abcd');
    assert.match(c.encodingError ?? '', /unsupported/);
  });
});

describe('a stream with setEncoding() called upstream', () => {
  for (const encoding of ['utf8', 'latin1', 'hex'] as const) {
    it(`${encoding}: inspected as bytes, replayed as the same strings`, async () => {
      const bytes = Buffer.from('ü✓𝄞 <x>', 'utf8');
      const req = message({ 'content-length': String(bytes.length) });
      req.setEncoding(encoding);
      req.push(bytes.subarray(0, 3)); // splits a multi-byte character
      req.push(bytes.subarray(3));
      finishBody(req);
      const c = await captureBody(req, OPTS);
      assert.ok(c.body?.equals(bytes), c.body?.toString('hex'));
      let text = '';
      req.on('data', (s: string) => (text += s));
      await withTimeout(new Promise((r) => req.on('end', r)));
      assert.equal(text, bytes.toString(encoding));
    });
  }
});

describe('consumed detection', () => {
  const cases: readonly [string, (req: IncomingMessage) => void | Promise<void>][] = [
    ['body-parser 1.x marker', (req) => void Object.assign(req, { _body: true })],
    [
      'stream already ended (parser read it)',
      async (req) => {
        req.push(Buffer.from('x'));
        finishBody(req);
        await readAll(req);
      },
    ],
    ['someone is reading in flowing mode', (req) => void req.on('data', () => undefined)],
  ];
  for (const [name, setup] of cases) {
    it(name, async () => {
      const req = message({ 'content-length': '1' });
      await setup(req);
      assert.equal(isConsumed(req), true);
      const c = await captureBody(req, OPTS);
      assert.equal(c.consumed, true);
      assert.equal(c.body, undefined);
    });
  }

  it('req.body set by a parser that skipped the type is not "consumed" (Express 4 sets {} eagerly)', async () => {
    const req = message({ 'content-length': '2' });
    Object.assign(req, { body: {} });
    req.push(Buffer.from('hi'));
    finishBody(req);
    const c = await captureBody(req, OPTS);
    assert.equal(c.consumed, false);
    assert.equal(c.body?.toString(), 'hi');
  });
});
