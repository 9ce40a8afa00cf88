import { codesToString } from './bytes.js';
import type { TransformFn } from './types.js';

/** Output buffer reused across calls (transforms are synchronous); grown when a longer value comes. */
let scratch = new Uint16Array(1024);

/**
 * Index of the first char `cmdLine` would change (case, a deleted char, a separator other than a lone space, a
 * space before `/` or `(`), or -1 when the value comes out unchanged (most benign values: no allocation then).
 */
function firstChange(input: string): number {
  let prev = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    switch (c) {
      case 0x22: // " ' \ ^ are deleted
      case 0x27:
      case 0x5c:
      case 0x5e:
      case 0x2c: // , ; \t \r \n become a space
      case 0x3b:
      case 0x09:
      case 0x0d:
      case 0x0a:
        return i;
      case 0x20: // a second space is dropped
      case 0x2f: // so is a space before / or (
      case 0x28:
        if (prev === 0x20) return i;
        break;
      default:
        if (c >= 0x41 && c <= 0x5a) return i;
    }
    prev = c;
  }
  return -1;
}

/**
 * `t:cmdLine` (ModSecurity semantics, for command-injection rules): delete `\ " ' ^`; turn every run of space,
 * `,` `;` \t \r \n into one space; delete a space that comes right before `/` or `(`; lower-case ASCII letters.
 * So `w'h'o'a'm'i` gives `whoami`, `C:\WINDOWS\system32 /c` gives `c:windowssystem32/c`.
 */
export const cmdLine: TransformFn = (input) => {
  if (firstChange(input) === -1) return input;
  const n = input.length;
  // Very large values get a buffer of their own, so one huge request does not pin a huge scratch buffer.
  if (n > 1 << 20) return run(input, new Uint16Array(n));
  if (scratch.length < n) scratch = new Uint16Array(Math.max(n, scratch.length * 2));
  return run(input, scratch);
};

function run(input: string, buf: Uint16Array): string {
  const n = input.length;
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
  // firstChange found a change: the output differs from the input.
  return codesToString(buf, d);
}
