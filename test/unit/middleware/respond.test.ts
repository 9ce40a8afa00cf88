import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { sendBlock } from '../../../src/middleware/respond.js';

type Mode = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let server: http.Server;
let port: number;
const modes: Record<string, Mode> = {};
const thrown: unknown[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const mode = modes[new URL(req.url ?? '/', 'http://x').pathname];
    try {
      mode?.(req, res);
    } catch (err) {
      thrown.push(err);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
function get(path: string, headers: Record<string, string> = {}, method = 'GET', agent: http.Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, path, headers, method, agent }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.setTimeout(5000, () => r.destroy(new Error('timeout')));
    r.end();
  });
}

modes['/block'] = (req, res) => {
  const q = new URL(req.url ?? '/', 'http://x').searchParams;
  const json = q.get('json');
  sendBlock(res, Number(q.get('status') ?? '403'), q.get('id') ?? 'abc-123', json === null ? undefined : { json: json === '1' });
};

describe('sendBlock response', () => {
  const table: readonly { name: string; path: string; accept?: string; status: number; body: string; type: RegExp }[] = [
    { name: 'text by default', path: '/block', status: 403, body: 'Forbidden\nincident: abc-123\n', type: /^text\/plain/ },
    { name: 'json when Accept asks', path: '/block', accept: 'application/json', status: 403, body: '{"error":"Forbidden","incident":"abc-123"}', type: /^application\/json/ },
    { name: 'json forced', path: '/block?json=1', status: 403, body: '{"error":"Forbidden","incident":"abc-123"}', type: /^application\/json/ },
    { name: 'text forced over Accept', path: '/block?json=0', accept: 'application/json', status: 403, body: 'Forbidden\nincident: abc-123\n', type: /^text\/plain/ },
    { name: '429 reason', path: '/block?status=429', status: 429, body: 'Too Many Requests\nincident: abc-123\n', type: /^text\/plain/ },
    { name: '413 reason', path: '/block?status=413&json=1', status: 413, body: '{"error":"Payload Too Large","incident":"abc-123"}', type: /json/ },
    { name: 'non-error status falls back to 403', path: '/block?status=200', status: 403, body: 'Forbidden\nincident: abc-123\n', type: /text/ },
    { name: 'NaN status falls back to 403', path: '/block?status=abc', status: 403, body: 'Forbidden\nincident: abc-123\n', type: /text/ },
    { name: 'incident id is sanitised (no header injection, no markup)', path: '/block?id=' + encodeURIComponent('a\r\nSet-Cookie: x=<b>"'), status: 403, body: 'Forbidden\nincident: aSet-Cookiexb\n', type: /text/ },
    { name: 'empty incident id', path: '/block?id=', status: 403, body: 'Forbidden\nincident: unknown\n', type: /text/ },
  ];
  for (const c of table) {
    it(c.name, async () => {
      const r = await get(c.path, c.accept === undefined ? {} : { accept: c.accept });
      assert.equal(r.status, c.status);
      assert.equal(r.body, c.body);
      assert.match(String(r.headers['content-type']), c.type);
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['content-length'], String(Buffer.byteLength(c.body)));
      assert.equal(r.headers['set-cookie'], undefined);
      const incident = /incident[":\s]+([^"\n]*)/.exec(r.body)?.[1];
      assert.equal(r.headers['x-portcullis-incident'], incident);
    });
  }

  it('drops stale entity headers set earlier, keeps others (Retry-After)', async () => {
    modes['/stale'] = (_req, res) => {
      res.setHeader('etag', '"x"');
      res.setHeader('content-encoding', 'gzip');
      res.setHeader('retry-after', '30');
      sendBlock(res, 429, 'r1');
    };
    const r = await get('/stale');
    assert.equal(r.status, 429);
    assert.equal(r.headers.etag, undefined);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.headers['retry-after'], '30');
  });

  it('HEAD gets the headers and no body', async () => {
    const r = await get('/block', {}, 'HEAD');
    assert.equal(r.status, 403);
    assert.equal(r.body, '');
  });
});

describe('sendBlock connection handling', () => {
  it('a fully received request keeps the connection alive', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const a = await get('/block', {}, 'GET', agent);
      const b = await get('/block', {}, 'GET', agent);
      assert.equal(a.status, 403);
      assert.equal(b.status, 403);
      assert.notEqual(a.headers.connection, 'close');
    } finally {
      agent.destroy();
    }
  });

  it('an unread body still in flight gets connection: close, and the socket closes', async () => {
    const s = net.connect(port, '127.0.0.1');
    s.write('POST /block HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(1000));
    const text = await new Promise<string>((resolve, reject) => {
      let out = '';
      s.setEncoding('latin1');
      s.on('data', (c: string) => (out += c));
      s.on('close', () => resolve(out));
      s.on('error', reject);
      setTimeout(() => reject(new Error('socket not closed')), 3000).unref();
    });
    assert.match(text, /^HTTP\/1\.1 403/);
    assert.match(text, /\r\nconnection: close\r\n/i);
  });

  it('headers already sent: no throw, the socket is destroyed', async () => {
    modes['/late'] = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      sendBlock(res, 403, 'late');
    };
    const err = await get('/late').then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error);
    assert.equal(thrown.length, 0);
  });

  it('after the response ended: a no-op, no throw', async () => {
    modes['/ended'] = (_req, res) => {
      res.end('done');
      sendBlock(res, 403, 'x');
    };
    const r = await get('/ended');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'done');
    assert.equal(thrown.length, 0);
  });
});

describe('sendBlock after a partial read of a fully received body', () => {
  it('keep-alive still serves the next request (the unread rest is drained)', async () => {
    modes['/partial-read'] = (req, res) => {
      const wait = (): void => {
        if (!req.complete) {
          setTimeout(wait, 5);
          return;
        }
        ports.push(req.socket.remotePort);
        req.read(10); // a reader took a little and stopped, as a capture that hit its limit does
        sendBlock(res, 413, 'pr');
      };
      wait();
    };
    const ports: (number | undefined)[] = [];
    modes['/ok'] = (req, res) => {
      ports.push(req.socket.remotePort);
      res.end('ok');
    };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await new Promise<Reply>((resolve, reject) => {
        const r = http.request({ host: '127.0.0.1', port, path: '/partial-read', method: 'POST', agent }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        r.on('error', reject);
        r.end(Buffer.alloc(40_000, 0x61)); // above the 16 KB highWaterMark, below one 64 KB socket read
      });
      assert.equal(first.status, 413);
      const second = await get('/ok', {}, 'GET', agent);
      assert.equal(second.body, 'ok');
      assert.equal(ports.length, 2);
      assert.equal(ports[0], ports[1], 'the same connection served both');
    } finally {
      agent.destroy();
    }
  });
});
