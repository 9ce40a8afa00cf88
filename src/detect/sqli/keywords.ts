/**
 * Word tables for the SQLi detector. Written for this project from the MySQL, PostgreSQL, MSSQL, Oracle
 * and SQLite grammars; not derived from any other detector's data files.
 */
import type { TokenType } from './types.js';

function table(type: TokenType, words: string): Array<[string, TokenType]> {
  return words
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w) => [w, type]);
}

/** Classification of single words (upper-cased). Words not listed are barewords `b`. */
export const WORD_TYPES: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ...table('&', 'AND OR XOR'),
  ...table('!', 'NOT'),
  ...table('o', 'LIKE RLIKE REGEXP ILIKE IS IN BETWEEN DIV MOD SOUNDS COLLATE'),
  ...table('n', 'TRUE FALSE NULL'),
  ...table('E', 'SELECT INSERT UPDATE DELETE DROP CREATE ALTER TRUNCATE EXEC EXECUTE DECLARE SHUTDOWN WAITFOR'),
  ...table('U', 'UNION INTERSECT EXCEPT'),
  ...table(
    'k',
    'FROM WHERE HAVING LIMIT OFFSET INTO OUTFILE DUMPFILE VALUES TABLE DATABASE SCHEMA PROCEDURE SET AS ON JOIN ' +
      'CASE WHEN THEN ELSE END DISTINCT DISTINCTROW ALL TOP ASC DESC DELAY',
  ),
]);

/** Keywords that are function calls when followed by `(` (otherwise keywords keep their type). */
export const KEYWORD_FUNCTIONS: ReadonlySet<string> = new Set([
  'IF', 'CHAR', 'LEFT', 'RIGHT', 'REPLACE', 'USER', 'DATABASE', 'SCHEMA', 'MOD', 'TRUNCATE', 'VALUES', 'EXISTS',
]);

/** Two-word merges: first word -> second word -> merged token. */
export const MERGES: ReadonlyMap<string, ReadonlyMap<string, { value: string; type: TokenType }>> = new Map([
  ['ORDER', new Map([['BY', { value: 'ORDER BY', type: 'k' as TokenType }]])],
  ['GROUP', new Map([['BY', { value: 'GROUP BY', type: 'k' as TokenType }]])],
  ['UNION', setOpMerge('UNION')],
  ['INTERSECT', setOpMerge('INTERSECT')],
  ['EXCEPT', setOpMerge('EXCEPT')],
  [
    'WAITFOR',
    new Map([
      ['DELAY', { value: 'WAITFOR DELAY', type: 'E' as TokenType }],
      ['TIME', { value: 'WAITFOR TIME', type: 'E' as TokenType }],
    ]),
  ],
  [
    'INTO',
    new Map([
      ['OUTFILE', { value: 'INTO OUTFILE', type: 'k' as TokenType }],
      ['DUMPFILE', { value: 'INTO DUMPFILE', type: 'k' as TokenType }],
    ]),
  ],
  [
    'NOT',
    new Map(
      ['LIKE', 'RLIKE', 'REGEXP', 'ILIKE', 'IN', 'BETWEEN'].map((w) => [w, { value: `NOT ${w}`, type: 'o' as TokenType }]),
    ),
  ],
  ['IS', new Map([['NOT', { value: 'IS NOT', type: 'o' as TokenType }]])],
  ['SOUNDS', new Map([['LIKE', { value: 'SOUNDS LIKE', type: 'o' as TokenType }]])],
  ['SIMILAR', new Map([['TO', { value: 'SIMILAR TO', type: 'o' as TokenType }]])],
]);

function setOpMerge(op: string): ReadonlyMap<string, { value: string; type: TokenType }> {
  return new Map([
    ['ALL', { value: `${op} ALL`, type: 'U' as TokenType }],
    ['DISTINCT', { value: `${op} DISTINCT`, type: 'U' as TokenType }],
  ]);
}

/** Operators that compare two operands (a comparison makes an expression a condition). */
export const COMPARISON_OPS: ReadonlySet<string> = new Set([
  '=', '<', '>', '<=', '>=', '<>', '!=', '<=>', '!<', '!>', '~', '~*', '!~', '!~*', '<@', '@>', '?', '?|', '?&',
  'LIKE', 'RLIKE', 'REGEXP', 'ILIKE', 'IS', 'IS NOT', 'IN', 'BETWEEN', 'SOUNDS LIKE', 'SIMILAR TO',
  'NOT LIKE', 'NOT RLIKE', 'NOT REGEXP', 'NOT ILIKE', 'NOT IN', 'NOT BETWEEN',
]);

/** Operators used by the equality-tautology rule (`OR 1=1`, `AND 'a'='a'`). */
export const EQUALITY_OPS: ReadonlySet<string> = new Set(['=', '<=>', 'LIKE', '>=', '<=']);

/**
 * Functions that have no business in user input: time delays, file access, error-based extraction,
 * OS command execution and out-of-band requests. Matched on the name after the last `.` too.
 */
export const DANGEROUS_FUNCTIONS: ReadonlySet<string> = new Set([
  'SLEEP', 'BENCHMARK', 'PG_SLEEP', 'PG_SLEEP_FOR', 'PG_SLEEP_UNTIL', 'LOAD_FILE', 'EXTRACTVALUE', 'UPDATEXML',
  'XP_CMDSHELL', 'XP_DIRTREE', 'XP_FILEEXIST', 'XP_REGREAD', 'SYS_EVAL', 'SYS_EXEC', 'GET_LOCK', 'NAME_CONST',
  'RECEIVE_MESSAGE', 'GET_HOST_ADDRESS', 'GET_HOST_NAME', 'XMLTYPE', 'RANDOMBLOB', 'PG_READ_FILE', 'LO_IMPORT',
  'DBMS_LOCK.SLEEP', 'UTL_HTTP.REQUEST', 'GTID_SUBSET',
]);

/** Object kinds after DROP / CREATE / ALTER / TRUNCATE. */
export const DDL_OBJECTS: ReadonlySet<string> = new Set([
  'TABLE', 'DATABASE', 'SCHEMA', 'PROCEDURE', 'FUNCTION', 'VIEW', 'INDEX', 'USER', 'TRIGGER', 'EVENT', 'TABLESPACE',
  'LOGIN',
]);
