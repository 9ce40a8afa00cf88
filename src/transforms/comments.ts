import type { TransformFn } from './types.js';

const SLASH = 0x2f;
const STAR = 0x2a;
const DASH = 0x2d;
const HASH = 0x23;
const LT = 0x3c;
const BANG = 0x21;
const GT = 0x3e;

/**
 * `t:replaceComments`: each C comment `/* ... *\/` becomes one space; an unterminated comment runs to the end and
 * also becomes one space (so `/*!UNION*\/` gives ` ` and `a/*b` gives `a `). A lone `*\/` is kept.
 */
export const replaceComments: TransformFn = (input) => {
  let i = input.indexOf('/*');
  if (i < 0) return input;
  let out = input.slice(0, i);
  while (i >= 0) {
    out += ' ';
    const end = input.indexOf('*/', i + 2);
    if (end < 0) return out;
    const next = input.indexOf('/*', end + 2);
    out += input.slice(end + 2, next < 0 ? input.length : next);
    i = next;
  }
  return out;
};

function startsAt(input: string, i: number, a: number, b: number): boolean {
  return input.charCodeAt(i) === a && input.charCodeAt(i + 1) === b;
}

function isHtmlOpen(input: string, i: number): boolean {
  return (
    input.charCodeAt(i) === LT &&
    input.charCodeAt(i + 1) === BANG &&
    input.charCodeAt(i + 2) === DASH &&
    input.charCodeAt(i + 3) === DASH
  );
}

function isHtmlClose(input: string, i: number): boolean {
  return input.charCodeAt(i) === DASH && input.charCodeAt(i + 1) === DASH && input.charCodeAt(i + 2) === GT;
}

/**
 * `t:removeComments` (ModSecurity semantics): `/* ... *\/` and `<!-- ... -->` are removed (either terminator closes
 * either kind, as in ModSecurity); outside a comment, `--` or `#` starts a line comment that removes the rest of
 * the value. An unterminated block comment is removed and leaves one space.
 */
export const removeComments: TransformFn = (input) => {
  const n = input.length;
  let out = '';
  let run = 0;
  let inComment = false;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (!inComment) {
      if (c === SLASH && input.charCodeAt(i + 1) === STAR) {
        out += input.slice(run, i);
        inComment = true;
        i += 2;
      } else if (c === LT && isHtmlOpen(input, i)) {
        out += input.slice(run, i);
        inComment = true;
        i += 4;
      } else if ((c === DASH && input.charCodeAt(i + 1) === DASH) || c === HASH) {
        return out + input.slice(run, i);
      } else {
        i++;
      }
    } else if (c === STAR && input.charCodeAt(i + 1) === SLASH) {
      inComment = false;
      run = i += 2;
    } else if (c === DASH && isHtmlClose(input, i)) {
      inComment = false;
      run = i += 3;
    } else {
      i++;
    }
  }
  if (inComment) return out + ' ';
  if (run === 0) return input;
  return out + input.slice(run);
};

/**
 * `t:removeCommentsChar`: delete the comment markers themselves (`/*`, `*\/`, `<!--`, `-->`, `--`, `#`), keeping
 * what is between them. The scan goes left to right over the input, so removing a marker never joins its
 * neighbours into a new one (`-/**\/-` gives `--`).
 */
export const removeCommentsChar: TransformFn = (input) => {
  const n = input.length;
  let out = '';
  let run = 0;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    let skip = 0;
    if (c === SLASH) skip = input.charCodeAt(i + 1) === STAR ? 2 : 0;
    else if (c === STAR) skip = input.charCodeAt(i + 1) === SLASH ? 2 : 0;
    else if (c === LT) skip = isHtmlOpen(input, i) ? 4 : 0;
    else if (c === DASH) skip = isHtmlClose(input, i) ? 3 : startsAt(input, i, DASH, DASH) ? 2 : 0;
    else if (c === HASH) skip = 1;
    if (skip === 0) {
      i++;
      continue;
    }
    out += input.slice(run, i);
    run = i += skip;
  }
  if (run === 0) return input;
  return out + input.slice(run);
};
