/**
 * Bounded look-ahead helpers over classified SQL tokens, shared by the rule modules. Every loop is
 * bounded by `MAX_LOOK` tokens from the view's origin, so rules stay linear overall.
 */
import { COMPARISON_OPS, DANGEROUS_FUNCTIONS } from './keywords.js';
import type { SqlToken, TokenType, TokenView } from './types.js';

/** How far (in tokens from the view's origin) any rule may look. */
export const MAX_LOOK = 48;
export function is(t: SqlToken | undefined, type: TokenType, value?: string): boolean {
  return t !== undefined && t.type === type && (value === undefined || t.value === value);
}

export function isLiteral(t: SqlToken | undefined): boolean {
  return t !== undefined && (t.type === 'n' || t.type === 's' || t.type === 'v');
}

export function isCmp(t: SqlToken | undefined): boolean {
  return t !== undefined && t.type === 'o' && COMPARISON_OPS.has(t.value);
}

export function isUnary(t: SqlToken | undefined): boolean {
  return t !== undefined && t.type === 'o' && (t.value === '-' || t.value === '+' || t.value === '~');
}

export function isDangerousFunction(name: string): boolean {
  if (DANGEROUS_FUNCTIONS.has(name)) return true;
  const dot = name.lastIndexOf('.');
  return dot >= 0 && DANGEROUS_FUNCTIONS.has(name.slice(dot + 1));
}

export function skipUnary(v: TokenView, i: number): number {
  while (i < MAX_LOOK && isUnary(v.at(i))) i++;
  return i;
}

/** Skips NOT / `!` and unary signs. */
export function skipNot(v: TokenView, i: number): number {
  while (i < MAX_LOOK) {
    const t = v.at(i);
    if (t !== undefined && (t.type === '!' || isUnary(t))) i++;
    else break;
  }
  return i;
}

/** The expression ends at i: end of input, a truncating comment, `;`, a logical operator or `)`. */
export function terminates(v: TokenView, i: number): boolean {
  const t = v.at(i);
  return t === undefined || t.type === 'c' || t.type === ';' || t.type === '&' || t.type === ')';
}

const OPERAND_END: ReadonlySet<TokenType> = new Set(['n', 's', 'v', 'b', ')']);
const OPERAND_START: ReadonlySet<TokenType> = new Set(['n', 's', 'v', 'b', 'f', '(', '!']);
const LITERALISH: ReadonlySet<TokenType> = new Set(['n', 's', 'v', 'f', '(', ')']);

/**
 * Looks for a comparison `x <op> y` in the expression starting at `from` (up to `limit` tokens, stopping
 * at the next logical operator / statement boundary). 0: none; 1: between barewords only; 2: with a
 * literal, function or parenthesised operand.
 */
export function comparisonIn(v: TokenView, from: number, limit: number): 0 | 1 | 2 {
  let best: 0 | 1 | 2 = 0;
  const stop = Math.min(from + limit, MAX_LOOK);
  for (let j = from + 1; j < stop; j++) {
    const t = v.at(j);
    if (t === undefined) break;
    if (t.type === '&' || t.type === ';' || t.type === 'c' || t.type === 'U' || t.type === 'E' || t.type === 'k') break;
    if (!isCmp(t)) continue;
    const p = v.at(j - 1);
    const q = v.at(skipUnary(v, j + 1));
    if (p === undefined || q === undefined || !OPERAND_END.has(p.type) || !OPERAND_START.has(q.type)) continue;
    if (LITERALISH.has(p.type) || LITERALISH.has(q.type)) return 2;
    best = 1;
  }
  return best;
}

export function hasSelect(v: TokenView, from: number, limit: number): boolean {
  const stop = Math.min(from + limit, MAX_LOOK);
  for (let j = from; j < stop; j++) {
    const t = v.at(j);
    if (t === undefined || t.type === 'c') return false;
    if (t.type === 'E' && t.value === 'SELECT') return true;
  }
  return false;
}

/** `f (` at i: index just after the matching `)` (or the look limit) and whether a SELECT is inside. */
export function callSpan(v: TokenView, i: number): { end: number; select: boolean } {
  let depth = 0;
  let select = false;
  for (let j = i + 1; j < MAX_LOOK; j++) {
    const t = v.at(j);
    if (t === undefined) return { end: j, select };
    if (t.type === '(') depth++;
    else if (t.type === ')') {
      depth--;
      if (depth <= 0) return { end: j + 1, select };
    } else if (t.type === 'E' && t.value === 'SELECT') select = true;
  }
  return { end: MAX_LOOK, select };
}

