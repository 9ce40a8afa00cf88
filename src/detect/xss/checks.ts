/**
 * What the XSS detector considers dangerous, as small predicates over scanner events.
 *
 * Policy (documented decision): plain formatting markup (`<b>`, `<p>Hello</p>`, `<a href="https://..">`,
 * `<img src="cat.png" alt="">`) is NOT flagged, as in CRS/libinjection. Flagged: elements that run or
 * load script / styles / documents, any `on*=` handler on a tag, script-bearing URL schemes in any
 * attribute value, dangerous inline CSS, IE conditional comments, CDATA sections, `<?xml-stylesheet`.
 */
import { normalizeCss, normalizeUrlPrefix } from './entities.js';

/** Elements that execute or load script, documents or styles, or switch the parser (svg/math). */
export const DANGEROUS_TAGS: ReadonlySet<string> = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'link', 'meta', 'style', 'svg',
  'math', 'xml', 'import', 'isindex', 'portal', 'noscript', 'handler', 'listener', 'vmlframe', 'xss',
]);

const SCRIPT_SCHEMES: readonly string[] = ['javascript:', 'vbscript:', 'livescript:', 'mocha:'];

const DATA_MIMES: readonly string[] = [
  'text/html', 'application/xhtml', 'image/svg', 'text/xml', 'application/xml', 'text/javascript',
  'application/javascript', 'application/x-javascript', 'application/ecmascript', 'text/ecmascript',
  'text/vbscript', 'application/x-shockwave-flash',
];

const STYLE_MARKERS: readonly string[] = ['expression(', 'javascript:', 'vbscript:', '-moz-binding', 'behavior:', '@import'];

export function isDangerousTag(name: string): boolean {
  const local = name.slice(name.lastIndexOf(':') + 1);
  return DANGEROUS_TAGS.has(local);
}

/** `on` followed by 3..38 ASCII letters: onload, onerror, onpointerenter, onbeforehellfreezes, ... */
export function isEventHandlerName(name: string, nameLen: number): boolean {
  if (nameLen < 5 || nameLen > 40 || !name.startsWith('on')) return false;
  for (let i = 2; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}

/** Looks like code rather than a word or number (for handlers reached by an attribute breakout). */
export function looksLikeScript(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x28 || c === 0x60 || c === 0x3d || c === 0x5b || c === 0x26) return true;
  }
  return false;
}

/** 'script' (javascript:/vbscript:...), 'data' (data: with an active MIME type) or null. */
export function dangerousScheme(value: string): 'script' | 'data' | null {
  // old IE accepted backtick-quoted attribute values: <img src=`javascript:...`>
  const norm = normalizeUrlPrefix(value.charCodeAt(0) === 0x60 ? value.slice(1) : value, 48);
  for (const s of SCRIPT_SCHEMES) if (norm.startsWith(s)) return 'script';
  if (norm.startsWith('data:')) {
    for (const m of DATA_MIMES) if (norm.startsWith(m, 5)) return 'data';
  }
  return null;
}

export function isDangerousStyle(value: string): boolean {
  const css = normalizeCss(value);
  for (const m of STYLE_MARKERS) if (css.includes(m)) return true;
  return false;
}

/** Attribute check; `tag` is '' for attributes reached by breaking out of an attribute value. */
export function isDangerousAttribute(tag: string, name: string, nameLen: number, value: string | null): boolean {
  if (value === null) return false;
  if (isEventHandlerName(name, nameLen)) return tag !== '' ? value.length > 0 : looksLikeScript(value);
  if (dangerousScheme(value) !== null) return true;
  return name === 'style' && isDangerousStyle(value);
}

/** The value an attribute-context input starts with (`javascript:alert(1)` pasted into `href=`). */
export function isDangerousInitialValue(value: string): boolean {
  const scheme = dangerousScheme(value);
  if (scheme === 'script') return looksLikeScript(value);
  return scheme === 'data' && value.includes(',');
}

/** `<!--[if`, `<![CDATA[`, `<?xml-stylesheet`, `<?import` (text starts after `<`). */
export function isDangerousMarkup(text: string): boolean {
  const t = text.toLowerCase();
  if (t.startsWith('!--')) {
    let i = 3;
    while (i < t.length && t.charCodeAt(i) <= 0x20) i++;
    return t.startsWith('[if', i);
  }
  return t.startsWith('![cdata[') || t.startsWith('?xml-stylesheet') || t.startsWith('?import');
}
