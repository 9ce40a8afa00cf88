/**
 * Shared pieces of the default ruleset: target lists, transformation pipelines and small regex builders.
 *
 * Every regex built here must stay linear (no nested quantifiers, no overlapping alternation under a star);
 * `test/unit/rules/redos.test.ts` checks each one with recheck.
 */

/** Where user-controlled request data lives (query + body args, their names, cookies, XML text). */
export const USER_INPUT = 'ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|XML:/*';

/** USER_INPUT plus the request headers attackers like to abuse for injection (UA, Referer). */
export const USER_INPUT_UA = `${USER_INPUT}|REQUEST_HEADERS:User-Agent`;

/** Values only (no names): for rules whose patterns would be odd in a parameter name. */
export const USER_VALUES = 'ARGS|REQUEST_COOKIES|XML:/*';

/** Decode pipeline for SQL-ish rules (CRS 942100 style). ARGS are already percent-decoded once. */
export const SQL_TRANSFORMS: readonly string[] = ['utf8toUnicode', 'urlDecodeUni', 'removeNulls'];

/** Decode pipeline for XSS rules (CRS 941 family). */
export const XSS_TRANSFORMS: readonly string[] = [
  'utf8toUnicode', 'urlDecodeUni', 'htmlEntityDecode', 'jsDecode', 'cssDecode', 'removeNulls',
];

/** Generic decode pipeline for most injection families. */
export const DECODE: readonly string[] = ['utf8toUnicode', 'urlDecodeUni', 'removeNulls'];

/**
 * Characters and short sequences a shell drops from a word: `w'h'o'a'm'i`, `w"ho"ami`, `wh\oami`, `who^ami`
 * (cmd.exe), `who$@ami`, `who$()ami`, `who${x}ami`. Alternatives start with distinct characters, or `$` followed by
 * distinct characters, so the star stays unambiguous.
 */
const SHELL_GAP = String.raw`(?:['"\\^]|\$@|\$\(\)|\$\{\w{0,8}\})*`;

/** Regex source for a shell word that tolerates quote/escape evasion between its letters. */
export function shellWord(word: string): string {
  const chars = [...word].map((c) => (/[a-z0-9]/i.test(c) ? c : `\\${c}`));
  return chars.join(SHELL_GAP);
}

/** Regex source for an alternation of shell words with evasion gaps. */
export function shellWords(words: readonly string[]): string {
  return `(?:${words.map(shellWord).join('|')})`;
}
