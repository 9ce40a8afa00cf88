import { createAhoCorasick } from './aho-corasick.js';
import type { OperatorPrefilter, PrefilterClause } from './types.js';

/**
 * Required-literal analysis of a JavaScript regex (non-unicode syntax with Annex B, as `@rx` compiles it):
 * a few clauses, each a set of literals of which at least one occurs (ASCII-case-insensitively) in every
 * string the regex can match. The engine checks them with one automaton per value before running the
 * regex. Anything the analysis does not understand counts as "matches anything", so the result is always
 * safe; unknown syntax or sizes past the caps give null (no prefilter).
 *
 * Per node the analysis keeps `exact` (the finite set of strings the node matches, when small) and `cnf`
 * (clauses: literal sets that must each be hit). Literals are ASCII-lower-cased.
 */

interface Info {
  /** Every string the node can match (lower-cased), or null when unknown / too many. May hold ''. [] = none. */
  exact: string[] | null;
  /** Clauses that every match satisfies. */
  cnf: string[][];
  /** Skeleton mode only: every match starts with one of these (non-empty) strings; null when unknown. */
  prefix?: string[] | null;
}

/**
 * How the analysis reads the pattern. The plain mode is the literal analysis of the regex itself. A skeleton
 * mode analyses the image of the regex under "delete the `deleted` chars", restricted to strings without the
 * `excluded` chars: its clauses hold for the value with the deleted chars removed, whenever the value holds no
 * excluded char (see wordPredicate). It also tracks prefixes and allows long clauses (they go to a predicate's
 * own automaton, not to the engine's shared one).
 */
interface Mode {
  /** Per byte: 1 = deleted (maps to ''), 2 = excluded (never matched). Null in the plain mode. */
  readonly chars: Uint8Array | null;
  /** Literals one clause may hold. */
  readonly clauseMax: number;
}

const PLAIN: Mode = { chars: null, clauseMax: 0 };

/** Chars a small class may hold and still count as an exact set. */
const CLASS_EXACT_MAX = 12;
/** Strings an exact set (or a product of sets) may hold. */
const EXACT_MAX = 64;
/** Longest literal kept in an exact set. */
const LITERAL_MAX = 48;
/** Literals one clause may hold (alternations of keywords make long ones). */
const CLAUSE_MAX = 512;
/** Clauses kept per regex. */
const CLAUSES_KEPT = 3;
/** Pattern length past which no analysis is tried (linear, but huge CRS patterns gain little). */
const SOURCE_MAX = 200_000;

const ANY: Info = { exact: null, cnf: [] };
const EMPTY: Info = { exact: [''], cnf: [] };
/** Matches nothing (skeleton mode: needs an excluded char). */
const NONE: Info = { exact: [], cnf: [] };

const isNone = (i: Info): boolean => i.exact !== null && i.exact.length === 0;

class Bail extends Error {}

function lowerChar(c: number): string {
  return String.fromCharCode(c >= 0x41 && c <= 0x5a ? c | 0x20 : c);
}

/** Latin-1 letters pair up under `i` without `u` (0xC0-0xDE with 0xE0-0xFE, except the signs 0xD7/0xF7). */
function latin1Partner(c: number): number {
  if (c >= 0xc0 && c <= 0xde && c !== 0xd7) return c + 0x20;
  if (c >= 0xe0 && c <= 0xfe && c !== 0xf7) return c - 0x20;
  return -1;
}

function uniq(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

function charSetInfo(codes: Iterable<number>, ignoreCase: boolean, mode: Mode): Info {
  const set = new Set<string>();
  let excluded = false;
  for (const c of codes) {
    if (c > 0xff) return ANY; // not a byte: values never hold it, but keep the analysis trivially safe
    const role = mode.chars === null ? 0 : mode.chars[c]!;
    if (role === 2) {
      excluded = true;
      continue;
    }
    set.add(role === 1 ? '' : lowerChar(c));
    if (ignoreCase) {
      const p = latin1Partner(c);
      if (p !== -1) set.add(String.fromCharCode(p));
    }
    if (set.size > CLASS_EXACT_MAX) return ANY;
  }
  if (set.size === 0) return excluded ? NONE : ANY; // an empty class never matches; "anything" is the safe answer
  return { exact: [...set], cnf: [] };
}

function product(a: readonly string[], b: readonly string[], max = EXACT_MAX): string[] | null {
  if (a.length * b.length > max * 4) return null;
  const out = new Set<string>();
  for (const x of a) {
    for (const y of b) {
      const s = x + y;
      if (s.length > LITERAL_MAX) return null;
      out.add(s);
    }
  }
  return out.size > max ? null : [...out];
}

/** The strings every match starts with (skeleton mode): the exact set, else the tracked prefixes. */
function prefixOf(info: Info): string[] | null {
  return info.exact !== null ? info.exact : info.prefix ?? null;
}

/** A clause's literals cut to their letters/digits core (a substring of a required literal is required too). */
function trimClause(clause: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const s of clause) {
    const t = s.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
    out.push(t === '' ? s : t);
  }
  return minimize(out);
}

