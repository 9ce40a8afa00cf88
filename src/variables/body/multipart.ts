import { percentDecode } from '../query.js';
import type { VarEntry } from '../types.js';
import { TOO_MANY_ARGS } from './types.js';

/**
 * Strict `multipart/form-data` parser over the complete body (a byte string), modelled on ModSecurity's
 * parser so that its MULTIPART_* flags mean the same thing. Unlike ModSecurity it does not stop at the first
 * error: it records the error and keeps going wherever it can, so every part's headers, name, filename and
 * charset are inspected (CVE-2026-21876: CRS 922110 once saw only the last part's charset).
 *
 * Line endings are only judged on delimiter and part-header lines (MULTIPART_LF_LINE, _CRLF_LF_LINES);
 * part content is opaque. File content is never an argument.
 */

export const MULTIPART_FLAG_NAMES = [
  'MULTIPART_STRICT_ERROR', 'MULTIPART_UNMATCHED_BOUNDARY', 'MULTIPART_BOUNDARY_QUOTED',
  'MULTIPART_BOUNDARY_WHITESPACE', 'MULTIPART_DATA_BEFORE', 'MULTIPART_DATA_AFTER', 'MULTIPART_HEADER_FOLDING',
  'MULTIPART_LF_LINE', 'MULTIPART_CRLF_LF_LINES', 'MULTIPART_MISSING_SEMICOLON', 'MULTIPART_INVALID_QUOTING',
  'MULTIPART_INVALID_PART', 'MULTIPART_INVALID_HEADER_FOLDING', 'MULTIPART_FILE_LIMIT_EXCEEDED',
] as const;

export type MultipartFlagName = (typeof MULTIPART_FLAG_NAMES)[number];

export interface MultipartResult {
  /** Form fields (ARGS_POST). */
  readonly args: VarEntry[];
  /** FILES: key = field name, value = file name as sent (e.g. `../../x.php`). */
  readonly files: VarEntry[];
  /** FILES_NAMES: key = value = field name. */
  readonly filesNames: VarEntry[];
  /** FILES_SIZES: key = field name, value = size in bytes. */
  readonly filesSizes: VarEntry[];
  readonly filesCombinedSize: number;
  /** MULTIPART_NAME: every `name` parameter seen (key = value). */
  readonly names: VarEntry[];
  /** MULTIPART_FILENAME: every `filename` / `filename*` parameter seen (key = value). */
  readonly filenames: VarEntry[];
  /** MULTIPART_PART_HEADERS: every part header line (without CRLF), key = the part's name ('' if none). */
  readonly partHeaders: VarEntry[];
  readonly flags: Readonly<Record<MultipartFlagName, boolean>>;
  /** First error (`Multipart: ...` or the argument-limit message), or null. */
  readonly error: string | null;
}

export interface MultipartLimits {
  readonly maxParts: number;
  readonly maxArgs: number;
}

interface PartHeader {
  raw: string;
  readonly lname: string;
  value: string;
}

interface Part {
  readonly headers: PartHeader[];
  readonly seen: Set<string>;
  name: string | null;
  filename: string | null;
}

const MAX_HEADER_LINE = 4096;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isTokenChar(c: number): boolean {
  if (c <= 32 || c >= 127) return false;
  // ( ) < > @ , ; : \ " / [ ] ? =
  return !(c === 40 || c === 41 || c === 60 || c === 62 || c === 64 || c === 44 || c === 59 || c === 58 || c === 92
    || c === 34 || c === 47 || c === 91 || c === 93 || c === 63 || c === 61);
}

/** RFC 2046 bchars; a space is allowed but not as the last character. */
function validBoundaryChars(b: string): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
      || (c === 32 && i < b.length - 1) || c === 39 || c === 40 || c === 41 || c === 43 || c === 95 || c === 44
      || c === 45 || c === 46 || c === 47 || c === 58 || c === 61 || c === 63;
    if (!ok) return false;
  }
  return true;
}

/** How many `boundary` words are followed, somewhere later, by `=` (ModSecurity's duplicate-parameter test). */
function countBoundaryParams(lower: string): number {
  const lastEq = lower.lastIndexOf('=');
  let count = 0;
  for (let i = lower.indexOf('boundary'); i !== -1 && i + 8 <= lastEq; i = lower.indexOf('boundary', i + 8)) count++;
  return count;
}

