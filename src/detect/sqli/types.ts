/**
 * Token alphabet of the SQLi detector (also the letters of the returned fingerprint):
 *
 * | letter | meaning                                                            |
 * |--------|--------------------------------------------------------------------|
 * | `s`    | string literal `'..'` / `".."` (may be unterminated)                |
 * | `n`    | number (`1`, `1.5e3`, `0x7e`, `0b1`) or `TRUE` / `FALSE` / `NULL`  |
 * | `v`    | variable `@x`, `@@version`                                          |
 * | `b`    | bareword: identifier that is not a keyword (incl. `` `quoted` ``)    |
 * | `f`    | function: a bareword (or IF, CHAR, ...) followed by `(`             |
 * | `k`    | clause keyword: FROM, WHERE, HAVING, ORDER BY, GROUP BY, LIMIT, ... |
 * | `E`    | statement keyword: SELECT, INSERT, DROP, EXEC, WAITFOR DELAY, ...   |
 * | `U`    | set operator: UNION [ALL / DISTINCT], INTERSECT, EXCEPT             |
 * | `&`    | logical operator: AND, OR, XOR, `&&`, `||`                          |
 * | `!`    | negation: NOT, `!`                                                  |
 * | `o`    | other operator: `=`, `<>`, `+`, `::`, `<@`, LIKE, IN, IS, ...       |
 * | `(` `)` `,` `;` | themselves                                                 |
 * | `c`    | comment that truncates the query: `--`, `#`, unterminated `/*`      |
 * | `?`    | anything else (`{`, `\`, `:`, ...)                                  |
 *
 * Closed `/* *\/` comments produce no token (a nested `/*` inside one marks the next token `afterNested`);
 * MySQL `/*! ... *\/` contents are tokenized as code.
 */
export type TokenType =
  | 's' | 'n' | 'v' | 'b' | 'f' | 'k' | 'E' | 'U' | '&' | '!' | 'o' | '(' | ')' | ',' | ';' | 'c' | '?';

/** What the lexer and the classified token stream both know about a token. */
export interface TokenFields {
  /** Upper-cased word/operator, or string content (no quotes); capped at 64 chars. */
  value: string;
  /** Full source length of the value (strings: content length). */
  len: number;
  /** Strings: the closing quote was found. */
  closed: boolean;
  /** Strings: the opening quote char code (0 for the string that opens a quoted context). */
  quote: number;
  /** Produced inside a MySQL versioned comment `/*! ... *\/`. */
  versioned: boolean;
  /** Logical operator written as a symbol (`||`, `&&`) rather than a word. */
  symbolic: boolean;
  /**
   * Directly preceded by an ambiguous block comment: a closed `/* *\/` whose body holds another `/*`
   * (`/*\/*\/`). MySQL ends it at the first `*\/`, PostgreSQL nests; what follows is hidden from one of them.
   */
  afterNested: boolean;
}

export interface SqlToken extends TokenFields {
  type: TokenType;
}

/** Random access to the token sequence, relative to some position. `at` is undefined past the end. */
export interface TokenView {
  at(i: number): SqlToken | undefined;
}
