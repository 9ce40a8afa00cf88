import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withoutPrefilter } from '../../../src/engine/compile.js';
import { buildEngine, type Engine } from '../../../src/engine/engine.js';
import { MEMO_GENERATION, MEMO_MAX_LENGTH, PrefilterMemo, type MemoEntry } from '../../../src/engine/prefilter-memo.js';
import { resolveOptions } from '../../../src/options.js';
import type { RequestSnapshot } from '../../../src/variables/types.js';
import { runOnEngine } from '../../helpers/engine-run.js';

/**
 * The prefilter's cross-request memo (prefilter-memo.ts) keeps scan rows, predicate results and transformed
 * rows of recurring values. It must stay bounded, and a value seen before (in another collection, through other
 * chains, with other predicates) must get exactly the findings it gets without any prefilter.
 */

const entry = (): MemoEntry => ({ row: new Int32Array(2), predDone: 0, predTrue: 0, slots: undefined });

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
