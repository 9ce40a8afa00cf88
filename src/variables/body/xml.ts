import { codePointToByteString, utf8ToByteString } from '../bytes.js';
import type { VarEntry } from '../types.js';

/**
 * XML body processor: a small non-validating tokenizer over the body bytes. It never reads a DTD, never
 * resolves or expands entities other than the five predefined ones and numeric character references, and
 * keeps no recursion (open elements are a counter plus a name stack bounded by the body size).
 *
 * It serves the XML collection as the engine's XPath subset needs it: one entry per non-blank text node
 * (text and CDATA) with key `/*`, and one entry per attribute value with key `//@*`. The engine selects
 * `XML:/*` and `XML://@*` by exact key. Text nodes are separate entries (as Coraza does), not the single
 * concatenated string value that libxml2 gives ModSecurity for `/*`.
 */

export const XML_TEXT_KEY = '/*';
export const XML_ATTR_KEY = '//@*';

export interface XmlResult {
  readonly entries: VarEntry[];
  readonly error: string | null;
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isXmlSpace(s.charCodeAt(i))) return false;
  return true;
}

/** Replaces predefined entities and character references; unknown references (`&xxe;`) stay literal. */
export function decodeXmlEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp === -1) return s;
  let out = '';
  let last = 0;
  while (amp !== -1) {
    const semi = s.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 12) {
      amp = s.indexOf('&', amp + 1);
      continue;
    }
    const ref = s.slice(amp + 1, semi);
    let rep: string | undefined;
    if (ref.charCodeAt(0) === 35) {
      const hex = ref.charCodeAt(1) === 120 || ref.charCodeAt(1) === 88;
      const digits = ref.slice(hex ? 2 : 1);
      if (digits !== '' && (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) {
        rep = codePointToByteString(Number.parseInt(digits, hex ? 16 : 10)) || undefined;
      }
    } else {
      rep = PREDEFINED[ref];
    }
    if (rep !== undefined) {
      out += s.slice(last, amp) + rep;
      last = semi + 1;
    }
    amp = s.indexOf('&', rep !== undefined ? semi + 1 : amp + 1);
  }
  return out + s.slice(last);
}

/** UTF-16 bodies (with BOM) are re-encoded to UTF-8 bytes; a UTF-8 BOM is dropped. */
function normaliseEncoding(body: string): string {
  const b0 = body.charCodeAt(0);
  const b1 = body.charCodeAt(1);
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    let bytes = Buffer.from(body.slice(2), 'latin1');
    if (bytes.length % 2 === 1) bytes = bytes.subarray(0, bytes.length - 1);
    if (b0 === 0xfe) bytes.swap16();
    return utf8ToByteString(bytes.toString('utf16le'));
  }
  if (b0 === 0xef && b1 === 0xbb && body.charCodeAt(2) === 0xbf) return body.slice(3);
  return body;
}

function isNameEnd(c: number): boolean {
  return isXmlSpace(c) || c === 47 || c === 62 || c === 61 || c === 60;
}

/** Index of the `>` that ends a DOCTYPE starting at `from`, skipping quoted strings and the internal subset. */
function doctypeEnd(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 39) {
      const q = s.indexOf(c === 34 ? '"' : "'", i + 1);
      if (q === -1) return -1;
      i = q;
    } else if (c === 91) {
      depth++;
    } else if (c === 93) {
      depth--;
    } else if (c === 62 && depth <= 0) {
      return i;
    }
  }
  return -1;
}

/**
 * Tokenises an XML body (byte string). Well-formedness problems (mismatched or unclosed tags, text or a
 * second element outside the root, bad attributes, unterminated constructs, nesting deeper than
 * `maxDepth`, more than `maxNodes` values) set `error`; collection goes on where it safely can.
 */
