import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chainShortcut, runChain, runChainSteps } from '../../../src/engine/chain-shortcut.js';
import { applyChain, applyChainSteps, compileChain, createTransformCache } from '../../../src/transforms/cache.js';
import { TRANSFORMS } from '../../../src/transforms/registry.js';
import { valueFeatures } from '../../../src/transforms/traits.js';

/**
 * The engine takes a chain's shortcut for values without its triggers; the result must be exactly what the
 * whole chain gives, for any chain and any value (including hostile encodings), with or without a memo.
 */

const CRS_STEPS = ['utf8toUnicode', 'urlDecodeUni', 'urlDecode', 'htmlEntityDecode', 'jsDecode', 'cssDecode', 'removeNulls', 'removeWhitespace', 'compressWhitespace', 'replaceComments', 'removeComments', 'removeCommentsChar', 'lowercase', 'cmdLine', 'normalizePath', 'normalizePathWin', 'base64Decode', 'base64DecodeExt', 'hexDecode', 'sqlHexDecode', 'escapeSeqDecode', 'trim', 'length', 'sha1'];
const names = Object.keys(TRANSFORMS);
const CHARS = [...'aZ9 \t\n\v\f\r%+&\\*#-/.\'"`^,;()<>=:!?@$_{}[]|~xQUJD', '\0', '\x7f', '\x80', '\xa0', '\xc3', '\xa9', '\xff', '%2', '%41', '%u0041', '%uff1c', '&lt;', '&#x41;', '\\x41', '\\u0041', '/*', '*/', '--', '<!--', '//', '/.', './', '..', 'QUJD', 'PHNjcmlwdD4='];
const short = fc.array(fc.constantFrom(...CHARS), { maxLength: 24 }).map((a) => a.join(''));
// Past 256 chars the engine memoises differently (TAIL_MEMO_MIN_LENGTH): cover both sides.
const values = fc.oneof({ weight: 4, arbitrary: short }, { weight: 1, arbitrary: fc.tuple(short, fc.integer({ min: 1, max: 40 })).map(([v, k]) => v.repeat(k)) });
const chains = fc.array(fc.oneof(fc.constantFrom(...CRS_STEPS), fc.constantFrom(...names)), { minLength: 1, maxLength: 8 });

describe('chain shortcut', () => {
  it('gives exactly the chain result, for random chains and values', () => {
    let shortcuts = 0;
    fc.assert(fc.property(chains, fc.array(values, { minLength: 1, maxLength: 6 }), (stepNames, vals) => {
      const chain = compileChain(stepNames);
      const memo = createTransformCache();
      const fast = createTransformCache();
      for (const v of vals) {
        const want = applyChain(chain, v);
        const sc = chainShortcut(chain);
        const f = valueFeatures(v);
        if ((sc.tailAt < 0 && (f & sc.mask) === 0) || (sc.skipUnless[0]! >= 0 && (sc.skipUnless[0]! & f) === 0)) shortcuts++;
        assert.equal(runChain(chain, v, valueFeatures), want);
        assert.equal(runChain(chain, v, valueFeatures, fast), want);
        assert.equal(applyChain(chain, v, memo), want);
        assert.deepEqual(runChainSteps(chain, v, valueFeatures, fast), applyChainSteps(chain, v));
      }
    }), { numRuns: 3000 });
    assert.ok(shortcuts > 500, `only ${shortcuts} shortcuts taken`);
  });

  it('shares one memo between shortcut and full runs of overlapping chains', () => {
    const a = compileChain(['urlDecodeUni', 'jsDecode', 'removeWhitespace', 'base64Decode', 'urlDecodeUni', 'jsDecode', 'removeWhitespace']);
    const b = compileChain(['urlDecodeUni', 'jsDecode', 'base64Decode', 'urlDecodeUni', 'jsDecode', 'replaceComments']);
    const c = compileChain(['base64Decode', 'urlDecodeUni']);
    const memo = createTransformCache();
    for (const v of ['PHNjcmlwdD4', 'dGhpcy5jb25zdHJ1Y3Rvcg', 'a%20b', 'x y', 'aGk/Kg', '']) {
      for (const chain of [a, b, c, b, a]) assert.equal(runChain(chain, v, valueFeatures, memo), applyChain(chain, v), `${chain.names.join(',')} on ${v}`);
    }
  });

  it('knows which steps can be skipped and where the first step without trait is', () => {
    const a = chainShortcut(compileChain(['base64Decode', 'lowercase']));
    assert.equal(a.tailAt, 0);
    assert.deepEqual(a.skipUnless, [-1, -1]);
    const b = chainShortcut(compileChain(['urlDecodeUni', 'lowercase', 'base64Decode', 'jsDecode']));
    assert.equal(b.tailAt, 2);
    assert.equal(b.skipUnless[1], -1, 'a case-only step always runs');
    assert.ok(b.skipUnless[0]! > 0 && b.skipUnless[3]! > 0);
    const c = chainShortcut(compileChain(['urlDecodeUni', 'lowercase']));
    assert.equal(c.tailAt, -1);
    assert.deepEqual(c.caseChain?.names, ['lowercase']);
  });

  it('skips leading steps that cannot change the value, then runs the rest', () => {
    const chain = compileChain(['utf8toUnicode', 'urlDecodeUni', 'removeNulls', 'cmdLine']);
    const memo = createTransformCache();
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36';
    assert.equal(runChain(chain, ua, valueFeatures, memo), applyChain(chain, ua));
    assert.equal(memo.size, 1, 'only cmdLine ran (and was memoised)');
    assert.deepEqual(runChainSteps(chain, ua, valueFeatures, memo), applyChainSteps(chain, ua));
  });

  it('handles hostile values (huge, broken encodings) like the chain', () => {
    const chain = compileChain(['utf8toUnicode', 'urlDecodeUni', 'htmlEntityDecode', 'jsDecode', 'cssDecode', 'removeNulls', 'removeWhitespace']);
    const b64 = compileChain(['urlDecodeUni', 'jsDecode', 'removeWhitespace', 'base64Decode', 'urlDecodeUni', 'jsDecode', 'removeWhitespace']);
    for (const v of ['A'.repeat(1 << 20), '%'.repeat(100_000), '\\u'.repeat(50_000), '&#'.repeat(50_000) + ';', '\xc3'.repeat(70_000), 'JTQxJTQy'.repeat(100_000), 'ok']) {
      for (const c of [chain, b64]) {
        assert.equal(runChain(c, v, valueFeatures, createTransformCache()), applyChain(c, v));
        assert.deepEqual(runChainSteps(c, v, valueFeatures, createTransformCache()), applyChainSteps(c, v));
      }
    }
  });
});
