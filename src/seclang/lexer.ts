import { PortcullisError } from '../errors.js';

/**
 * SecLang lexing, Apache-config style (NOTES.md §4.5.1-4.5.3):
 * - physical lines ending in `\` (trailing blanks after it allowed) are joined with the next line: the backslash and
 *   the newline go, the next line's indentation stays;
 * - a logical line whose first non-blank char is `#` is a comment (also when it was continued); `#` anywhere else is
 *   data;
 * - arguments are split on blanks; an argument may be double- or single-quoted; inside quotes `\"` (resp. `\'`)
 *   becomes the quote char and `\\` stays `\\` (consumed as a pair so `"a\\"` ends the word); every other
 *   backslash is kept as written (regexes keep their escapes).
 */
export interface LogicalLine {
  /** 1-based physical line where the logical line starts. */
  readonly line: number;
  readonly text: string;
}

export interface Location {
  readonly file: string;
  readonly line: number;
}

export function where(loc: Location): string {
  return `${loc.file}:${loc.line}`;
}

export function syntaxError(loc: Location, problem: string): PortcullisError {
  return new PortcullisError('ERR_PORTCULLIS_SECLANG_SYNTAX', `${where(loc)}: ${problem}`);
}

/** Splits text into logical lines, dropping blank and comment lines. Linear in the input. */
export function splitLogicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = text.split('\n');
  let buf = '';
  let startLine = 0;
  let open = false;
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (!open) startLine = i + 1;
    const trimmedEnd = line.replace(/[ \t]+$/, '');
    if (trimmedEnd.endsWith('\\') && i + 1 < physical.length) {
      buf += trimmedEnd.slice(0, -1);
      open = true;
      continue;
    }
    buf += line;
    open = false;
    pushLogical(out, buf, startLine);
    buf = '';
  }
  if (open) pushLogical(out, buf, startLine);
  return out;
}

function pushLogical(out: LogicalLine[], text: string, line: number): void {
  const lead = text.trimStart();
  if (lead.length === 0 || lead.startsWith('#')) return;
  out.push({ line, text: text.trim() });
}

function isBlank(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\f' || ch === '\v' || ch === '\r' || ch === '\n';
}

/** Splits a logical line into arguments (the directive name is the first). */
export function splitArguments(text: string, loc: Location): string[] {
  const args: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isBlank(text[i]!)) i++;
    if (i >= n) break;
    const quote = text[i]!;
    if (quote === '"' || quote === "'") {
      let arg = '';
      i++;
      let closed = false;
      while (i < n) {
        const ch = text[i]!;
        if (ch === '\\' && i + 1 < n) {
          const next = text[i + 1]!;
          if (next === quote) { arg += quote; i += 2; continue; }
          if (next === '\\') { arg += '\\\\'; i += 2; continue; }
          arg += ch;
          i++;
          continue;
        }
        if (ch === quote) { closed = true; i++; break; }
        arg += ch;
        i++;
      }
      if (!closed) throw syntaxError(loc, `missing closing ${quote} quote`);
      if (i < n && !isBlank(text[i]!)) {
        throw syntaxError(loc, `unexpected text after closing ${quote} quote: "${text.slice(i, i + 20)}"`);
      }
      args.push(arg);
      continue;
    }
    const start = i;
    while (i < n && !isBlank(text[i]!)) i++;
    args.push(text.slice(start, i));
  }
  return args;
}
