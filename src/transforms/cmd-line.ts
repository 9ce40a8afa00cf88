import { codesToString } from './bytes.js';
import type { TransformFn } from './types.js';

/**
 * `t:cmdLine` (ModSecurity semantics, for command-injection rules): delete `\ " ' ^`; turn every run of space,
 * `,` `;` \t \r \n into one space; delete a space that comes right before `/` or `(`; lower-case ASCII letters.
 * So `w'h'o'a'm'i` gives `whoami`, `C:\WINDOWS\system32 /c` gives `c:windowssystem32/c`.
 */
export const cmdLine: TransformFn = (input) => {
  const n = input.length;
  const buf = new Uint16Array(n);
  let d = 0;
  let space = false; // the output ends with a space written by the whitespace rule
  for (let i = 0; i < n; i++) {
    const c = input.charCodeAt(i);
    switch (c) {
      case 0x22: // "
      case 0x27: // '
      case 0x5c: // \
      case 0x5e: // ^
        break;
      case 0x20:
      case 0x2c: // ,
      case 0x3b: // ;
      case 0x09:
      case 0x0d:
      case 0x0a:
        if (!space) {
          buf[d++] = 0x20;
          space = true;
        }
        break;
      case 0x2f: // /
      case 0x28: // (
        if (space) d--;
        space = false;
        buf[d++] = c;
        break;
      default:
        buf[d++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
        space = false;
    }
  }
  if (d === n) {
    // Same length: unchanged unless a char was replaced in place (case, or a separator turned into a space).
    let same = true;
    for (let k = 0; k < n; k++) {
      if (buf[k] !== input.charCodeAt(k)) {
        same = false;
        break;
      }
    }
    if (same) return input;
  }
  return codesToString(buf, d);
};
