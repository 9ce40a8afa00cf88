/**
 * Anchored rules of the SQLi detector, over classified tokens (alphabet in `types.ts`).
 *
 * Model: an argument is pasted into a query as `... <value> ...` or `... '<value>' ...`. An injection
 * therefore looks like [prefix] [breakout `)`*] [payload], where the prefix is the context string of a
 * quoted context (what precedes the first unescaped quote), or, as-is, an optional single operand
 * (`1`, `-1`, `admin`). "Anchored" rules judge the payload that directly follows; each payload start
 * token type has its own small rule in `PAYLOAD_RULES`. A few "anywhere" rules (delay/file functions,
 * WAITFOR DELAY, INTO OUTFILE, `OR x=x` with equal literals, keywords inside `/*! *\/`) are checked at
 * every position. All look-ahead is bounded by `MAX_LOOK` tokens, so evaluation is linear.
 */
import {
  MAX_LOOK,
  callSpan,
  comparisonIn,
  hasSelect,
  is,
  isCmp,
  isDangerousFunction,
  isLiteral,
  skipNot,
  skipUnary,
  terminates,
} from './helpers.js';
import { selectShape, statementShape } from './shapes.js';
import type { SqlToken, TokenType, TokenView } from './types.js';

export interface AnchorContext {
  /** The input is lexed as if it started inside a string opened with `quote`. */
  readonly quoted: boolean;
  /** 0, 0x27 or 0x22. */
  readonly quote: number;
  /** What precedes the payload: nothing, a number/variable, a bareword, or a string. */
  readonly prefix: 'none' | 'literal' | 'word' | 'string';
  /** Number of `)` between prefix and payload. */
  readonly breakouts: number;
}

type PayloadRule = (v: TokenView, i: number, c: AnchorContext) => boolean;

/** `OR`, `AND`, `XOR`, `||`, `&&` right after the prefix. */
function payloadLogical(v: TokenView, i: number, c: AnchorContext): boolean {
  const op = v.at(i);
  const j = skipNot(v, i + 1);
  const t = v.at(j);
  if (op === undefined || t === undefined) return false;
  if (t.type === 'f') {
    if (c.quoted) return true;
    const span = callSpan(v, j);
    return isDangerousFunction(t.value) || span.select || isCmp(v.at(span.end));
  }
  if (t.type === '(') return c.quoted || hasSelect(v, j, 16) || comparisonIn(v, j + 1, 12) === 2;
  if (t.type === 'E') return c.quoted && t.value === 'SELECT';
  if (is(t, 'k', 'CASE')) return c.quoted;
  const cmp = comparisonIn(v, j, 10);
  if (cmp === 2 || (cmp === 1 && c.quoted)) return true;
  if (isLiteral(t) && terminates(v, j + 1)) {
    if (c.quoted || op.symbolic) return true;
    return is(v.at(j + 1), 'c') && c.prefix !== 'word';
  }
  if (t.type === 'b' && is(v.at(j + 1), 'c')) return c.quoted;
  if (c.quoted && op.symbolic) return concatTail(v, i, c.quote);
  return false;
}

/** UNION [ALL|DISTINCT] SELECT ... */
function payloadUnion(v: TokenView, i: number, c: AnchorContext): boolean {
  const t = v.at(i + 1);
  if (is(t, 'E', 'SELECT')) return selectShape(v, i + 1, 'union') || (c.quoted && selectShape(v, i + 1, 'loose'));
  return is(t, '(') && is(v.at(i + 2), 'E', 'SELECT');
}

/** Stacked query: `; DROP TABLE ...`. */
function payloadStacked(v: TokenView, i: number, c: AnchorContext): boolean {
  const t = v.at(i + 1);
  if (t === undefined) return false;
  if (t.type === 'E') return statementShape(v, i + 1, c.quoted ? 'loose' : 'stacked');
  return t.type === 'c' && c.quoted;
}

/** Comment right after a string close (`admin'--`) or after `1)`. */
function payloadComment(_v: TokenView, _i: number, c: AnchorContext): boolean {
  return c.quoted || (c.breakouts > 0 && c.prefix !== 'none');
}

function listEnd(v: TokenView, from: number): { end: number; items: number } {
  let j = from;
  let items = 0;
  while (j < MAX_LOOK) {
    j = skipUnary(v, j);
    const x = v.at(j);
    if (x === undefined || !(x.type === 'n' || x.type === 'b' || x.type === 's')) break;
    items++;
    j++;
    if (is(v.at(j), ',')) j++;
    else break;
  }
  const d = v.at(j);
  if (d !== undefined && d.type === 'k' && (d.value === 'ASC' || d.value === 'DESC')) j++;
  return { end: j, items };
}

function sqlContinues(t: SqlToken | undefined): boolean {
  if (t === undefined) return false;
  if (t.type === 'c' || t.type === ';' || t.type === 'U') return true;
  return t.type === 'k' && (t.value === 'LIMIT' || t.value === 'PROCEDURE' || t.value.startsWith('INTO'));
}

