/**
 * captureBody in front of plain node:http readers ('data'/'end', pipe, pipeline, async iteration, paused-mode
 * read(), raw-body, busboy, a reader that starts late) and Connect + body-parser: every reader must get the
 * exact bytes that were sent, whatever the size and framing (Content-Length or chunked).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import getRawBody from 'raw-body';
import busboy from 'busboy';
import connect from 'connect';
import bodyParser from 'body-parser';
import { binary, captureMiddleware, capturedOf, collect, json, listen, send, sha, type Running } from './harness.js';

type Reader = (req: http.IncomingMessage) => Promise<Buffer>;

const readers: Record<string, Reader> = {
  data: (req) => collect(req),
  pipe: (req) =>
    new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          parts.push(chunk);
          cb();
        },
      });
      sink.on('finish', () => resolve(Buffer.concat(parts)));
      req.on('error', reject);
      req.pipe(sink);
    }),
  pipeline: async (req) => {
    const parts: Buffer[] = [];
    await pipeline(
      req,
      new Writable({
        highWaterMark: 1024, // small: exercises backpressure on the replayed bytes
        write(chunk: Buffer, _enc, cb) {
          parts.push(chunk);
          setImmediate(cb);
        },
      }),
    );
    return Buffer.concat(parts);
  },
  asyncIterator: async (req) => {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  },
  pausedRead: (req) =>
    new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      req.on('readable', () => {
        let c: Buffer | null;
        while ((c = req.read() as Buffer | null) !== null) parts.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(parts)));
      req.on('error', reject);
    }),
  rawBody: (req) => getRawBody(req, { length: req.headers['content-length'] ?? null, limit: '20mb' }),
  lateData: (req) =>
    new Promise<Buffer>((resolve, reject) => {
      setTimeout(() => collect(req).then(resolve, reject), 30);
    }),
};

const bodies: readonly { name: string; body: Buffer }[] = [
  { name: '0 bytes', body: Buffer.alloc(0) },
  { name: '1 byte', body: Buffer.from([0x00]) },
  { name: 'multi-byte UTF-8', body: Buffer.from('ñ✓𝄞 "\'<script>日本', 'utf8') },
  { name: 'binary 64 KB', body: binary(64 * 1024) },
  { name: 'binary 5 MB', body: binary(5 * 1024 * 1024) },
];

describe('node:http readers after captureBody', { timeout: 60_000 }, () => {
  let srv: Running;
  before(async () => {
    const mw = captureMiddleware();
    srv = await listen((req, res) => {
      mw(req, res, () => {
        const reader = readers[(req.url ?? '/').slice(1)];
        if (reader === undefined) {
          res.statusCode = 404;
          res.end();
          return;
        }
        reader(req).then(
          (got) => res.end(JSON.stringify({ len: got.length, sha: sha(got), cap: capturedOf(req) })),
          (err: unknown) => {
            res.statusCode = 500;
            res.end(String(err));
          },
        );
      });
    });
  });
  after(async () => srv.close());

  for (const readerName of Object.keys(readers)) {
    for (const b of bodies) {
      it(`${readerName}: ${b.name} (content-length and chunked)`, async () => {
        for (const chunked of [undefined, 3] as const) {
          const reply = await send(srv.port, { path: `/${readerName}`, body: b.body, ...(chunked === undefined ? {} : { chunked }) });
          assert.equal(reply.status, 200, reply.body.toString());
          const got = json(reply) as { len: number; sha: string; cap: Record<string, unknown> };
          assert.equal(got.len, b.body.length);
          assert.equal(got.sha, sha(b.body));
          assert.equal(got.cap.sha, sha(b.body), 'the capture saw the same bytes');
          assert.equal(got.cap.complete, true);
          assert.equal(got.cap.consumed, false);
        }
      });
    }
  }
});

describe('busboy after captureBody', { timeout: 20_000 }, () => {
  let srv: Running;
  before(async () => {
    const mw = captureMiddleware();
    srv = await listen((req, res) => {
      mw(req, res, () => {
        const fields: Record<string, string> = {};
        const files: Promise<{ name: string; sha: string; len: number }>[] = [];
        const bb = busboy({ headers: req.headers });
        bb.on('field', (name, value) => {
          fields[name] = value;
        });
        bb.on('file', (name, stream) => {
          files.push(collect(stream).then((b) => ({ name, sha: sha(b), len: b.length })));
        });
        bb.on('close', () => {
          Promise.all(files).then(
            (f) => res.end(JSON.stringify({ fields, files: f, cap: capturedOf(req) })),
            (err: unknown) => res.end(String(err)),
          );
        });
        req.pipe(bb);
      });
    });
  });
  after(async () => srv.close());

  it('gets every field and file byte-exact', async () => {
    const file = binary(300_000);
    const boundary = 'XyZ-boundary-42';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\nvalüe ✓\r\n`, 'utf8'),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="up"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    for (const chunked of [undefined, 17] as const) {
      const reply = await send(srv.port, {
        body,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        ...(chunked === undefined ? {} : { chunked }),
      });
      assert.equal(reply.status, 200);
      const got = json(reply) as { fields: unknown; files: unknown; cap: Record<string, unknown> };
      assert.deepEqual(got.fields, { f: 'valüe ✓' });
      assert.deepEqual(got.files, [{ name: 'up', sha: sha(file), len: file.length }]);
      assert.equal(got.cap.sha, sha(body));
    }
  });
});

describe('connect + body-parser', { timeout: 20_000 }, () => {
  for (const order of ['before', 'after'] as const) {
    describe(`capture ${order} the parser`, () => {
      let srv: Running;
      before(async () => {
        const app = connect();
        const capture = captureMiddleware();
        const parser = bodyParser.json();
        if (order === 'before') app.use(capture).use(parser);
        else app.use(parser).use(capture);
        app.use((req: http.IncomingMessage & { body?: unknown }, res: http.ServerResponse) => {
          res.end(JSON.stringify({ body: req.body, cap: capturedOf(req) }));
        });
        srv = await listen(app);
      });
      after(async () => srv.close());

      it('the app gets the parsed JSON; the capture sees bytes or reports consumed', async () => {
        const sent = { a: "1' OR '1'='1", u: 'ü✓' };
        const body = Buffer.from(JSON.stringify(sent), 'utf8');
        const reply = await send(srv.port, { body, headers: { 'content-type': 'application/json' } });
        assert.equal(reply.status, 200);
        const got = json(reply) as { body: unknown; cap: Record<string, unknown> };
        assert.deepEqual(got.body, sent);
        if (order === 'before') assert.equal(got.cap.sha, sha(body));
        else assert.equal(got.cap.consumed, true);
      });
    });
  }
});
