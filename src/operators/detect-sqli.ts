import { detectSQLi } from '../detect/sqli/index.js';
import { captureOne } from './byte-string.js';
import { sqliMayMatch } from './sqli-may-match.js';
import { createValueMemo } from './value-memo.js';
import type { OperatorFactory, OperatorPrefilter } from './types.js';

/** Fingerprint (or null) of recently seen values: detectSQLi is pure. */
const MEMO = createValueMemo<string | null>();

const PREFILTER: OperatorPrefilter = { clauses: [{ kind: 'predicate', id: 'sqliMayMatch', test: sqliMayMatch }] };

/** `@detectSQLi`: libinjection-style SQL injection detection; `captures[0]` is the fingerprint. */
export const detectSqliOperator: OperatorFactory = () => ({
  test(value, captures) {
    let fingerprint = MEMO.get(value);
    if (fingerprint === undefined) {
      fingerprint = detectSQLi(value)?.fingerprint ?? null;
      MEMO.set(value, fingerprint);
    }
    if (fingerprint === null) return false;
    captureOne(captures, fingerprint);
    return true;
  },
  prefilter: () => PREFILTER,
});
