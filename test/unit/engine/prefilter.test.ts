import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { withoutPrefilter } from '../../../src/engine/compile.js';
import { buildEngine, type Engine } from '../../../src/engine/engine.js';
import { createNeedleScanner } from '../../../src/engine/needle-scanner.js';
import { resolveOptions, type PortcullisOptions } from '../../../src/options.js';
import type { RequestSnapshot } from '../../../src/variables/types.js';
import { loadCorpus } from '../../corpus/load.js';
import { CRS_DIR } from '../../helpers/crs.js';
import { loadCrsInputs } from '../../helpers/crs-payloads.js';
import { runOnEngine } from '../../helpers/engine-run.js';

/**
 * Differential test of the rule prefilter: the same requests through the same compiled ruleset with the
 * prefilter on and off must fire the same rules on the same variables with the same values (and give the
 * same verdict). Default rules at every paranoia level, the corpus, random requests, and the CRS with its
 * regression-suite requests.
 */

const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

interface Req { method: string; url: string; headers: [string, string][]; body?: string }

function snapshotOf(r: Req): RequestSnapshot {
  return {
    method: r.method, url: bytes(r.url), httpVersion: '1.1', remoteAddress: '127.0.0.1',
    headers: r.headers.map(([k, v]) => [k, bytes(v)] as [string, string]),
    ...(r.body !== undefined ? { body: Buffer.from(r.body, 'utf8'), bodyComplete: true } : {}),
  };
}

/** What inspect() does, on a given engine; returns a comparable summary. */
function run(engine: Engine, r: Req): string {
  const { tx, verdict } = runOnEngine(engine, snapshotOf(r));
  const matches = tx.matches.map((m) => `${m.id}@${m.target}=${m.value}|${m.data}|${m.score}`);
  return JSON.stringify({ action: verdict.action, score: verdict.score, matches, tx: [...tx.tx].sort() });
}

function pair(options: PortcullisOptions): { on: Engine; off: Engine } {
  const on = buildEngine(resolveOptions(options));
  assert.ok(on.ruleset.prefilter !== null, 'the ruleset has a prefilter');
  return { on, off: { ...on, ruleset: withoutPrefilter(on.ruleset) } };
}

/**
 * Compares the two engines on one request. The regex time budget (rx-budget.ts) charges measured patterns by
 * the clock, so a run that happened to be slow (a first-use regex compile, a loaded machine) may stop them
 * early: such a pair is retried, and skipped (counted) if the budget still differs.
 */
let budgetSkips = 0;
function same(engines: { on: Engine; off: Engine }, r: Req): void {
  const where = `${r.method} ${r.url.slice(0, 200)} ${r.body?.slice(0, 200) ?? ''}`;
  for (let attempt = 0; ; attempt++) {
    const off = run(engines.off, r);
    const on = run(engines.on, r);
    if (on === off) return;
    const timing = on.includes('portcullis_regex_budget') || off.includes('portcullis_regex_budget');
    if (!timing) assert.equal(on, off, where);
    if (attempt === 2) {
      budgetSkips++;
      return;
    }
  }
}

const corpus = [...loadCorpus('attacks'), ...loadCorpus('benign')].map((e): Req => ({
  method: e.method, url: e.url, headers: Array.isArray(e.headers) ? e.headers : Object.entries(e.headers),
  ...(e.body !== undefined ? { body: e.body } : {}),
}));

