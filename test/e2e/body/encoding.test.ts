/**
 * Content-Encoding: the capture inspects gzip / deflate / br bodies inflated (capped), while the app still gets
 * the compressed bytes as sent (raw readers) or what body-parser makes of them. A gzip bomb stays bounded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import type http from 'node:http';
import express from 'express';
import { captureMiddleware, capturedOf, collect, json, listen, send, sha, type Running } from './harness.js';
import type { BodyCaptureOptions } from '../../../src/middleware/body.js';

const doc = { q: "1' UNION SELECT password FROM users--", pad: 'x'.repeat(20_000), u: 'ü✓𝄞' };
const plain = Buffer.from(JSON.stringify(doc), 'utf8');

const encoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  br: (b) => zlib.brotliCompressSync(b),
};

function app(opts?: BodyCaptureOptions): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const a = express();
  const capture = captureMiddleware(opts);
  a.post('/json', capture, express.json({ limit: '1mb' }), (req, res) => {
    res.json({ body: req.body as unknown, cap: capturedOf(req) });
  });
  a.post('/raw', capture, (req, res, next) => {
    collect(req).then((b) => res.json({ len: b.length, sha: sha(b), cap: capturedOf(req) }), next);
  });
  return a;
}

describe('compressed bodies', { timeout: 20_000 }, () => {
  let srv: Running;
  let noInflate: Running;
  before(async () => {
    srv = await listen(app());
    noInflate = await listen(app({ limit: 1 << 20, onOverflow: 'partial', inflate: false, timeoutMs: 5000 }));
  });
  after(async () => {
    await srv.close();
    await noInflate.close();
  });

  for (const [coding, encode] of Object.entries(encoders)) {
    it(`${coding}: inspected inflated, express.json still parses it`, async () => {
      const body = encode(plain);
      const reply = await send(srv.port, {
        path: '/json',
        body,
        headers: { 'content-type': 'application/json', 'content-encoding': coding },
      });
      assert.equal(reply.status, 200, reply.body.toString());
      const got = json(reply) as { body: unknown; cap: Record<string, unknown> };
      assert.deepEqual(got.body, doc);
      assert.equal(got.cap.sha, sha(plain));
      assert.equal(got.cap.complete, true);
      assert.equal(got.cap.encodingError, null);
    });

    it(`${coding}: a raw reader gets the compressed bytes as sent (chunked too)`, async () => {
      const body = encode(plain);
      for (const chunked of [undefined, 9] as const) {
        const reply = await send(srv.port, {
          path: '/raw',
          body,
          headers: { 'content-encoding': coding },
          ...(chunked === undefined ? {} : { chunked }),
        });
        const got = json(reply) as { len: number; sha: string; cap: Record<string, unknown> };
        assert.equal(got.sha, sha(body));
        assert.equal(got.cap.sha, sha(plain));
      }
    });
  }

  const odd: readonly { name: string; encoding: string; body: Buffer; capSha: string | null; error: boolean }[] = [
    { name: 'raw deflate (no zlib header)', encoding: 'deflate', body: zlib.deflateRawSync(plain), capSha: sha(plain), error: false },
    { name: 'x-gzip alias, upper case', encoding: 'X-GZIP', body: zlib.gzipSync(plain), capSha: sha(plain), error: false },
    { name: 'stacked gzip, br', encoding: 'gzip, br', body: zlib.brotliCompressSync(zlib.gzipSync(plain)), capSha: sha(plain), error: false },
    { name: 'identity', encoding: 'identity', body: plain, capSha: sha(plain), error: false },
    // Labelled gzip but plain text: inspected as sent, so a raw reader that ignores the label cannot be fooled.
    { name: 'plain text labelled gzip', encoding: 'gzip', body: plain, capSha: sha(plain), error: true },
    { name: 'unknown coding', encoding: 'compress', body: plain, capSha: sha(plain), error: true },
  ];
  for (const c of odd) {
    it(`${c.name}`, async () => {
      const reply = await send(srv.port, { path: '/raw', body: c.body, headers: { 'content-encoding': c.encoding } });
      const got = json(reply) as { sha: string; cap: Record<string, unknown> };
      assert.equal(got.sha, sha(c.body), 'the app gets the bytes as sent');
      assert.equal(got.cap.sha, c.capSha);
      assert.equal(typeof got.cap.encodingError === 'string', c.error, String(got.cap.encodingError));
    });
  }

  it('truncated gzip (corrupt trailer) is an encoding error', async () => {
    const gz = zlib.gzipSync(plain);
    const body = gz.subarray(0, gz.length - 6);
    const reply = await send(srv.port, { path: '/raw', body, headers: { 'content-encoding': 'gzip' } });
    const got = json(reply) as { sha: string; cap: Record<string, unknown> };
    assert.equal(got.sha, sha(body));
    assert.match(String(got.cap.encodingError), /decode error/);
  });

  it('inflate: false inspects the compressed bytes', async () => {
    const body = zlib.gzipSync(plain);
    const reply = await send(noInflate.port, { path: '/raw', body, headers: { 'content-encoding': 'gzip' } });
    const got = json(reply) as { sha: string; cap: Record<string, unknown> };
    assert.equal(got.sha, sha(body));
    assert.equal(got.cap.sha, sha(body));
  });
});

describe('gzip bomb', { timeout: 30_000 }, () => {
  // 1 GiB of zeros: 64 gzip members of 16 MiB each (a valid multi-member gzip stream), about 1 MB on the wire.
  const member = zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
  const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
  const limit = 1024 * 1024;
  let partial: Running;
  let reject: Running;
  before(async () => {
    partial = await listen(app({ limit, onOverflow: 'partial', inflate: true, timeoutMs: 10_000 }));
    reject = await listen(app({ limit, onOverflow: 'reject', inflate: true, timeoutMs: 10_000 }));
  });
  after(async () => {
    await partial.close();
    await reject.close();
  });

  it('capture stops at the limit, memory stays bounded, the app still gets every compressed byte', async () => {
    assert.ok(bomb.length < 2 * 1024 * 1024, `bomb is ${bomb.length} bytes`);
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const probe = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      for (const srv of [partial, reject]) {
        const reply = await send(srv.port, { path: '/raw', body: bomb, headers: { 'content-encoding': 'gzip' } });
        const got = json(reply) as { len: number; sha: string; cap: Record<string, unknown> };
        assert.equal(got.len, bomb.length);
        assert.equal(got.sha, sha(bomb));
        assert.equal(got.cap.len, limit);
        assert.equal(got.cap.sha, sha(Buffer.alloc(limit)));
        assert.equal(got.cap.complete, false);
        assert.equal(got.cap.tooLarge, srv === reject);
      }
    } finally {
      clearInterval(probe);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    assert.ok(peak - rss0 < 100 * 1024 * 1024, `rss grew by ${Math.round((peak - rss0) / 1048576)} MB`);
  });

  it('express.json behind the capture still rejects the bomb itself (413), no crash', async () => {
    const reply = await send(partial.port, {
      path: '/json',
      body: bomb,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    assert.equal(reply.status, 413);
  });
});
