import { codePointBytes, hexValue, isAlnum } from './bytes.js';
import type { TransformFn } from './types.js';

const HASH = 0x23;
const SEMI = 0x3b;

/** The ModSecurity entities (matched case-insensitively, as ModSecurity does with strcasecmp), plus `apos`. */
const CASELESS: ReadonlyMap<string, number> = new Map([
  ['quot', 0x22],
  ['amp', 0x26],
  ['lt', 0x3c],
  ['gt', 0x3e],
  ['nbsp', 0xa0],
  ['apos', 0x27],
]);

/**
 * More HTML5 named references, matched case-sensitively as browsers do. Mostly ASCII punctuation that browsers
 * decode inside attributes (`javascript&colon;alert&lpar;1&rpar;` is a classic XSS evasion), Latin-1 symbols, and a
 * few invisible/typographic characters (emitted as UTF-8 bytes).
 */
const NAMED: ReadonlyMap<string, number> = new Map([
  ['Tab', 0x09], ['NewLine', 0x0a], ['excl', 0x21], ['QUOT', 0x22], ['num', 0x23], ['dollar', 0x24],
  ['percnt', 0x25], ['AMP', 0x26], ['lpar', 0x28], ['rpar', 0x29], ['ast', 0x2a], ['midast', 0x2a],
  ['plus', 0x2b], ['comma', 0x2c], ['period', 0x2e], ['sol', 0x2f], ['colon', 0x3a], ['semi', 0x3b],
  ['LT', 0x3c], ['equals', 0x3d], ['GT', 0x3e], ['quest', 0x3f], ['commat', 0x40], ['lsqb', 0x5b],
  ['lbrack', 0x5b], ['bsol', 0x5c], ['rsqb', 0x5d], ['rbrack', 0x5d], ['Hat', 0x5e], ['lowbar', 0x5f],
  ['UnderBar', 0x5f], ['grave', 0x60], ['DiacriticalGrave', 0x60], ['lcub', 0x7b], ['lbrace', 0x7b],
  ['verbar', 0x7c], ['vert', 0x7c], ['VerticalLine', 0x7c], ['rcub', 0x7d], ['rbrace', 0x7d],
  ['iexcl', 0xa1], ['cent', 0xa2], ['pound', 0xa3], ['curren', 0xa4], ['yen', 0xa5], ['brvbar', 0xa6],
  ['sect', 0xa7], ['uml', 0xa8], ['copy', 0xa9], ['ordf', 0xaa], ['laquo', 0xab], ['not', 0xac],
  ['shy', 0xad], ['reg', 0xae], ['macr', 0xaf], ['deg', 0xb0], ['plusmn', 0xb1], ['sup2', 0xb2],
  ['sup3', 0xb3], ['acute', 0xb4], ['micro', 0xb5], ['para', 0xb6], ['middot', 0xb7], ['cedil', 0xb8],
  ['sup1', 0xb9], ['ordm', 0xba], ['raquo', 0xbb], ['frac14', 0xbc], ['frac12', 0xbd], ['frac34', 0xbe],
  ['iquest', 0xbf], ['times', 0xd7], ['divide', 0xf7],
  ['ensp', 0x2002], ['emsp', 0x2003], ['thinsp', 0x2009], ['zwnj', 0x200c], ['zwj', 0x200d], ['lrm', 0x200e],
  ['rlm', 0x200f], ['ndash', 0x2013], ['mdash', 0x2014], ['lsquo', 0x2018], ['rsquo', 0x2019],
  ['sbquo', 0x201a], ['ldquo', 0x201c], ['rdquo', 0x201d], ['bdquo', 0x201e], ['hellip', 0x2026],
  ['prime', 0x2032], ['Prime', 0x2033], ['lsaquo', 0x2039], ['rsaquo', 0x203a], ['euro', 0x20ac],
  ['trade', 0x2122],
]);

const MAX_NAME = 16; // longest name in the tables above

/** Largest accepted code point; past it the reference is kept as it is. */
const MAX_CODE_POINT = 0x10ffff;

function lookupName(name: string): number | undefined {
  return NAMED.get(name) ?? CASELESS.get(name.toLowerCase());
}

/**
 * `t:htmlEntityDecode`. Decodes `&#DDD;`, `&#xHHH;` (x or X) and named references; the trailing `;` is optional,
 * as in ModSecurity. A name is the whole run of letters and digits after `&` and must be in the table (so
 * `&ltscript` stays as it is, like ModSecurity). Code points up to 0xFF give one byte, larger ones their UTF-8 bytes
 * (what a browser would see); references to surrogates or past U+10FFFF are kept as they are. Never grows the input.
 */
export const htmlEntityDecode: TransformFn = (input) => {
  let i = input.indexOf('&');
  if (i < 0) return input;
  const n = input.length;
  let out = '';
  let run = 0;
  while (i >= 0 && i + 1 < n) {
    let j = i + 1;
    let cp = -1;
    if (input.charCodeAt(j) === HASH) {
      j++;
      let overflow = false;
      let value = 0;
      const start = j + ((input.charCodeAt(j) | 0x20) === 0x78 ? 1 : 0);
      const hex = start !== j;
      j = start;
      for (; j < n; j++) {
        const c = input.charCodeAt(j);
        const d = hex ? hexValue(c) : c >= 0x30 && c <= 0x39 ? c - 0x30 : -1;
        if (d < 0) break;
        if (!overflow) {
          value = value * (hex ? 16 : 10) + d;
          if (value > MAX_CODE_POINT) overflow = true;
        }
      }
      if (j > start && !overflow && (value < 0xd800 || value > 0xdfff)) cp = value;
    } else {
      while (j < n && isAlnum(input.charCodeAt(j))) j++;
      const len = j - i - 1;
      if (len > 0 && len <= MAX_NAME) cp = lookupName(input.slice(i + 1, j)) ?? -1;
    }
    if (cp >= 0) {
      if (j < n && input.charCodeAt(j) === SEMI) j++;
      out += input.slice(run, i) + codePointBytes(cp);
      run = j;
      i = input.indexOf('&', j);
    } else {
      i = input.indexOf('&', i + 1);
    }
  }
  if (run === 0) return input;
  return out + input.slice(run);
};

// Exported for tests and documentation of the supported set.
export const HTML_ENTITY_NAMES: readonly string[] = [...CASELESS.keys(), ...NAMED.keys()];
