import { base64Decode, base64DecodeExt, base64Encode } from './base64.js';
import { lowercase, uppercase } from './case.js';
import { cmdLine } from './cmd-line.js';
import { removeComments, removeCommentsChar, replaceComments } from './comments.js';
import { cssDecode } from './css-decode.js';
import { escapeSeqDecode } from './escape-seq-decode.js';
import { htmlEntityDecode } from './html-entity-decode.js';
import { jsDecode } from './js-decode.js';
import { normalizePath, normalizePathWin } from './normalize-path.js';
import { removeNulls, replaceNulls } from './nulls.js';
import type { TransformFn } from './types.js';
import { urlDecode, urlDecodeUni } from './url-decode.js';
import { utf8toUnicode } from './utf8-to-unicode.js';
import { compressWhitespace, removeWhitespace, trim, trimLeft, trimRight } from './whitespace.js';

/**
 * When does a transformation leave a value alone? Each value gets a bit set of "features" (the chars and
 * short sequences it contains, `valueFeatures`); a transformation has a trigger mask, and returns its input
 * unchanged whenever `features & mask` is 0. Case transformations only change ASCII letter case (which the
 * engine's prefilter ignores), so a chain made of such steps gives, for a value without triggers, the value
 * itself up to ASCII case. The engine uses that to prefilter a value once for many rules and chains.
 * `test/unit/transforms/traits.test.ts` checks every trait against its transformation on random input.
 */

export const F_HIGH = 1 << 0; // a byte >= 0x80 (or a char that is not a byte)
export const F_PERCENT = 1 << 1;
export const F_PLUS = 1 << 2;
export const F_NUL = 1 << 3;
export const F_AMP = 1 << 4;
export const F_BACKSLASH = 1 << 5;
export const F_STAR = 1 << 6;
export const F_HASH = 1 << 7;
export const F_DASH = 1 << 8;
export const F_SPACE = 1 << 9;
/** \t \n \v \f \r */
export const F_CTRL_SPACE = 1 << 10;
export const F_SLASH = 1 << 11;
export const F_DOT = 1 << 12;
/** ' " ` */
export const F_QUOTE = 1 << 13;
export const F_CARET = 1 << 14;
export const F_COMMA = 1 << 15;
export const F_SEMICOLON = 1 << 16;
// Sequences (set by valueFeatures from the single-char bits above).
export const F_DOUBLE_DASH = 1 << 20;
export const F_DOUBLE_SPACE = 1 << 21;
export const F_DOUBLE_SLASH = 1 << 22;
/** `/.` or `./` or the value `.` */
export const F_DOT_SEGMENT = 1 << 23;
/** First or last char is C whitespace. */
export const F_EDGE_SPACE = 1 << 24;

/** Single-byte features, indexed by byte. */
export const BYTE_FEATURES: Int32Array = (() => {
  const t = new Int32Array(256);
  for (let c = 0x80; c <= 0xff; c++) t[c] = F_HIGH;
  const set = (chars: string, f: number): void => {
    for (const ch of chars) t[ch.charCodeAt(0)]! |= f;
  };
  set('%', F_PERCENT);
  set('+', F_PLUS);
  set('\0', F_NUL);
  set('&', F_AMP);
  set('\\', F_BACKSLASH);
  set('*', F_STAR);
  set('#', F_HASH);
  set('-', F_DASH);
  set(' ', F_SPACE);
  set('\t\n\v\f\r', F_CTRL_SPACE);
  set('/', F_SLASH);
  set('.', F_DOT);
  set('\'"`', F_QUOTE);
  set('^', F_CARET);
  set(',', F_COMMA);
  set(';', F_SEMICOLON);
  return t;
})();

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Adds the sequence features to `single` (the OR of BYTE_FEATURES over the value, plus F_HIGH for chars
 * above 0xFF). Cheap: each check runs only when its chars are present.
 */
