import type { TokenFields } from './types.js';
/**
 * Raw SQL lexer for the SQLi detector: one forward pass over a byte string, one token per call.
 *
 * It knows the lexical rules shared by MySQL, PostgreSQL, MSSQL, Oracle and SQLite closely enough to
 * see what a database would see: quoted strings with backslash and doubled-quote escapes, numbers
 * (decimal, float, exponent, 0x.. hex, 0b.. binary), `/* *\/` comments (dropped), MySQL versioned
 * comments `/*!50000 ... *\/` whose content is code, line comments `--` and `#` (kept as a `c` token,
 * they truncate the rest of the query), variables `@x` `@@version`, backtick identifiers, operators.
 *
 * Words are emitted raw (type `w`); keyword classification and merging happen in `stream.ts`.
 * Every loop only moves forward, so lexing is linear in the input length.
 */

/** Raw token kinds. Words are classified later; the other letters are final (see `stream.ts`). */
export type RawKind = 'w' | 's' | 'n' | 'v' | 'o' | '&' | '!' | '(' | ')' | ',' | ';' | 'c' | '?';

export interface RawToken extends TokenFields {
  kind: RawKind;
}

const VALUE_CAP = 64;

const C_WS = 1;
const C_DIGIT = 2;
const C_IDSTART = 4;
const C_IDCHAR = 8;
const C_HEX = 16;

/** Character class table for the 256 byte values. */
const CLASS = buildClassTable();

function buildClassTable(): Uint8Array {
  const t = new Uint8Array(256);
  for (const c of [0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]) t[c] = C_WS;
  for (let c = 0x30; c <= 0x39; c++) t[c] = C_DIGIT | C_IDCHAR | C_HEX;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = C_IDSTART | C_IDCHAR;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = C_IDSTART | C_IDCHAR;
  for (let c = 0x41; c <= 0x46; c++) t[c] = (t[c] ?? 0) | C_HEX;
  for (let c = 0x61; c <= 0x66; c++) t[c] = (t[c] ?? 0) | C_HEX;
  t[0x5f] = C_IDSTART | C_IDCHAR; // _
  t[0x24] = C_IDCHAR; // $
  t[0x2e] = C_IDCHAR; // . (qualified names: schema.table, master..xp_cmdshell)
  for (let c = 0x80; c <= 0xff; c++) if (c !== 0xa0) t[c] = C_IDSTART | C_IDCHAR;
  return t;
}

function cls(code: number): number {
  return code < 256 ? (CLASS[code] ?? 0) : C_IDSTART | C_IDCHAR;
}

/** Operators, longest first within each length. */
const OPS3 = new Set(['<=>', '->>', '!~*']);
const OPS2 = new Set(['<=', '>=', '<>', '!=', '::', ':=', '<<', '>>', '<@', '@>', '->', '||', '&&', '!~', '~*', '?|', '?&', '!<', '!>']);
const OPS1 = '=<>+-*/%^|&~?';

function makeToken(kind: RawKind, value: string, len: number, versioned: boolean): RawToken {
  return { kind, value, len, closed: true, quote: 0, versioned, symbolic: false, afterNested: false };
}

export class SqlLexer {
  private pos = 0;
  private inVersioned = false;
  /** The last skipped block comment was closed and held a nested `/*`; marks the next token. */
  private nested = false;
  private first: boolean;

  /**
   * @param startQuote 0 to lex the input as-is; 0x27 or 0x22 to lex it as if it started inside a string
   * opened with that quote (the first token is then that string, `quote` 0).
   */
  constructor(
    private readonly input: string,
    private readonly startQuote: number,
  ) {
    this.first = startQuote !== 0;
  }

