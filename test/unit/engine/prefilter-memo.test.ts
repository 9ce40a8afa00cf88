import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withoutPrefilter } from '../../../src/engine/compile.js';
import { buildEngine, type Engine } from '../../../src/engine/engine.js';
import { knownMiss, MEMO_GENERATION, MEMO_MAX_LENGTH, PrefilterMemo, recordMiss, type MemoEntry } from '../../../src/engine/prefilter-memo.js';
import { resolveOptions } from '../../../src/options.js';
import type { RequestSnapshot } from '../../../src/variables/types.js';
import { runOnEngine } from '../../helpers/engine-run.js';

/**
 * The prefilter's cross-request memo (prefilter-memo.ts) keeps scan rows, predicate results and transformed
 * rows of recurring values. It must stay bounded, and a value seen before (in another collection, through other
 * chains, with other predicates) must get exactly the findings it gets without any prefilter.
 */

const entry = (): MemoEntry => ({ row: new Int32Array(2), predDone: 0, predTrue: 0, slots: undefined, misses: undefined });

interface Req { method: string; url: string; headers: [string, string][]; body?: string }

function run(engine: Engine, r: Req): string {
  const snap: RequestSnapshot = {
    method: r.method, url: r.url, httpVersion: '1.1', remoteAddress: '127.0.0.1', headers: r.headers,
    ...(r.body !== undefined ? { body: Buffer.from(r.body, 'latin1'), bodyComplete: true } : {}),
  };
  const { tx, verdict } = runOnEngine(engine, snap);
  const matches = tx.matches.map((m) => `${m.id}@${m.target}=${m.value}|${m.score}`);
  return JSON.stringify({ action: verdict.action, score: verdict.score, matches });
}

const base: [string, string][] = [['host', 'shop.example'], ['accept', 'text/html'], ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64)']];

describe('prefilter memo', () => {
  it('stays bounded under a flood of distinct values and promotes entries found in the old generation', () => {
    const memo = new PrefilterMemo();
    const keep = entry();
    memo.put('keep', keep);
    for (let i = 0; i < MEMO_GENERATION - 1; i++) memo.put(`v${i}`, entry());
    // 'keep' is now in the full current generation; the next put turns it into the old one.
    memo.put('next', entry());
    assert.equal(memo.get('keep'), keep, 'found in the old generation');
    for (let i = 0; i < 5 * MEMO_GENERATION; i++) {
      memo.put(`flood${i}`, entry());
      assert.ok(memo.size <= 2 * MEMO_GENERATION);
    }
    assert.equal(memo.get('keep'), undefined, 'dropped once two generations passed');
    assert.equal(memo.get('flood0'), undefined);
    assert.ok(memo.get(`flood${5 * MEMO_GENERATION - 1}`) !== undefined);
  });

  it('records rule misses per rule index, growing the bit set as needed', () => {
    const e = entry();
    assert.equal(knownMiss(e, 0), false);
    recordMiss(e, 3, 10);
    assert.equal(knownMiss(e, 3), true);
    assert.equal(knownMiss(e, 2), false);
    assert.equal(knownMiss(e, 35), false);
    recordMiss(e, 70, 10); // past the size first given: the set grows and keeps what it had
    assert.deepEqual([3, 70].map((i) => knownMiss(e, i)), [true, true]);
    assert.deepEqual([0, 31, 32, 69, 71, 1000].map((i) => knownMiss(e, i)), [false, false, false, false, false, false]);
  });

  it('a benign request recorded as misses is answered from the memo the next time, with the same findings', () => {
    const on = buildEngine(resolveOptions({ paranoia: 1 }));
    const off = { ...on, ruleset: withoutPrefilter(on.ruleset) };
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
    const benign: Req = { method: 'GET', url: '/select?plan=pro&note=O%27Brien', headers: [...base, ['referer', 'https://shop.example/?q=select+a+plan'], ['user-agent', ua]] };
    const want = run(off, benign);
    assert.equal(run(on, benign), want);
    const misses = [...(on.ruleset.prefilter!.memo as unknown as { cur: Map<string, MemoEntry> }).cur.values()].filter((x) => x.misses !== undefined);
    assert.ok(misses.length > 0, 'some rule was evaluated on a memoised value and recorded as a miss');
    assert.equal(run(on, benign), want);
    // An attack in the same places is still found after the misses were recorded.
    const attack: Req = { ...benign, url: "/select?plan=pro'+union+select+password+from+users--&note=x", headers: [...base, ['referer', '<script>alert(1)</script>'], ['user-agent', ua]] };
    assert.equal(run(on, attack), run(off, attack));
    assert.match(run(on, attack), /"action":"block"/);
  });

  it('a value memoised in one collection gives the same findings in others (prefilter on = off)', () => {
    const on = buildEngine(resolveOptions({ paranoia: 2 }));
    const off = { ...on, ruleset: withoutPrefilter(on.ruleset) };
    const values = [
      "1' union select password from users--", '<script>alert(1)</script>', '../../etc/passwd', 'normal value',
      '%3Cscript%3Ealert(1)%3C/script%3E', 'a=1&b=2', ';cat /etc/passwd', 'Robert"); DROP TABLE students;--',
      'j&#97;vascript:alert(1)', '{"$where": "sleep(1000)"}', '  spaced   out  ', 'x'.repeat(MEMO_MAX_LENGTH + 3) + "' or 1=1--",
    ];
    const reqs: Req[] = [];
    for (const v of values) {
      const q = encodeURIComponent(v);
      reqs.push({ method: 'GET', url: '/', headers: [...base, ['referer', v]] });
      reqs.push({ method: 'GET', url: `/search?q=${q}`, headers: base });
      reqs.push({ method: 'GET', url: '/', headers: [...base, ['cookie', `sid=${q}`]] });
      reqs.push({ method: 'POST', url: '/form', headers: [...base, ['content-type', 'application/x-www-form-urlencoded']], body: `${q}=${q}` });
      reqs.push({ method: 'POST', url: '/api', headers: [...base, ['content-type', 'application/json']], body: JSON.stringify({ v }) });
      reqs.push({ method: 'GET', url: `/p/${q}`, headers: [...base, ['x-custom', v]] });
    }
    // Each request twice in a row and the whole list twice: the second runs are served from the memo.
    for (let round = 0; round < 2; round++) {
      for (const r of reqs) {
        const want = run(off, r);
        assert.equal(run(on, r), want, `${r.url} ${r.headers.at(-1)?.join(': ')} ${r.body ?? ''}`);
        assert.equal(run(on, r), want);
      }
    }
    const attacks = reqs.filter((r) => run(off, r).includes('"action":"block"')).length;
    assert.ok(attacks > 20, `the inputs include real attacks (${attacks} blocked)`);
  });
});