/** A usable clause from an exact set: none of its strings may be empty. */
function asClause(exact: readonly string[] | null): string[] | null {
  if (exact === null || exact.length === 0) return null;
  for (const s of exact) if (s === '') return null;
  return [...exact];
}

/** How rare a char is in ordinary input: letters, digits and everyday punctuation are weak evidence. */
function charWeight(c: number): number {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) return 2;
  if (c === 0x20 || c === 0x2e || c === 0x2d || c === 0x2f || c === 0x2c || c === 0x5f) return 3;
  return 6;
}

function strength(literal: string): number {
  let w = 0;
  for (let i = 0; i < literal.length && w < 24; i++) w += charWeight(literal.charCodeAt(i));
  return Math.min(w, 24);
}

/** Higher is better: the weakest literal decides (longer and rarer is better), then fewer literals. */
function score(clause: readonly string[]): number {
  let min = Infinity;
  for (const s of clause) min = Math.min(min, strength(s));
  return min * 10_000 - Math.min(clause.length, 9_999);
}

/** A clause some of whose literals are a single common char. */
function isWeak(clause: readonly string[]): boolean {
  for (const s of clause) if (strength(s) <= 3) return true;
  return false;
}

function bestClause(info: Info): string[] | null {
  let best: string[] | null = asClause(info.exact);
  const pre = info.exact === null ? asClause(info.prefix ?? null) : null;
  if (pre !== null && (best === null || score(pre) > score(best))) best = pre;
  for (const c of info.cnf) if (best === null || score(c) > score(best)) best = c;
  return best;
}

function concat(parts: readonly Info[], mode: Mode): Info {
  const skeleton = mode.chars !== null;
  if (skeleton && parts.some(isNone)) return NONE;
  const cnf: string[][] = [];
  let run: string[] = [''];
  let allExact = true;
  let prefix: string[] | null | undefined; // skeleton mode: set at the first non-exact part
  const flush = (next?: Info): void => {
    // Skeleton mode: the exact run followed by the next part's prefixes is a (longer) required literal.
    const pre = skeleton && next !== undefined ? next.prefix ?? null : null;
    const joined = pre !== null ? product(run, pre, mode.clauseMax) : null;
    if (prefix === undefined && skeleton) prefix = joined ?? (pre === null ? run : null);
    const c = asClause(joined ?? run);
    if (c !== null) cnf.push(c);
  };
  for (const p of parts) {
    for (const c of p.cnf) cnf.push(c);
    if (p.exact === null) {
      allExact = false;
      flush(p);
      run = [''];
      continue;
    }
    const next = product(run, p.exact);
    if (next === null) {
      allExact = false;
      flush();
      run = [...p.exact];
    } else {
      run = next;
    }
  }
  if (allExact) return { exact: run, cnf };
  flush();
  const out: Info = { exact: null, cnf };
  if (skeleton) out.prefix = prefix !== undefined && prefix !== null && asClause(prefix) !== null ? prefix : null;
  return out;
}

