import { captureOne } from './byte-string.js';
import type { OperatorFactory } from './types.js';

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/** True when `value` holds a `%` not followed by two hex digits (invalid URL encoding). */
export function hasInvalidUrlEncoding(value: string): boolean {
  const n = value.length;
  for (let i = value.indexOf('%'); i !== -1; i = value.indexOf('%', i)) {
    if (i + 2 >= n || !isHex(value.charCodeAt(i + 1)) || !isHex(value.charCodeAt(i + 2))) return true;
    i += 3;
  }
  return false;
}

/**
 * `@validateUrlEncoding`: MATCHES (true) when the value is NOT valid URL encoding, as in ModSecurity.
 * Empty value: no match. No parameter. `captures[0]` is the value.
 */
export const validateUrlEncodingOperator: OperatorFactory = () => ({
  test(value, captures) {
    if (!hasInvalidUrlEncoding(value)) return false;
    captureOne(captures, value);
    return true;
  },
  prefilter: () => ({ clauses: [{ kind: 'literals', literals: ['%'] }] }),
});
