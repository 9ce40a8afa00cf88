import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { encodedSlack, inflateCapped, parseContentEncoding, type ContentCoding } from '../../../src/middleware/body-inflate.js';

describe('parseContentEncoding', () => {
  const table: readonly [string | undefined, readonly ContentCoding[] | 'error'][] = [
    [undefined, []],
    ['', []],
    ['identity', []],
    ['gzip', ['gzip']],
    ['x-gzip', ['gzip']],
    [' GZip ', ['gzip']],
    ['deflate', ['deflate']],
    ['br', ['br']],
    ['gzip, br', ['gzip', 'br']],
    ['gzip,,identity, deflate', ['gzip', 'deflate']],
    ['gzip, gzip, gzip', ['gzip', 'gzip', 'gzip']],
    ['gzip, gzip, gzip, gzip', 'error'],
    ['compress', 'error'],
    ['zstd', 'error'],
    ['gzip;q=1', 'error'],
    ['__proto__', 'error'],
    ['constructor', 'error'],
    ['gzip\r\nx: y', 'error'],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
      const r = parseContentEncoding(input);
      if (expected === 'error') {
        assert.equal(r.ok, false);
        if (!r.ok) assert.doesNotMatch(r.error, /[\r\n]/);
      } else {
        assert.deepEqual(r, { ok: true, codings: expected });
      }
    });
  }
});

const text = Buffer.from('{"q":"<script>alert(1)</script>","u":"ü✓"}'.repeat(500), 'utf8');
/** Less compressible: the compressed form is long enough that half of it decodes to something. */
const varied = Buffer.from(Array.from({ length: 5000 }, (_, i) => `k${i}=${(i * 7919) % 1000};`).join(''), 'latin1');

describe('inflateCapped', () => {
  const encoders: readonly [string, readonly ContentCoding[], (b: Buffer) => Buffer][] = [
    ['gzip', ['gzip'], (b) => zlib.gzipSync(b)],
    ['deflate (zlib)', ['deflate'], (b) => zlib.deflateSync(b)],
    ['deflate (raw)', ['deflate'], (b) => zlib.deflateRawSync(b)],
    ['br', ['br'], (b) => zlib.brotliCompressSync(b)],
    ['gzip, br', ['gzip', 'br'], (b) => zlib.brotliCompressSync(zlib.gzipSync(b))],
    ['deflate, gzip', ['deflate', 'gzip'], (b) => zlib.gzipSync(zlib.deflateSync(b))],
  ];
  for (const [name, codings, encode] of encoders) {
    it(`${name}: decodes exactly, and caps at the limit`, async () => {
      const enc = encode(text);
      const full = await inflateCapped(enc, codings, text.length, true);
      assert.equal(full.error, undefined);
      assert.equal(full.overflow, false);
      assert.ok(full.output.equals(text));

      const capped = await inflateCapped(enc, codings, 1000, true);
      assert.equal(capped.overflow, true);
      assert.ok(capped.output.equals(text.subarray(0, 1000)));

      const oneShort = await inflateCapped(enc, codings, text.length - 1, true);
      assert.equal(oneShort.overflow, true);
      assert.equal(oneShort.output.length, text.length - 1);
    });

    it(`${name}: a truncated input (inputComplete=false) yields a decoded prefix, no error`, async () => {
      const enc = encode(varied);
      const half = enc.subarray(0, Math.floor(enc.length / 2));
      const r = await inflateCapped(half, codings, varied.length, false);
      assert.equal(r.error, undefined);
      assert.ok(r.output.length > 0 && r.output.length < varied.length, `got ${r.output.length}`);
      assert.ok(varied.subarray(0, r.output.length).equals(r.output));
    });
  }

  it('a truncated gzip presented as complete is an error', async () => {
    const gz = zlib.gzipSync(text);
    const r = await inflateCapped(gz.subarray(0, gz.length - 4), ['gzip'], 1 << 20, true);
    assert.match(r.error ?? '', /decode error/);
  });

  it('garbage labelled gzip / br is an error, not a throw', async () => {
    for (const coding of ['gzip', 'deflate', 'br'] as const) {
      const r = await inflateCapped(Buffer.from('not compressed at all, just text'), [coding], 1000, true);
      assert.equal(typeof r.error, 'string', coding);
    }
  });

  it('an empty input is an error when complete (no gzip header)', async () => {
    const r = await inflateCapped(Buffer.alloc(0), ['gzip'], 1000, true);
    assert.equal(typeof r.error, 'string');
  });

  it('bomb: 256 MB of zeros decoded under a 64 KB cap stays small and fast', async () => {
    const member = zlib.gzipSync(Buffer.alloc(32 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 8 }, () => member));
    const t0 = performance.now();
    const r = await inflateCapped(bomb, ['gzip'], 64 * 1024, true);
    assert.equal(r.overflow, true);
    assert.equal(r.output.length, 64 * 1024);
    assert.ok(performance.now() - t0 < 2000);
  });

  it('cap 0: overflow as soon as one byte decodes', async () => {
    const r = await inflateCapped(zlib.gzipSync(Buffer.from('a')), ['gzip'], 0, true);
    assert.equal(r.overflow, true);
    assert.equal(r.output.length, 0);
    const empty = await inflateCapped(zlib.gzipSync(Buffer.alloc(0)), ['gzip'], 0, true);
    assert.equal(empty.overflow, false);
  });

  it('property: any bytes under any coding resolve, never above the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom<ContentCoding>('gzip', 'deflate', 'br'),
        fc.integer({ min: 0, max: 200 }),
        fc.boolean(),
        async (bytes, coding, cap, complete) => {
          const r = await inflateCapped(Buffer.from(bytes), [coding], cap, complete);
          assert.ok(r.output.length <= cap);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('encodedSlack grows with the limit', () => {
    assert.ok(encodedSlack(0) >= 1024);
    assert.ok(encodedSlack(1 << 20) > encodedSlack(1 << 10));
  });
});