export function sequenceFeatures(value: string, single: number): number {
  let f = single;
  const n = value.length;
  if (n > 0 && (isCSpace(value.charCodeAt(0)) || isCSpace(value.charCodeAt(n - 1)))) f |= F_EDGE_SPACE;
  if (f & F_DASH && value.includes('--')) f |= F_DOUBLE_DASH;
  if (f & F_SPACE && value.includes('  ')) f |= F_DOUBLE_SPACE;
  if (f & F_SLASH) {
    if (value.includes('//')) f |= F_DOUBLE_SLASH;
    if (f & F_DOT && (value.includes('/.') || value.includes('./'))) f |= F_DOT_SEGMENT;
  }
  if (value === '.') f |= F_DOT_SEGMENT;
  return f;
}

/** All features of a value (single chars and sequences). */
export function valueFeatures(value: string): number {
  let f = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    f |= c > 0xff ? F_HIGH : BYTE_FEATURES[c]!;
  }
  return sequenceFeatures(value, f);
}

export interface TransformTrait {
  /** The transformation returns its input unchanged (or, with `caseOnly`, only re-cased) when no trigger is present. */
  readonly triggers: number;
  /** The transformation changes ASCII letter case (and nothing else when no trigger is present). */
  readonly caseOnly: boolean;
}

const WHITESPACE = F_CTRL_SPACE | F_HIGH;

const TRAITS: ReadonlyMap<TransformFn, TransformTrait> = new Map<TransformFn, TransformTrait>([
  [utf8toUnicode, { triggers: F_HIGH, caseOnly: false }],
  [urlDecode, { triggers: F_PERCENT | F_PLUS, caseOnly: false }],
  [urlDecodeUni, { triggers: F_PERCENT | F_PLUS, caseOnly: false }],
  [removeNulls, { triggers: F_NUL, caseOnly: false }],
  [replaceNulls, { triggers: F_NUL, caseOnly: false }],
  [htmlEntityDecode, { triggers: F_AMP, caseOnly: false }],
  [jsDecode, { triggers: F_BACKSLASH, caseOnly: false }],
  [cssDecode, { triggers: F_BACKSLASH, caseOnly: false }],
  [escapeSeqDecode, { triggers: F_BACKSLASH, caseOnly: false }],
  [replaceComments, { triggers: F_STAR, caseOnly: false }],
  [removeComments, { triggers: F_STAR | F_HASH | F_DOUBLE_DASH, caseOnly: false }],
  [removeCommentsChar, { triggers: F_STAR | F_HASH | F_DOUBLE_DASH, caseOnly: false }],
  [compressWhitespace, { triggers: WHITESPACE | F_DOUBLE_SPACE, caseOnly: false }],
  [removeWhitespace, { triggers: WHITESPACE | F_SPACE, caseOnly: false }],
  [trim, { triggers: F_EDGE_SPACE, caseOnly: false }],
  [trimLeft, { triggers: F_EDGE_SPACE, caseOnly: false }],
  [trimRight, { triggers: F_EDGE_SPACE, caseOnly: false }],
  [lowercase, { triggers: 0, caseOnly: true }],
  [uppercase, { triggers: 0, caseOnly: true }],
  [cmdLine, { triggers: F_BACKSLASH | F_QUOTE | F_CARET | F_COMMA | F_SEMICOLON | F_SPACE | F_CTRL_SPACE, caseOnly: true }],
  [normalizePath, { triggers: F_DOUBLE_SLASH | F_DOT_SEGMENT, caseOnly: false }],
  [normalizePathWin, { triggers: F_BACKSLASH | F_DOUBLE_SLASH | F_DOT_SEGMENT, caseOnly: false }],
]);

/** Transformations that change (almost) every value: never skipped. Listed for documentation and tests. */
export const ALWAYS_CHANGING: readonly TransformFn[] = [base64Decode, base64DecodeExt, base64Encode];

/** The trait of a transformation function, or undefined when it has none (then it is always applied). */
export function transformTrait(fn: TransformFn): TransformTrait | undefined {
  return TRAITS.get(fn);
}

/**
 * The trigger mask of a whole chain: values without these features come out of the chain unchanged up to
 * ASCII case. Null when some step has no trait (the chain must then always run).
 */
export function chainTriggers(fns: readonly TransformFn[]): number | null {
  let mask = 0;
  for (const fn of fns) {
    const t = TRAITS.get(fn);
    if (t === undefined) return null;
    mask |= t.triggers;
  }
  return mask;
}
