/**
 * Limits and hostile clients: partial and reject overflow, exact-limit boundaries, a client that aborts
 * mid-body, a client that trickles past the timeout, keep-alive and pipelined requests, bodiless requests.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import express from 'express';
import { captureBody, type BodyCapture, type BodyCaptureOptions } from '../../../src/middleware/body.js';
import { sendBlock } from '../../../src/middleware/respond.js';
import { binary, captureMiddleware, capturedOf, collect, json, listen, send, sha, type Running } from './harness.js';

const MB = 1024 * 1024;

function rawApp(opts: BodyCaptureOptions, block = false): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const a = express();
  a.use(
    captureMiddleware(opts, (c, _req, res) => {
      if (block && c.tooLarge) {
        sendBlock(res, 413, 'inc-413');
        return true;
      }
      return false;
    }),
  );
  a.post('/raw', express.raw({ type: () => true, limit: '10mb' }), (req, res) => {
    const b = req.body as Buffer;
    res.json({ len: b.length, sha: sha(b), cap: capturedOf(req) });
  });
  a.post('/stream', (req, res, next) => {
    collect(req).then((b) => res.json({ len: b.length, sha: sha(b), cap: capturedOf(req) }), next);
  });
  return a;
}

describe('overflow', { timeout: 30_000 }, () => {
  let partial: Running;
  let reject: Running;
  const body = binary(3 * MB);
  before(async () => {
    partial = await listen(rawApp({ limit: MB, onOverflow: 'partial', inflate: true, timeoutMs: 5000 }));
    reject = await listen(rawApp({ limit: MB, onOverflow: 'reject', inflate: true, timeoutMs: 5000 }, true));
  });
  after(async () => {
    await partial.close();
    await reject.close();
  });

  it('partial: 3 MB body, 1 MB limit: inspects the first 1 MB, the app gets all 3 MB', async () => {
    for (const path of ['/raw', '/stream']) {
      for (const chunked of [undefined, 40] as const) {
        const reply = await send(partial.port, { path, body, ...(chunked === undefined ? {} : { chunked }) });
        assert.equal(reply.status, 200);
        const got = json(reply) as { len: number; sha: string; cap: Record<string, unknown> };
        assert.equal(got.len, body.length);
        assert.equal(got.sha, sha(body));
        assert.equal(got.cap.len, MB);
        assert.equal(got.cap.sha, sha(body.subarray(0, MB)));
        assert.equal(got.cap.complete, false);
        assert.equal(got.cap.tooLarge, false);
      }
    }
  });

  const boundaries: readonly { size: number; complete: boolean }[] = [
    { size: MB - 1, complete: true },
    { size: MB, complete: true },
    { size: MB + 1, complete: false },
  ];
  for (const b of boundaries) {
    it(`limit boundary: ${b.size - MB >= 0 ? '+' : ''}${b.size - MB} bytes around the limit`, async () => {
      const data = binary(b.size);
      const reply = await send(partial.port, { path: '/stream', body: data });
      const got = json(reply) as { sha: string; cap: Record<string, unknown> };
      assert.equal(got.sha, sha(data));
      assert.equal(got.cap.complete, b.complete);
      assert.equal(got.cap.len, Math.min(b.size, MB));
    });
  }

  it('reject: reports tooLarge and the block answers 413 with connection: close', async () => {
    const reply = await send(reject.port, { path: '/raw', body }).catch((err: unknown) => err);
    // A client still uploading may see the connection close before it reads the answer; when it does read
    // it, it must be the fixed 413.
    if (reply instanceof Error) {
      assert.match(String((reply as NodeJS.ErrnoException).code), /ECONNRESET|EPIPE/);
      return;
    }
    const r = reply as Awaited<ReturnType<typeof send>>;
    assert.equal(r.status, 413);
    assert.equal(r.headers['x-portcullis-incident'], 'inc-413');
    assert.equal(r.headers.connection, 'close');
    assert.equal(r.body.toString(), 'Payload Too Large\nincident: inc-413\n');
  });

  it('reject: a body under the limit passes untouched', async () => {
    const small = binary(MB);
    const reply = await send(reject.port, { path: '/raw', body: small });
    assert.equal(reply.status, 200);
    const got = json(reply) as { sha: string; cap: Record<string, unknown> };
    assert.equal(got.sha, sha(small));
    assert.equal(got.cap.tooLarge, false);
  });
});

/** A server whose captureBody results are handed to the test as they happen. */
async function probeServer(opts: BodyCaptureOptions): Promise<{ srv: Running; next: () => Promise<{ c: BodyCapture; req: http.IncomingMessage; res: http.ServerResponse }> }> {
  const waiting: ((v: { c: BodyCapture; req: http.IncomingMessage; res: http.ServerResponse }) => void)[] = [];
  const srv = await listen((req, res) => {
    captureBody(req, opts).then((c) => waiting.shift()?.({ c, req, res }), () => undefined);
  });
  return {
    srv,
    next: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

function rawRequest(port: number, head: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(head);
      resolve(s);
    });
    s.on('error', reject);
  });
}

