import { base64Decode, base64DecodeExt, base64Encode } from './base64.js';
import { lowercase, uppercase } from './case.js';
import { cmdLine } from './cmd-line.js';
import { removeComments, removeCommentsChar, replaceComments } from './comments.js';
import { cssDecode } from './css-decode.js';
import { escapeSeqDecode } from './escape-seq-decode.js';
import { md5, sha1 } from './hash.js';
import { hexDecode, hexEncode, sqlHexDecode } from './hex.js';
import { htmlEntityDecode } from './html-entity-decode.js';
import { jsDecode } from './js-decode.js';
import { length } from './length.js';
import { normalizePath, normalizePathWin } from './normalize-path.js';
import { removeNulls, replaceNulls } from './nulls.js';
import type { TransformFn } from './types.js';
import { urlDecode, urlDecodeUni, urlEncode } from './url-decode.js';
import { utf8toUnicode } from './utf8-to-unicode.js';
import { compressWhitespace, removeWhitespace, trim, trimLeft, trimRight } from './whitespace.js';

/**
 * Every transformation, keyed by its SecLang name (ModSecurity spelling; both `normalizePath` and the older
 * `normalisePath` are accepted, as in ModSecurity). `none` is not here: the parser handles `t:none`.
 */
export const TRANSFORMS: Readonly<Record<string, TransformFn>> = Object.freeze({
  base64Decode,
  base64DecodeExt,
  base64Encode,
  cmdLine,
  compressWhitespace,
  cssDecode,
  escapeSeqDecode,
  hexDecode,
  hexEncode,
  htmlEntityDecode,
  jsDecode,
  length,
  lowercase,
  md5,
  normalisePath: normalizePath,
  normalisePathWin: normalizePathWin,
  normalizePath,
  normalizePathWin,
  removeComments,
  removeCommentsChar,
  removeNulls,
  removeWhitespace,
  replaceComments,
  replaceNulls,
  sha1,
  sqlHexDecode,
  trim,
  trimLeft,
  trimRight,
  uppercase,
  urlDecode,
  urlDecodeUni,
  urlEncode,
  utf8toUnicode,
});

const BY_LOWER_NAME: ReadonlyMap<string, TransformFn> = new Map(
  Object.entries(TRANSFORMS).map(([name, fn]) => [name.toLowerCase(), fn]),
);

/** The transformation of that SecLang name, matched case-insensitively (`t:lowerCase` works), or undefined. */
export function getTransform(name: string): TransformFn | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/** All names, in the spelling of the table. */
export function listTransforms(): string[] {
  return Object.keys(TRANSFORMS);
}
