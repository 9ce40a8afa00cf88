import { describe, it } from 'node:test';
import { CRS_DIR } from '../../helpers/crs.js';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortcullisError } from '../../../src/errors.js';
import { parsePmPhrases, pmOperator } from '../../../src/operators/pm.js';
import { pmFromFileOperator } from '../../../src/operators/pm-from-file.js';
import type { CompiledOperator } from '../../../src/operators/types.js';

function run(op: CompiledOperator, value: string): { matched: boolean; captures: string[] } {
  const captures = ['stale', 'stale'];
  const matched = op.test(value, captures);
  return { matched, captures: matched ? captures : [] };
}

describe('@pm', () => {
  const cases: [string, string, boolean, string?][] = [
    ['gzip compress deflate br zstd', 'x-GZIP', true, 'GZIP'],
    ['gzip compress deflate br zstd', 'identity', false],
    ['( )', 'f(x', true, '('],
    ['?>', '<?php echo 1 ?>', true, '?>'],
    ['document.cookie document.domain', 'a=DOCUMENT.Cookie;', true, 'DOCUMENT.Cookie'],
    ['AppleWebKit Android', 'Mozilla/5.0 (Linux; Android 14)', true, 'Android'],
    ['AppleWebKit Android', 'curl/8.0', false],
    ['"quoted list"', 'a QUOTED b', true, 'QUOTED'],
    ['|41 42|c', 'xabcx', true, 'abc'],
    ['a|20|b', 'a b', true, 'a b'],
    ['semi\\;colon', 'semi;colon', true, 'semi;colon'],
    ['back\\\\slash', 'back\\slash', true, 'back\\slash'],
    ['keep\\nbackslash', 'keep\\nbackslash', true, 'keep\\nbackslash'],
    ['abc', '', false],
  ];
  for (const [param, value, matched, captured] of cases) {
    it(`@pm ${param} on ${JSON.stringify(value)} -> ${matched}`, () => {
      const r = run(pmOperator(param, {}), value);
      assert.equal(r.matched, matched);
      if (captured !== undefined) assert.deepEqual(r.captures, [captured]);
      assert.equal(pmOperator(param, {}).test(value), matched);
    });
  }

  it('splits phrases on any blank and ignores extra blanks', () => {
    assert.deepEqual(parsePmPhrases('pm', '  a \t b\n\nc  '), ['a', 'b', 'c']);
  });

  const bad: [string, RegExp][] = [
    ['', /at least one phrase/],
    ['   ', /at least one phrase/],
    ['|4|', /odd number/],
    ['|zz|', /bad hex digit/],
    ['|41', /unterminated/],
  ];
  for (const [param, reason] of bad) {
    it(`rejects @pm ${JSON.stringify(param)}`, () => {
      assert.throws(
        () => pmOperator(param, {}),
        (e: unknown) => e instanceof PortcullisError && e.code === 'ERR_PORTCULLIS_RULE_OPERATOR' && reason.test(e.message) && e.message.includes('@pm'),
      );
    });
  }

  it('encodes non-latin1 phrases as UTF-8 bytes', () => {
    const op = pmOperator('\u20ac', {});
    assert.equal(op.test('price: \xe2\x82\xac5'), true);
    assert.equal(op.test('price: \u20ac5'), false);
  });

  it('runs over a 1 MB input', () => {
    const op = pmOperator('select union sleep', {});
    const big = 'a'.repeat(1024 * 1024);
    assert.equal(op.test(big), false);
    assert.equal(op.test(`${big}Sleep`), true);
  });
});

describe('@pmFromFile', () => {
  it('reads phrases from a data file relative to baseDir, with comments and blank lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-pm-'));
    try {
      writeFileSync(join(dir, 'words.data'), '# a comment\n\n  # indented comment\nnikto\r\n in query expression\nSQLMap\n   \n', 'latin1');
      const op = pmFromFileOperator('words.data', { baseDir: dir });
      const cases: [string, boolean, string?][] = [
        ['Mozilla/5.0 Nikto/2.1.6', true, 'Nikto'],
        ['sqlmap/1.7', true, 'sqlmap'],
        ['error in query expression here', true, ' in query expression'],
        ['query expression', false],
        ['a comment', false],
        ['indented', false],
        ['   ', false],
      ];
      for (const [value, matched, captured] of cases) {
        const r = run(op, value);
        assert.equal(r.matched, matched, value);
        if (captured !== undefined) assert.deepEqual(r.captures, [captured]);
      }
      // Alias-free multiple files and absolute paths.
      writeFileSync(join(dir, 'more.data'), 'extra\n', 'latin1');
      const two = pmFromFileOperator(`words.data ${join(dir, 'more.data')}`, { baseDir: dir });
      assert.equal(two.test('EXTRA'), true);
      assert.equal(two.test('nikto'), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses ctx.readFile when given, with the path joined to baseDir', () => {
    const seen: string[] = [];
    const op = pmFromFileOperator('x.data', {
      baseDir: '/rules',
      readFile: (p) => {
        seen.push(p);
        return 'alpha\nbeta\n';
      },
    });
    assert.deepEqual(seen, [join('/rules', 'x.data')]);
    assert.equal(op.test('xBETAx'), true);
    assert.equal(op.test('gamma'), false);
  });

  const crsDir = `${CRS_DIR ?? '/nonexistent'}/rules`;
  it('loads CRS scanners-user-agents.data', { skip: !existsSync(join(crsDir, 'scanners-user-agents.data')) }, () => {
    const op = pmFromFileOperator('scanners-user-agents.data', { baseDir: crsDir });
    assert.deepEqual(run(op, 'Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:003175)').captures, ['Nikto']);
    assert.equal(op.test('sqlmap/1.7.2#stable (https://sqlmap.org)'), true);
    assert.equal(op.test('Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0'), false);
  });

  it('loads CRS lfi-os-files.data', { skip: !existsSync(join(crsDir, 'lfi-os-files.data')) }, () => {
    const op = pmFromFileOperator('lfi-os-files.data', { baseDir: crsDir });
    assert.equal(op.test('/../../ETC/PASSWD'), true);
    assert.equal(op.test('/index.html'), false);
  });

  const bad: [string, RegExp][] = [
    ['', /data file name/],
    ['missing-file.data', /cannot read data file/],
    ['https://example.com/list.data', /remote data files/],
    ['empty.data', /at least one phrase/],
  ];
  for (const [param, reason] of bad) {
    it(`rejects @pmFromFile ${JSON.stringify(param)}`, () => {
      const ctx = {
        baseDir: '/nowhere',
        readFile: (p: string): string => {
          if (p.endsWith('empty.data')) return '# only comments\n\n';
          throw new Error(`ENOENT: ${p}`);
        },
      };
      assert.throws(
        () => pmFromFileOperator(param, ctx),
        (e: unknown) => e instanceof PortcullisError && e.code === 'ERR_PORTCULLIS_RULE_OPERATOR' && reason.test(e.message) && e.message.includes('@pmFromFile'),
      );
    });
  }
});