describe('hostile clients', { timeout: 20_000 }, () => {
  let probe: Awaited<ReturnType<typeof probeServer>>;
  before(async () => {
    probe = await probeServer({ limit: MB, onOverflow: 'partial', inflate: true, timeoutMs: 300 });
  });
  after(async () => probe.srv.close());

  it('a client that aborts mid-body: capture resolves with aborted, no unhandled error', async () => {
    const seen = probe.next();
    const s = await rawRequest(probe.srv.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
    s.write(Buffer.alloc(5000, 0x41));
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    const { c } = await seen;
    assert.equal(c.aborted, true);
    assert.equal(c.complete, false);
    assert.ok(c.body !== undefined && c.body.length <= 5000);
  });

  it('a client that trickles past timeoutMs: capture resolves timedOut; the rest still reaches a reader', async () => {
    const seen = probe.next();
    const t0 = Date.now();
    const s = await rawRequest(probe.srv.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\nConnection: close\r\n\r\n');
    s.write('0123456789');
    const { c, req, res } = await seen;
    const elapsed = Date.now() - t0;
    assert.equal(c.timedOut, true);
    assert.equal(c.complete, false);
    assert.equal(c.body?.toString(), '0123456789');
    assert.ok(elapsed >= 250 && elapsed < 3000, `resolved after ${elapsed} ms`);
    // The app downstream reads on: it gets the first 10 bytes back plus what arrives later.
    const all = collect(req);
    s.write('abcdefghij');
    assert.equal((await all).toString(), '0123456789abcdefghij');
    res.end('ok');
    s.destroy();
  });

  it('a GET resolves at once without touching the stream', async () => {
    const seen = probe.next();
    const t0 = performance.now();
    const s = await rawRequest(probe.srv.port, 'GET /?q=1 HTTP/1.1\r\nHost: x\r\n\r\n');
    const { c, req, res } = await seen;
    assert.ok(performance.now() - t0 < 200);
    assert.equal(c.body, undefined);
    assert.equal(c.complete, true);
    assert.equal(c.consumed, false);
    assert.equal(req.readableDidRead, false);
    res.end();
    s.destroy();
  });

  it('Content-Length: 0 resolves at once with an empty body', async () => {
    const seen = probe.next();
    const s = await rawRequest(probe.srv.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
    const { c, res } = await seen;
    assert.equal(c.body?.length, 0);
    assert.equal(c.complete, true);
    res.end();
    s.destroy();
  });
});

describe('connections', { timeout: 20_000 }, () => {
  let srv: Running;
  const ports: number[] = [];
  before(async () => {
    const mw = captureMiddleware({ limit: MB, onOverflow: 'partial', inflate: true, timeoutMs: 2000 });
    srv = await listen((req, res) => {
      mw(req, res, () => {
        ports.push(req.socket.remotePort ?? -1);
        collect(req).then((b) => res.end(`${b.toString('latin1')}|${String(capturedOf(req)?.len)}`), () => res.end('err'));
      });
    });
  });
  after(async () => srv.close());

  it('keep-alive: two requests on one connection both work', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      ports.length = 0;
      const a = await send(srv.port, { body: 'first-body', agent });
      const b = await send(srv.port, { body: 'second', agent, chunked: 2 });
      const c = await send(srv.port, { agent });
      assert.equal(a.body.toString(), 'first-body|10');
      assert.equal(b.body.toString(), 'second|6');
      assert.equal(c.body.toString(), '|null');
      assert.equal(ports.length, 3);
      assert.ok(ports.every((p) => p === ports[0]), `ports ${ports.join(',')}`);
    } finally {
      agent.destroy();
    }
  });

  it('pipelined requests in one TCP write do not bleed into each other', async () => {
    const wire =
      'POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nAAAAA' +
      'POST /2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nBBB\r\n0\r\n\r\n' +
      'GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const s = await rawRequest(srv.port, wire);
    const out = await collect(s);
    const text = out.toString('latin1');
    assert.equal(text.match(/HTTP\/1\.1 200/g)?.length, 3, text);
    assert.ok(text.includes('AAAAA|5'));
    assert.ok(text.includes('BBB|3'));
    assert.ok(text.includes('|null'));
    assert.ok(text.indexOf('AAAAA|5') < text.indexOf('BBB|3'));
  });

  it('a client that half-closes (FIN) right after the body: express.json behind the capture still parses it', async () => {
    const a = express();
    a.use(captureMiddleware());
    a.use(express.json({ limit: '1mb' }));
    a.post('/', (req, res) => res.json({ n: (req.body as { a?: string } | undefined)?.a?.length ?? -1 }));
    const half = await listen(a);
    try {
      for (const size of [10, 200_000]) {
        const body = JSON.stringify({ a: 'x'.repeat(size) });
        const s = net.connect(half.port, '127.0.0.1');
        s.end(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        const out = (await collect(s)).toString('latin1');
        assert.match(out, /^HTTP\/1\.1 200/);
        assert.ok(out.endsWith(`{"n":${size}}`), out.slice(-100));
      }
    } finally {
      await half.close();
    }
  });
});
