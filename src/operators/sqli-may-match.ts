import { MERGES, WORD_TYPES } from '../detect/sqli/keywords.js';

/**
 * A cheap necessary condition for `detectSQLi` (the engine's prefilter for `@detectSQLi`): false only when
 * the detector provably cannot match. Derived from the detector's structure (src/detect/sqli):
 *
 * - Every match (anchored or anywhere rule) starts at a token of type `&` `U` `;` `c` `k` `E` `(` `f` or
 *   `o`, and an `o` start (payloadOperator) only matches with a comparison operator, a `(`, a keyword or a
 *   quoted context. Without quotes the quoted contexts are never tried.
 * - Those come from `( ; #`, the comparison chars `= < > ~ ?`, the sequences `-- /* || &&`, quotes, or
 *   words the keyword tables classify (WORD_TYPES, and MERGES heads such as ORDER / GROUP); `f` needs `(`.
 *   Other punctuation (`- + * / % ^ | & : ! @ . , ) { } [ ] \ $ _` alone) only makes inert tokens or
 *   non-comparison operators (`-`, `::`, `->`).
 * - So a value without those chars and sequences, with no keyword standing as a whole word, cannot match.
 *
 * Word boundaries follow the lexer conservatively: a keyword counts unless a letter, `_` or a non-ASCII
 * char directly precedes it (a digit, `.` or `$` before it may end a number: `1union`, `0x1Funion`, so those
 * count too; hex letters right before a keyword count as well) or an identifier char directly follows it.
 * ASCII case does not matter (the lexer upper-cases words). `test/unit/operators/prefilter.test.ts` checks
 * `detectSQLi(v) => sqliMayMatch(v)` on the detector's fixtures, the corpus and random strings.
 */

/** 1: the char cannot start or take part in a dangerous token by itself. */
const INERT = new Uint8Array(256);
/** 1: the lexer continues an identifier with it (letters, digits, `_`, `$`, `.`, non-ASCII bytes but 0xA0). */
const IDCHAR = new Uint8Array(256);
/** 1: a char that, right before a letter, proves the letter continues the same word. */
const GLUE = new Uint8Array(256);

for (let c = 0x30; c <= 0x39; c++) INERT[c] = IDCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) INERT[c] = IDCHAR[c] = INERT[c + 0x20] = IDCHAR[c + 0x20] = 1;
for (const ch of '_$.,)!@{}[]-+*/%^|&:\\') INERT[ch.charCodeAt(0)] = 1;
for (const c of [0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]) INERT[c] = 1;
for (let c = 0x80; c <= 0xff; c++) if (c !== 0xdf /* ß upper-cases to SS */) INERT[c] = 1;
IDCHAR[0x5f] = IDCHAR[0x24] = IDCHAR[0x2e] = 1;
for (let c = 0x80; c <= 0xff; c++) if (c !== 0xa0) IDCHAR[c] = 1;
for (let c = 0x67; c <= 0x7a; c++) GLUE[c] = GLUE[c - 0x20] = 1; // g-z, G-Z (a-f may end a hex number)
GLUE[0x5f] = 1;
for (let c = 0x80; c <= 0xff; c++) if (c !== 0xa0) GLUE[c] = 1;

/** Upper-cased words that may classify as something other than a bareword or a number. */
const KEYWORDS: ReadonlySet<string> = new Set([
  ...[...WORD_TYPES].filter(([, type]) => type !== 'n').map(([w]) => w),
  ...MERGES.keys(),
]);
let LONGEST = 0;
for (const k of KEYWORDS) LONGEST = Math.max(LONGEST, k.length);

/** Case-folded hash of value[from, to) (letters only), so most runs are rejected without a slice. */
function foldHash(value: string, from: number, to: number): number {
  let h = 0;
  for (let i = from; i < to; i++) h = (Math.imul(h, 31) + (value.charCodeAt(i) | 0x20)) | 0;
  return h;
}
const KEYWORD_HASHES: ReadonlySet<number> = new Set([...KEYWORDS].map((k) => foldHash(k, 0, k.length)));

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isHexLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66;
}

/** True unless `detectSQLi(value)` is certainly null. ASCII-case-insensitive. */
export function sqliMayMatch(value: string): boolean {
  const n = value.length;
  let i = 0;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c > 0xff || INERT[c] === 0) return true;
    if (!isLetter(c)) {
      // `--` (comment), `/*` (comment), `||` and `&&` (logical operators).
      if (c === 0x2d || c === 0x2f || c === 0x7c || c === 0x26) {
        const d = i + 1 < n ? value.charCodeAt(i + 1) : -1;
        if (d === (c === 0x2f ? 0x2a : c)) return true;
      }
      i++;
      continue;
    }
    // A run of ASCII letters [i, j).
    let j = i + 1;
    while (j < n && isLetter(value.charCodeAt(j))) j++;
    const after = j < n ? value.charCodeAt(j) : -1;
    const before = i > 0 ? value.charCodeAt(i - 1) : -1;
    const closed = after === -1 || (after <= 0xff && IDCHAR[after] === 0);
    if (closed && (before === -1 || before > 0xff || GLUE[before] === 0)) {
      // The word may start at i, or after the `x` and hex letters of a `0x..` number the lexer swallowed.
      for (let k = i; k < j; k++) {
        if (j - k <= LONGEST && KEYWORD_HASHES.has(foldHash(value, k, j)) && KEYWORDS.has(value.slice(k, j).toUpperCase())) return true;
        const d = value.charCodeAt(k);
        if (!isHexLetter(d) && !(k === i && (d | 0x20) === 0x78)) break;
      }
    }
    i = j;
  }
  return false;
}