describe('rule prefilter: same results with and without', () => {
  for (const paranoia of [1, 2, 4]) {
    it(`default rules, paranoia ${paranoia}, corpus`, () => {
      const engines = pair({ paranoia, mode: 'block' });
      for (const r of corpus) same(engines, r);
    });
  }

  it('default rules, random requests', () => {
    const engines = pair({ paranoia: 4, mode: 'detect' });
    const frag = fc.constantFrom(
      "'", '"', '`', ' ', '%20', '%27', '%2e%2e%2f', '+', '&', '=', '<', '>', '(', ')', ';', '|', '$', '{', '}', '#', '--', '/*', '*/',
      '\\', '\\x3c', '&lt;', '&#x3c;', '%u003c', '\u00e9', '\uff1c', 'union', 'SELECT', 'or', '1=1', 'sleep(5)', 'script', 'onerror=',
      'javascript:', '../', '/etc/passwd', 'cat', 'whoami', '${jndi:', '{{7*7}}', '__proto__', 'constructor', 'http://', '169.254.169.254',
      'a', 'Z', '0', '42', 'shoes', 'O\'Brien', '  ', '\t', '\n', '\0', '%00', '%0a', 'require(', '$ne', '[$gt]',
    );
    const text = fc.array(frag, { maxLength: 12 }).map((a) => a.join(''));
    const enc = (s: string): string => encodeURIComponent(s);
    fc.assert(fc.property(text, text, text, text, fc.boolean(), (k, v, ua, bodyText, json) => {
      const headers: [string, string][] = [['host', 'example.com'], ['user-agent', ua], ['cookie', `sid=${v}; ${k}=1`], ['referer', `https://x.test/?q=${v}`]];
      const body = json ? JSON.stringify({ [k || 'k']: bodyText, list: [v, 1] }) : `${enc(k || 'k')}=${enc(bodyText)}&x=${enc(v)}`;
      headers.push(['content-type', json ? 'application/json' : 'application/x-www-form-urlencoded']);
      same(engines, { method: 'POST', url: `/p/${enc(k)}?${enc(k || 'q')}=${enc(v)}&raw=${v.replace(/[&#\s]/g, '')}`, headers, body });
      return true;
    }), { numRuns: 400 });
  });

  it('ctl and exclusions still apply (custom rules)', () => {
    const engines = pair({
      paranoia: 1,
      exclusions: [{ ids: [101000, 101020], targets: ['ARGS:q'] }, { ids: [101021], targets: ['ARGS:p'], when: { path: '/s' } }],
    });
    for (const url of ["/s?q=1'%20or%20'1'='1&p=1'%20or%20'1'='1", "/t?q=1'%20or%20'1'='1&p=1'%20union%20select%201"]) {
      same(engines, { method: 'GET', url, headers: [['host', 'h']] });
    }
  });

  it('multiMatch rules, TX rules and a mid-phase body processor switch (custom SecLang rules)', () => {
    const text = [
      `SecRule ARGS "@rx eval\\(" "id:1001,phase:2,pass,t:none,t:base64Decode,multiMatch,msg:'b64 eval'"`,
      `SecRule ARGS|REQUEST_HEADERS "@contains <script" "id:1002,phase:2,pass,t:none,t:urlDecodeUni,t:htmlEntityDecode,multiMatch,msg:'script'"`,
      `SecRule REQUEST_HEADERS:Content-Type "@contains json" "id:1003,phase:1,pass,nolog,ctl:requestBodyProcessor=JSON"`,
      `SecRule ARGS "@contains attack" "id:1004,phase:2,pass,t:lowercase,msg:'attack'"`,
      `SecAction "id:1006,phase:1,pass,nolog,setvar:tx.foo=1"`,
      `SecRule TX:foo "@eq 1" "id:1005,phase:2,pass,msg:'tx'"`,
    ].join('\n');
    const engines = pair({ mode: 'detect', rules: { defaults: false, seclang: [{ text }] } } as PortcullisOptions);
    // The multiMatch rules are prefiltered (else this test would not exercise the multiMatch plan).
    assert.ok(engines.on.ruleset.byId.get(1001)!.pf !== null && engines.on.ruleset.byId.get(1002)!.pf !== null);
    const hits = (r: Req): string => run(engines.on, r);
    // Only a later step shows the needle: base64 of "eval(1", and an entity-encoded tag.
    assert.match(hits({ method: 'GET', url: '/?a=ZXZhbCgx', headers: [['host', 'h']] }), /1001@ARGS:a/);
    assert.match(hits({ method: 'GET', url: '/?a=%26lt;script', headers: [['host', 'h']] }), /1002@ARGS:a/);
    assert.match(hits({ method: 'POST', url: '/', headers: [['host', 'h'], ['content-type', 'application/json']], body: '{"x":"AtTaCk"}' }), /1004@ARGS:json\.x/);
    const frag = fc.constantFrom('ZXZhbCgx', 'ZXZh', 'bCgx', 'eval(', 'EVAL(', '<script', '%3Cscript', '&lt;script', '%26lt;script', 'attack', 'ATTACK', 'a', ' ', '%', '&', '=', '+', '\u00e9');
    const text2 = fc.array(frag, { maxLength: 6 }).map((a) => a.join(''));
    fc.assert(fc.property(text2, text2, fc.boolean(), (v, w, json) => {
      const headers: [string, string][] = [['host', 'h'], ['x-test', w], ['content-type', json ? 'application/json' : 'application/x-www-form-urlencoded']];
      const body = json ? JSON.stringify({ k: v, l: [w] }) : `k=${encodeURIComponent(v)}&l=${w.replace(/[&#]/g, '')}`;
      same(engines, { method: 'POST', url: `/?q=${encodeURIComponent(w)}&r=${v.replace(/[&#\s]/g, '')}`, headers, body });
      return true;
    }), { numRuns: 400 });
  });

  const crsPresent = CRS_DIR !== undefined && existsSync(join(CRS_DIR, 'rules'));
  it('CRS v4 with its regression-suite requests', { skip: crsPresent ? false : 'CRS not found' }, () => {
    const engines = pair({
      paranoia: 4, mode: 'detect',
      rules: { defaults: false, seclang: [join(CRS_DIR!, 'crs-setup.conf.example'), join(CRS_DIR!, 'rules')] },
    } as PortcullisOptions);
    const inputs = loadCrsInputs(CRS_DIR!);
    assert.ok(inputs.length > 1000);
    // A fixed spread over the whole suite (every k-th input, about 200), not "as many as fit in a time": the test
    // must compare the same requests on a loaded machine.
    const step = Math.max(1, Math.floor(inputs.length / 200));
    let n = 0;
    for (let i = 0; i < inputs.length; i += step) {
      const x = inputs[i]!;
      const headers = x.headers.filter(([k]) => k.toLowerCase() !== 'content-length');
      same(engines, { method: x.method, url: x.uri, headers, ...(x.data !== undefined ? { body: x.data } : {}) });
      n++;
    }
    assert.ok(n >= 150, `only ${n} CRS requests compared`);
    assert.ok(budgetSkips <= n / 20, `${budgetSkips} of ${n} comparisons skipped for the regex time budget`);
  });
});

