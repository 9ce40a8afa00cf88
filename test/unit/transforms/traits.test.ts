import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TRANSFORMS } from '../../../src/transforms/registry.js';
import { ALWAYS_CHANGING, chainTriggers, transformTrait, valueFeatures } from '../../../src/transforms/traits.js';

/**
 * Every transformation trait must be true of its transformation: a value without the trait's trigger features
 * comes out unchanged (or, for case transformations, unchanged up to ASCII case). The engine's prefilter
 * relies on it to reuse one scan of the raw value for many chains.
 */

const fold = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
const CHARS = [...'aZ9 \t\n\v\f\r%+&\\*#-/.\'"`^,;()<>=:!?@$_{}[]|~x', '\0', '\x7f', '\x80', '\xa0', '\xc3', '\xa9', '\xdf', '\xff', '%2', '%u', '&lt;', '\\x', '/*', '*/', '--', '<!--', '-->', '//', '/.', './', '..', '0x'];
const values = fc.array(fc.constantFrom(...CHARS), { maxLength: 16 }).map((a) => a.join(''));

describe('transformation traits', () => {
  for (const [name, fn] of Object.entries(TRANSFORMS)) {
    const trait = transformTrait(fn);
    if (trait === undefined) continue;
    it(`${name}: no trigger, no change${trait.caseOnly ? ' (up to case)' : ''}`, () => {
      let checked = 0;
      fc.assert(fc.property(values, (v) => {
        if ((valueFeatures(v) & trait.triggers) !== 0) return true;
        checked++;
        const out = fn(v);
        return trait.caseOnly ? fold(out) === fold(v) : out === v;
      }), { numRuns: 4000 });
      assert.ok(checked > 200, `only ${checked} trigger-free values`);
    });
  }

  it('covers the transformations the default rules use, and never skips the changing ones', () => {
    for (const name of ['utf8toUnicode', 'urlDecodeUni', 'removeNulls', 'htmlEntityDecode', 'jsDecode', 'cssDecode', 'replaceComments', 'removeCommentsChar', 'compressWhitespace', 'lowercase', 'normalizePathWin', 'trim', 'cmdLine']) {
      assert.ok(transformTrait(TRANSFORMS[name]!), name);
    }
    for (const fn of ALWAYS_CHANGING) assert.equal(transformTrait(fn), undefined);
    assert.equal(chainTriggers([TRANSFORMS.urlDecodeUni!, TRANSFORMS.base64Decode!]), null);
    assert.equal(chainTriggers([]), 0);
  });
});
