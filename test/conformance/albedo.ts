import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A backend that answers like albedo (coreruleset/albedo, the CRS CI backend): any path → 200 with no body;
 * `POST /reflect` with JSON `{ status, headers, body, encodedBody, logMessage }` → exactly that response. Like
 * Go's net/http, a body without a Content-Type header gets a sniffed one (text/html or text/xml for markup, else
 * text/plain; charset=utf-8), which is what lets phase-4 rules see /reflect bodies.
 */
export function sniffContentType(body: Buffer): string {
  const text = body.subarray(0, 512).toString('latin1').replace(/^[\t\n\f\r ]+/, '');
  const lower = text.toLowerCase();
  const html = ['<!doctype html', '<html', '<head', '<script', '<iframe', '<h1', '<div', '<font', '<table', '<a', '<style', '<title', '<b', '<body', '<br', '<p', '<!--'];
  for (const tag of html) {
    if (lower.startsWith(tag)) {
      const next = lower[tag.length];
      if (next === ' ' || next === '>') return 'text/html; charset=utf-8';
    }
  }
  if (lower.startsWith('<?xml')) return 'text/xml; charset=utf-8';
  if (text.startsWith('%PDF-')) return 'application/pdf';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]/.test(text)) return 'application/octet-stream';
  return 'text/plain; charset=utf-8';
}

interface ReflectSpec {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  encodedBody?: string;
  logMessage?: string;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

export function albedo(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0]!;
  if (req.method === 'POST' && (path === '/reflect' || path === '/reflect/')) {
    readAll(req).then((raw) => {
      let spec: ReflectSpec;
      try {
        spec = JSON.parse(raw.toString('utf8')) as ReflectSpec;
        if (typeof spec !== 'object' || spec === null) throw new Error('not an object');
      } catch {
        plain(res, 400, 'Invalid JSON in request body');
        return;
      }
      const status = spec.status ?? 0;
      if ((status > 0 && status < 100) || status >= 600) {
        plain(res, 400, `Invalid status code: ${status}`);
        return;
      }
      let body: Buffer;
      if (spec.body) body = Buffer.from(spec.body, 'utf8');
      else if (spec.encodedBody) body = Buffer.from(spec.encodedBody, 'base64');
      else body = Buffer.alloc(0);
      for (const [name, value] of Object.entries(spec.headers ?? {})) {
        try {
          res.setHeader(name, value);
        } catch {
          // albedo drops headers that are not valid HTTP
        }
      }
      if (body.length > 0 && !res.hasHeader('content-type')) res.setHeader('Content-Type', sniffContentType(body));
      res.statusCode = status === 0 ? 200 : status;
      res.end(body);
    }, () => plain(res, 400, 'Failed to parse request body'));
    return;
  }
  // Drain whatever body was sent, then an empty 200.
  req.resume();
  const done = (): void => {
    res.statusCode = 200;
    res.end();
  };
  if (req.readableEnded) done();
  else {
    req.on('end', done);
    req.on('error', done);
  }
}
