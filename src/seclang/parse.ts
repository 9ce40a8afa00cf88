import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { bareMessage, PortcullisError } from '../errors.js';
import type { RuleSource } from '../rules/types.js';
import { continuesChain, createParserState, directiveHandler, type DirectiveContext, type ParserState } from './directives.js';
import { splitArguments, splitLogicalLines, syntaxError, where, type Location } from './lexer.js';
import { expandGlob, hasGlob } from './glob.js';
import { BASE_CONFIG_NAME, BASE_CONFIG_TEXT } from './base-config.js';

export interface SecLangOptions {
  /** Name used in error messages and `RuleSpec.source` (default `<inline>`); its directory anchors Include. */
  readonly file?: string;
  /** Directory for relative Include/data paths when `file` is not given; also `RuleSource.baseDir`. */
  readonly baseDir?: string;
  /** Reads a file as a byte string (default: fs, latin1). */
  readonly readFile?: (path: string) => string;
  /** Lists a directory's entry names, for glob patterns (default: fs.readdirSync). */
  readonly listDir?: (dir: string) => string[];
  /** Include nesting depth already reached (default 0). */
  readonly includeDepth?: number;
}

/** Include nesting past this depth is an error (a loop, most likely). */
export const MAX_INCLUDE_DEPTH = 16;

interface Io {
  readonly readFile: (path: string) => string;
  readonly listDir: (dir: string) => string[];
}

function defaultReadFile(path: string): string {
  return readFileSync(path, 'latin1');
}

function defaultListDir(dir: string): string[] {
  return readdirSync(dir);
}

/**
 * Text → byte string: a UTF-8 BOM is dropped, and text holding chars above 0xFF (a JS string typed by a user) is
 * re-encoded as its UTF-8 bytes, so that regexes and literals match request bytes.
 */
function toByteString(text: string): string {
  let t = text;
  if (t.startsWith('\ufeff')) t = t.slice(1);
  if (t.startsWith('\xef\xbb\xbf')) t = t.slice(3);
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\xff]/.test(t)) t = Buffer.from(t, 'utf8').toString('latin1');
  return t;
}

function includeError(loc: Location | undefined, problem: string, cause?: unknown): PortcullisError {
  const prefix = loc ? `${where(loc)}: ` : '';
  return new PortcullisError('ERR_PORTCULLIS_SECLANG_INCLUDE', `${prefix}${problem}`, cause === undefined ? undefined : { cause });
}

function resolvePath(pattern: string, dir: string | undefined): string {
  if (isAbsolute(pattern) || dir === undefined) return pattern;
  return join(dir, pattern);
}

/** Expands a path that may hold `*`, `?`, `[...]` into the matching files, sorted like Apache does. */
function expandPath(path: string, io: Io, loc: Location | undefined, optional: boolean): string[] {
  if (!hasGlob(path)) return [path];
  let files: string[];
  try {
    files = expandGlob(path, io.listDir);
  } catch (err) {
    throw includeError(loc, `cannot expand "${path}": ${bareMessage(err)}`, err);
  }
  if (files.length === 0 && !optional) throw includeError(loc, `no files match "${path}"`);
  return files;
}

function parseInto(state: ParserState, text: string, file: string, dir: string | undefined, depth: number, io: Io): void {
  const lines = splitLogicalLines(toByteString(text));
  for (const { line, text: logical } of lines) {
    const loc: Location = { file, line };
    const args = splitArguments(logical, loc);
    const name = args[0];
    if (name === undefined) continue;
    const handler = directiveHandler(name);
    if (!handler) {
      throw new PortcullisError('ERR_PORTCULLIS_SECLANG_DIRECTIVE', `${where(loc)}: unknown directive "${name}"`);
    }
    if (state.chain && !continuesChain(name)) {
      const head = state.chain[0]!.loc;
      throw syntaxError(loc, `${name} found where a SecRule must continue the chain started at ${where(head)}`);
    }
    const ctx: DirectiveContext = {
      state,
      loc,
      dataDir: dir,
      include: (pattern, optional) => includeFiles(state, pattern, optional, loc, dir, depth + 1, io),
    };
    handler(ctx, args.slice(1));
  }
  if (state.chain) {
    const last = state.chain[state.chain.length - 1]!.loc;
    state.chain = undefined;
    throw syntaxError(last, 'rule has the chain action but no SecRule follows in this file');
  }
}

function parseFile(state: ParserState, path: string, depth: number, io: Io, loc: Location | undefined): void {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (err) {
    throw includeError(loc, `cannot read "${path}": ${bareMessage(err)}`, err);
  }
  parseInto(state, text, path, dirname(path), depth, io);
}