class MultipartParser {
  readonly args: VarEntry[] = [];
  readonly files: VarEntry[] = [];
  readonly filesNames: VarEntry[] = [];
  readonly filesSizes: VarEntry[] = [];
  filesCombinedSize = 0;
  readonly names: VarEntry[] = [];
  readonly filenames: VarEntry[] = [];
  readonly partHeaders: VarEntry[] = [];
  error: string | null = null;
  flagError = false;
  unmatched = false;
  quoted = false;
  whitespace = false;
  dataBefore = false;
  dataAfter = false;
  folding = false;
  invalidFolding = false;
  lfLine = false;
  crlfLine = false;
  missingSemicolon = false;
  invalidQuoting = false;
  invalidPart = false;
  fileLimit = false;

  constructor(private readonly limits: MultipartLimits) {}

  fail(msg: string): void {
    this.flagError = true;
    this.error ??= `Multipart: ${msg}`;
  }

  /** Boundary from the Content-Type value, with ModSecurity's checks; null when there is none to use. */
  boundary(ct: string): string | null {
    if (ct.length > 1024) {
      this.fail('Invalid boundary in C-T (length).');
      return null;
    }
    const lower = ct.toLowerCase();
    if (!lower.startsWith('multipart/form-data')) this.fail('Invalid MIME type.');
    if (countBoundaryParams(lower) > 1) {
      this.fail('Multiple boundary parameters in C-T.');
      return null;
    }
    let idx = ct.indexOf('boundary');
    if (idx === -1) {
      idx = lower.indexOf('boundary');
      if (idx === -1) {
        this.fail('Boundary not found in C-T.');
        return null;
      }
      this.fail('Invalid boundary in C-T (case sensitivity).');
    }
    const typeEnd = Math.min(19, idx);
    const semi = ct.indexOf(';', typeEnd);
    if (semi === -1 || semi > idx) this.missingSemicolon = true;
    for (let p = typeEnd; p < (semi === -1 || semi > idx ? idx : semi); p++) {
      if (!isSpace(ct.charCodeAt(p))) {
        this.fail('Invalid boundary in C-T (malformed).');
        break;
      }
    }
    const eq = ct.indexOf('=', idx + 8);
    if (eq === -1) {
      this.fail('Invalid boundary in C-T (malformed).');
      return null;
    }
    for (let p = idx + 8; p < eq; p++) {
      if (!isSpace(ct.charCodeAt(p))) {
        this.fail('Invalid boundary in C-T (parameter name).');
        return null;
      }
      this.whitespace = true;
    }
    let b = eq + 1;
    if (b < ct.length && isSpace(ct.charCodeAt(b))) this.whitespace = true;
    while (b < ct.length && isSpace(ct.charCodeAt(b))) b++;
    let value: string;
    if (ct.charCodeAt(b) === 34) {
      const close = ct.indexOf('"', b + 1);
      if (close === -1) {
        this.fail('Invalid boundary in C-T (quote).');
        value = ct.slice(b + 1).trimEnd();
      } else {
        value = ct.slice(b + 1, close);
        this.quoted = true;
      }
    } else {
      const end = ct.indexOf(';', b);
      value = ct.slice(b, end === -1 ? ct.length : end).trimEnd();
      if (value.endsWith('"')) {
        this.fail('Invalid boundary in C-T (quote).');
        value = value.slice(0, -1);
      }
    }
    if (value === '') {
      this.fail('Invalid boundary in C-T (empty).');
      return null;
    }
    if (countBoundaryParams(value.toLowerCase()) !== 0) this.fail('Invalid boundary in C-T (content).');
    if (!validBoundaryChars(value)) this.fail('Invalid boundary in C-T (characters).');
    return value;
  }

