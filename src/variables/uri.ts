import { percentDecode } from './query.js';

/** The parts of a request-target that the URI collections expose. */
export interface RequestTarget {
  /** REQUEST_URI: path and query as received (not decoded), without `scheme://authority` of an absolute-form target. */
  readonly uri: string;
  /** QUERY_STRING: raw text after the first `?`, up to a `#` fragment. */
  readonly query: string;
  /** REQUEST_FILENAME / PATH_INFO: the path (split from the query first, then percent-decoded once). */
  readonly filename: string;
  /** REQUEST_BASENAME: the decoded path after its last `/` or `\`. */
  readonly basename: string;
}

function isSchemeChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/** Strips `http://host:port` from an absolute-form target (ModSecurity: REQUEST_URI never holds a domain). */
function stripAuthority(url: string): string {
  if (url.charCodeAt(0) === 47) return url; // '/': origin-form, the common case
  const sep = url.indexOf('://');
  if (sep <= 0 || sep > 32) return url;
  for (let i = 0; i < sep; i++) if (!isSchemeChar(url.charCodeAt(i))) return url;
  const authStart = sep + 3;
  let end = url.length;
  for (let i = authStart; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  const rest = url.slice(end);
  return rest === '' ? '/' : rest;
}

/**
 * Splits a request-target. Semantics follow ModSecurity >= 3.0.12 and Coraza: the path is separated from the
 * query *before* percent-decoding (CVE-2024-1019: decoding first lets `%3f` cut REQUEST_FILENAME short), and
 * REQUEST_FILENAME is the decoded path. The fragment (`#...`, never sent by browsers) is dropped from the
 * query and path, as Coraza and Node's URL parsers do, but kept in REQUEST_URI and REQUEST_URI_RAW.
 */
export function parseRequestTarget(url: string): RequestTarget {
  const uri = stripAuthority(url);
  const hash = uri.indexOf('#');
  const noFragment = hash === -1 ? uri : uri.slice(0, hash);
  const q = noFragment.indexOf('?');
  const rawPath = q === -1 ? noFragment : noFragment.slice(0, q);
  const query = q === -1 ? '' : noFragment.slice(q + 1);
  const filename = percentDecode(rawPath, false);
  let cut = -1;
  for (let i = filename.length - 1; i >= 0; i--) {
    const c = filename.charCodeAt(i);
    if (c === 47 || c === 92) {
      cut = i;
      break;
    }
  }
  return { uri, query, filename, basename: filename.slice(cut + 1) };
}
