import { captureOne } from './byte-string.js';
import type { OperatorFactory } from './types.js';

/** `@unconditionalMatch`: always matches; `captures[0]` is the value. The parameter is ignored. */
export const unconditionalMatchOperator: OperatorFactory = () => ({
  test(value, captures) {
    captureOne(captures, value);
    return true;
  },
});

/** `@noMatch`: never matches. The parameter is ignored. */
export const noMatchOperator: OperatorFactory = () => ({
  test() {
    return false;
  },
  prefilter: () => ({ clauses: [{ kind: 'literals', literals: [] }] }),
});
