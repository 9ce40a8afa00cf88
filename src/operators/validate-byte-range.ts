import { captureOne } from './byte-string.js';
import { operatorError } from './operator-error.js';
import type { OperatorFactory } from './types.js';

/** Parses `9,10,13,32-126` into a 256-entry allowed table; throws on a malformed list. */
export function parseByteRanges(param: string): Uint8Array {
  const allowed = new Uint8Array(256);
  const items = param.split(',').map((s) => s.trim());
  if (items.length === 0 || items.every((s) => s === '')) {
    throw operatorError('validateByteRange', param, 'expects a list such as 1-255 or 9,10,13,32-126');
  }
  for (const item of items) {
    if (item === '') continue;
    const m = /^(\d{1,3})(?:\s*-\s*(\d{1,3}))?$/.exec(item);
    if (m === null) throw operatorError('validateByteRange', param, `bad range ${JSON.stringify(item)}`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from > 255 || to > 255) {
      throw operatorError('validateByteRange', param, `${JSON.stringify(item)}: bytes are 0-255`);
    }
    if (from > to) throw operatorError('validateByteRange', param, `${JSON.stringify(item)}: start after end`);
    allowed.fill(1, from, to + 1);
  }
  return allowed;
}

/**
 * `@validateByteRange 1-255`: MATCHES (true) when the value holds a byte OUTSIDE the allowed ranges.
 * Chars above 0xFF (not bytes) are outside. `captures[0]` is the value.
 */
export const validateByteRangeOperator: OperatorFactory = (param) => {
  const allowed = parseByteRanges(param);
  return {
    test(value, captures) {
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c > 0xff || allowed[c] === 0) {
          captureOne(captures, value);
          return true;
        }
      }
      return false;
    },
    // A match needs a byte outside the ranges (chars above 0xFF are never skipped by the engine).
    prefilter: () => {
      const outside: string[] = [];
      for (let c = 0; c < 256; c++) if (allowed[c] === 0) outside.push(String.fromCharCode(c));
      return { clauses: [{ kind: 'literals', literals: outside }] };
    },
  };
};
