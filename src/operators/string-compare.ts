import { captureOne, toByteString } from './byte-string.js';
import type { OperatorFactory, OperatorPrefilter } from './types.js';
import { createValueMemo } from './value-memo.js';

/** The value must contain `text` (an empty `text` is in every value: no prefilter). */
export function literalPrefilter(text: string): OperatorPrefilter | null {
  return text === '' ? null : { clauses: [{ kind: 'literals', literals: [text] }] };
}

/*
 * Case-sensitive string operators. The parameter has been macro-expanded by the engine. Empty-string
 * cases follow ModSecurity v3: an empty parameter is contained in / begins / ends every value, and
 * `@within` with an empty input matches (the empty string is a substring of every parameter).
 * `captures[0]` is the matched text: the parameter for contains/beginsWith/endsWith/strmatch, the whole
 * value for streq/within.
 */

/** `@contains s`: the value contains `s`. */
export const containsOperator: OperatorFactory = (param) => {
  const needle = toByteString(param);
  return {
    test(value, captures) {
      if (!value.includes(needle)) return false;
      captureOne(captures, needle);
      return true;
    },
    prefilter: () => literalPrefilter(needle),
  };
};

/** `@strmatch s`: literal substring match (V8's `indexOf` is Boyer-Moore-Horspool for long needles). */
export const strmatchOperator: OperatorFactory = (param) => {
  const needle = toByteString(param);
  return {
    test(value, captures) {
      if (value.indexOf(needle) === -1) return false;
      captureOne(captures, needle);
      return true;
    },
    prefilter: () => literalPrefilter(needle),
  };
};

/** `@beginsWith s`. */
export const beginsWithOperator: OperatorFactory = (param) => {
  const prefix = toByteString(param);
  return {
    test(value, captures) {
      if (!value.startsWith(prefix)) return false;
      captureOne(captures, prefix);
      return true;
    },
    prefilter: () => literalPrefilter(prefix),
  };
};

/** `@endsWith s`. */
export const endsWithOperator: OperatorFactory = (param) => {
  const suffix = toByteString(param);
  return {
    test(value, captures) {
      if (!value.endsWith(suffix)) return false;
      captureOne(captures, suffix);
      return true;
    },
    prefilter: () => literalPrefilter(suffix),
  };
};

/** `@streq s`: the whole value equals `s`. */
export const streqOperator: OperatorFactory = (param) => {
  const expected = toByteString(param);
  return {
    test(value, captures) {
      if (value !== expected) return false;
      captureOne(captures, value);
      return true;
    },
    prefilter: () => literalPrefilter(expected),
  };
};

/**
 * `@within list`: the VALUE is a substring of the parameter. CRS relies on the substring semantics and
 * delimits list items itself (`|application/json|`, `/content-encoding/`). Empty value: match, as in
 * ModSecurity v3 (`Within::evaluate` returns true for an empty input) and Coraza.
 */
export const withinOperator: OperatorFactory = (param) => {
  const haystack = toByteString(param);
  // The same few values come back on every request (CRS 920450 tests each request header name against
  // `tx.restricted_headers_basic`, 911100 the method against `tx.allowed_methods`): a bounded memo of short
  // values answers them without searching the list again.
  const memo = createValueMemo<boolean>(WITHIN_MEMO_MAX, WITHIN_MEMO_VALUE_MAX);
  const within = (value: string): boolean => {
    let hit = memo.get(value);
    if (hit === undefined) {
      hit = haystack.includes(value);
      memo.set(value, hit);
    }
    return hit;
  };
  return {
    test(value, captures) {
      if (!within(value)) return false;
      captureOne(captures, value);
      return true;
    },
  };
};

/** Values @within memoises per compiled list, and their longest length (bounds the memo's memory). */
const WITHIN_MEMO_MAX = 256;
const WITHIN_MEMO_VALUE_MAX = 128;
