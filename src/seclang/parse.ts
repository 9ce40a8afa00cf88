import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { bareMessage, PortcullisError } from '../errors.js';
import type { RuleSource } from '../rules/types.js';
import { continuesChain, createParserState, directiveHandler, type DirectiveContext, type ParserState } from './directives.js';
import { splitArguments, splitLogicalLines, syntaxError, where, type Location } from './lexer.js';
import { expandGlobSteps, hasGlob } from './glob.js';
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
 * What the loader asks of its driver. The loader is one generator shared by the synchronous entry points (driven
 * to completion with fs.*Sync) and the asynchronous one (fs/promises, yielding to the event loop between files and
 * every `sliceMs` of parsing): `read`/`list`/`isDir` want the result sent back (or the error thrown in), `tick`
 * marks a point (after each directive) where the work may be cut.
 */
type Effect =
  | { readonly op: 'read'; readonly path: string }
  | { readonly op: 'list'; readonly dir: string }
  | { readonly op: 'isDir'; readonly path: string }
  | { readonly op: 'tick' };

type Steps<T> = Generator<Effect, T, unknown>;

const TICK: Effect = { op: 'tick' };

function* readStep(path: string): Steps<string> {
  return (yield { op: 'read', path }) as string;
}

function* listStep(dir: string): Steps<string[]> {
  return (yield { op: 'list', dir }) as string[];
}

function* isDirStep(path: string): Steps<boolean> {
  return (yield { op: 'isDir', path }) as boolean;
}

/** expandGlobSteps with its directory listings turned into loader effects (errors thrown back in unchanged). */
function* globStep(pattern: string): Steps<string[]> {
  const steps = expandGlobSteps(pattern);
  let r = steps.next();
  while (!r.done) {
    let names: string[];
    try {
      names = yield* listStep(r.value);
    } catch (err) {
      r = steps.throw(err);
      continue;
    }
    r = steps.next(names);
  }
  return r.value;
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
function* expandPath(path: string, loc: Location | undefined, optional: boolean): Steps<string[]> {
  if (!hasGlob(path)) return [path];
  let files: string[];
  try {
    files = yield* globStep(path);
  } catch (err) {
    throw includeError(loc, `cannot expand "${path}": ${bareMessage(err)}`, err);
  }
  if (files.length === 0 && !optional) throw includeError(loc, `no files match "${path}"`);
  return files;
}

function* parseInto(state: ParserState, text: string, file: string, dir: string | undefined, depth: number): Steps<void> {
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
    // Include/IncludeOptional only validate their arguments in the handler; the files are parsed here, right after.
    const includes: [pattern: string, optional: boolean][] = [];
    const ctx: DirectiveContext = {
      state,
      loc,
      dataDir: dir,
      include: (pattern, optional) => { includes.push([pattern, optional]); },
    };
    handler(ctx, args.slice(1));
    for (const [pattern, optional] of includes) yield* includeFiles(state, pattern, optional, loc, dir, depth + 1);
    yield TICK;
  }
  if (state.chain) {
    const last = state.chain[state.chain.length - 1]!.loc;
    state.chain = undefined;
    throw syntaxError(last, 'rule has the chain action but no SecRule follows in this file');
  }
}

function* parseFile(state: ParserState, path: string, depth: number, loc: Location | undefined): Steps<void> {
  let text: string;
  try {
    text = yield* readStep(path);
  } catch (err) {
    throw includeError(loc, `cannot read "${path}": ${bareMessage(err)}`, err);
  }
  yield* parseInto(state, text, path, dirname(path), depth);
}

function* includeFiles(
  state: ParserState, pattern: string, optional: boolean, loc: Location, dir: string | undefined, depth: number,
): Steps<void> {
  if (depth > MAX_INCLUDE_DEPTH) {
    throw includeError(loc, `Include nesting deeper than ${MAX_INCLUDE_DEPTH} levels (an Include loop?) at "${pattern}"`);
  }
  const files = yield* expandPath(resolvePath(pattern, dir), loc, optional);
  for (const f of files) {
    if (optional && !hasGlob(pattern)) {
      let text: string;
      try { text = yield* readStep(f); } catch { continue; }
      yield* parseInto(state, text, f, dirname(f), depth);
      continue;
    }
    yield* parseFile(state, f, depth, loc);
  }
}

function ioFrom(options: SecLangOptions): Io {
  return { readFile: options.readFile ?? defaultReadFile, listDir: options.listDir ?? defaultListDir };
}

/** Runs the loader to completion synchronously. */
function runSync<T>(steps: Steps<T>, io: Io, isDir: (path: string) => boolean = defaultIsDirectory): T {
  let r = steps.next();
  while (!r.done) {
    const effect = r.value;
    let value: unknown;
    try {
      value = effect.op === 'read' ? io.readFile(effect.path)
        : effect.op === 'list' ? io.listDir(effect.dir)
          : effect.op === 'isDir' ? isDir(effect.path)
            : undefined;
    } catch (err) {
      r = steps.throw(err);
      continue;
    }
    r = steps.next(value);
  }
  return r.value;
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
  runSync(parseInto(state, text, file, dir, options.includeDepth ?? 0), ioFrom(options));
  return result(state, options.baseDir ?? dir);
}