  /**
   * MULTIPART_UNMATCHED_BOUNDARY: the boundary preceded by `--` somewhere other than at a line start, or a
   * delimiter line with whitespace or quotes between `--` and the boundary (also an error, as in ModSecurity).
   */
  scanUnmatched(body: string, boundary: string): void {
    for (let j = body.indexOf(boundary); j !== -1; j = body.indexOf(boundary, j + boundary.length)) {
      let b = j - 1;
      let skipped = 0;
      while (b >= 0 && skipped < 8) {
        const c = body.charCodeAt(b);
        if (c !== 32 && c !== 9 && c !== 34 && c !== 39) break;
        b--;
        skipped++;
      }
      if (b < 1 || body.charCodeAt(b) !== 45 || body.charCodeAt(b - 1) !== 45) continue;
      const atLineStart = b === 1 || body.charCodeAt(b - 2) === 10;
      if (skipped === 0 && atLineStart) continue;
      this.unmatched = true;
      if (skipped > 0 && atLineStart) this.fail('Invalid boundary (whitespace or quotes).');
    }
  }

  private lineEnding(terminated: boolean, hasCR: boolean): void {
    if (!terminated) return;
    if (hasCR) this.crlfLine = true;
    else this.lfLine = true;
  }

  parse(body: string, boundary: string): void {
    this.scanUnmatched(body, boundary);
    const delim = `--${boundary}`;
    const n = body.length;
    let ls: number;
    if (body.startsWith(delim, 0)) {
      ls = 0;
    } else {
      if (n > 0) this.dataBefore = true;
      const k = body.indexOf(`\n${delim}`);
      if (k === -1) {
        if (n > 0) this.fail('No boundaries found in payload.');
        return;
      }
      ls = k + 1;
    }
    let parts = 0;
    for (;;) {
      // `ls` is the start of a delimiter line: `--boundary` or `--boundary--`.
      const after = ls + delim.length;
      const isFinal = body.startsWith('--', after);
      const restStart = isFinal ? after + 2 : after;
      const nl = body.indexOf('\n', restStart);
      const lineEnd = nl === -1 ? n : nl;
      const hasCR = lineEnd > restStart && body.charCodeAt(lineEnd - 1) === 13;
      this.lineEnding(nl !== -1, hasCR);
      if ((hasCR ? lineEnd - 1 : lineEnd) > restStart) this.fail('Invalid boundary (trailing characters).');
      const next = nl === -1 ? n : nl + 1;
      if (isFinal) {
        if (next < n) this.dataAfter = true;
        return;
      }
      if (++parts > this.limits.maxParts) {
        this.fileLimit = true;
        this.fail(`Upload file limit exceeded (${this.limits.maxParts} parts).`);
        return;
      }
      const part: Part = { headers: [], seen: new Set(), name: null, filename: null };
      const dataStart = this.readHeaders(body, next, delim, part);
      if (dataStart < 0) {
        // A delimiter (at -dataStart - 1) or the end of the body came before the blank line ending the headers.
        const at = -dataStart - 1;
        this.finishHeaders(part);
        if (part.headers.length > 0 || at < n) this.invalidPart = true;
        this.addPart(part, '');
        if (at >= n) {
          this.fail('Final boundary missing.');
          return;
        }
        ls = at;
        continue;
      }
      this.finishHeaders(part);
      const k = dataStart > 0 ? body.indexOf(`\n${delim}`, dataStart - 1) : -1;
      if (k === -1) {
        this.addPart(part, body.slice(dataStart));
        this.fail('Final boundary missing.');
        return;
      }
      let dataEnd = k;
      if (dataEnd > dataStart && body.charCodeAt(dataEnd - 1) === 13) dataEnd--;
      this.addPart(part, dataEnd > dataStart ? body.slice(dataStart, dataEnd) : '');
      ls = k + 1;
    }
  }

  /**
   * Reads part header lines from `p`. Returns the offset of the part content (after the blank line), or
   * `-(at + 1)` when a delimiter line at `at` (or the end of the body, `at = length`) came first.
   */
  private readHeaders(body: string, p: number, delim: string, part: Part): number {
    const n = body.length;
    while (p < n) {
      if (body.startsWith(delim, p)) return -(p + 1);
      const nl = body.indexOf('\n', p);
      const lineEnd = nl === -1 ? n : nl;
      const hasCR = lineEnd > p && body.charCodeAt(lineEnd - 1) === 13;
      this.lineEnding(nl !== -1, hasCR);
      const contentEnd = hasCR ? lineEnd - 1 : lineEnd;
      const lineStart = p;
      p = nl === -1 ? n : nl + 1;
      if (contentEnd === lineStart) {
        if (nl === -1) return -(n + 1);
        return p;
      }
      this.headerLine(part, body.slice(lineStart, contentEnd));
    }
    return -(n + 1);
  }

