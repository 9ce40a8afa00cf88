import { PortcullisError } from '../errors.js';
import type { CollectionName, KeySelector, TargetSpec } from './types.js';

const COLLECTIONS = new Set<string>([
  'ARGS', 'ARGS_NAMES', 'ARGS_GET', 'ARGS_GET_NAMES', 'ARGS_POST', 'ARGS_POST_NAMES', 'ARGS_COMBINED_SIZE',
  'REQUEST_HEADERS', 'REQUEST_HEADERS_NAMES', 'REQUEST_COOKIES', 'REQUEST_COOKIES_NAMES',
  'REQUEST_METHOD', 'REQUEST_PROTOCOL', 'REQUEST_LINE', 'REQUEST_URI', 'REQUEST_URI_RAW',
  'REQUEST_FILENAME', 'REQUEST_BASENAME', 'QUERY_STRING', 'PATH_INFO',
  'REQUEST_BODY', 'REQUEST_BODY_LENGTH', 'REQBODY_PROCESSOR', 'REQBODY_ERROR', 'REQBODY_ERROR_MSG',
  'REQBODY_PROCESSOR_ERROR', 'INBOUND_DATA_ERROR',
  'FILES', 'FILES_NAMES', 'FILES_SIZES', 'FILES_COMBINED_SIZE',
  'MULTIPART_PART_HEADERS', 'MULTIPART_STRICT_ERROR', 'MULTIPART_UNMATCHED_BOUNDARY', 'MULTIPART_FILENAME',
  'MULTIPART_NAME', 'MULTIPART_BOUNDARY_QUOTED', 'MULTIPART_BOUNDARY_WHITESPACE', 'MULTIPART_DATA_BEFORE',
  'MULTIPART_DATA_AFTER', 'MULTIPART_HEADER_FOLDING', 'MULTIPART_LF_LINE', 'MULTIPART_MISSING_SEMICOLON',
  'MULTIPART_INVALID_QUOTING', 'MULTIPART_INVALID_PART', 'MULTIPART_INVALID_HEADER_FOLDING',
  'MULTIPART_FILE_LIMIT_EXCEEDED', 'MULTIPART_CRLF_LF_LINES',
  'XML', 'REMOTE_ADDR', 'REMOTE_PORT', 'SERVER_NAME', 'SERVER_PORT', 'UNIQUE_ID',
  'RESPONSE_STATUS', 'RESPONSE_HEADERS', 'RESPONSE_HEADERS_NAMES', 'RESPONSE_BODY', 'RESPONSE_PROTOCOL',
  'RESPONSE_CONTENT_TYPE', 'RESPONSE_CONTENT_LENGTH',
  'TX', 'ENV', 'MATCHED_VAR', 'MATCHED_VAR_NAME', 'MATCHED_VARS', 'MATCHED_VARS_NAMES',
  'DURATION', 'TIME', 'TIME_EPOCH', 'HIGHEST_SEVERITY', 'FULL_REQUEST', 'FULL_REQUEST_LENGTH',
  'STATUS_LINE', 'AUTH_TYPE', 'WEBSERVER_ERROR_LOG', 'IP', 'GLOBAL', 'SESSION', 'USER', 'RULE',
]);

export function isCollectionName(name: string): name is CollectionName {
  return COLLECTIONS.has(name);
}

/**
 * Splits a SecLang target list (`ARGS|!ARGS:foo|TX:/^a_/|XML://@*`) on `|`, except inside a `:/regex/`
 * selector, where `|` belongs to the regex.
 */
export function splitTargetList(text: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let inRegex = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inRegex) {
      cur += c;
      if (c === '\\' && i + 1 < text.length) { cur += text[++i]!; continue; }
      if (c === '/') inRegex = false;
      continue;
    }
    if (c === '|') { parts.push(cur); cur = ''; continue; }
    // A regex selector starts right after the first ':' of a target with '/'. XML XPath (XML:/...) is not a regex.
    if (c === '/' && cur.endsWith(':') && !/^[!&]?XML:$/i.test(cur)) { inRegex = true; }
    cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Parses one target such as `!REQUEST_HEADERS:User-Agent`, `&ARGS`, `TX:/^x_/`, `XML://@*`. */
export function parseTarget(text: string): TargetSpec {
  let t = text.trim();
  let exclude = false;
  let count = false;
  if (t.startsWith('!')) { exclude = true; t = t.slice(1); }
  if (t.startsWith('&')) { count = true; t = t.slice(1); }
  const colon = t.indexOf(':');
  const rawName = (colon === -1 ? t : t.slice(0, colon)).trim().toUpperCase();
  const key = colon === -1 ? undefined : t.slice(colon + 1);
  if (!isCollectionName(rawName)) {
    throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', `unknown variable "${rawName}" in target "${text}"`);
  }
  let selector: KeySelector = { kind: 'all' };
  if (key !== undefined && key.length > 0) {
    if (rawName === 'XML') {
      selector = { kind: 'xpath', path: key };
    } else if (key.length >= 2 && key.startsWith('/') && key.endsWith('/')) {
      const pattern = key.slice(1, -1);
      try {
        new RegExp(pattern, 'i');
      } catch (err) {
        throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', `bad regex selector in target "${text}": ${(err as Error).message}`);
      }
      selector = { kind: 'regex', pattern };
    } else {
      let name = key;
      if (name.length >= 2 && name.startsWith("'") && name.endsWith("'")) name = name.slice(1, -1);
      selector = { kind: 'key', name };
    }
  }
  if (exclude && count) {
    throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', `target "${text}" cannot both count (&) and exclude (!)`);
  }
  return { collection: rawName, selector, count, exclude };
}

/** Parses a whole target list: a SecLang string (`ARGS|ARGS_NAMES`) or an array of target strings. */
export function parseTargets(input: string | readonly string[]): TargetSpec[] {
  const list = typeof input === 'string' ? splitTargetList(input) : input.flatMap((t) => splitTargetList(t));
  if (list.length === 0) throw new PortcullisError('ERR_PORTCULLIS_RULE_INVALID', 'a rule needs at least one target');
  return list.map(parseTarget);
}

/** Renders a target back to SecLang form (for messages, `portcullis test` and lint output). */
export function formatTarget(t: TargetSpec): string {
  const prefix = (t.exclude ? '!' : '') + (t.count ? '&' : '');
  switch (t.selector.kind) {
    case 'all': return prefix + t.collection;
    case 'key': return `${prefix}${t.collection}:${t.selector.name}`;
    case 'regex': return `${prefix}${t.collection}:/${t.selector.pattern}/`;
    case 'xpath': return `${prefix}${t.collection}:${t.selector.path}`;
  }
}
