import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { headerPairs, snapshotFromRequest } from '../../../src/middleware/snapshot.js';
import type { BodyCapture } from '../../../src/middleware/body.js';

function req(extra: Partial<Record<'url' | 'originalUrl' | 'method' | 'httpVersion', string>> = {}): IncomingMessage {
  const r = new IncomingMessage(new Socket());
  r.method = extra.method ?? 'POST';
  r.url = extra.url ?? '/a/b.php?x=1%27';
  r.httpVersion = extra.httpVersion ?? '1.1';
  r.rawHeaders = ['Host', 'example.test', 'X-Dup', 'one', 'x-dup', 'two', 'User-Agent', '\xc3\xa9vil'];
  if (extra.originalUrl !== undefined) Object.assign(r, { originalUrl: extra.originalUrl });
  return r;
}

const noBody: BodyCapture = { body: undefined, complete: true, tooLarge: false, consumed: false };

describe('snapshotFromRequest', () => {
  it('copies method, raw url, version and header pairs in order with original case', () => {
    const s = snapshotFromRequest(req(), noBody);
    assert.equal(s.method, 'POST');
    assert.equal(s.url, '/a/b.php?x=1%27');
    assert.equal(s.httpVersion, '1.1');
    assert.deepEqual(s.headers, [
      ['Host', 'example.test'],
      ['X-Dup', 'one'],
      ['x-dup', 'two'],
      ['User-Agent', '\xc3\xa9vil'],
    ]);
    assert.equal(s.body, undefined);
    assert.equal('body' in s, false);
    assert.equal('parsedBody' in s, false);
  });

  it('prefers originalUrl (Express mounts rewrite req.url)', () => {
    const s = snapshotFromRequest(req({ url: '/b', originalUrl: '/mount/b?q=%00' }), noBody);
    assert.equal(s.url, '/mount/b?q=%00');
  });

  it('remoteAddress: clientIp wins, else the socket peer, else empty', () => {
    assert.equal(snapshotFromRequest(req(), noBody, '203.0.113.9').remoteAddress, '203.0.113.9');
    assert.equal(snapshotFromRequest(req(), noBody).remoteAddress, '');
  });

  it('body and bodyComplete come from the capture', () => {
    const body = Buffer.from('a=1');
    const s = snapshotFromRequest(req(), { body, complete: false, tooLarge: false, consumed: false });
    assert.equal(s.body, body);
    assert.equal(s.bodyComplete, false);
  });

  it('parsedBody is req.body only when the stream was consumed upstream', () => {
    const r = req();
    Object.assign(r, { body: { q: "' OR 1=1" } });
    const consumed = snapshotFromRequest(r, { body: undefined, complete: true, tooLarge: false, consumed: true });
    assert.deepEqual(consumed.parsedBody, { q: "' OR 1=1" });
    const notConsumed = snapshotFromRequest(r, { body: Buffer.from('x'), complete: true, tooLarge: false, consumed: false });
    assert.equal(notConsumed.parsedBody, undefined);
  });
});

describe('headerPairs', () => {
  const table: readonly [readonly string[] | undefined, [string, string][]][] = [
    [undefined, []],
    [[], []],
    [['a'], []],
    [['a', '1', 'b'], [['a', '1']]],
    [['a', '', 'a', 'x'], [['a', ''], ['a', 'x']]],
  ];
  for (const [raw, expected] of table) {
    it(JSON.stringify(raw), () => assert.deepEqual(headerPairs(raw), expected));
  }
});
