/**
 * captureBody mounted BEFORE and AFTER each Express body parser (Express 5 and Express 4, multer): the app's
 * req.body / files must be exactly what it gets without Portcullis, and the capture must see the sent bytes
 * (before) or report `consumed` (after).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type http from 'node:http';
import express5 from 'express';
import multer from 'multer';
import { binary, captureMiddleware, capturedOf, json, listen, send, sha, type Middleware, type Running } from './harness.js';

const require = createRequire(import.meta.url);

interface ExpressLike {
  (req: http.IncomingMessage, res: http.ServerResponse): void;
  use(...fns: unknown[]): unknown;
  post(path: string, ...fns: unknown[]): unknown;
}
interface ExpressModule {
  (): ExpressLike;
  json(o?: object): Middleware;
  urlencoded(o?: object): Middleware;
  text(o?: object): Middleware;
  raw(o?: object): Middleware;
}
const express4 = require('express4') as ExpressModule;
const flavors: readonly { name: string; mod: ExpressModule }[] = [
  { name: 'express 5', mod: express5 as unknown as ExpressModule },
  { name: 'express 4', mod: express4 },
];

const upload = multer({ storage: multer.memoryStorage() }).any() as unknown as Middleware;

function parsersOf(mod: ExpressModule): Record<string, Middleware> {
  return {
    json: mod.json({ limit: '10mb' }),
    urlencoded: mod.urlencoded({ extended: true, limit: '10mb' }),
    text: mod.text({ limit: '10mb' }),
    raw: mod.raw({ type: 'application/octet-stream', limit: '10mb' }),
    multer: upload,
  };
}

type Req = http.IncomingMessage & { body?: unknown; files?: { fieldname: string; originalname: string; buffer: Buffer }[] };

function describeBody(b: unknown): unknown {
  if (Buffer.isBuffer(b)) return { len: b.length, sha: sha(b) };
  return b;
}

function handler(req: Req, res: http.ServerResponse): void {
  const files = (req.files ?? []).map((f) => ({ field: f.fieldname, name: f.originalname, len: f.buffer.length, sha: sha(f.buffer) }));
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ body: describeBody(req.body), files, cap: capturedOf(req) }));
}

function multipart(boundary: string, parts: readonly { name: string; filename?: string; type?: string; data: Buffer }[]): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.type !== undefined) head += `Content-Type: ${p.type}\r\n`;
    out.push(Buffer.from(head + '\r\n', 'utf8'), p.data, Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(out);
}

const utf8Text = 'héllo wörld ✓ 𝄞 日本語 \u0000 end';
const file = binary(70_000);
const boundary = '----portcullis-test-7MA4YWxkTrZu0gW';

interface Case {
  readonly name: string;
  readonly parser: string;
  readonly contentType: string;
  readonly body: Buffer;
  readonly expectBody: unknown;
  readonly expectFiles?: unknown;
}

const cases: readonly Case[] = [
  {
    name: 'json with multi-byte UTF-8',
    parser: 'json',
    contentType: 'application/json; charset=utf-8',
    body: Buffer.from(JSON.stringify({ q: utf8Text, n: [1, 2, { x: null }] }), 'utf8'),
    expectBody: { q: utf8Text, n: [1, 2, { x: null }] },
  },
  {
    name: 'json 64 KB',
    parser: 'json',
    contentType: 'application/json',
    body: Buffer.from(JSON.stringify({ big: 'a'.repeat(65_536 - 10) }), 'utf8'),
    expectBody: { big: 'a'.repeat(65_536 - 10) },
  },
  {
    name: 'urlencoded nested',
    parser: 'urlencoded',
    contentType: 'application/x-www-form-urlencoded',
    body: Buffer.from(`a=1&b[c]=${encodeURIComponent(utf8Text)}&d=%27%20OR%201%3D1`, 'latin1'),
    expectBody: { a: '1', b: { c: utf8Text }, d: "' OR 1=1" },
  },
  {
    name: 'text multi-byte',
    parser: 'text',
    contentType: 'text/plain; charset=utf-8',
    body: Buffer.from(utf8Text, 'utf8'),
    expectBody: utf8Text,
  },
  {
    name: 'raw 1 byte',
    parser: 'raw',
    contentType: 'application/octet-stream',
    body: Buffer.from([0xff]),
    expectBody: { len: 1, sha: sha(Buffer.from([0xff])) },
  },
  {
    name: 'raw binary 5 MB',
    parser: 'raw',
    contentType: 'application/octet-stream',
    body: binary(5 * 1024 * 1024),
    expectBody: { len: 5 * 1024 * 1024, sha: sha(binary(5 * 1024 * 1024)) },
  },
  {
    name: 'multer file + fields',
    parser: 'multer',
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: multipart(boundary, [
      { name: 'title', data: Buffer.from(utf8Text, 'utf8') },
      { name: 'upload', filename: 'x.bin', type: 'application/octet-stream', data: file },
    ]),
    expectBody: { title: utf8Text },
    expectFiles: [{ field: 'upload', name: 'x.bin', len: file.length, sha: sha(file) }],
  },
];

for (const flavor of flavors) {
  for (const order of ['before', 'after'] as const) {
    describe(`${flavor.name}: capture mounted ${order} the body parser`, { timeout: 30_000 }, () => {
      let srv: Running;
      before(async () => {
        const app = flavor.mod();
        const capture = captureMiddleware();
        const parsers = parsersOf(flavor.mod);
        for (const [name, parser] of Object.entries(parsers)) {
          const chain = order === 'before' ? [capture, parser] : [parser, capture];
          app.post(`/${name}`, ...chain, handler);
        }
        srv = await listen(app);
      });
      after(async () => srv.close());

      for (const c of cases) {
        it(c.name, async () => {
          for (const chunked of [undefined, 5] as const) {
            const reply = await send(srv.port, {
              path: `/${c.parser}`,
              body: c.body,
              headers: { 'content-type': c.contentType },
              ...(chunked === undefined ? {} : { chunked }),
            });
            assert.equal(reply.status, 200, reply.body.toString());
            const got = json(reply) as { body: unknown; files: unknown; cap: Record<string, unknown> };
            assert.deepEqual(got.body, c.expectBody);
            assert.deepEqual(got.files, c.expectFiles ?? []);
            if (order === 'before') {
              assert.equal(got.cap.consumed, false);
              assert.equal(got.cap.complete, true);
              assert.equal(got.cap.len, c.body.length);
              assert.equal(got.cap.sha, sha(c.body));
            } else {
              assert.equal(got.cap.consumed, true);
              assert.equal(got.cap.len, null);
            }
          }
        });
      }

      it('a parser that skips the content type leaves the stream for the capture', async () => {
        // JSON sent as text/plain: express.json() does not read it, so capture mounted after must still see it.
        const body = Buffer.from('{"q":"1\' OR 1=1"}');
        const reply = await send(srv.port, { path: '/json', body, headers: { 'content-type': 'text/plain' } });
        assert.equal(reply.status, 200);
        const got = json(reply) as { cap: Record<string, unknown> };
        assert.equal(got.cap.consumed, false);
        assert.equal(got.cap.sha, sha(body));
      });
    });
  }
}