  private headerLine(part: Part, line: string): void {
    if (line.includes('\0')) this.fail('Nul byte in part headers.');
    if (line.length > MAX_HEADER_LINE) this.fail(`Part header line over ${MAX_HEADER_LINE} bytes long.`);
    const c0 = line.charCodeAt(0);
    if (isSpace(c0)) {
      this.folding = true;
      let k = 0;
      while (k < line.length && isSpace(line.charCodeAt(k))) {
        const c = line.charCodeAt(k);
        if (c !== 32 && c !== 9) this.invalidFolding = true;
        k++;
      }
      const cont = line.slice(k);
      const last = part.headers[part.headers.length - 1];
      if (last === undefined) {
        this.fail('Invalid part header (folding error).');
        part.headers.push({ raw: line, lname: '', value: cont });
        return;
      }
      last.raw += ` ${cont}`;
      last.value += ` ${cont}`;
      return;
    }
    const colon = line.indexOf(':');
    if (colon === -1) {
      this.fail('Invalid part header (colon missing).');
      part.headers.push({ raw: line, lname: '', value: '' });
      return;
    }
    if (colon === 0) this.fail('Invalid part header (header name missing).');
    for (let i = 0; i < colon; i++) {
      const c = line.charCodeAt(i);
      if (c < 0x21 || c > 0x7e) {
        this.fail('Invalid part header (contains invalid character).');
        break;
      }
    }
    let v = colon + 1;
    while (v < line.length && (line.charCodeAt(v) === 32 || line.charCodeAt(v) === 9)) v++;
    const lname = line.slice(0, colon).toLowerCase();
    if (part.seen.has(lname)) this.fail(`Duplicate part header: ${line.slice(0, colon)}.`);
    part.seen.add(lname);
    part.headers.push({ raw: line, lname, value: line.slice(v) });
  }

  private finishHeaders(part: Part): void {
    let found = false;
    for (const h of part.headers) {
      if (h.lname !== 'content-disposition') continue;
      found = true;
      this.disposition(part, h.value);
    }
    if (!found) {
      if (part.headers.length > 0) this.fail('Part missing Content-Disposition header.');
      this.invalidPart = true;
    } else if (part.name === null) {
      this.fail('Content-Disposition header missing name field.');
      this.invalidPart = true;
    }
  }

  /** Parses a Content-Disposition value as ModSecurity does; codes in messages are ModSecurity's. */
  private disposition(part: Part, v: string): void {
    const bad = (code: number): void => this.fail(`Invalid Content-Disposition header (${code}).`);
    const len = v.length;
    if (v.slice(0, 9).toLowerCase() !== 'form-data') return bad(-1);
    let p = 9;
    const skipWs = (): void => {
      while (p < len && (v.charCodeAt(p) === 32 || v.charCodeAt(p) === 9)) p++;
    };
    skipWs();
    if (p === len) return;
    if (v.charCodeAt(p) !== 59) return bad(-2);
    p++;
    while (p < len) {
      skipWs();
      if (p === len) return bad(-3);
      const start = p;
      while (p < len && v.charCodeAt(p) !== 61 && v.charCodeAt(p) !== 32 && v.charCodeAt(p) !== 9) p++;
      if (p === len) return bad(-4);
      const pname = v.slice(start, p).toLowerCase();
      skipWs();
      if (p === len) return bad(-5);
      if (v.charCodeAt(p) !== 61) return bad(-13);
      p++;
      skipWs();
      if (p === len) return bad(-6);
      let value = '';
      const q = v.charCodeAt(p);
      if (q === 34 || q === 39) {
        if (q === 39) this.invalidQuoting = true;
        p++;
        let closed = false;
        while (p < len) {
          const c = v.charCodeAt(p);
          if (c === 92) {
            if (p + 1 === len) return bad(-8);
            const d = v.charCodeAt(p + 1);
            if (d === q || d === 92) p++;
          } else if (c === q) {
            closed = true;
            break;
          }
          value += v[p];
          p++;
        }
        if (!closed) {
          this.invalidQuoting = true;
          bad(-7);
        }
        p++;
      } else {
        const vs = p;
        while (p < len && isTokenChar(v.charCodeAt(p))) p++;
        value = v.slice(vs, p);
      }
      if (pname === 'name') {
        if (value.includes("'")) this.invalidQuoting = true;
        this.names.push({ key: value, value });
        if (part.name !== null) bad(-14);
        else part.name = value;
      } else if (pname === 'filename' || pname === 'filename*') {
        if (value.includes("'") && pname === 'filename') this.invalidQuoting = true;
        let fname = value;
        if (pname === 'filename*') {
          // RFC 5987 `charset'lang'pct-encoded`: not accepted by ModSecurity (error -11), but parsers such as
          // busboy use it, so its decoded value is exposed as a file name too.
          bad(-11);
          const second = value.indexOf("'", value.indexOf("'") + 1);
          fname = percentDecode(second === -1 ? value : value.slice(second + 1), false);
        }
        this.filenames.push({ key: fname, value: fname });
        if (part.filename !== null && pname === 'filename') bad(-15);
        else if (part.filename === null) part.filename = fname;
      } else {
        bad(-11);
      }
      skipWs();
      if (p >= len) return;
      if (v.charCodeAt(p) !== 59) {
        const prev = v.charCodeAt(p - 1);
        if (prev === 34 || prev === 39) this.invalidQuoting = true;
        return bad(-12);
      }
      p++;
    }
  }

