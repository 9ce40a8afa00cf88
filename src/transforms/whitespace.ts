import { isCSpace } from './bytes.js';
import type { TransformFn } from './types.js';

const NBSP = 0xa0;

/** Whitespace for removeWhitespace/compressWhitespace: C isspace plus the non-breaking space 0xA0 (ModSecurity). */
function isWs(c: number): boolean {
  return isCSpace(c) || c === NBSP;
}

/** `t:removeWhitespace`: delete space, \t, \n, \v, \f, \r and 0xA0. */
export const removeWhitespace: TransformFn = (input) => {
  const n = input.length;
  let out = '';
  let run = 0;
  let changed = false;
  for (let i = 0; i < n; i++) {
    if (isWs(input.charCodeAt(i))) {
      if (i > run) out += input.slice(run, i);
      run = i + 1;
      changed = true;
    }
  }
  if (!changed) return input;
  return out + input.slice(run);
};

/** `t:compressWhitespace`: every run of space, \t, \n, \v, \f, \r and 0xA0 becomes one space. */
export const compressWhitespace: TransformFn = (input) => {
  const n = input.length;
  let out = '';
  let run = 0;
  let changed = false;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (!isWs(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isWs(input.charCodeAt(j))) j++;
    if (j - i > 1 || c !== 0x20) {
      out += input.slice(run, i) + ' ';
      run = j;
      changed = true;
    }
    i = j;
  }
  if (!changed) return input;
  return out + input.slice(run);
};

/** `t:trimLeft`: remove leading space, \t, \n, \v, \f, \r. */
export const trimLeft: TransformFn = (input) => {
  let i = 0;
  while (i < input.length && isCSpace(input.charCodeAt(i))) i++;
  return i === 0 ? input : input.slice(i);
};

/** `t:trimRight`: remove trailing space, \t, \n, \v, \f, \r. */
export const trimRight: TransformFn = (input) => {
  let j = input.length;
  while (j > 0 && isCSpace(input.charCodeAt(j - 1))) j--;
  return j === input.length ? input : input.slice(0, j);
};

/** `t:trim`: both. */
export const trim: TransformFn = (input) => trimRight(trimLeft(input));
