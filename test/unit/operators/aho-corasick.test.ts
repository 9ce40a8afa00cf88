import { describe, it } from 'node:test';
import { CRS_DIR } from '../../helpers/crs.js';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createAhoCorasick } from '../../../src/operators/aho-corasick.js';
import { dataFileLines } from '../../../src/operators/data-file.js';

/** ASCII-only lower-casing (String#toLowerCase would also fold latin1 letters such as 'É'). */
function fold(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Naive reference: the earliest end of any phrase; among phrases ending there, the longest. */
function naive(phrases: readonly string[], input: string): { end: number; text: string } | null {
  const hay = fold(input);
  let best: { end: number; len: number } | null = null;
  for (const p of phrases) {
    if (p === '') continue;
    const at = hay.indexOf(fold(p));
    if (at === -1) continue;
    const end = at + p.length;
    if (best === null || end < best.end || (end === best.end && p.length > best.len)) best = { end, len: p.length };
  }
  return best === null ? null : { end: best.end, text: input.slice(best.end - best.len, best.end) };
}

function check(phrases: readonly string[], input: string): void {
  const ac = createAhoCorasick(phrases);
  const expected = naive(phrases, input);
  assert.equal(ac.test(input), expected !== null, `test() for ${JSON.stringify(input)}`);
  const m = ac.find(input);
  if (expected === null) {
    assert.equal(m, null);
    return;
  }
  assert.ok(m !== null);
  assert.equal(m.end, expected.end);
  assert.equal(input.slice(m.start, m.end), expected.text);
  assert.equal(fold(ac.patterns[m.pattern]!), fold(expected.text));
}

describe('Aho-Corasick', () => {
  const cases: [string, string[], string, string | null][] = [
    ['single phrase', ['select'], 'xx SELECT yy', 'SELECT'],
    ['no match', ['select', 'union'], 'nothing here', null],
    ['overlapping phrases: earliest end wins', ['abcd', 'bc'], 'xabcdx', 'bc'],
    ['longest phrase among those ending at the same place', ['cd', 'bcd', 'd'], 'abcd', 'bcd'],
    ['suffix found through failure links', ['he', 'she', 'his', 'hers'], 'ushers', 'she'],
    ['repeated prefix', ['aab'], 'aaaaaab', 'aab'],
    ['phrase equal to the input', ['abc'], 'abc', 'abc'],
    ['empty input', ['a'], '', null],
    ['empty phrases are ignored', ['', 'x'], 'abc', null],
    ['high bytes are matched exactly, not folded', ['\xe9t\xe9'], '\xc9T\xc9 \xe9T\xe9', '\xe9T\xe9'],
    ['NUL and 0xFF bytes', ['\x00\xff'], 'a\x00\xffb', '\x00\xff'],
    ['case-insensitive in both directions', ['DoCuMeNt.CoOkIe'], 'x=document.cookie', 'document.cookie'],
  ];
  for (const [name, phrases, input, expected] of cases) {
    it(name, () => {
      const m = createAhoCorasick(phrases).find(input);
      assert.equal(m === null ? null : input.slice(m.start, m.end), expected);
      check(phrases, input);
    });
  }

  it('drops duplicate phrases that differ only in case', () => {
    assert.deepEqual(createAhoCorasick(['Abc', 'aBC', 'x', '']).patterns, ['Abc', 'x']);
  });

  it('rejects phrases that are not byte strings', () => {
    assert.throws(() => createAhoCorasick(['\u20ac']), RangeError);
  });

  it('never disagrees with indexOf on lowercased strings (random phrases and inputs)', () => {
    const char = fc.constantFrom('a', 'A', 'b', 'B', 'c', ' ', '\xe9', '\xc9', '\x00');
    const phrase = fc.string({ unit: char, minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(phrase, { minLength: 1, maxLength: 8 }), fc.string({ unit: char, maxLength: 40 }), (ps, input) => {
        check(ps, input);
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with the reference on full byte strings', () => {
    const byte = fc.integer({ min: 0, max: 255 }).map((b) => String.fromCharCode(b));
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: byte, minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 20 }),
        fc.string({ unit: byte, maxLength: 200 }),
        (ps, input) => check(ps, input),
      ),
      { numRuns: 200 },
    );
  });

  const crsDir = `${CRS_DIR ?? '/nonexistent'}/rules`;
  it('agrees with the reference on every CRS data file', { skip: !existsSync(crsDir) }, () => {
    const files = readdirSync(crsDir).filter((f) => f.endsWith('.data'));
    assert.ok(files.length > 0);
    for (const file of files) {
      const phrases = dataFileLines(readFileSync(join(crsDir, file), 'latin1'));
      // Inputs built from pieces of the phrases, so that partial and full matches both occur.
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(phrases.length - 1), fc.nat(20), fc.nat(20)), { maxLength: 4 }), (parts) => {
          const input = parts
            .map(([i, a, b]) => {
              const p = phrases[i]!;
              return `${p.slice(0, a % (p.length + 1))}~${p.slice(p.length - (b % (p.length + 1))).toUpperCase()}`;
            })
            .join(' ');
          check(phrases, input);
        }),
        { numRuns: 30 },
      );
    }
  });

  it('scans a 1 MB input (no match, then a match at the very end)', () => {
    const ac = createAhoCorasick(['union select', 'sleep(', 'benchmark(']);
    const big = 'union selec sleep benchmark '.repeat(40_000);
    assert.ok(big.length > 1_000_000);
    assert.equal(ac.test(big), false);
    const m = ac.find(`${big}SLEEP(`);
    assert.ok(m !== null);
    assert.equal(m.end, big.length + 6);
  });
});