function alternate(input: readonly Info[], mode: Mode): Info {
  const skeleton = mode.chars !== null;
  const alts = skeleton ? input.filter((a) => !isNone(a)) : input;
  if (alts.length === 0) return NONE;
  if (alts.length === 1) return alts[0]!;
  if (alts.every((a) => a.exact !== null)) {
    const all = uniq(alts.flatMap((a) => a.exact!));
    if (all.length <= EXACT_MAX) return { exact: all, cnf: [] };
  }
  const union: string[] = [];
  for (const a of alts) {
    const c = bestClause(a);
    if (c === null) return ANY;
    for (const s of c) union.push(s);
  }
  if (!skeleton) {
    const clause = uniq(union);
    return clause.length > CLAUSE_MAX ? ANY : { exact: null, cnf: [clause] };
  }
  let clause: string[] | null = minimize(union);
  if (clause.length > mode.clauseMax) clause = trimClause(clause);
  if (clause === null || clause.length > mode.clauseMax) return ANY;
  // Every match starts with a prefix of one of the alternatives (when each has one).
  let prefix: string[] | null = [];
  for (const a of alts) {
    const p = asClause(prefixOf(a));
    if (p === null) {
      prefix = null;
      break;
    }
    for (const s of p) prefix.push(s);
  }
  if (prefix !== null) {
    prefix = uniq(prefix);
    if (prefix.length > mode.clauseMax) prefix = null;
  }
  return { exact: null, cnf: [clause], prefix };
}

function quantify(info: Info, min: number, max: number, mode: Mode): Info {
  if (min === 1 && max === 1) return info;
  if (mode.chars !== null) {
    if (isNone(info)) return min === 0 ? EMPTY : NONE;
    if (info.exact !== null && info.exact.every((s) => s === '')) return EMPTY; // repeats of '' are ''
  }
  if (min === 0) {
    if (max === 1 && info.exact !== null) return { exact: uniq([...info.exact, '']), cnf: [] };
    return ANY;
  }
  if (max === 0) return EMPTY;
  const cnf = [...info.cnf];
  const c = asClause(info.exact);
  if (c !== null) {
    // `x{3,}` contains `xxx`: the min-fold product is required (when small), else one occurrence.
    let rep: string[] | null = c;
    for (let k = 1; k < Math.min(min, 8) && rep !== null; k++) rep = product(rep, c);
    cnf.push(rep ?? c);
  }
  if (mode.chars !== null) return { exact: null, cnf, prefix: asClause(prefixOf(info)) };
  return { exact: null, cnf };
}

const DIGITS = range(0x30, 0x39);
const SPACES = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0];
const WORD = [...range(0x30, 0x39), ...range(0x41, 0x5a), ...range(0x61, 0x7a), 0x5f];

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let c = a; c <= b; c++) out.push(c);
  return out;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** Parser state over one pattern. Throws Bail on anything it does not model. */
class Analyzer {
  private i = 0;
  private budget: number;

  constructor(
    private readonly src: string,
    private readonly ignoreCase: boolean,
    private readonly mode: Mode = PLAIN,
  ) {
    this.budget = src.length * 4 + 64;
  }

  run(): Info {
    const info = this.alternation();
    if (this.i !== this.src.length) throw new Bail('trailing input');
    return info;
  }

  private peek(k = 0): number {
    return this.i + k < this.src.length ? this.src.charCodeAt(this.i + k) : -1;
  }

