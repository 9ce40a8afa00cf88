import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createMemoryBanStore } from '../../../src/stores/memory/ban-store.js';
import { readSnapshot, writeSnapshot } from '../../../src/stores/snapshot-file.js';
import { PERMANENT_UNTIL } from '../../../src/stores/types.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const req = (ip: string, ms: number) => ({ ip, jail: 'j', reason: 'r', duration: () => ms });

test('bounded: at maxEntries the ban ending soonest makes room; history is an LRU of the same size', () => {
  const errors: Error[] = [];
  const s = createMemoryBanStore({ maxEntries: 3, historyMs: 1e9, onError: (e) => errors.push(e) });
  s.add(req('1.1.1.1', 5000), 0);
  s.add(req('2.2.2.2', 1000), 0);
  s.add(req('3.3.3.3', -1), 0);
  s.add(req('4.4.4.4', 9000), 0);
  assert.equal(s.size, 3);
  assert.equal(s.get('2.2.2.2', 0), undefined, 'the soonest-ending ban was dropped');
  assert.equal(s.get('3.3.3.3', 0)?.until, PERMANENT_UNTIL);
  for (let i = 0; i < 100; i++) s.add(req(`10.0.0.${i}`, 1000 + i), 0);
  assert.equal(s.size, 3);
  assert.equal(errors.length, 0);
});

test('snapshot: atomic write (no temp files left), round trip, permanent bans and bounded reads', async () => {
  const file = join(dir, 'a', 'bans.json');
  const bans = Array.from({ length: 50 }, (_, i) => ({ ip: `10.0.0.${i}`, until: PERMANENT_UNTIL, jail: 'j', reason: 'r', count: 1 }));
  await Promise.all(Array.from({ length: 10 }, () => writeSnapshot(file, { v: 1, savedAt: 1, bans, history: [['10.0.0.1', 3, 1]] })));
  assert.deepEqual(readdirSync(join(dir, 'a')), ['bans.json']);
  const snap = readSnapshot(file, 20);
  assert.equal(snap.bans.length, 20);
  assert.deepEqual(snap.history, [['10.0.0.1', 3, 1]]);
  assert.deepEqual(readSnapshot(join(dir, 'missing.json'), 10).bans, []);
});

test('snapshot: hostile files are rejected or filtered, never trusted blindly', () => {
  const file = join(dir, 'hostile.json');
  writeFileSync(file, JSON.stringify({ v: 1, bans: [{ ip: 1 }, null, 'x', { ip: '1.2.3.4', until: 9e15, jail: 'j', reason: 'r', count: 1 }], history: [[1, 2, 3], ['5.5.5.5', 2, 0]] }));
  const snap = readSnapshot(file, 10);
  assert.deepEqual(snap.bans.map((b) => b.ip), ['1.2.3.4']);
  assert.deepEqual(snap.history, [['5.5.5.5', 2, 0]]);
  writeFileSync(file, JSON.stringify({ v: 2, bans: [], history: [] }));
  assert.throws(() => readSnapshot(file, 10), /not a Portcullis ban snapshot/);
  writeFileSync(file, '['.repeat(100_000));
  assert.throws(() => readSnapshot(file, 10));
});

test('a store writes its snapshot after changes and on close', async () => {
  const file = join(dir, 'b', 'bans.json');
  let t = 1000;
  const s = createMemoryBanStore({ maxEntries: 10, historyMs: 1e9, file, writeDelayMs: 5, onError: () => undefined, now: () => t });
  s.add(req('7.7.7.7', 60_000), t);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual((JSON.parse(readFileSync(file, 'utf8')) as { bans: { ip: string }[] }).bans.map((b) => b.ip), ['7.7.7.7']);
  s.remove('7.7.7.7', t);
  t += 1;
  await s.close();
  const after = JSON.parse(readFileSync(file, 'utf8')) as { bans: unknown[]; history: unknown[] };
  assert.deepEqual([after.bans.length, after.history.length], [0, 0]);
});
