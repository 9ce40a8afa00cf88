import { captureOne } from './byte-string.js';
import type { OperatorFactory } from './types.js';

/**
 * Integer comparisons @eq @ne @gt @ge @lt @le. Both sides are read like C++ `std::stoi` in ModSecurity v3:
 * leading blanks, an optional sign, then decimal digits; anything after the digits is ignored and a
 * string without leading digits is 0 (`"12abc"` = 12, `"abc"` = 0, `"0x10"` = 0, `"1.9"` = 1).
 * Deliberate difference: an out-of-range number saturates at +/- Number.MAX_SAFE_INTEGER instead of
 * becoming 0, so `"99999999999999999999" @gt 1000` stays true. `captures[0]` is the value.
 */
export function parseModsecInt(text: string): number {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) i++;
    else break;
  }
  let sign = 1;
  const s = text.charCodeAt(i);
  if (s === 0x2d /* - */ || s === 0x2b /* + */) {
    if (s === 0x2d) sign = -1;
    i++;
  }
  let value = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    if (value < Number.MAX_SAFE_INTEGER) value = Math.min(value * 10 + d, Number.MAX_SAFE_INTEGER);
  }
  return value === 0 ? 0 : sign * value;
}

type Compare = (value: number, param: number) => boolean;

function numericOperator(compare: Compare): OperatorFactory {
  return (param) => {
    const expected = parseModsecInt(param);
    return {
      test(value, captures) {
        if (!compare(parseModsecInt(value), expected)) return false;
        captureOne(captures, value);
        return true;
      },
    };
  };
}

export const eqOperator = numericOperator((v, p) => v === p);
export const neOperator = numericOperator((v, p) => v !== p);
export const gtOperator = numericOperator((v, p) => v > p);
export const geOperator = numericOperator((v, p) => v >= p);
export const ltOperator = numericOperator((v, p) => v < p);
export const leOperator = numericOperator((v, p) => v <= p);