  next(): RawToken | null {
    const s = this.input;
    const n = s.length;
    if (this.first) {
      this.first = false;
      return this.string(0, this.startQuote, 0);
    }
    while (this.pos < n) {
      const i = this.pos;
      const c = s.charCodeAt(i);
      const k = cls(c);
      if (k & C_WS) {
        this.pos++;
        continue;
      }
      const c1 = i + 1 < n ? s.charCodeAt(i + 1) : -1;
      // versioned comment close
      if (this.inVersioned && c === 0x2a && c1 === 0x2f) {
        this.inVersioned = false;
        this.pos += 2;
        continue;
      }
      if (c === 0x2f && c1 === 0x2a) {
        const tok = this.blockComment(i);
        if (tok) return tok;
        continue;
      }
      if ((c === 0x2d && c1 === 0x2d) || c === 0x23) return this.lineComment(i);
      if (c === 0x27 || c === 0x22) return this.string(i + 1, c, c);
      if (c === 0x60) return this.backtick(i);
      if (k & C_DIGIT || (c === 0x2e && c1 >= 0 && cls(c1) & C_DIGIT)) return this.number(i);
      if (k & C_IDSTART) return this.word(i);
      if (c === 0x40) return this.variable(i);
      return this.punct(i, c);
    }
    return null;
  }

  private tok(kind: RawKind, value: string, len: number): RawToken {
    const t = makeToken(kind, value, len, this.inVersioned);
    if (this.nested) {
      t.afterNested = true;
      this.nested = false;
    }
    return t;
  }

  /** `/*` at i: versioned comments switch into code mode; plain ones are skipped or end the input. */
  private blockComment(i: number): RawToken | null {
    const s = this.input;
    if (s.charCodeAt(i + 2) === 0x21 && !this.inVersioned) {
      // `/*!` optional version digits (MySQL: 5 or 6)
      let j = i + 3;
      const stop = Math.min(s.length, j + 6);
      while (j < stop && cls(s.charCodeAt(j)) & C_DIGIT) j++;
      this.inVersioned = true;
      this.pos = j;
      return null;
    }
    const end = s.indexOf('*/', i + 2);
    if (end === -1) {
      const tok = this.tok('c', '/*', s.length - i);
      this.pos = s.length;
      return tok;
    }
    // `/*/*/`, `/* /* */`: an opener inside the body (its `*` may be the one of the closing `*/`).
    // The search stops at the first `/*` after the opener, which is never past the next comment's
    // start, so the scans of successive comments do not overlap (linear overall).
    const inner = s.indexOf('/*', i + 2);
    if (inner !== -1 && inner < end) this.nested = true;
    this.pos = end + 2;
    return null;
  }

  private lineComment(i: number): RawToken {
    const s = this.input;
    const nl = s.indexOf('\n', i);
    const end = nl === -1 ? s.length : nl;
    this.pos = end;
    return this.tok('c', s.charCodeAt(i) === 0x23 ? '#' : '--', end - i);
  }