/** ORDER BY / GROUP BY / HAVING / WHERE / LIMIT / INTO OUTFILE right after the prefix. */
function payloadClause(v: TokenView, i: number, c: AnchorContext): boolean {
  const t = v.at(i);
  if (t === undefined) return false;
  switch (t.value) {
    case 'ORDER BY':
    case 'GROUP BY': {
      const list = listEnd(v, i + 1);
      if (list.items === 0) return c.quoted && (is(v.at(i + 1), 'f') || is(v.at(i + 1), '('));
      return c.quoted || sqlContinues(v.at(list.end));
    }
    case 'HAVING':
    case 'WHERE': {
      const cmp = comparisonIn(v, i + 1, 10);
      if (cmp === 2 || (cmp === 1 && c.quoted)) return true;
      const j = skipNot(v, i + 1);
      return c.quoted && isLiteral(v.at(j)) && terminates(v, j + 1);
    }
    case 'LIMIT': {
      let j = i + 1;
      if (!is(v.at(j), 'n')) return false;
      j++;
      if (is(v.at(j), ',') || is(v.at(j), 'k', 'OFFSET')) j += is(v.at(j + 1), 'n') ? 2 : 1;
      return c.quoted || sqlContinues(v.at(j));
    }
    case 'INTO OUTFILE':
    case 'INTO DUMPFILE':
      return is(v.at(i + 1), 's');
    case 'PROCEDURE':
      return v.at(i + 1)?.value === 'ANALYSE';
    default:
      return false;
  }
}

/**
 * Quoted context: `'+x+'`, `" | y | "`: an operator right after the string close and the input ending
 * with an operator and an unterminated string of the context's quote (closed by the application).
 */
function concatTail(v: TokenView, i: number, quote: number): boolean {
  let last = -1;
  for (let k = 0; k < MAX_LOOK; k++) {
    if (v.at(k) === undefined) {
      last = k - 1;
      break;
    }
  }
  if (last < i + 2) return false;
  const end = v.at(last);
  const before = v.at(last - 1);
  return (
    end !== undefined && end.type === 's' && !end.closed && end.quote === quote &&
    before !== undefined && (before.type === 'o' || (before.type === '&' && before.symbolic))
  );
}

/** Comparison / arithmetic operator right after the prefix. */
function payloadOperator(v: TokenView, i: number, c: AnchorContext): boolean {
  const op = v.at(i);
  const j = skipNot(v, i + 1);
  const t = v.at(j);
  if (op === undefined || t === undefined) return false;
  if (t.type === '(' && hasSelect(v, j, 12)) return true;
  if (is(t, 'E', 'SELECT')) return true;
  if (t.type === 'f') {
    if (c.quoted) return true;
    const span = callSpan(v, j);
    if (span.select || isDangerousFunction(t.value)) return true;
  }
  if (t.type === 'v' && c.quoted) return true;
  if (isCmp(op)) {
    const nx = v.at(j + 1);
    if (c.quoted) {
      if (isLiteral(t) && terminates(v, j + 1)) return true;
      if (t.type === 'b' && (is(nx, 'c') || is(nx, '&'))) return true;
      return false;
    }
    if (c.prefix === 'string' && isLiteral(t) && terminates(v, j + 1)) return true;
    return (c.prefix === 'string' || c.prefix === 'literal') && isLiteral(t) && is(nx, 'c');
  }
  return c.quoted && (concatTail(v, i, c.quote) || arithmeticProbe(v, i, c.quote));
}

/** Quoted context: `1'-'`, `1'*'`, `1'^'` (a scanner's arithmetic probe: value, operator, empty string). */
function arithmeticProbe(v: TokenView, i: number, quote: number): boolean {
  const first = v.at(0);
  const t = v.at(i + 1);
  return (
    i === 1 && first !== undefined && first.len > 0 &&
    t !== undefined && t.type === 's' && !t.closed && t.len === 0 && t.quote === quote && v.at(i + 2) === undefined
  );
}

/** A statement keyword right after the prefix (quoted: `')waitfor delay`), or a whole statement. */
function payloadStatement(v: TokenView, i: number, c: AnchorContext): boolean {
  if (c.quoted) return statementShape(v, i, v.at(i)?.value === 'SELECT' ? 'stacked' : 'loose');
  if (c.prefix === 'none' && c.breakouts === 0) return statementShape(v, i, 'start');
  return false;
}

/** `(SELECT ...` right after the prefix. */
function payloadParen(v: TokenView, i: number, c: AnchorContext): boolean {
  if (!is(v.at(i + 1), 'E', 'SELECT')) return false;
  return c.quoted || (c.prefix === 'none' && selectShape(v, i + 1, 'union'));
}

export const PAYLOAD_RULES: Readonly<Partial<Record<TokenType, PayloadRule>>> = {
  '&': payloadLogical,
  U: payloadUnion,
  ';': payloadStacked,
  c: payloadComment,
  k: payloadClause,
  o: payloadOperator,
  E: payloadStatement,
  '(': payloadParen,
};

/**
 * Anchored evaluation of one context. For a quoted context token 0 must be the (closed) context string.
 */
export function anchoredMatch(v: TokenView, quote: number): boolean {
  let i = 0;
  let prefix: AnchorContext['prefix'] = 'none';
  if (quote !== 0) {
    const t0 = v.at(0);
    if (t0 === undefined || t0.type !== 's' || !t0.closed) return false;
    i = 1;
    prefix = 'string';
  } else {
    const j = skipUnary(v, 0);
    const t = v.at(j);
    if (t !== undefined && (t.type === 'n' || t.type === 's' || t.type === 'v' || t.type === 'b')) {
      i = j + 1;
      prefix = t.type === 's' ? 'string' : t.type === 'b' ? 'word' : 'literal';
    }
  }
  let breakouts = 0;
  while (i < MAX_LOOK && is(v.at(i), ')')) {
    i++;
    breakouts++;
  }
  const t = v.at(i);
  if (t === undefined) return false;
  const rule = PAYLOAD_RULES[t.type];
  return rule !== undefined && rule(v, i, { quoted: quote !== 0, quote, prefix, breakouts });
}

