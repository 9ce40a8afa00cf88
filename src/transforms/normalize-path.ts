import type { TransformFn } from './types.js';

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Resolve a path the way ModSecurity's normalisePath does: empty segments (`//`) and `.` segments are dropped,
 * `..` removes the previous segment. In an absolute path `..` never goes above the root (`/../etc` gives `/etc`);
 * in a relative path leading `..` that cannot be resolved are kept (`a/../../b` gives `../b`). A trailing slash is
 * kept only when the input had one; a path that resolves to nothing is `/` when absolute, empty when relative.
 * Linear time: segments are kept as index pairs on a stack.
 */
function normalize(path: string): string {
  const n = path.length;
  if (n === 0) return path;
  const absolute = path.charCodeAt(0) === SLASH;
  const trailing = path.charCodeAt(n - 1) === SLASH;
  const starts: number[] = [];
  const ends: number[] = [];
  let dotDots = 0; // how many of the bottom stack entries are unresolvable `..` (relative paths only)
  let i = 0;
  while (i < n) {
    while (i < n && path.charCodeAt(i) === SLASH) i++;
    if (i >= n) break;
    let j = path.indexOf('/', i);
    if (j < 0) j = n;
    const len = j - i;
    if (len === 1 && path.charCodeAt(i) === DOT) {
      // self reference: drop
    } else if (len === 2 && path.charCodeAt(i) === DOT && path.charCodeAt(i + 1) === DOT) {
      if (starts.length > dotDots) {
        starts.pop();
        ends.pop();
      } else if (!absolute) {
        starts.push(i);
        ends.push(j);
        dotDots++;
      }
    } else {
      starts.push(i);
      ends.push(j);
    }
    i = j;
  }
  const count = starts.length;
  if (count === 0) return absolute ? '/' : '';
  let out = absolute ? '/' : '';
  for (let k = 0; k < count; k++) {
    if (k > 0) out += '/';
    out += path.slice(starts[k], ends[k]);
  }
  if (trailing) out += '/';
  return out === path ? path : out;
}

/** `t:normalizePath` (also spelled `normalisePath`): resolve `.`, `..` and `//` in a `/`-separated path. */
export const normalizePath: TransformFn = (input) => {
  // Fast path: nothing to resolve when there is no `//`, no `.` segment and nothing to trim.
  if (input.indexOf('//') < 0 && input.indexOf('.') < 0) return input;
  return normalize(input);
};

/** `t:normalizePathWin` (also `normalisePathWin`): as normalizePath after turning every `\` into `/`. */
export const normalizePathWin: TransformFn = (input) => {
  if (input.indexOf('\\') < 0) return normalizePath(input);
  return normalize(input.replaceAll('\\', '/'));
};
