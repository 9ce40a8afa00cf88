/**
 * Tokenizer-based SQL injection detector in the spirit of libinjection (own implementation).
 *
 * The input is lexed in up to three contexts: as-is, as if it started inside a `'...'` string and as if
 * it started inside a `"..."` string (the quoted contexts only when the input contains that quote, and
 * only when the context string is closed in the input). Each context's classified token stream is
 * judged by the rules in `anchored.ts` and `anywhere.ts`. Pure, linear time, never throws on any string.
 */
import { anchoredMatch } from './anchored.js';
import { anywhereMatch } from './anywhere.js';
import { SqlTokenStream, TokenCursor } from './stream.js';
import type { TokenView } from './types.js';

export type { SqlToken, TokenType } from './types.js';

export interface SqliMatch {
  /**
   * Token-type letters (alphabet in `types.ts`) of up to 8 tokens from where the match was found (the
   * context start for anchored rules, the matching token for anywhere rules), unary signs folded.
   */
  fingerprint: string;
}

const FINGERPRINT_LEN = 8;
const QUOTE_CONTEXTS: readonly number[] = [0x27, 0x22];

const OPERAND_END = new Set(['n', 's', 'v', 'b', ')']);

/** Type letters of the first tokens; unary signs are folded into their operand (`-1` is `n`). */
function fingerprint(v: TokenView): string {
  let fp = '';
  let prev = '';
  for (let i = 0; i < FINGERPRINT_LEN * 2 && fp.length < FINGERPRINT_LEN; i++) {
    const t = v.at(i);
    if (t === undefined) break;
    const unary = t.type === 'o' && (t.value === '-' || t.value === '+' || t.value === '~') && !OPERAND_END.has(prev);
    prev = t.type;
    if (!unary) fp += t.type;
  }
  return fp;
}

function scanContext(input: string, quote: number): SqliMatch | null {
  const cursor = new TokenCursor(new SqlTokenStream(input, quote));
  if (quote !== 0) {
    const t0 = cursor.at(0);
    if (t0 === undefined || !t0.closed) return null;
  }
  if (anchoredMatch(cursor, quote)) return { fingerprint: fingerprint(cursor) };
  while (cursor.at(0) !== undefined) {
    if (anywhereMatch(cursor)) return { fingerprint: fingerprint(cursor) };
    cursor.advance();
  }
  return null;
}

/** Returns a match with its fingerprint when `input` (a byte string) looks like SQL injection. */
export function detectSQLi(input: string): SqliMatch | null {
  if (typeof input !== 'string' || input.length === 0) return null;
  const asIs = scanContext(input, 0);
  if (asIs !== null) return asIs;
  for (const q of QUOTE_CONTEXTS) {
    if (input.indexOf(String.fromCharCode(q)) === -1) continue;
    const m = scanContext(input, q);
    if (m !== null) return m;
  }
  return null;
}