export function parseXml(raw: string, maxDepth: number, maxNodes: number): XmlResult {
  const s = normaliseEncoding(raw);
  const entries: VarEntry[] = [];
  let error: string | null = null;
  const fail = (msg: string): void => {
    error ??= msg;
  };
  const add = (key: string, value: string): void => {
    if (entries.length >= maxNodes) {
      fail(`more than ${maxNodes} XML values`);
      return;
    }
    entries.push({ key, value });
  };
  const stack: string[] = [];
  let seenRoot = false;
  const n = s.length;
  let i = 0;
  while (i < n) {
    const lt = s.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      const text = s.slice(i, textEnd);
      if (!isBlank(text)) {
        if (stack.length === 0) fail('content outside the root element');
        add(XML_TEXT_KEY, decodeXmlEntities(text));
      }
    }
    if (lt === -1) break;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      if (end === -1) { fail('unterminated comment'); break; }
      i = end + 3;
      continue;
    }
    if (s.startsWith('<![CDATA[', lt)) {
      const end = s.indexOf(']]>', lt + 9);
      if (end === -1) { fail('unterminated CDATA section'); break; }
      if (stack.length === 0) fail('CDATA outside the root element');
      const text = s.slice(lt + 9, end);
      if (!isBlank(text)) add(XML_TEXT_KEY, text);
      i = end + 3;
      continue;
    }
    if (s.startsWith('<?', lt)) {
      const end = s.indexOf('?>', lt + 2);
      if (end === -1) { fail('unterminated processing instruction'); break; }
      i = end + 2;
      continue;
    }
    if (s.startsWith('<!DOCTYPE', lt)) {
      // Skipped whole, never interpreted: no external subset, no entity declarations take effect.
      if (seenRoot) fail('DOCTYPE after the root element');
      const end = doctypeEnd(s, lt + 9);
      if (end === -1) { fail('unterminated DOCTYPE'); break; }
      i = end + 1;
      continue;
    }
    if (s.charCodeAt(lt + 1) === 33) {
      fail('unknown markup declaration');
      const end = s.indexOf('>', lt + 2);
      if (end === -1) break;
      i = end + 1;
      continue;
    }
    if (s.charCodeAt(lt + 1) === 47) {
      const gt = s.indexOf('>', lt + 2);
      if (gt === -1) { fail('unterminated end tag'); break; }
      const name = s.slice(lt + 2, gt).trim();
      const open = stack.pop();
      if (open === undefined) fail('end tag without start tag');
      else if (open !== name) fail('mismatched end tag');
      i = gt + 1;
      continue;
    }
    // Start tag.
    let j = lt + 1;
    while (j < n && !isNameEnd(s.charCodeAt(j))) j++;
    const name = s.slice(lt + 1, j);
    if (name === '') fail('invalid start tag');
    if (stack.length === 0 && seenRoot) fail('more than one root element');
    seenRoot = true;
    let selfClosing = false;
    let closed = false;
    while (j < n) {
      let c = s.charCodeAt(j);
      if (isXmlSpace(c)) { j++; continue; }
      if (c === 62) { closed = true; j++; break; }
      if (c === 47) {
        if (s.charCodeAt(j + 1) === 62) { selfClosing = true; closed = true; j += 2; break; }
        fail('invalid start tag');
        j++;
        continue;
      }
      const attrStart = j;
      while (j < n && !isNameEnd(s.charCodeAt(j))) j++;
      if (j === attrStart) { fail('invalid attribute'); j++; continue; }
      while (j < n && isXmlSpace(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) !== 61) { fail('attribute without value'); continue; }
      j++;
      while (j < n && isXmlSpace(s.charCodeAt(j))) j++;
      c = s.charCodeAt(j);
      if (c !== 34 && c !== 39) {
        fail('unquoted attribute value');
        const vStart = j;
        while (j < n && !isXmlSpace(s.charCodeAt(j)) && s.charCodeAt(j) !== 62) j++;
        if (j > vStart) add(XML_ATTR_KEY, decodeXmlEntities(s.slice(vStart, j)));
        continue;
      }
      const end = s.indexOf(c === 34 ? '"' : "'", j + 1);
      if (end === -1) { fail('unterminated attribute value'); j = n; break; }
      const value = s.slice(j + 1, end);
      if (value.includes('<')) fail("'<' in attribute value");
      add(XML_ATTR_KEY, decodeXmlEntities(value));
      j = end + 1;
    }
    if (!closed) { fail('unterminated start tag'); break; }
    if (!selfClosing) {
      stack.push(name);
      if (stack.length > maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
    }
    i = j;
  }
  if (stack.length > 0) fail('unclosed element');
  if (!seenRoot) fail('no root element');
  return { entries, error };
}
