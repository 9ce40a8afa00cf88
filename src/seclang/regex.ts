import { PortcullisError } from '../errors.js';

/**
 * PCRE (as ModSecurity v2 compiles it: DOTALL | DOLLAR_ENDONLY, C-locale tables, no UTF) → JavaScript RegExp
 * translation (NOTES.md §5.2-5.4, "full translation"). The result runs on byte strings (one char per byte)
 * without the `u` flag and matches exactly what PCRE matches:
 *
 * - `s` is always set; `$` without `m` is end-of-subject (= DOLLAR_ENDONLY); `\A` → `^`, `\z` → `$`,
 *   `\Z` → `(?=\n?$)`.
 * - `\s` → `[\t-\r ]`, `\S` → its byte complement (JS `\s` would also match 0xA0); `\h \H \v \V \R \N` expanded.
 * - `\x{HH}` → `\xHH`, `\xH` → `\x0H`, octal and `\cX`, `\e`, `\a` → `\xHH`; `\Q…\E` quoted literally.
 * - Character classes are rebuilt from their byte set (POSIX `[:alpha:]` supported, `]` first is literal).
 * - Case-insensitivity (`(?i)`, `(?i:…)`, `(?-i)`, mid-pattern `^(?i)`): the JS `i` flag is used when it is exact
 *   for the whole pattern (every atom outside the case-insensitive scope is case-closed, and no Latin-1 letter
 *   0xC0-0xFE, which JS folds but PCRE's C tables do not, would change meaning); otherwise letters in
 *   case-insensitive scope are expanded into classes (`a` → `[Aa]`) and no `i` flag is used.
 * - `(?s)`/`(?-s)`, `(?m)`, `(?x)` are honoured; `(?#…)` comments dropped; named groups become `(?<name>`.
 * - Rejected (ERR_PORTCULLIS_REGEX_TRANSLATE): possessive quantifiers, atomic groups, lookbehind, backreferences,
 *   recursion/subroutines, conditionals, `(*VERB)`, `\G \K \X \C \p \P`, `(?U)`, `(?J)`, `(?n)`, code points > 0xFF.
 */
export interface TranslatedRegex {
  readonly source: string;
  readonly flags: string;
}

export interface TranslateOptions {
  /**
   * For key selectors that the engine compiles with flag `i` only: write DOTALL `.` as `[\s\S]`, so the source
   * needs no `s` flag. Flags then hold only `i` when needed (selectors are matched case-insensitively anyway).
   */
  readonly inlineDotAll?: boolean;
}

/** One output unit: structural text, or an atom whose meaning depends on case folding. */
interface Piece {
  /** Output when case-insensitivity is not expanded (JS `i` flag mode, or case-sensitive scope). */
  readonly text: string;
  /** Output when `ci` and expanding case into classes. Equal to `text` when folding changes nothing. */
  readonly expanded: string;
  readonly ci: boolean;
  /** The atom's byte set is closed under ASCII and Latin-1 case pairs (safe under the JS `i` flag). */
  readonly closedAll: boolean;
  /** The atom's byte set is closed under Latin-1 (0xC0-0xFE) pairs (JS-i equals PCRE caseless). */
  readonly closedLatin1: boolean;
}

interface Flags { i: boolean; s: boolean; m: boolean; x: boolean }

