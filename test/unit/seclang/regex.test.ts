import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { translatePcre } from '../../../src/seclang/regex.js';
import { PortcullisError } from '../../../src/errors.js';

/** Byte string from UTF-8 text (what the engine matches). */
const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

function re(pattern: string): RegExp {
  const { source, flags } = translatePcre(pattern);
  assert.ok(!flags.includes('u'), 'never the u flag');
  assert.ok(flags.includes('s'), 'always the s flag');
  return new RegExp(source, flags);
}

describe('translatePcre: semantics', () => {
  const cases: { name: string; pattern: string; yes: string[]; no: string[] }[] = [
    { name: 'leading (?i)', pattern: '(?i)^select', yes: ['SeLeCt x'], no: ['xselect'] },
    { name: 'leading (?is)', pattern: '(?is)\\r\\n.*?\\bLIST', yes: ['\r\n\nlist'], no: ['list'] },
    { name: '^(?i) mid pattern', pattern: '^(?i)up', yes: ['UP.Browser', 'up'], no: ['Mozilla UP'] },
    { name: 'scoped (?i:...)', pattern: '^(?i:file|ftps?|https?).*?\\?+$', yes: ['HTTP://x/?', 'fTpS://a??'], no: ['http://x/', 'gopher://x?'] },
    { name: 'scoped group with case-sensitive rest', pattern: '(?i:ab)C', yes: ['ABC', 'abC'], no: ['abc'] },
    { name: 'inline (?i) lasts to the group end, across alternatives', pattern: '(a(?i)b|c)d', yes: ['aBd', 'Cd'], no: ['ABd', 'cD'] },
    { name: '(?-i) turns it off', pattern: '(?i)a(?-i)b', yes: ['Ab'], no: ['AB'] },
    { name: 'case-insensitive class', pattern: '(?i:[a-c]x)|y', yes: ['Bx', 'bX'], no: ['Y', 'dx'] },
    { name: 'case-insensitive negated class', pattern: '(?i:[^a])z', yes: ['bz'], no: ['az', 'Az'] },
    { name: 'Latin-1 letters do not fold (C tables)', pattern: '(?i)\\xe9', yes: ['\xe9'], no: ['\xc9'] },
    { name: '\\x{HH} braced hex', pattern: '\\x{bc}[^>\\x{be}]*[>\\x{be}]', yes: ['\xbcscript\xbe'], no: ['x{bc}script>'] },
    { name: '\\x{HH} in a range', pattern: '^[A-Z_a-z\\x7f-\\x{ff}]+$', yes: ['a\xff\x80'], no: ['a\x7e1'] },
    { name: '\\z is the very end', pattern: "a'(?:\\r?\\n)?\\z", yes: ["a'", "a'\n"], no: ["a'z", "a'\nb"] },
    { name: '$ is end only (DOLLAR_ENDONLY)', pattern: '^a$', yes: ['a'], no: ['a\n', 'a\nb'] },
    { name: '\\Z allows a final newline', pattern: 'a\\Z', yes: ['a', 'a\n'], no: ['a\n\n'] },
    { name: '\\A is the start', pattern: '\\Aa', yes: ['ab'], no: ['ba', 'b\na'] },
    { name: 'dot matches newline', pattern: 'a.b', yes: ['a\nb'], no: ['ab'] },
    { name: '(?-s) dot excludes newline', pattern: '(?-s)a.b', yes: ['axb'], no: ['a\nb'] },
    { name: '\\s excludes 0xA0, includes VT', pattern: '^a\\sb$', yes: ['a b', 'a\x0bb', 'a\tb'], no: ['a\xa0b'] },
    { name: '\\S includes 0xA0', pattern: '^\\S+$', yes: ['\xa0x'], no: ['a b'] },
    { name: '\\s inside a class', pattern: '^[\\s,]+$', yes: [' ,\t'], no: ['\xa0'] },
    { name: 'identity escapes \\\' \\, \\!', pattern: "[0-9]\\s*\\'\\s*[0-9]|\\!\\,", yes: ["1 ' 2", '!,'], no: ['12'] },
    { name: '] first in a class is literal', pattern: '^[]a]+$', yes: [']a]'], no: ['b'] },
    { name: '[^]...] negated with literal ]', pattern: '^[^]]+$', yes: ['ab'], no: ['a]'] },
    { name: 'literal braces', pattern: '\\$\\{[^}]+\\}|a{,2}', yes: ['${x}', 'a{,2}'], no: ['aa'] },
    { name: 'counted repetition', pattern: '^a{2,3}$', yes: ['aa', 'aaa'], no: ['a', 'aaaa'] },
    { name: 'POSIX classes', pattern: '^[[:alpha:][:digit:]_]+$', yes: ['ab_1'], no: ['a-b'] },
    { name: 'byte escapes match UTF-8 bytes', pattern: '\\x{e2}\\x80[\\x98\\x99]', yes: [bytes('it’s')], no: ['\xc2\x80\x98'] },
    { name: '(?i) with raw bytes expands letters', pattern: '(?i)a\\xe2', yes: ['A\xe2'], no: ['A\xc2'] },
    { name: 'octal and control escapes', pattern: '^\\101\\0\\cA\\e$', yes: ['A\x00\x01\x1b'], no: ['A'] },
    { name: '\\Q...\\E quoting', pattern: '^\\Qa.b*\\E$', yes: ['a.b*'], no: ['axb'] },
    { name: 'named group', pattern: '(?P<x>a)(?<y>b)', yes: ['ab'], no: ['ba'] },
    { name: '(?#comment) dropped', pattern: 'a(?#note)b', yes: ['ab'], no: ['a(?#note)b'] },
    { name: '(?x) extended', pattern: '(?x) a b # comment\n c', yes: ['abc'], no: ['a b c'] },
    { name: '(?m) multiline anchors', pattern: '(?m)^b$', yes: ['a\nb\nc'], no: ['abc'] },
    { name: 'lookahead kept', pattern: 'a(?=b)', yes: ['ab'], no: ['ac'] },
    { name: '\\h and \\v classes', pattern: '^\\h\\v$', yes: ['\xa0\x85', ' \n'], no: ['\n ', 'ab'] },
    { name: 'lazy quantifier', pattern: 'charset.*?charset', yes: ['charset=a;charset=b'], no: ['charset'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = re(c.pattern);
      for (const s of c.yes) assert.ok(r.test(s), `${r} should match ${JSON.stringify(s)}`);
      for (const s of c.no) assert.ok(!r.test(s), `${r} should not match ${JSON.stringify(s)}`);
    });
  }
});

