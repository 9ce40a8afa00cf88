import { captureOne, toByteString } from './byte-string.js';
import { literalPrefilter } from './string-compare.js';
import type { OperatorFactory } from './types.js';

/** Word chars for @containsWord: ASCII letters, digits and `_` (ModSecurity v2's isalnum + `_`). */
function isWordChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f
  );
}

/**
 * `@containsWord w`: the value contains `w` with a non-word char (or the value edge) on both sides.
 * Case-sensitive. An empty parameter matches any value (as ModSecurity). Cost is at most
 * O(value length x word length); the word is fixed by the rule.
 */
export const containsWordOperator: OperatorFactory = (param) => {
  const word = toByteString(param);
  const n = word.length;
  return {
    test(value, captures) {
      if (n === 0) {
        captureOne(captures, '');
        return true;
      }
      let at = value.indexOf(word);
      while (at !== -1) {
        const before = at === 0 || !isWordChar(value.charCodeAt(at - 1));
        const after = at + n === value.length || !isWordChar(value.charCodeAt(at + n));
        if (before && after) {
          captureOne(captures, word);
          return true;
        }
        at = value.indexOf(word, at + 1);
      }
      return false;
    },
    prefilter: () => literalPrefilter(word),
  };
};