  private addPart(part: Part, data: string): void {
    const key = part.name ?? '';
    for (const h of part.headers) this.partHeaders.push({ key, value: h.raw });
    const name = part.name;
    if (name === null) return;
    if (part.filename !== null && part.filename !== '') {
      this.files.push({ key: name, value: part.filename });
      this.filesNames.push({ key: name, value: name });
      this.filesSizes.push({ key: name, value: String(data.length) });
      this.filesCombinedSize += data.length;
      return;
    }
    if (this.args.length >= this.limits.maxArgs) {
      this.error ??= TOO_MANY_ARGS;
      return;
    }
    this.args.push({ key: name, value: data });
  }

  result(): MultipartResult {
    const strict = this.flagError || this.quoted || this.whitespace || this.dataBefore || this.dataAfter
      || this.folding || this.lfLine || this.missingSemicolon || this.invalidQuoting || this.invalidPart
      || this.invalidFolding || this.fileLimit;
    return {
      args: this.args,
      files: this.files,
      filesNames: this.filesNames,
      filesSizes: this.filesSizes,
      filesCombinedSize: this.filesCombinedSize,
      names: this.names,
      filenames: this.filenames,
      partHeaders: this.partHeaders,
      error: this.error,
      flags: {
        MULTIPART_STRICT_ERROR: strict,
        MULTIPART_UNMATCHED_BOUNDARY: this.unmatched,
        MULTIPART_BOUNDARY_QUOTED: this.quoted,
        MULTIPART_BOUNDARY_WHITESPACE: this.whitespace,
        MULTIPART_DATA_BEFORE: this.dataBefore,
        MULTIPART_DATA_AFTER: this.dataAfter,
        MULTIPART_HEADER_FOLDING: this.folding,
        MULTIPART_LF_LINE: this.lfLine,
        MULTIPART_CRLF_LF_LINES: this.lfLine && this.crlfLine,
        MULTIPART_MISSING_SEMICOLON: this.missingSemicolon,
        MULTIPART_INVALID_QUOTING: this.invalidQuoting,
        MULTIPART_INVALID_PART: this.invalidPart,
        MULTIPART_INVALID_HEADER_FOLDING: this.invalidFolding,
        MULTIPART_FILE_LIMIT_EXCEEDED: this.fileLimit,
      },
    };
  }
}

/**
 * Parses a multipart body (byte string) given the request's Content-Type value. `limits.maxArgs` is the
 * argument budget left after the query string. Never throws.
 */
export function parseMultipart(body: string, contentType: string, limits: MultipartLimits): MultipartResult {
  const parser = new MultipartParser(limits);
  const boundary = parser.boundary(contentType);
  if (boundary !== null) parser.parse(body, boundary);
  return parser.result();
}
