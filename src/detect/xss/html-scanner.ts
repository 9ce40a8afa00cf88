/**
 * A small HTML5-style scanner for the XSS detector. It walks the input once and reports start tags,
 * attributes and markup declarations to an event sink, which may stop the scan early.
 *
 * It can start in four contexts, as if the input had been pasted:
 *  - `data`: in element content (`<p>HERE</p>`);
 *  - `unquoted` / `single` / `double`: inside an attribute value (`<x a=HERE>`, `a='HERE'`, `a="HERE"`);
 *    the text up to the end of that value is reported as the initial value, what follows is parsed as
 *    further attributes of an anonymous tag (tag name `''`), then as content after `>`.
 * Raw-text elements (`style`, `textarea`, `title`, ...) are deliberately scanned as content too: that is
 * where mutation-XSS vectors hide, and a WAF must not trust the element it thinks it is in.
 * Each loop only moves forward: linear time.
 */

export type HtmlContext = 'data' | 'unquoted' | 'single' | 'double';

export interface HtmlEvents {
  /** Start tag `<name` (name lower-cased, at most 64 chars). Return true to stop. */
  tag(name: string): boolean;
  /** Attribute (name lower-cased, at most 64 chars; `nameLen` is its full length); value null without `=`. */
  attr(tag: string, name: string, nameLen: number, value: string | null): boolean;
  /** Markup declaration / processing instruction: up to 32 chars after `<` (starting with `!` or `?`). */
  markup(text: string): boolean;
  /** Attribute contexts: the value the input starts in. */
  initialValue(value: string): boolean;
}

const NAME_CAP = 64;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

function isAsciiLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x7a;
}

interface AttrResult {
  hit: boolean;
  next: number;
}

/** Attribute list starting at i, up to and including `>` (or the end of input). */
function scanAttributes(s: string, i: number, tag: string, ev: HtmlEvents): AttrResult {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSpace(c) || c === 0x2f) {
      i++;
      continue;
    }
    if (c === 0x3e) return { hit: false, next: i + 1 };
    const start = i;
    i++;
    while (i < n) {
      const d = s.charCodeAt(i);
      if (isSpace(d) || d === 0x2f || d === 0x3e || d === 0x3d) break;
      i++;
    }
    const nameLen = i - start;
    const name = s.slice(start, Math.min(i, start + NAME_CAP)).toLowerCase();
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    if (i >= n || s.charCodeAt(i) !== 0x3d) {
      if (ev.attr(tag, name, nameLen, null)) return { hit: true, next: n };
      continue;
    }
    i++;
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    const q = s.charCodeAt(i);
    let value: string;
    if (q === 0x22 || q === 0x27) {
      const close = s.indexOf(String.fromCharCode(q), i + 1);
      const end = close === -1 ? n : close;
      value = s.slice(i + 1, end);
      i = close === -1 ? n : close + 1;
    } else {
      const vs = i;
      while (i < n) {
        const d = s.charCodeAt(i);
        if (isSpace(d) || d === 0x3e) break;
        i++;
      }
      value = s.slice(vs, i);
    }
    if (ev.attr(tag, name, nameLen, value)) return { hit: true, next: n };
  }
  return { hit: false, next: n };
}

function scanData(s: string, i: number, ev: HtmlEvents): boolean {
  const n = s.length;
  while (i < n) {
    const lt = s.indexOf('<', i);
    if (lt === -1 || lt + 1 >= n) return false;
    i = lt + 1;
    const c = s.charCodeAt(i);
    if (c === 0x21 || c === 0x3f) {
      if (ev.markup(s.slice(i, i + 32))) return true;
      continue;
    }
    if (!isAsciiLetter(c)) continue; // `< 6`, `<3`, `</p>`: text (end tags carry nothing that runs)
    let j = i + 1;
    while (j < n) {
      const d = s.charCodeAt(j);
      if (isSpace(d) || d === 0x2f || d === 0x3e) break;
      j++;
    }
    const tag = s.slice(i, Math.min(j, i + NAME_CAP)).toLowerCase();
    if (ev.tag(tag)) return true;
    const r = scanAttributes(s, j, tag, ev);
    if (r.hit) return true;
    i = r.next;
  }
  return false;
}

function initialValueEnd(s: string, ctx: Exclude<HtmlContext, 'data'>): number {
  if (ctx === 'single') return s.indexOf("'");
  if (ctx === 'double') return s.indexOf('"');
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isSpace(c) || c === 0x3e) return i;
  }
  return -1;
}

/** Scans `s` from the given context; true as soon as an event handler returns true. */
export function scanHtml(s: string, ctx: HtmlContext, ev: HtmlEvents): boolean {
  if (ctx === 'data') return scanData(s, 0, ev);
  const found = initialValueEnd(s, ctx);
  const end = found === -1 ? s.length : found;
  if (ev.initialValue(s.slice(0, end))) return true;
  if (end >= s.length) return false;
  if (ctx === 'unquoted' && s.charCodeAt(end) === 0x3e) return scanData(s, end + 1, ev);
  const r = scanAttributes(s, ctx === 'unquoted' ? end : end + 1, '', ev);
  if (r.hit) return true;
  return scanData(s, r.next, ev);
}