describe('translatePcre: output form', () => {
  const cases: { pattern: string; source: string; flags: string }[] = [
    { pattern: '(?i)^(?:connect )', source: '^(?:connect )', flags: 'is' },
    { pattern: '^(?i)up', source: '^up', flags: 'is' },
    { pattern: '(?i:sleep\\s*?\\()', source: '(?:sleep[\\x09-\\x0d ]*?\\()', flags: 'is' },
    { pattern: 'a(?i)b', source: 'a[Bb]', flags: 's' },
    { pattern: '\\x{bc}', source: '\\xbc', flags: 's' },
    { pattern: 'x\\z', source: 'x$', flags: 's' },
    { pattern: '\\d\\w\\W\\D\\b\\B', source: '\\d\\w\\W\\D\\b\\B', flags: 's' },
    { pattern: '', source: '', flags: 's' },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.pattern), () => assert.deepEqual(translatePcre(c.pattern), { source: c.source, flags: c.flags }));
  }

  it('inlineDotAll writes . as [\\s\\S] and needs no s flag', () => {
    const t = translatePcre('^a.b$', { inlineDotAll: true });
    assert.equal(t.flags, '');
    assert.ok(new RegExp(t.source, t.flags).test('a\nb'));
  });
});

describe('translatePcre: rejects what JS cannot do', () => {
  const cases: [string, RegExp][] = [
    ['a++', /possessive/], ['a{2}+', /possessive/], ['(?>a)', /atomic/], ['(?<=a)b', /lookbehind/], ['(?<!a)b', /lookbehind/],
    ['(a)\\1', /backreference/], ['\\x{100}', /beyond a byte/], ['(?U)a', /\(\?U\)/], ['\\p{L}', /escape \\p/],
    ['(?(1)a|b)', /unsupported group/], ['(*UTF)a', /verbs/], ['[b-a]', /out of order/], ['(a', /missing \)/],
    ['a)', /unmatched \)/], ['[abc', /missing \]/], ['\\G', /escape \\G/], ['(?|a)', /branch reset/], ['a\\', /backslash/],
    ['\\k<x>', /escape \\k/], ['(?R)', /unsupported group|not supported/], ['*a', /JavaScript rejects/], ['é\u0100', /not a byte/],
  ];
  for (const [pattern, why] of cases) {
    it(JSON.stringify(pattern), () => {
      assert.throws(() => translatePcre(pattern), (e: unknown) => e instanceof PortcullisError
        && e.code === 'ERR_PORTCULLIS_REGEX_TRANSLATE' && why.test(e.message));
    });
  }
});

describe('translatePcre: hostile input', () => {
  it('translates a 200 KB pattern in linear time', () => {
    const p = '(?i)' + '(?:ab|[c-f]\\s\\x{41})'.repeat(10_000);
    const t0 = Date.now();
    const t = translatePcre(p);
    assert.ok(Date.now() - t0 < 3000);
    assert.equal(t.flags, 'is');
  });

  it('deep nesting fails cleanly or translates, never hangs', () => {
    const p = '('.repeat(5000) + 'a' + ')'.repeat(5000);
    const t = translatePcre(p);
    assert.ok(new RegExp(t.source, t.flags).test('a'));
  });

  it('unterminated class in a huge pattern is an error', () => {
    assert.throws(() => translatePcre('['.repeat(100_000)), { code: 'ERR_PORTCULLIS_REGEX_TRANSLATE' });
  });
});

describe('translatePcre: fuzz', () => {
  it('random patterns translate to a compiling RegExp or throw ERR_PORTCULLIS_REGEX_TRANSLATE', async () => {
    const fc = await import('fast-check');
    const alphabet = fc.constantFrom(...'()[]{}|^$.*+?\\-:!=<>#,aAzZ09xXsSdDwWbBzZQEipP \n'.split(''), '(?i)', '(?i:', '\\x{', '}', '[:alpha:]', '(?-i)');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (p) => {
      try {
        const t = translatePcre(p);
        new RegExp(t.source, t.flags);
      } catch (e) {
        if (!(e instanceof PortcullisError) || e.code !== 'ERR_PORTCULLIS_REGEX_TRANSLATE') throw e;
      }
    }), { numRuns: 2000, seed: 7 });
  });
});