  private alternation(): Info {
    const alts: Info[] = [this.sequence()];
    while (this.peek() === 0x7c /* | */) {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : alternate(alts, this.mode);
  }

  private sequence(): Info {
    const parts: Info[] = [];
    for (;;) {
      if (--this.budget < 0) throw new Bail('budget');
      const c = this.peek();
      if (c === -1 || c === 0x7c || c === 0x29 /* ) */) break;
      let atom = this.atom();
      const q = this.quantifier();
      if (q !== null) atom = quantify(atom, q.min, q.max, this.mode);
      parts.push(atom);
    }
    return parts.length === 1 ? parts[0]! : concat(parts, this.mode);
  }

  /** `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` with an optional lazy `?`; null when none follows. */
  private quantifier(): { min: number; max: number } | null {
    const c = this.peek();
    let q: { min: number; max: number } | null = null;
    if (c === 0x2a) q = { min: 0, max: Infinity };
    else if (c === 0x2b) q = { min: 1, max: Infinity };
    else if (c === 0x3f) q = { min: 0, max: 1 };
    if (q !== null) {
      this.i++;
    } else if (c === 0x7b /* { */) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i, this.i + 32));
      if (m === null) return null; // Annex B: a literal `{`, read as the next atom
      this.i += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      q = { min, max };
    } else {
      return null;
    }
    if (this.peek() === 0x3f) this.i++;
    if (this.quantifierFollows()) throw new Bail('nothing to repeat');
    return q;
  }

  private quantifierFollows(): boolean {
    const c = this.peek();
    return c === 0x2a || c === 0x2b || c === 0x3f;
  }

  private atom(): Info {
    const c = this.peek();
    switch (c) {
      case 0x28: // (
        return this.group();
      case 0x5b: // [
        return this.charClass();
      case 0x2e: // .
        this.i++;
        return ANY;
      case 0x5e: // ^
      case 0x24: // $
        this.i++;
        return EMPTY;
      case 0x5c: // \
        return this.escape();
      case 0x2a:
      case 0x2b:
      case 0x3f:
        throw new Bail('nothing to repeat');
      default:
        this.i++;
        return this.literal(c);
    }
  }

  private literal(c: number): Info {
    return charSetInfo([c], this.ignoreCase, this.mode);
  }

  private group(): Info {
    this.i++; // (
    let lookaround = false;
    if (this.peek() === 0x3f /* ? */) {
      const a = this.peek(1);
      const b = this.peek(2);
      if (a === 0x3a /* : */) this.i += 2;
      else if (a === 0x3d || a === 0x21) { this.i += 2; lookaround = true; }
      else if (a === 0x3c /* < */ && (b === 0x3d || b === 0x21)) { this.i += 3; lookaround = true; }
      else if (a === 0x3c) {
        const close = this.src.indexOf('>', this.i);
        if (close === -1) throw new Bail('group name');
        this.i = close + 1;
      } else {
        throw new Bail('group modifier');
      }
    }
    const inner = this.alternation();
    if (this.peek() !== 0x29) throw new Bail('unclosed group');
    this.i++;
    return lookaround ? EMPTY : inner;
  }

  private escape(): Info {
    this.i++; // backslash
    const c = this.peek();
    if (c === -1) throw new Bail('trailing backslash');
    this.i++;
    switch (c) {
      case 0x62: // \b
      case 0x42: // \B
        return EMPTY;
      case 0x64: return charSetInfo(DIGITS, false, this.mode); // \d
      case 0x73: case 0x77: case 0x44: case 0x53: case 0x57: return ANY; // \s \w \D \S \W
      case 0x6e: return this.literal(0x0a);
      case 0x72: return this.literal(0x0d);
      case 0x74: return this.literal(0x09);
      case 0x66: return this.literal(0x0c);
      case 0x76: return this.literal(0x0b);
      case 0x30: // \0 (octal escapes when a digit follows: not modelled)
        if (hexDigit(this.peek()) >= 0 && this.peek() <= 0x39) return ANY;
        return this.literal(0);
      case 0x78: { // \xHH, else Annex B identity escape `x`
        const h = hexDigit(this.peek());
        const l = hexDigit(this.peek(1));
        if (h < 0 || l < 0) return ANY;
        this.i += 2;
        return this.literal(h * 16 + l);
      }
      case 0x75: { // \uHHHH
        let v = 0;
        for (let k = 0; k < 4; k++) {
          const d = hexDigit(this.peek(k));
          if (d < 0) return ANY;
          v = v * 16 + d;
        }
        this.i += 4;
        return this.literal(v);
      }
      default:
        // Back references, \c, \k, \p and identity escapes of letters/digits: "anything" is safe.
        if ((c >= 0x30 && c <= 0x39) || (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return ANY;
        return this.literal(c);
    }
  }

  /** One class atom: a char code, or a list of codes for \d \s \w (and -1 for "too many to list"). */
  private classAtom(): { code: number } | { set: number[] | null } {
    const c = this.peek();
    if (c === -1) throw new Bail('unclosed class');
    this.i++;
    if (c !== 0x5c) return { code: c };
    const e = this.peek();
    if (e === -1) throw new Bail('unclosed class');
    this.i++;
    switch (e) {
      case 0x64: return { set: DIGITS };
      case 0x73: return { set: SPACES };
      case 0x77: return { set: WORD };
      case 0x44: case 0x53: case 0x57: return { set: null };
      case 0x62: return { code: 0x08 };
      case 0x6e: return { code: 0x0a };
      case 0x72: return { code: 0x0d };
      case 0x74: return { code: 0x09 };
      case 0x66: return { code: 0x0c };
      case 0x76: return { code: 0x0b };
      case 0x30:
        if (this.peek() >= 0x30 && this.peek() <= 0x39) return { set: null };
        return { code: 0 };
      case 0x78: {
        const h = hexDigit(this.peek());
        const l = hexDigit(this.peek(1));
        if (h < 0 || l < 0) return { set: null };
        this.i += 2;
        return { code: h * 16 + l };
      }
      case 0x75: {
        let v = 0;
        for (let k = 0; k < 4; k++) {
          const d = hexDigit(this.peek(k));
          if (d < 0) return { set: null };
          v = v * 16 + d;
        }
        this.i += 4;
        return { code: v };
      }
      default:
        if ((e >= 0x30 && e <= 0x39) || ((e | 0x20) >= 0x61 && (e | 0x20) <= 0x7a)) return { set: null };
        return { code: e };
    }
  }

  private charClass(): Info {
    this.i++; // [
    let negated = false;
    if (this.peek() === 0x5e) {
      negated = true;
      this.i++;
    }
    const codes = new Set<number>();
    let unknown = false;
    while (this.peek() !== 0x5d /* ] */) {
      if (--this.budget < 0) throw new Bail('budget');
      const a = this.classAtom();
      if (this.peek() === 0x2d /* - */ && this.peek(1) !== 0x5d && this.peek(1) !== -1 && 'code' in a) {
        this.i++;
        const b = this.classAtom();
        if (!('code' in b)) {
          // Annex B: `[a-\d]` is a, -, and the class
          codes.add(a.code);
          codes.add(0x2d);
          if (b.set === null) unknown = true;
          else for (const x of b.set) codes.add(x);
          continue;
        }
        if (b.code < a.code) throw new Bail('range out of order');
        if (b.code - a.code > 256) unknown = true;
        else for (let x = a.code; x <= b.code; x++) codes.add(x);
        continue;
      }
      if ('code' in a) codes.add(a.code);
      else if (a.set === null) unknown = true;
      else for (const x of a.set) codes.add(x);
    }
    this.i++; // ]
    if (negated || unknown) return ANY;
    return charSetInfo(codes, this.ignoreCase, this.mode);
  }
}

/** Drops literals that contain another literal of the same clause (the shorter one is hit whenever they are). */
function minimize(clause: readonly string[]): string[] {
  const sorted = uniq(clause).sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  const keptSet = new Set<string>();
  let shortest = Infinity;
  for (const s of sorted) {
    // Look up each substring of `s` (literals are short) rather than scanning the kept list: clauses of
    // skeleton analyses hold thousands of literals.
    let covered = false;
    for (let i = 0; i + shortest <= s.length && !covered; i++) {
      for (let j = i + shortest; j <= s.length; j++) {
        if (keptSet.has(s.slice(i, j))) {
          covered = true;
          break;
        }
      }
    }
    if (covered) continue;
    kept.push(s);
    keptSet.add(s);
    if (s.length < shortest) shortest = s.length;
  }
  return kept;
}

function rankClauses(info: Info, clauseMax: number): string[][] {
  const candidates: string[][] = [...info.cnf];
  const top = asClause(info.exact);
  if (top !== null) candidates.push(top);
  const pre = info.exact === null ? asClause(info.prefix ?? null) : null;
  if (pre !== null) candidates.push(pre);
  return uniq(candidates.map((c) => JSON.stringify(minimize(c))))
    .map((k) => JSON.parse(k) as string[])
    .filter((c) => c.length > 0 && c.length <= clauseMax)
    .sort((a, b) => score(b) - score(a));
}

function analyze(source: string, flags: string, mode: Mode): Info | null {
  try {
    return new Analyzer(source, flags.includes('i'), mode).run();
  } catch (err) {
    if (err instanceof Bail) return null;
    throw err;
  }
}

/**
 * Evasion-tolerant spellings in CRS patterns put fillers between the letters of command words (`c\a''t`,
 * `c$@at`, `w^h^o^a^m^i`), so no literal of two letters is required by the regex itself. A skeleton names
 * the filler chars to delete from the value before looking for words, and the chars whose presence makes the
 * check give up (they may start fillers that hold letters, such as `$@` or `${x}`).
 */
interface Skeleton {
  readonly name: string;
  readonly deleted: string;
  readonly excluded: string;
}

/** The CRS Unix (932230, 932235, 932250, 932260) and Windows (932370, 932380) filler alphabets. */
export const SKELETONS: readonly Skeleton[] = [
  { name: 'sh', deleted: `"')[\\`, excluded: '$' },
  { name: 'cmd', deleted: '"^', excluded: '' },
];

/** Patterns shorter than this get no skeleton analysis (the big CRS alternations are 2-10 KB). */
const SKELETON_MIN_SOURCE = 1024;
/** Literals a skeleton clause may hold (it goes to the predicate's own automaton). */
const SKELETON_CLAUSE_MAX = 4096;
/** Skeleton clauses (automata) one predicate tests at most. */
const SKELETON_CLAUSES_KEPT = 2;

function skeletonMode(sk: Skeleton): Mode {
  const chars = new Uint8Array(256);
  for (const c of sk.deleted) chars[c.charCodeAt(0)] = 1;
  for (const c of sk.excluded) chars[c.charCodeAt(0)] = 2;
  for (let c = 0; c < 256; c++) {
    // Letters would make the test case-sensitive (and Latin-1 letters pair up under `i`).
    if (chars[c] !== 0 && (c >= 0x80 || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a))) throw new Error(`skeleton ${sk.name}: letter ${c}`);
  }
  return { chars, clauseMax: SKELETON_CLAUSE_MAX };
}

