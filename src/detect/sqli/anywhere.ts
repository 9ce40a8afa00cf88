/**
 * "Anywhere" rules of the SQLi detector, checked at every token position (view index 0): calls of
 * delay / file / error-extraction functions with an SQL argument, WAITFOR DELAY, INTO OUTFILE,
 * `OR x=x` with textually equal literals, keywords hidden in MySQL versioned comments, and SQL right
 * after an ambiguous nested comment.
 * Each rule looks at most a few tokens ahead.
 */
import { EQUALITY_OPS } from './keywords.js';
import { comparisonIn, is, isDangerousFunction, isLiteral, skipNot, skipUnary, terminates } from './helpers.js';
import type { SqlToken, TokenView } from './types.js';

type AnywhereRule = (v: TokenView) => boolean;

/** `SLEEP(5)`, `BENCHMARK(...)`, `EXTRACTVALUE(...)`, `LOAD_FILE('...')` with an SQL-looking argument. */
function dangerousCall(v: TokenView): boolean {
  const t = v.at(0);
  if (t === undefined || t.type !== 'f' || !isDangerousFunction(t.value) || !is(v.at(1), '(')) return false;
  const k = skipUnary(v, 2);
  const a = v.at(k);
  if (a === undefined) return false;
  if (a.type === 'f' || a.type === '(' || a.type === 'E') return true;
  if (!isLiteral(a)) return false;
  // `sleep(5)`, `benchmark(5000000,md5(1))`, `sleep(5+1)`, `sleep(20.to_i)`; not prose like `sleep (8 hours)`
  const after = v.at(k + 1);
  if (after === undefined || after.type === ')' || after.type === ',' || after.type === 'o') return true;
  return after.type === 'b' && a.type === 'n' && a.value.endsWith('.') && is(v.at(k + 2), ')');
}

function waitforDelay(v: TokenView): boolean {
  const t = v.at(0);
  const a = v.at(1);
  return t !== undefined && t.type === 'E' && t.value.startsWith('WAITFOR ') && a !== undefined &&
    (a.type === 's' || a.type === 'n' || a.type === 'v');
}

function intoOutfile(v: TokenView): boolean {
  const t = v.at(0);
  return t !== undefined && (t.value === 'INTO OUTFILE' || t.value === 'INTO DUMPFILE') && is(v.at(1), 's');
}

function literalText(t: SqlToken): string | null {
  if (t.len > 64) return null;
  return t.type === 's' ? t.value.toUpperCase() : t.value;
}

/** `OR 1=1`, `AND 'a'='a'`, `OR x LIKE x` with textually equal literals, ending the expression. */
function equalTautology(v: TokenView): boolean {
  if (!is(v.at(0), '&')) return false;
  const j = skipNot(v, 1);
  const a = v.at(j);
  const op = v.at(j + 1);
  const b = v.at(j + 2);
  if (!isLiteral(a) || !isLiteral(b) || op === undefined || op.type !== 'o' || !EQUALITY_OPS.has(op.value)) return false;
  if (a === undefined || b === undefined) return false;
  const x = literalText(a);
  return x !== null && x === literalText(b) && terminates(v, j + 3);
}

/** SQL keywords hidden in a MySQL versioned comment `/*!50000UNION*\/`. */
function versionedKeyword(v: TokenView): boolean {
  const t = v.at(0);
  return t !== undefined && t.versioned && (t.type === 'U' || t.type === 'E' || t.type === '&' || t.type === 'k' || t.type === 'f');
}

/** How many operand tokens may sit between an ambiguous comment and the keyword it exposes. */
const NESTED_LOOK = 3;

/**
 * SQL right after an ambiguous nested comment (`/*\/*\/2 union all`, `x/* /* *\/ or 1=1`): a comment
 * that one database closes and another keeps open only makes sense as a parser-differential evasion
 * when a set operator, a statement, a dangerous call or a logical operator with a comparison follows
 * (after at most a few operands). Path globs (`a/*\/*\/b.ts`) and code comments followed by
 * ordinary words stay clean.
 */
function nestedCommentKeyword(v: TokenView): boolean {
  const first = v.at(0);
  if (first === undefined || !first.afterNested) return false;
  for (let k = 0; k < NESTED_LOOK; k++) {
    const t = v.at(k);
    if (t === undefined) return false;
    if (t.type === 'U' || t.type === 'E') return true;
    if (t.type === 'f' && isDangerousFunction(t.value) && is(v.at(k + 1), '(')) return true;
    if (t.type === '&') return comparisonIn(v, skipNot(v, k + 1), 10) === 2;
    if (!(isLiteral(t) || t.type === 'b' || t.type === ')' || (t.type === 'o' && (t.value === '-' || t.value === '+')))) {
      return false;
    }
  }
  return false;
}

export const ANYWHERE_RULES: readonly AnywhereRule[] = [
  dangerousCall,
  waitforDelay,
  intoOutfile,
  equalTautology,
  versionedKeyword,
  nestedCommentKeyword,
];

export function anywhereMatch(v: TokenView): boolean {
  for (const rule of ANYWHERE_RULES) if (rule(v)) return true;
  return false;
}
