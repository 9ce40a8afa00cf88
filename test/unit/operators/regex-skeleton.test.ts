import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { regexPrefilter, SKELETONS, skeletonPredicate } from '../../../src/operators/regex-prefilter.js';
import { createRx } from '../../../src/operators/rx.js';
import type { WindowedRx } from '../../../src/operators/rx-windowed.js';
import type { OperatorPrefilter } from '../../../src/operators/types.js';
import { isMarker, type RuleSpec } from '../../../src/rules/types.js';
import { loadSecLangFiles } from '../../../src/seclang/parse.js';
import { CRS_DIR } from '../../helpers/crs.js';
import { loadCrsInputs, valuesOf } from '../../helpers/crs-payloads.js';

/**
 * The skeleton predicates regexPrefilter derives for the big CRS command-injection patterns (command words
 * spelled with fillers between their letters) must be necessary: whenever the regex matches, the predicate holds.
 */

const fold = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

function holds(pf: OperatorPrefilter, value: string): boolean {
  const v = fold(value);
  return pf.clauses.every((c) => (c.kind === 'predicate' ? c.test(value) : c.literals.some((l) => v.includes(fold(l)))));
}

const predicateOf = (pf: OperatorPrefilter | null): ((v: string) => boolean) | null => {
  const c = pf?.clauses.find((x) => x.kind === 'predicate' && x.id.startsWith('rx-skeleton:'));
  return c !== undefined && c.kind === 'predicate' ? c.test : null;
};

describe('skeletonPredicate', () => {
  const sh = SKELETONS.find((s) => s.name === 'sh')!;
  const cmd = SKELETONS.find((s) => s.name === 'cmd')!;

  it('looks for the words in the value with the filler chars removed, case-insensitively', () => {
    const c = skeletonPredicate(sh, [['cat', 'wget']]);
    assert.equal(c.kind, 'predicate');
    const test = c.kind === 'predicate' ? c.test : () => true;
    for (const v of ['cat', 'c\\a\'\'t', 'C"A)T', 'x;w[g[e"t', 'WGET']) assert.equal(test(v), true, v);
    for (const v of ['dog', 'ca t', 'c-at', 'wge', 'c^at', 'w]get']) assert.equal(test(v), false, v);
  });

  it('gives up (true) on a value holding an excluded char', () => {
    const c = skeletonPredicate(sh, [['cat']]);
    const test = c.kind === 'predicate' ? c.test : () => false;
    assert.equal(test('c$@at'), true);
    assert.equal(test('c${x}at'), true);
    assert.equal(test('cxat'), false);
  });

  it('ANDs its clauses and names the condition by its content', () => {
    const a = skeletonPredicate(cmd, [['whoami'], ['net']]);
    const b = skeletonPredicate(cmd, [['whoami'], ['net']]);
    const c = skeletonPredicate(sh, [['whoami'], ['net']]);
    assert.ok(a.kind === 'predicate' && b.kind === 'predicate' && c.kind === 'predicate');
    assert.equal(a.id, b.id);
    assert.notEqual(a.id, c.id);
    assert.equal(a.test('w^h^o"ami & net'), true);
    assert.equal(a.test('whoami'), false);
  });
});

