import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { toByteString } from './byte-string.js';
import { operatorError } from './operator-error.js';
import type { OperatorCompileContext } from './types.js';

/**
 * Reads one data file for @pmFromFile / @ipMatchFromFile. A relative path resolves against
 * `ctx.baseDir` (the directory of the rule file); `ctx.readFile` replaces the disk when given.
 * The text is returned as a byte string. Any failure is an ERR_PORTCULLIS_RULE_OPERATOR naming the file.
 */
export function readDataFile(op: string, param: string, file: string, ctx: OperatorCompileContext): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
    throw operatorError(op, param, `remote data files are not supported (${file})`);
  }
  const path = ctx.baseDir !== undefined && !isAbsolute(file) ? join(ctx.baseDir, file) : file;
  let text: string;
  try {
    text = ctx.readFile !== undefined ? ctx.readFile(path) : readFileSync(path, 'latin1');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw operatorError(op, param, `cannot read data file ${path}: ${reason}`, err);
  }
  if (typeof text !== 'string') throw operatorError(op, param, `readFile did not return a string for ${path}`);
  return toByteString(text);
}

/**
 * The entries of a data file: one per line. A line whose first non-blank char is `#` is a comment;
 * blank lines are skipped; a trailing CR (CRLF files) is removed. Other leading/trailing spaces are
 * KEPT, as ModSecurity does (CRS sql-errors.data has the phrase " in query expression").
 */
export function dataFileLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    out.push(line);
  }
  return out;
}

/** Splits an operator parameter naming one or more data files (separated by blanks). */
export function dataFileNames(op: string, param: string): string[] {
  const names = param.trim().split(/\s+/).filter((n) => n !== '');
  if (names.length === 0) throw operatorError(op, param, 'expects a data file name');
  return names;
}
