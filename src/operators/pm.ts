import { createAhoCorasick, type AhoCorasick } from './aho-corasick.js';
import { toByteString } from './byte-string.js';
import { operatorError } from './operator-error.js';
import type { CompiledOperator, OperatorFactory } from './types.js';

function isBlank(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/**
 * Splits an @pm parameter into phrases, following ModSecurity's `parse_pm_content`:
 * - blanks separate phrases; the whole list may be wrapped in double quotes;
 * - `|41 42|` is a run of hex bytes (blanks inside it are ignored), as in Snort content;
 * - `\:` `\;` `\\` `\"` escape the char; any other backslash is kept literally.
 * Unlike ModSecurity, bytes produced by `|hex|` or escapes never split a phrase.
 */
export function parsePmPhrases(op: string, param: string): string[] {
  let text = toByteString(param).trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  const phrases: string[] = [];
  let current = '';
  let inHex = false;
  let pendingNibble = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7c /* | */) {
      if (inHex && pendingNibble !== -1) throw operatorError(op, param, 'odd number of hex digits in |...|');
      inHex = !inHex;
      continue;
    }
    if (inHex) {
      if (isBlank(c)) continue;
      const v = hexValue(c);
      if (v === -1) throw operatorError(op, param, `bad hex digit ${JSON.stringify(text[i])} in |...|`);
      if (pendingNibble === -1) pendingNibble = v;
      else {
        current += String.fromCharCode(pendingNibble * 16 + v);
        pendingNibble = -1;
      }
      continue;
    }
    if (c === 0x5c /* \ */ && i + 1 < text.length) {
      const next = text[i + 1]!;
      if (next === ':' || next === ';' || next === '\\' || next === '"') {
        current += next;
        i++;
        continue;
      }
    }
    if (isBlank(c)) {
      if (current !== '') phrases.push(current);
      current = '';
      continue;
    }
    current += text[i]!;
  }
  if (inHex) throw operatorError(op, param, 'unterminated |...| hex run');
  if (current !== '') phrases.push(current);
  return phrases;
}

/** A compiled phrase matcher; `captures[0]` is the matched phrase as it appears in the input. */
export function phraseMatcher(op: string, param: string, phrases: readonly string[]): CompiledOperator {
  if (phrases.length === 0) throw operatorError(op, param, 'expects at least one phrase');
  let ac: AhoCorasick;
  try {
    ac = createAhoCorasick(phrases);
  } catch (err) {
    throw operatorError(op, param, 'phrases must be byte strings', err);
  }
  return {
    test(value: string, captures?: string[]): boolean {
      if (captures === undefined) return ac.test(value);
      const m = ac.find(value);
      if (m === null) return false;
      captures[0] = value.slice(m.start, m.end);
      captures.length = 1;
      return true;
    },
    prefilter: () => ({ clauses: [{ kind: 'literals', literals: phrases }] }),
  };
}

/** `@pm phrase1 phrase2 ...`: ASCII case-insensitive substring match of any phrase (Aho-Corasick). */
export const pmOperator: OperatorFactory = (param) => phraseMatcher('pm', param, parsePmPhrases('pm', param));