/**
 * A predicate from a skeleton analysis: true when the value holds an excluded char, else when the value with
 * the deleted chars removed contains a literal of every clause (ASCII-case-insensitively). Necessary for the
 * regex: a match `m` of the regex without excluded chars has its image (deleted chars removed) in the analysed
 * language, so the image satisfies every clause, and the image of `m` is a substring of the value's image.
 */
export function skeletonPredicate(sk: Skeleton, clauses: readonly (readonly string[])[]): PrefilterClause {
  const mode = skeletonMode(sk);
  const chars = mode.chars!;
  const automata = clauses.map((c) => createAhoCorasick(c));
  const test = (value: string): boolean => {
    let image: string | null = null;
    let from = 0;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      const role = c < 256 ? chars[c]! : 0;
      if (role === 0) continue;
      if (role === 2) return true;
      image = (image ?? '') + value.slice(from, i);
      from = i + 1;
    }
    const s = image === null ? value : image + value.slice(from);
    for (const ac of automata) if (!ac.test(s)) return false;
    return true;
  };
  const id = `rx-skeleton:${sk.name}:${clauses.map((c) => [...c].sort().join('\0')).join('\u0001')}`;
  return { kind: 'predicate', id, test };
}

/** The best skeleton predicate for a pattern whose plain clauses are weak (or absent), or null. */
function skeletonClause(source: string, flags: string, plainBest: readonly string[] | undefined): PrefilterClause | null {
  if (source.length < SKELETON_MIN_SOURCE) return null;
  if (plainBest !== undefined && !isWeak(plainBest)) return null;
  let best: { sk: Skeleton; clauses: string[][] } | null = null;
  for (const sk of SKELETONS) {
    const info = analyze(source, flags, skeletonMode(sk));
    if (info === null || isNone(info)) continue;
    const ranked = rankClauses(info, SKELETON_CLAUSE_MAX).filter((c) => !isWeak(c));
    if (ranked.length === 0) continue;
    if (best === null || score(ranked[0]!) > score(best.clauses[0]!)) best = { sk, clauses: ranked.slice(0, SKELETON_CLAUSES_KEPT) };
  }
  return best === null ? null : skeletonPredicate(best.sk, best.clauses);
}

/**
 * The prefilter of a regex compiled with `flags`, or null when nothing useful (or nothing safe) can be said.
 * Only flags that do not change what is matched beyond case are modelled (`u` and `v` give null).
 * Besides the literal clauses (for the engine's shared automaton), a large pattern whose literal clauses are
 * weak may get one predicate clause from a skeleton analysis (see SKELETONS).
 */
export function regexPrefilter(source: string, flags: string): OperatorPrefilter | null {
  if (/[uv]/.test(flags) || source.length > SOURCE_MAX) return null;
  const info = analyze(source, flags, PLAIN);
  if (info === null) return null;
  const ranked = rankClauses(info, CLAUSE_MAX);
  // Clauses of lone letters, digits or spaces filter almost nothing and cost a check per such char: keep
  // one only when nothing better exists.
  const strong = ranked.filter((c) => !isWeak(c));
  const clauses = (strong.length > 0 ? strong : ranked.slice(0, 1)).slice(0, CLAUSES_KEPT);
  const out = clauses.map((literals): PrefilterClause => ({ kind: 'literals', literals }));
  const pred = skeletonClause(source, flags, clauses[0]);
  if (pred !== null) out.push(pred);
  if (out.length === 0) return null;
  return { clauses: out };
}
