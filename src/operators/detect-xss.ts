import { detectXSS } from '../detect/xss/index.js';
import { captureOne } from './byte-string.js';
import type { OperatorFactory } from './types.js';

/** `@detectXSS`: libinjection-style XSS detection; `captures[0]` is the value. */
export const detectXssOperator: OperatorFactory = () => ({
  test(value, captures) {
    if (!detectXSS(value)) return false;
    captureOne(captures, value);
    return true;
  },
});