function fail(pattern: string, why: string): never {
  const shown = pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern;
  throw new PortcullisError('ERR_PORTCULLIS_REGEX_TRANSLATE', `cannot translate regex /${shown}/: ${why}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Byte sets

type ByteSet = Uint8Array;

function newSet(): ByteSet { return new Uint8Array(256); }

function addRange(set: ByteSet, lo: number, hi: number): void {
  for (let c = lo; c <= hi; c++) set[c] = 1;
}

function otherCaseAscii(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c + 32;
  if (c >= 0x61 && c <= 0x7a) return c - 32;
  return -1;
}

/** JS non-unicode `i` folds these Latin-1 letters (toUpperCase stays in Latin-1); PCRE's C tables do not. */
function otherCaseLatin1(c: number): number {
  if (c >= 0xc0 && c <= 0xde && c !== 0xd7) return c + 32;
  if (c >= 0xe0 && c <= 0xfe && c !== 0xf7) return c - 32;
  return -1;
}

function isClosed(set: ByteSet, other: (c: number) => number): boolean {
  for (let c = 0; c < 256; c++) {
    if (set[c] !== 1) continue;
    const o = other(c);
    if (o !== -1 && set[o] !== 1) return false;
  }
  return true;
}

function asciiClosure(set: ByteSet): ByteSet {
  const out = Uint8Array.from(set);
  for (let c = 0; c < 256; c++) {
    if (set[c] !== 1) continue;
    const o = otherCaseAscii(c);
    if (o !== -1) out[o] = 1;
  }
  return out;
}

function sameSet(a: ByteSet, b: ByteSet): boolean {
  for (let c = 0; c < 256; c++) if (a[c] !== b[c]) return false;
  return true;
}

/** Printable ASCII stays readable inside a class; `\\ ] [ ^ -` and everything else become `\\xHH`. */
function classChar(c: number): string {
  if (c >= 0x20 && c <= 0x7e && c !== 0x5c && c !== 0x5d && c !== 0x5b && c !== 0x5e && c !== 0x2d) {
    return String.fromCharCode(c);
  }
  return `\\x${c.toString(16).padStart(2, '0')}`;
}

/** Renders a class body from a byte set with ranges: `0-9A-Z_a-z`. */
function renderSetBody(set: ByteSet): string {
  let out = '';
  let c = 0;
  while (c < 256) {
    if (set[c] !== 1) { c++; continue; }
    let end = c;
    while (end + 1 < 256 && set[end + 1] === 1) end++;
    if (end === c) out += classChar(c);
    else if (end === c + 1) out += classChar(c) + classChar(end);
    else out += `${classChar(c)}-${classChar(end)}`;
    c = end + 1;
  }
  return out;
}

function renderClass(set: ByteSet, negated: boolean): string {
  let count = 0;
  for (let c = 0; c < 256; c++) count += set[c]!;
  if (!negated && count === 256) return '[\\s\\S]';
  if (negated && count === 0) return '[\\s\\S]';
  if (!negated && count === 0) return '[^\\s\\S]';
  if (negated && count === 256) return '[^\\s\\S]';
  return `[${negated ? '^' : ''}${renderSetBody(set)}]`;
}

const SPACE_CHARS = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20];
const HSPACE_CHARS = [0x09, 0x20, 0xa0];
const VSPACE_CHARS = [0x0a, 0x0b, 0x0c, 0x0d, 0x85];

function setOf(codes: readonly number[]): ByteSet {
  const s = newSet();
  for (const c of codes) s[c] = 1;
  return s;
}

function complement(set: ByteSet): ByteSet {
  const out = newSet();
  for (let c = 0; c < 256; c++) out[c] = set[c] === 1 ? 0 : 1;
  return out;
}

function digitSet(): ByteSet { const s = newSet(); addRange(s, 0x30, 0x39); return s; }
function wordSet(): ByteSet {
  const s = digitSet(); addRange(s, 0x41, 0x5a); addRange(s, 0x61, 0x7a); s[0x5f] = 1; return s;
}

/** Class escapes (`\d`, `\s`, …) as byte sets; undefined when the letter is not a class escape. */
function classEscapeSet(letter: string): ByteSet | undefined {
  switch (letter) {
    case 'd': return digitSet();
    case 'D': return complement(digitSet());
    case 'w': return wordSet();
    case 'W': return complement(wordSet());
    case 's': return setOf(SPACE_CHARS);
    case 'S': return complement(setOf(SPACE_CHARS));
    case 'h': return setOf(HSPACE_CHARS);
    case 'H': return complement(setOf(HSPACE_CHARS));
    case 'v': return setOf(VSPACE_CHARS);
    case 'V': return complement(setOf(VSPACE_CHARS));
    default: return undefined;
  }
}

const POSIX_CLASSES: Readonly<Record<string, (s: ByteSet) => void>> = {
  alnum: (s) => { addRange(s, 0x30, 0x39); addRange(s, 0x41, 0x5a); addRange(s, 0x61, 0x7a); },
  alpha: (s) => { addRange(s, 0x41, 0x5a); addRange(s, 0x61, 0x7a); },
  ascii: (s) => { addRange(s, 0, 0x7f); },
  blank: (s) => { s[0x09] = 1; s[0x20] = 1; },
  cntrl: (s) => { addRange(s, 0, 0x1f); s[0x7f] = 1; },
  digit: (s) => { addRange(s, 0x30, 0x39); },
  graph: (s) => { addRange(s, 0x21, 0x7e); },
  lower: (s) => { addRange(s, 0x61, 0x7a); },
  print: (s) => { addRange(s, 0x20, 0x7e); },
  punct: (s) => { addRange(s, 0x21, 0x2f); addRange(s, 0x3a, 0x40); addRange(s, 0x5b, 0x60); addRange(s, 0x7b, 0x7e); },
  space: (s) => { for (const c of SPACE_CHARS) s[c] = 1; },
  upper: (s) => { addRange(s, 0x41, 0x5a); },
  word: (s) => { addRange(s, 0x30, 0x39); addRange(s, 0x41, 0x5a); addRange(s, 0x61, 0x7a); s[0x5f] = 1; },
  xdigit: (s) => { addRange(s, 0x30, 0x39); addRange(s, 0x41, 0x46); addRange(s, 0x61, 0x66); },
};

// ---------------------------------------------------------------------------------------------------------------
// Tokenizer / translator

const HEX = /^[0-9a-fA-F]$/;
const OCT = /^[0-7]$/;

function isHex(ch: string | undefined): boolean { return ch !== undefined && HEX.test(ch); }
function isOct(ch: string | undefined): boolean { return ch !== undefined && OCT.test(ch); }

/** Characters that need a backslash when written as a literal outside a class. */
const META = new Set(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}', '/']);

function literalText(c: number): string {
  const ch = String.fromCharCode(c);
  if (META.has(ch)) return `\\${ch}`;
  if (c >= 0x20 && c < 0x7f) return ch;
  return `\\x${c.toString(16).padStart(2, '0')}`;
}

class Translator {
  private pos = 0;
  private readonly pieces: Piece[] = [];
  private flags: Flags = { i: false, s: true, m: false, x: false };
  private readonly stack: Flags[] = [];
  private groups = 0;

  constructor(private readonly pattern: string, private readonly inlineDotAll: boolean) {}

  run(): Piece[] {
    const p = this.pattern;
    while (this.pos < p.length) {
      const ch = p[this.pos]!;
      if (this.flags.x && this.skipExtended()) continue;
      switch (ch) {
        case '\\': this.escapeOutside(); break;
        case '[': this.charClass(); break;
        case '(': this.openGroup(); break;
        case ')': this.closeGroup(); break;
        case '.': this.pos++; this.dot(); break;
        case '^': this.pos++; this.raw(this.flags.m ? '(?:^|(?<=\\n))' : '^'); break;
        case '$': this.pos++; this.raw(this.flags.m ? '(?=\\n|$)' : '$'); break;
        case '|': this.pos++; this.raw('|'); break;
        case '*': case '+': case '?': this.quantifier(ch); break;
        case '{': this.brace(); break;
        default: this.pos++; this.literal(ch.charCodeAt(0)); break;
      }
    }
    if (this.stack.length > 0) fail(p, 'missing )');
    return this.pieces;
  }

  private skipExtended(): boolean {
    const p = this.pattern;
    const ch = p[this.pos]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v') { this.pos++; return true; }
    if (ch === '#') {
      while (this.pos < p.length && p[this.pos] !== '\n') this.pos++;
      return true;
    }
    return false;
  }

  private raw(text: string): void {
    this.pieces.push({ text, expanded: text, ci: false, closedAll: true, closedLatin1: true });
  }

  private atom(set: ByteSet, text: string): void {
    const ci = this.flags.i;
    const closedAll = isClosed(set, otherCaseAscii) && isClosed(set, otherCaseLatin1);
    const closedLatin1 = isClosed(set, otherCaseLatin1);
    let expanded = text;
    if (ci && !isClosed(set, otherCaseAscii)) expanded = renderClass(asciiClosure(set), false);
    this.pieces.push({ text, expanded, ci, closedAll, closedLatin1 });
  }

  private literal(c: number): void {
    if (c > 0xff) fail(this.pattern, `character U+${c.toString(16)} is not a byte`);
    const text = literalText(c);
    const ascii = otherCaseAscii(c);
    const latin1 = otherCaseLatin1(c);
    const ci = this.flags.i;
    const expanded = ci && ascii !== -1 ? `[${String.fromCharCode(Math.min(c, ascii), Math.max(c, ascii))}]` : text;
    this.pieces.push({ text, expanded, ci, closedAll: ascii === -1 && latin1 === -1, closedLatin1: latin1 === -1 });
  }

  private dot(): void {
    if (this.flags.s) this.raw(this.inlineDotAll ? '[\\s\\S]' : '.');
    else this.raw('[^\\n]');
  }

  private quantifier(ch: string): void {
    this.pos++;
    let text = ch;
    const next = this.pattern[this.pos];
    if (next === '?') { text += '?'; this.pos++; }
    else if (next === '+') fail(this.pattern, 'possessive quantifiers are not supported');
    this.raw(text);
  }

  private brace(): void {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(this.pos, this.pos + 24));
    if (!m) { this.pos++; this.literal(0x7b); return; }
    this.pos += m[0].length;
    let text = m[0];
    const next = this.pattern[this.pos];
    if (next === '?') { text += '?'; this.pos++; }
    else if (next === '+') fail(this.pattern, 'possessive quantifiers are not supported');
    this.raw(text);
  }

  private openGroup(): void {
    const p = this.pattern;
    this.stack.push({ ...this.flags });
    if (p[this.pos + 1] === '*') fail(p, 'backtracking verbs (*...) are not supported');
    if (p[this.pos + 1] !== '?') { this.pos++; this.groups++; this.raw('('); return; }
    const rest = p.slice(this.pos + 2, this.pos + 40);
    const c = rest[0];
    if (c === ':') { this.pos += 3; this.raw('(?:'); return; }
    if (c === '=' || c === '!') { this.pos += 3; this.raw(`(?${c}`); return; }
    if (rest.startsWith('<=') || rest.startsWith('<!')) fail(p, 'lookbehind is not supported');
    if (c === '>') fail(p, 'atomic groups are not supported');
    if (c === '|') fail(p, 'branch reset groups are not supported');
    if (c === '#') {
      const end = p.indexOf(')', this.pos);
      if (end === -1) fail(p, 'unterminated (?# comment');
      this.stack.pop();
      this.pos = end + 1;
      return;
    }
    const named = /^(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/.exec(rest);
    if (named) {
      this.pos += 2 + named[0].length;
      this.groups++;
      this.raw(`(?<${named[1] ?? named[2]!}>`);
      return;
    }
    const flagGroup = /^([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
    if (!flagGroup) fail(p, `unsupported group syntax (?${rest.slice(0, 8)}`);
    const on = flagGroup[1] ?? '';
    const off = flagGroup[2] ?? '';
    const next: Flags = { ...this.flags };
    for (const f of on) this.setFlag(next, f, true);
    for (const f of off) this.setFlag(next, f, false);
    this.pos += 2 + flagGroup[0].length;
    if (flagGroup[3] === ')') {
      // `(?i)`: applies to the rest of the enclosing group (including later alternatives).
      this.stack.pop();
      this.flags = next;
      return;
    }
    this.flags = next;
    this.raw('(?:');
  }

  private setFlag(flags: Flags, f: string, value: boolean): void {
    switch (f) {
      case 'i': flags.i = value; return;
      case 's': flags.s = value; return;
      case 'm': flags.m = value; return;
      case 'x': flags.x = value; return;
      default: fail(this.pattern, `inline option (?${f}) is not supported`);
    }
  }

  private closeGroup(): void {
    const prev = this.stack.pop();
    if (!prev) fail(this.pattern, 'unmatched )');
    this.pos++;
    this.flags = prev;
    this.raw(')');
  }

  /** Reads `\x..`, octal, `\c`, simple escapes: returns a byte, or undefined when not a single-char escape. */
  /** `\x{hh..}` / `\o{oo..}` at pos: digits matching `digits`, a byte at most. */
  private bracedCode(letter: string, digits: RegExp, radix: number, why: string): number {
    const p = this.pattern;
    const end = p.indexOf('}', this.pos + 3);
    const text = p[this.pos + 2] === '{' && end !== -1 ? p.slice(this.pos + 3, end) : '';
    if (!digits.test(text)) fail(p, `bad \\${letter}{...} escape`);
    const v = parseInt(text, radix);
    if (v > 0xff) fail(p, `\\${letter}{${text}} is beyond a byte${why}`);
    this.pos = end + 1;
    return v;
  }

  /** `\xhh` / `\0oo` at pos: up to two digits (none is 0). */
  private shortCode(isDigit: (c: string | undefined) => boolean, radix: number): number {
    const p = this.pattern;
    let n = 0;
    while (n < 2 && isDigit(p[this.pos + 2 + n])) n++;
    const text = p.slice(this.pos + 2, this.pos + 2 + n);
    this.pos += 2 + n;
    return text === '' ? 0 : parseInt(text, radix);
  }

  private charEscape(inClass: boolean): number | undefined {
    const p = this.pattern;
    const e = p[this.pos + 1];
    if (e === undefined) fail(p, 'pattern ends with a backslash');
    switch (e) {
      case 'x': {
        if (p[this.pos + 2] === '{') return this.bracedCode('x', /^[0-9a-fA-F]{1,8}$/, 16, ' (patterns match byte strings)');
        return this.shortCode(isHex, 16);
      }
      case 'o': return this.bracedCode('o', /^[0-7]{1,6}$/, 8, '');
      case '0': return this.shortCode(isOct, 8);
      case 'c': {
        const x = p[this.pos + 2];
        if (x === undefined || x.charCodeAt(0) > 0x7e || x.charCodeAt(0) < 0x20) fail(p, 'bad \\c escape');
        this.pos += 3;
        return x.toUpperCase().charCodeAt(0) ^ 0x40;
      }
      case 'a': this.pos += 2; return 0x07;
      case 'e': this.pos += 2; return 0x1b;
      case 'f': this.pos += 2; return 0x0c;
      case 'n': this.pos += 2; return 0x0a;
      case 'r': this.pos += 2; return 0x0d;
      case 't': this.pos += 2; return 0x09;
      case 'b': if (inClass) { this.pos += 2; return 0x08; } return undefined;
      default: break;
    }
    if (/[1-9]/.test(e)) {
      if (inClass) {
        if (!isOct(e)) fail(p, `\\${e} in a class`);
        let n = 0;
        let oct = '';
        while (n < 3 && isOct(p[this.pos + 1 + n])) { oct += p[this.pos + 1 + n]; n++; }
        const v = parseInt(oct, 8);
        if (v > 0xff) fail(p, `octal escape \\${oct} is beyond a byte`);
        this.pos += 1 + n;
        return v;
      }
      const digits = /^\d+/.exec(p.slice(this.pos + 1, this.pos + 12))![0];
      const num = parseInt(digits, 10);
      if (num < 10 || e === '8' || e === '9' || num <= this.groups) fail(p, 'backreferences are not supported');
      let n = 0;
      let oct = '';
      while (n < 3 && isOct(p[this.pos + 1 + n])) { oct += p[this.pos + 1 + n]; n++; }
      const v = parseInt(oct, 8);
      if (v > 0xff) fail(p, `octal escape \\${oct} is beyond a byte`);
      this.pos += 1 + n;
      return v;
    }
    if (/[A-Za-z]/.test(e)) return undefined;
    // Escaped punctuation / byte: the literal character.
    this.pos += 2;
    const code = e.charCodeAt(0);
    if (code > 0xff) fail(p, `character U+${code.toString(16)} is not a byte`);
    return code;
  }

  private quoted(inClass: ByteSet | undefined): void {
    const p = this.pattern;
    const end = p.indexOf('\\E', this.pos + 2);
    const text = p.slice(this.pos + 2, end === -1 ? p.length : end);
    this.pos = end === -1 ? p.length : end + 2;
    for (const ch of text) {
      const code = ch.charCodeAt(0);
      if (code > 0xff) fail(p, `character U+${code.toString(16)} is not a byte`);
      if (inClass) inClass[code] = 1; else this.literal(code);
    }
  }

  private escapeOutside(): void {
    const p = this.pattern;
    const e = p[this.pos + 1];
    const single = this.charEscape(false);
    if (single !== undefined) { this.literal(single); return; }
    const set = e === undefined ? undefined : classEscapeSet(e);
    if (set) {
      this.pos += 2;
      if (e === 'd' || e === 'D' || e === 'w' || e === 'W') this.atom(set, `\\${e}`);
      else this.atom(set, renderClass(set, false));
      return;
    }
    switch (e) {
      case 'b': case 'B': this.pos += 2; this.raw(`\\${e}`); return;
      case 'A': this.pos += 2; this.raw('^'); return;
      case 'z': this.pos += 2; this.raw('$'); return;
      case 'Z': this.pos += 2; this.raw('(?=\\n?$)'); return;
      case 'N': this.pos += 2; this.raw('[^\\n]'); return;
      case 'R': this.pos += 2; this.raw('(?:\\r\\n|[\\n\\x0b\\x0c\\r\\x85])'); return;
      case 'Q': this.quoted(undefined); return;
      case 'E': this.pos += 2; return;
      default: fail(p, `escape \\${e ?? ''} is not supported`);
    }
  }

  private charClass(): void {
    const p = this.pattern;
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (p[this.pos] === '^') { negated = true; this.pos++; }
    const set = newSet();
    let first = true;
    for (;;) {
      if (this.pos >= p.length) { this.pos = start; fail(p, 'missing ]'); }
      const ch = p[this.pos]!;
      if (ch === ']' && !first) { this.pos++; break; }
      first = false;
      if (ch === '[' && p[this.pos + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(this.pos, this.pos + 16));
        if (m) {
          const fill = POSIX_CLASSES[m[2]!];
          if (!fill) fail(p, `unknown POSIX class [:${m[2]!}:]`);
          const s = newSet();
          fill(s);
          const use = m[1] === '^' ? complement(s) : s;
          for (let c = 0; c < 256; c++) if (use[c] === 1) set[c] = 1;
          this.pos += m[0].length;
          continue;
        }
      }
      let code: number;
      if (ch === '\\') {
        const e = p[this.pos + 1];
        if (e === 'Q') { this.quoted(set); continue; }
        if (e === 'E') { this.pos += 2; continue; }
        const single = this.charEscape(true);
        if (single === undefined) {
          const esc = e === undefined ? undefined : classEscapeSet(e);
          if (!esc) fail(p, `escape \\${e ?? ''} is not supported in a class`);
          for (let c = 0; c < 256; c++) if (esc[c] === 1) set[c] = 1;
          this.pos += 2;
          continue;
        }
        code = single;
      } else {
        code = ch.charCodeAt(0);
        if (code > 0xff) fail(p, `character U+${code.toString(16)} is not a byte`);
        this.pos++;
      }
      // Range `a-b` (a `-` before `]` is literal).
      if (p[this.pos] === '-' && p[this.pos + 1] !== ']' && p[this.pos + 1] !== undefined) {
        const save = this.pos;
        this.pos++;
        let hi: number | undefined;
        const c2 = p[this.pos]!;
        if (c2 === '\\') {
          const e2 = p[this.pos + 1];
          if (e2 !== undefined && classEscapeSet(e2) === undefined && e2 !== 'Q' && e2 !== 'E') hi = this.charEscape(true);
        } else if (!(c2 === '[' && p[this.pos + 1] === ':')) {
          hi = c2.charCodeAt(0);
          if (hi > 0xff) fail(p, `character U+${hi.toString(16)} is not a byte`);
          this.pos++;
        }
        if (hi === undefined) {
          // `[a-\d]`: PCRE treats the `-` as literal.
          this.pos = save;
          set[code] = 1;
          continue;
        }
        if (hi < code) fail(p, 'range out of order in character class');
        addRange(set, code, hi);
        continue;
      }
      set[code] = 1;
    }
    // Case folding acts on the positive item set, negation is applied after (PCRE semantics).
    const ci = this.flags.i;
    const text = renderClass(set, negated);
    const closedAll = isClosed(set, otherCaseAscii) && isClosed(set, otherCaseLatin1);
    const closedLatin1 = isClosed(set, otherCaseLatin1);
    let expanded = text;
    if (ci) {
      const folded = asciiClosure(set);
      if (!sameSet(folded, set)) expanded = renderClass(folded, negated);
    }
    this.pieces.push({ text, expanded, ci, closedAll, closedLatin1 });
  }
}

/**
 * Translates a ModSecurity PCRE pattern to a JavaScript source + flags (never `u`). Throws
 * ERR_PORTCULLIS_REGEX_TRANSLATE on unsupported constructs or when the result does not compile.
 */
export function translatePcre(pattern: string, options: TranslateOptions = {}): TranslatedRegex {
  const inlineDotAll = options.inlineDotAll === true;
  const pieces = new Translator(pattern, inlineDotAll).run();
  const anyCi = pieces.some((x) => x.ci);
  const flagMode = anyCi && pieces.every((x) => (x.ci ? x.closedLatin1 : x.closedAll));
  let source = '';
  for (const x of pieces) source += flagMode || !x.ci ? x.text : x.expanded;
  let flags = inlineDotAll ? '' : 's';
  if (flagMode) flags = `i${flags}`;
  try {
    new RegExp(source, flags);
  } catch (err) {
    fail(pattern, `JavaScript rejects the translation: ${(err as Error).message}`);
  }
  return { source, flags };
}