describe('skeleton predicates of the CRS command-injection patterns', { skip: CRS_DIR === undefined ? 'CRS not found' : false }, () => {
  const rules: { id: number; source: string; flags: string; re: RegExp; pf: OperatorPrefilter; test: (v: string) => boolean }[] = [];
  if (CRS_DIR !== undefined) {
    const seen = new Set<string>();
    for (const e of loadSecLangFiles(`${CRS_DIR}/rules/*.conf`).entries) {
      if (isMarker(e)) continue;
      for (let l: RuleSpec | undefined = e; l; l = l.chain) {
        if (l.operator.name !== 'rx' || l.operator.param.includes('%{')) continue;
        const flags = (l.operator.flags ?? 's').replace(/[gy]/g, '');
        const key = `${flags}/${l.operator.param}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const pf = regexPrefilter(l.operator.param, flags);
        const test = predicateOf(pf);
        if (pf !== null && test !== null) rules.push({ id: e.id, source: l.operator.param, flags, re: new RegExp(l.operator.param, flags), pf, test });
      }
    }
  }
  const values = new Set<string>();
  if (CRS_DIR !== undefined) {
    for (const input of loadCrsInputs(CRS_DIR)) {
      for (const v of valuesOf(input)) {
        if (v.length > 4000) continue;
        values.add(v);
        if (input.ruleId >= 932000 && input.ruleId < 933000) values.add(v.toUpperCase());
      }
    }
  }

  it('are derived for the Unix patterns whose literal clauses are weak', () => {
    const ids = new Set(rules.map((r) => r.id));
    for (const id of [932230, 932235, 932250, 932260]) assert.ok(ids.has(id), `rule ${id} has no skeleton predicate`);
  });

  it('hold on every CRS regression payload value the regex matches', () => {
    let matched = 0;
    for (const r of rules) {
      for (const v of values) {
        if (!r.re.test(v)) continue;
        matched++;
        assert.ok(r.test(v), `rule ${r.id} matches ${JSON.stringify(v.slice(0, 160))} but its skeleton predicate says no`);
        assert.ok(holds(r.pf, v), `rule ${r.id}: a clause fails on ${JSON.stringify(v.slice(0, 160))}`);
      }
    }
    assert.ok(matched > 300, `only ${matched} matches checked`);
  });

  const WORDS = ['cat', 'ls', 'busybox', 'wget', 'curl', 'nc', 'sh', 'bash', 'python3', 'perl', 'whoami', 'id', 'uname', 'ping', '7z', 'time',
    'env', 'eval', 'nohup', 'strace', 'watch', 'command', 'gcc', 'aa-exec', 'apparmor_parser', 'ruby2', 'sudo', 'tar', 'zip', 'echo', 'xargs',
    'powershell', 'net', 'ipconfig', 'certutil', 'cmd', 'systeminfo', 'shipping', 'catalog', 'ids', 'lsx', 'e', 'a', 'b'];
  const FILLERS = ['', '', '', '"', "'", '\\', "''", '$@', '${x}', '$u', '[', ')', '^', '$(', '||$', '&& $a', '"\''];
  const SEPS = [';', '|', '||', '&', '&&', '\n', '\r', '`', '$(', '${', '{', '=', '<(', '>(', '()', '/bin/', '/usr/bin/', '\\', ' ', '  ',
    '', 'x', '"', "'", 'json.'];
  const ARGS = ['', ' ', ' -la', ' /etc/passwd', '&', ')', ',', '<', '>', '|', '\t', '.exe', '.', ' x', 'zz', '}', '"', '\'', '-'];
  const spelled = fc.tuple(fc.constantFrom(...WORDS), fc.array(fc.constantFrom(...FILLERS), { maxLength: 16 }), fc.boolean())
    .map(([w, fills, upper]) => {
      let out = '';
      for (let i = 0; i < w.length; i++) out += (upper ? w[i]!.toUpperCase() : w[i]!) + (fills[i] ?? '');
      return out;
    });
  const payload = fc.array(fc.tuple(fc.constantFrom(...SEPS), spelled, fc.constantFrom(...ARGS)), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.map(([s, w, a]) => s + w + a).join(''));

  it('hold on fuzzed command lines (fillers between the letters, separators, arguments)', () => {
    let matched = 0;
    for (const r of rules) {
      fc.assert(fc.property(payload, (v) => {
        if (!r.re.test(v)) return true;
        matched++;
        return r.test(v) && holds(r.pf, v);
      }), { numRuns: 1500 });
    }
    assert.ok(matched > 300, `only ${matched} matches checked`);
  });

  it('hold on strings generated from the regex', () => {
    let checked = 0;
    for (const r of rules) {
      // fast-check generates neither under `i` nor for `\b`: generate from the pattern without them, then
      // vary the case; only strings the real regex matches count.
      let arb: fc.Arbitrary<string>;
      try {
        arb = fc.stringMatching(new RegExp(r.source.replace(/(?<!\\)\\b/g, ''), r.flags.replace(/[is]/g, '')));
      } catch {
        continue;
      }
      fc.assert(fc.property(arb, fc.boolean(), (g, upper) => {
        const v = upper ? g.toUpperCase() : g;
        if (!r.re.test(v)) return true;
        checked++;
        return r.test(v);
      }), { numRuns: 300 });
    }
    assert.ok(checked > 500, `only ${checked} generated strings checked`);
  });

  it('rule out ordinary values', () => {
    const benign = ["Siobhán O'Brien", 'siobhan.obrien@example.com', '+353 1 555 0199', 'Harbour Road', 'Cork', 'T12 X7Y2',
      'Leave at the back door, please - thanks!', 'Trail runner, red (size 42)', 'Merino socks & liners', 'Cap — black', 'c_81723',
      'GA1.2.1234567890.1700000000', 'eyJhbGciOiJIUzI1NiJ9.eyJ1IjoxfQ.abc123', 'Happy birthday! Select a plan for the marathon & go for it :)'];
    for (const id of [932230, 932235, 932250, 932260]) {
      const r = rules.find((x) => x.id === id)!;
      for (const v of benign) assert.equal(r.test(v), false, `rule ${id} on ${JSON.stringify(v)}`);
      for (const v of [';busybox ls', '; c\\a\'\'t /etc/passwd', ';w"g"et http://x', '$(id)']) {
        if (r.re.test(v)) assert.equal(r.test(v), true, `rule ${id} on ${JSON.stringify(v)}`);
      }
    }
  });

  it('the windowed @rx offers the same prefilter and runs no window on a long wordless value', () => {
    const r = rules.find((x) => x.id === 932260)!;
    const op = createRx(r.source, r.flags) as WindowedRx;
    assert.ok(op.plan !== undefined, '932260 is expected to be windowed');
    assert.deepEqual(op.prefilter!()!.clauses.map((c) => (c.kind === 'predicate' ? c.id : c.literals)), r.pf.clauses.map((c) => (c.kind === 'predicate' ? c.id : c.literals)));
    const long = 'Leave at the back door, please. '.repeat(Math.ceil((op.plan.whole * 3) / 32));
    assert.equal(op.test(long), false);
    assert.equal(op.stats.runs, 0);
    const attack = `${long};busybox ls`;
    assert.equal(op.test(attack), r.re.test(attack));
    assert.ok(op.stats.runs > 0);
  });
});