function includeFiles(
  state: ParserState, pattern: string, optional: boolean, loc: Location, dir: string | undefined, depth: number, io: Io,
): void {
  if (depth > MAX_INCLUDE_DEPTH) {
    throw includeError(loc, `Include nesting deeper than ${MAX_INCLUDE_DEPTH} levels (an Include loop?) at "${pattern}"`);
  }
  const files = expandPath(resolvePath(pattern, dir), io, loc, optional);
  for (const f of files) {
    if (optional && !hasGlob(pattern)) {
      let text: string;
      try { text = io.readFile(f); } catch { continue; }
      parseInto(state, text, f, dirname(f), depth, io);
      continue;
    }
    parseFile(state, f, depth, io, loc);
  }
}

function ioFrom(options: SecLangOptions): Io {
  return { readFile: options.readFile ?? defaultReadFile, listDir: options.listDir ?? defaultListDir };
}

function result(state: ParserState, baseDir: string | undefined): RuleSource {
  return {
    entries: state.entries,
    directives: state.directives,
    ...(baseDir !== undefined ? { baseDir } : {}),
  };
}

/**
 * Compiles SecLang text into the rule IR. `Include` paths resolve against the directory of `options.file`
 * (or `options.baseDir`). Throws PortcullisError ERR_PORTCULLIS_SECLANG_SYNTAX / _DIRECTIVE / _INCLUDE (or
 * ERR_PORTCULLIS_REGEX_TRANSLATE) with `file:line` in the message.
 */
export function parseSecLang(text: string, options: SecLangOptions = {}): RuleSource {
  const state = createParserState();
  const file = options.file ?? '<inline>';
  const dir = options.file !== undefined ? dirname(options.file) : options.baseDir;
  parseInto(state, text, file, dir, options.includeDepth ?? 0, ioFrom(options));
  return result(state, options.baseDir ?? dir);
}

/**
 * Reads and compiles SecLang files in order, as one configuration (SecRuleUpdate… and SecRuleRemove… in a later file
 * see the rules of earlier ones). Entries may be glob patterns (`rules/*.conf` style), expanded and sorted lexically.
 */
export function loadSecLangFiles(paths: readonly string[] | string, options: SecLangOptions = {}): RuleSource {
  const io = ioFrom(options);
  const state = createParserState();
  const list = typeof paths === 'string' ? [paths] : paths;
  let firstDir: string | undefined;
  for (const p of list) {
    const full = resolvePath(p, options.baseDir);
    for (const f of expandPath(full, io, undefined, false)) {
      firstDir ??= dirname(f);
      parseFile(state, f, options.includeDepth ?? 0, io, undefined);
    }
  }
  return result(state, options.baseDir ?? firstDir);
}

/**
 * One entry of `rules.seclang`: a `.conf` file path, a directory (its `*.conf` files in lexical order, not
 * recursive, as CRS ships `rules/`), or SecLang text with an optional name for error messages.
 */
export type SecLangSource = string | { readonly text: string; readonly name?: string };

export interface LoadSecLangOptions extends Pick<SecLangOptions, 'readFile' | 'listDir'> {
  /** Prepend the built-in ModSecurity base rules (200000-200007, see base-config.ts). Default true. */
  readonly base?: boolean;
  /** Tells a directory from a file (default: fs.statSync). */
  readonly isDirectory?: (path: string) => boolean;
}

function defaultIsDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Loads `rules.seclang` entries, in order, as one configuration (later SecRuleUpdate…/SecRuleRemove… see the
 * rules of earlier entries; Include works inside files with the depth limit MAX_INCLUDE_DEPTH). Errors are
 * PortcullisError ERR_PORTCULLIS_SECLANG_* with `file:line`.
 */
export function loadSecLangSources(sources: readonly SecLangSource[], options: LoadSecLangOptions = {}): RuleSource {
  const io = ioFrom(options);
  const isDir = options.isDirectory ?? defaultIsDirectory;
  const state = createParserState();
  if (options.base !== false) parseInto(state, BASE_CONFIG_TEXT, BASE_CONFIG_NAME, undefined, 0, io);
  let firstDir: string | undefined;
  sources.forEach((src, i) => {
    if (typeof src === 'string') {
      if (isDir(src)) {
        let names: string[];
        try {
          names = io.listDir(src);
        } catch (err) {
          throw includeError(undefined, `rules.seclang[${i}]: cannot list directory "${src}": ${bareMessage(err)}`, err);
        }
        const files = names.filter((n) => n.endsWith('.conf') && !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        if (files.length === 0) throw includeError(undefined, `rules.seclang[${i}]: directory "${src}" holds no .conf files`);
        firstDir ??= src;
        for (const f of files) parseFile(state, join(src, f), 0, io, undefined);
        return;
      }
      firstDir ??= dirname(src);
      let text: string;
      try {
        text = io.readFile(src);
      } catch (err) {
        throw includeError(undefined, `rules.seclang[${i}]: cannot read "${src}": ${bareMessage(err)}`, err);
      }
      parseInto(state, text, src, dirname(src), 0, io);
      return;
    }
    const name = src.name ?? `<rules.seclang[${i}]>`;
    parseInto(state, src.text, name, undefined, 0, io);
  });
  return result(state, firstDir);
}