describe('needle scanner', () => {
  it('finds exactly the clauses whose needles occur (ASCII case-insensitively)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', 'B', 'ab', '-', '--', ' ', '\xe9', '\xc9', '\0', 'x');
    const str = fc.array(alphabet, { maxLength: 10 }).map((a) => a.join(''));
    fc.assert(fc.property(fc.array(fc.array(str.filter((s) => s.length > 0), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 40 }), str, (clauses, value) => {
      const needles = new Map<string, number[]>();
      clauses.forEach((lits, id) => { for (const l of lits) needles.set(l, [...(needles.get(l) ?? []), id]); });
      const scanner = createNeedleScanner(needles, clauses.length)!;
      const bits = new Array<number>(scanner.words).fill(0);
      scanner.scan(value, bits, 0);
      const fold = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
      clauses.forEach((lits, id) => {
        const want = [...needles].some(([l, ids]) => ids.includes(id) && fold(value).includes(fold(l)));
        const got = (bits[Math.floor(id / 30)]! & (1 << id % 30)) !== 0;
        assert.equal(got, want, `clause ${id} ${JSON.stringify(lits)} in ${JSON.stringify(value)}`);
      });
      return true;
    }), { numRuns: 2000 });
  });

  it('reports non-byte strings', () => {
    const s = createNeedleScanner(new Map([['a', [0]]]), 1)!;
    assert.equal(s.scan('a\u20ac', [0], 0), -1);
  });
});
