import { bareMessage, PortcullisError } from '../errors.js';
import { parseTarget, splitTargetList } from '../rules/targets.js';
import type { TargetSpec } from '../rules/types.js';
import { where, type Location } from './lexer.js';
import { translatePcre } from './regex.js';

/** Drops the ` [ERR_…]` suffix PortcullisError adds, so a re-thrown message does not carry two codes. */

/**
 * Re-throws `err` with `file:line` in front. Regex translation errors keep their code; everything else becomes
 * `code` (default ERR_PORTCULLIS_SECLANG_DIRECTIVE).
 */
export function rethrowAt(
  loc: Location, err: unknown, code: 'ERR_PORTCULLIS_SECLANG_DIRECTIVE' | 'ERR_PORTCULLIS_SECLANG_SYNTAX' = 'ERR_PORTCULLIS_SECLANG_DIRECTIVE',
): never {
  if (err instanceof PortcullisError && err.message.startsWith(`${where(loc)}: `)) throw err;
  const keep = err instanceof PortcullisError && err.code === 'ERR_PORTCULLIS_REGEX_TRANSLATE';
  throw new PortcullisError(keep ? 'ERR_PORTCULLIS_REGEX_TRANSLATE' : code, `${where(loc)}: ${bareMessage(err)}`, { cause: err });
}

const REGEX_SELECTOR = /^([!&]?)([A-Za-z_]+):\/([\s\S]*)\/$/;

/**
 * Rewrites a `COLL:/pcre/` selector to `COLL:/js/`: the PCRE source goes through translatePcre with `.` written
 * as `[\s\S]`, so the selector needs only the `i` flag that the target matcher always applies.
 */
export function translateSelector(target: string): string {
  const t = target.trim();
  const m = REGEX_SELECTOR.exec(t);
  if (!m || m[2]!.toUpperCase() === 'XML') return t;
  const { source } = translatePcre(m[3]!, { inlineDotAll: true });
  return `${m[1]!}${m[2]!}:/${source}/`;
}

/** Parses one SecLang target (regex selectors translated first). */
export function parseSecLangTarget(text: string): TargetSpec {
  return parseTarget(translateSelector(text));
}

/** Parses a `|`-separated SecLang target list (regex selectors translated first). */
export function parseSecLangTargets(text: string): TargetSpec[] {
  const list = splitTargetList(text);
  if (list.length === 0) throw new PortcullisError('ERR_PORTCULLIS_SECLANG_DIRECTIVE', 'a rule needs at least one target');
  return list.map(parseSecLangTarget);
}

/** Parses `1`, `1-99`, `1,5 7-9` into inclusive id ranges. */
export function parseIdRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const part of text.split(/[\s,]+/)) {
    if (part.length === 0) continue;
    const m = /^(\d{1,15})(?:-(\d{1,15}))?$/.exec(part);
    if (!m) throw new PortcullisError('ERR_PORTCULLIS_SECLANG_DIRECTIVE', `bad rule id or range "${part}"`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new PortcullisError('ERR_PORTCULLIS_SECLANG_DIRECTIVE', `rule id range "${part}" is reversed`);
    out.push([lo, hi]);
  }
  if (out.length === 0) throw new PortcullisError('ERR_PORTCULLIS_SECLANG_DIRECTIVE', 'expected a rule id or range');
  return out;
}

export { inRanges } from '../rules/ids.js';