function* loadFilesSteps(list: readonly string[], options: SecLangOptions): Steps<RuleSource> {
  const state = createParserState();
  let firstDir: string | undefined;
  for (const p of list) {
    const full = resolvePath(p, options.baseDir);
    for (const f of yield* expandPath(full, undefined, false)) {
      firstDir ??= dirname(f);
      yield* parseFile(state, f, options.includeDepth ?? 0, undefined);
    }
  }
  return result(state, options.baseDir ?? firstDir);
}

/**
 * Reads and compiles SecLang files in order, as one configuration (SecRuleUpdate… and SecRuleRemove… in a later file
 * see the rules of earlier ones). Entries may be glob patterns (`rules/*.conf` style), expanded and sorted lexically.
 */
export function loadSecLangFiles(paths: readonly string[] | string, options: SecLangOptions = {}): RuleSource {
  return runSync(loadFilesSteps(typeof paths === 'string' ? [paths] : paths, options), ioFrom(options));
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

function* loadSourcesSteps(sources: readonly SecLangSource[], options: LoadSecLangOptions): Steps<RuleSource> {
  const state = createParserState();
  if (options.base !== false) yield* parseInto(state, BASE_CONFIG_TEXT, BASE_CONFIG_NAME, undefined, 0);
  let firstDir: string | undefined;
  for (const [i, src] of sources.entries()) {
    if (typeof src !== 'string') {
      yield* parseInto(state, src.text, src.name ?? `<rules.seclang[${i}]>`, undefined, 0);
      continue;
    }
    if (yield* isDirStep(src)) {
      let names: string[];
      try {
        names = yield* listStep(src);
      } catch (err) {
        throw includeError(undefined, `rules.seclang[${i}]: cannot list directory "${src}": ${bareMessage(err)}`, err);
      }
      const files = names.filter((n) => n.endsWith('.conf') && !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (files.length === 0) throw includeError(undefined, `rules.seclang[${i}]: directory "${src}" holds no .conf files`);
      firstDir ??= src;
      for (const f of files) yield* parseFile(state, join(src, f), 0, undefined);
      continue;
    }
    firstDir ??= dirname(src);
    let text: string;
    try {
      text = yield* readStep(src);
    } catch (err) {
      throw includeError(undefined, `rules.seclang[${i}]: cannot read "${src}": ${bareMessage(err)}`, err);
    }
    yield* parseInto(state, text, src, dirname(src), 0);
  }
  return result(state, firstDir);
}

/**
 * Loads `rules.seclang` entries, in order, as one configuration (later SecRuleUpdate…/SecRuleRemove… see the
 * rules of earlier entries; Include works inside files with the depth limit MAX_INCLUDE_DEPTH). Errors are
 * PortcullisError ERR_PORTCULLIS_SECLANG_* with `file:line`.
 */
export function loadSecLangSources(sources: readonly SecLangSource[], options: LoadSecLangOptions = {}): RuleSource {
  return runSync(loadSourcesSteps(sources, options), ioFrom(options), options.isDirectory);
}

export interface LoadSecLangAsyncOptions extends LoadSecLangOptions {
  /** Longest stretch of parsing between two yields to the event loop, ms (default 4; 0 = after every directive). */
  readonly sliceMs?: number;
  /** Called once per yield to the event loop (tests and diagnostics count slices with it). */
  readonly onYield?: () => void;
}

async function isDirectoryAsync(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * loadSecLangSources off the request path, for hot reload: the same loader and the same result and errors, but
 * files and directories are read with fs/promises (unless `readFile`/`listDir`/`isDirectory` are given) and parsing
 * yields to the event loop (setImmediate) between files and after at most `sliceMs` of work.
 */
export async function loadSecLangSourcesAsync(sources: readonly SecLangSource[], options: LoadSecLangAsyncOptions = {}): Promise<RuleSource> {
  const sliceMs = options.sliceMs ?? 4;
  const steps = loadSourcesSteps(sources, options);
  const pause = async (): Promise<void> => {
    options.onYield?.();
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  let sliceStart = performance.now();
  let r = steps.next();
  while (!r.done) {
    const effect = r.value;
    if (effect.op === 'tick') {
      if (performance.now() - sliceStart >= sliceMs) {
        await pause();
        sliceStart = performance.now();
      }
      r = steps.next();
      continue;
    }
    let value: unknown;
    try {
      if (effect.op === 'read') {
        // A new file: always let the event loop run before parsing it.
        value = options.readFile ? options.readFile(effect.path) : await readFile(effect.path, 'latin1');
      } else if (effect.op === 'list') {
        value = options.listDir ? options.listDir(effect.dir) : await readdir(effect.dir);
      } else {
        value = options.isDirectory ? options.isDirectory(effect.path) : await isDirectoryAsync(effect.path);
      }
    } catch (err) {
      r = steps.throw(err);
      continue;
    }
    if (effect.op === 'read') {
      // A new file: let the event loop run before parsing it.
      await pause();
      sliceStart = performance.now();
    }
    r = steps.next(value);
  }
  return r.value;
}
