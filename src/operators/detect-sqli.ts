import { detectSQLi } from '../detect/sqli/index.js';
import { captureOne } from './byte-string.js';
import type { OperatorFactory } from './types.js';

/** `@detectSQLi`: libinjection-style SQL injection detection; `captures[0]` is the fingerprint. */
export const detectSqliOperator: OperatorFactory = () => ({
  test(value, captures) {
    const result = detectSQLi(value);
    if (result === null) return false;
    captureOne(captures, result.fingerprint);
    return true;
  },
});
