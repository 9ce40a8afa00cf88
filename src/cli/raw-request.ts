import type { RequestLike } from '../portcullis.js';
import { CliError } from './cli-error.js';
import { parseRequestLine } from './log-formats.js';

/** `Name: value` (as curl's -H takes it). */
export function parseHeaderArg(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new CliError(`--header "${text}": expected "Name: value"`);
  const name = text.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new CliError(`--header "${text}": "${name}" is not a header name`);
  return [name, text.slice(colon + 1).trim()];
}

/** `GET /path?x=1`, `GET /path HTTP/1.1`, `/path` (GET), or an absolute URL (its host becomes the Host header). */
export function parseRequestArg(text: string): { method: string; url: string; httpVersion: string; host: string | undefined } {
  const t = text.trim();
  const line = t.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? `GET ${t}` : t;
  const r = parseRequestLine(line);
  if (!r) throw new CliError(`--request "${text}": expected "METHOD /path?query" (e.g. "GET /search?q=1")`);
  const abs = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^#]*)/i.exec(r.url);
  if (abs) return { method: r.method, url: abs[2] || '/', httpVersion: r.httpVersion === '0.9' ? '1.1' : r.httpVersion, host: abs[1] || undefined };
  return { method: r.method, url: r.url, httpVersion: r.httpVersion === '0.9' ? '1.1' : r.httpVersion, host: undefined };
}

/**
 * A raw HTTP/1.x request as a file holds it: request line, header lines, a blank line, the body (CRLF or LF line
 * ends). The body is taken as the bytes after the blank line (trailing newline kept only if Content-Length says so).
 */
export function parseRawRequest(bytes: Buffer, name: string): RequestLike {
  let headEnd = bytes.indexOf('\r\n\r\n');
  let sepLen = 4;
  const lf = bytes.indexOf('\n\n');
  if (headEnd === -1 || (lf !== -1 && lf < headEnd)) { headEnd = lf; sepLen = 2; }
  const head = (headEnd === -1 ? bytes : bytes.subarray(0, headEnd)).toString('latin1');
  let body = headEnd === -1 ? undefined : bytes.subarray(headEnd + sepLen);
  const lines = head.split(/\r?\n/);
  while (lines.length && lines[0]!.trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  const first = lines.shift();
  if (first === undefined) throw new CliError(`${name}: empty request file`);
  const req = parseRequestArg(Buffer.from(first, 'latin1').toString('utf8'));
  const headers: [string, string][] = [];
  for (const [i, l] of lines.entries()) {
    if (/^[ \t]/.test(l) && headers.length) { // obsolete line folding
      const last = headers[headers.length - 1]!;
      last[1] += ` ${l.trim()}`;
      continue;
    }
    const colon = l.indexOf(':');
    if (colon <= 0) throw new CliError(`${name}:${i + 2}: expected a "Name: value" header line, got "${l.slice(0, 60)}"`);
    headers.push([l.slice(0, colon).trim(), Buffer.from(l.slice(colon + 1).trim(), 'latin1').toString('utf8')]);
  }
  if (req.host !== undefined && !headers.some(([k]) => k.toLowerCase() === 'host')) headers.unshift(['host', req.host]);
  if (body !== undefined) {
    const cl = headers.find(([k]) => k.toLowerCase() === 'content-length');
    const n = cl ? Number(cl[1]) : NaN;
    if (Number.isInteger(n) && n >= 0 && n <= body.length) body = body.subarray(0, n);
    else if (!cl && body.length && body[body.length - 1] === 0x0a) body = body.subarray(0, body.length - (body.length > 1 && body[body.length - 2] === 0x0d ? 2 : 1));
    if (body.length === 0) body = undefined;
  }
  return { method: req.method, url: req.url, httpVersion: req.httpVersion, headers, ...(body !== undefined ? { body } : {}) };
}