  /** String content starts at `from`; `quote` is the closing char; `openQuote` is recorded on the token. */
  private string(from: number, quote: number, openQuote: number): RawToken {
    const s = this.input;
    const n = s.length;
    let j = from;
    let closed = false;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (c === 0x5c) {
        j += 2;
        continue;
      }
      if (c === quote) {
        if (j + 1 < n && s.charCodeAt(j + 1) === quote) {
          j += 2;
          continue;
        }
        closed = true;
        break;
      }
      j++;
    }
    const end = Math.min(j, n);
    const tok = this.tok('s', s.slice(from, Math.min(end, from + VALUE_CAP)), end - from);
    tok.closed = closed;
    tok.quote = openQuote;
    this.pos = closed ? end + 1 : n;
    return tok;
  }

  private backtick(i: number): RawToken {
    const s = this.input;
    const end = s.indexOf('`', i + 1);
    const stop = end === -1 ? s.length : end;
    this.pos = end === -1 ? s.length : end + 1;
    return this.tok('w', '`' + s.slice(i + 1, Math.min(stop, i + 1 + VALUE_CAP)).toUpperCase(), stop - i);
  }

  private number(i: number): RawToken {
    const s = this.input;
    const n = s.length;
    let j = i;
    const c0 = s.charCodeAt(i);
    const c1 = i + 1 < n ? s.charCodeAt(i + 1) | 0x20 : -1;
    if (c0 === 0x30 && (c1 === 0x78 || c1 === 0x62)) {
      // 0x.. hex / 0b.. binary
      const hex = c1 === 0x78;
      j = i + 2;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (hex ? cls(c) & C_HEX : c === 0x30 || c === 0x31) j++;
        else break;
      }
      if (j > i + 2) return this.numberToken(i, j);
      j = i + 1; // plain "0" followed by a word
      return this.numberToken(i, j);
    }
    while (j < n && cls(s.charCodeAt(j)) & C_DIGIT) j++;
    if (j < n && s.charCodeAt(j) === 0x2e) {
      j++;
      while (j < n && cls(s.charCodeAt(j)) & C_DIGIT) j++;
    }
    if (j < n && (s.charCodeAt(j) | 0x20) === 0x65) {
      let e = j + 1;
      if (e < n && (s.charCodeAt(e) === 0x2b || s.charCodeAt(e) === 0x2d)) e++;
      if (e < n && cls(s.charCodeAt(e)) & C_DIGIT) {
        while (e < n && cls(s.charCodeAt(e)) & C_DIGIT) e++;
        j = e;
      }
    }
    return this.numberToken(i, j);
  }

  private numberToken(i: number, j: number): RawToken {
    this.pos = j;
    return this.tok('n', this.input.slice(i, Math.min(j, i + VALUE_CAP)).toUpperCase(), j - i);
  }

  private word(i: number): RawToken {
    const s = this.input;
    const n = s.length;
    let j = i + 1;
    while (j < n && cls(s.charCodeAt(j)) & C_IDCHAR) j++;
    this.pos = j;
    return this.tok('w', s.slice(i, Math.min(j, i + VALUE_CAP)).toUpperCase(), j - i);
  }

  /** `@` at i: `@x`, `@@x`, `@'x'`, `@"x"`, `` @`x` ``, or the operator `@>` / a lone `@`. */
  private variable(i: number): RawToken {
    const s = this.input;
    const n = s.length;
    let j = i + 1;
    if (j < n && s.charCodeAt(j) === 0x40) j++;
    const c = j < n ? s.charCodeAt(j) : -1;
    if (c === 0x27 || c === 0x22 || c === 0x60) {
      const end = s.indexOf(String.fromCharCode(c), j + 1);
      this.pos = end === -1 ? n : end + 1;
      return this.tok('v', s.slice(i, Math.min(this.pos, i + VALUE_CAP)).toUpperCase(), this.pos - i);
    }
    if (c >= 0 && cls(c) & C_IDCHAR) {
      while (j < n && cls(s.charCodeAt(j)) & C_IDCHAR) j++;
      this.pos = j;
      return this.tok('v', s.slice(i, Math.min(j, i + VALUE_CAP)).toUpperCase(), j - i);
    }
    if (c === 0x3e && j === i + 1) {
      this.pos = i + 2;
      return this.tok('o', '@>', 2);
    }
    this.pos = j;
    return this.tok('v', s.slice(i, j), j - i);
  }

  private punct(i: number, c: number): RawToken {
    const s = this.input;
    const three = s.slice(i, i + 3);
    if (OPS3.has(three)) {
      this.pos = i + 3;
      return this.tok('o', three, 3);
    }
    const two = s.slice(i, i + 2);
    if (OPS2.has(two)) {
      this.pos = i + 2;
      if (two === '||' || two === '&&') {
        const t = this.tok('&', two, 2);
        t.symbolic = true;
        return t;
      }
      return this.tok('o', two, 2);
    }
    this.pos = i + 1;
    const ch = s.charAt(i);
    switch (c) {
      case 0x28:
        return this.tok('(', '(', 1);
      case 0x29:
        return this.tok(')', ')', 1);
      case 0x2c:
        return this.tok(',', ',', 1);
      case 0x3b:
        return this.tok(';', ';', 1);
      case 0x21:
        return this.tok('!', '!', 1);
      default:
        return this.tok(OPS1.includes(ch) ? 'o' : '?', ch, 1);
    }
  }
}
