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
 * Closed `/* *\/` comments produce no token; MySQL `/*! ... *\/` contents are tokenized as code.
 */
export type TokenType =
  | 's' | 'n' | 'v' | 'b' | 'f' | 'k' | 'E' | 'U' | '&' | '!' | 'o' | '(' | ')' | ',' | ';' | 'c' | '?';

export interface SqlToken {
  type: TokenType;
  /** Upper-cased word/operator, or string content; capped at 64 chars. */
  value: string;
  /** Full source length of the value. */
  len: number;
  /** Strings: closing quote present. */
  closed: boolean;
  /** Strings: opening quote char code (0 for the string that opens a quoted context). */
  quote: number;
  /** Produced inside a MySQL versioned comment. */
  versioned: boolean;
  /** `&&` / `||` rather than AND / OR. */
  symbolic: boolean;
}

/** Random access to the token sequence, relative to some position. `at` is undefined past the end. */
export interface TokenView {
  at(i: number): SqlToken | undefined;
}
