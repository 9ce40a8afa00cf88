import { detectXSS } from '../detect/xss/index.js';
import { captureOne } from './byte-string.js';
import { createValueMemo } from './value-memo.js';
import type { OperatorFactory, OperatorPrefilter } from './types.js';

/** Results for recently seen values: detectXSS is pure. */
const MEMO = createValueMemo<boolean>();

/**
 * Every detectXSS hit needs one of these chars (src/detect/xss): element content is only scanned after `<`;
 * an attribute-context hit is a dangerous initial value (a `scheme:`, possibly written with `&...;`
 * references) or an attribute with a value (`=`).
 */
const PREFILTER: OperatorPrefilter = { clauses: [{ kind: 'literals', literals: ['<', '=', ':', '&'] }] };

/** `@detectXSS`: libinjection-style XSS detection; `captures[0]` is the value. */
export const detectXssOperator: OperatorFactory = () => ({
  test(value, captures) {
    let hit = MEMO.get(value);
    if (hit === undefined) {
      hit = detectXSS(value);
      MEMO.set(value, hit);
    }
    if (!hit) return false;
    captureOne(captures, value);
    return true;
  },
  prefilter: () => PREFILTER,
});
