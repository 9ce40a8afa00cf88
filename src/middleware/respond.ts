import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

export interface SendBlockOptions {
  /** Force a JSON (true) or text (false) body; by default JSON when the request's Accept mentions json. */
  json?: boolean;
}

/** Headers left by earlier middleware that would misdescribe the block body. */
const STALE_HEADERS = [
  'content-encoding',
  'content-range',
  'content-disposition',
  'content-language',
  'content-location',
  'etag',
  'last-modified',
  'transfer-encoding',
  'location',
];

/**
 * Ends `res` with a small fixed response for a blocked request: nothing from the request is echoed, only the
 * status and the incident id (reduced to `[A-Za-z0-9._-]`, 64 chars). Sets `x-portcullis-incident`,
 * `cache-control: no-store`, `x-content-type-options: nosniff`, and `connection: close` when the request body
 * was not fully received (the unread rest would otherwise be parsed as the next request on a keep-alive
 * connection). If headers were already sent it cannot answer cleanly and destroys the socket instead.
 * Never throws.
 */
export function sendBlock(res: ServerResponse, status: number, incidentId: string, opts?: SendBlockOptions): void {
  try {
    if (res.writableEnded || res.destroyed) return;
    if (res.headersSent) {
      destroy(res);
      return;
    }
    const code = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 403;
    const incident = cleanIncident(incidentId);
    const req = (res as ServerResponse & { req?: IncomingMessage }).req;
    const json = opts?.json ?? acceptsJson(req);
    const reason = STATUS_CODES[code] ?? 'Forbidden';
    const body = json
      ? JSON.stringify({ error: reason, incident })
      : `${reason}\nincident: ${incident}\n`;

    for (const name of STALE_HEADERS) res.removeHeader(name);
    res.statusCode = code;
    res.setHeader('content-type', json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(body));
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-portcullis-incident', incident);
    if (req !== undefined && !bodyFullyReceived(req)) res.setHeader('connection', 'close');
    res.end(body);
  } catch {
    destroy(res);
  }
}

/**
 * The whole request (including any body) has arrived from the client. A bodiless request counts as received
 * even before Node marks it `complete` (that happens just after the synchronous 'request' handlers run).
 */
export function bodyFullyReceived(req: IncomingMessage): boolean {
  if (req.complete) return true;
  const te = req.headers['transfer-encoding'];
  const cl = req.headers['content-length'];
  return te === undefined && (cl === undefined || cl === '0');
}

function acceptsJson(req: IncomingMessage | undefined): boolean {
  const accept = req?.headers.accept;
  return typeof accept === 'string' && /json/i.test(accept);
}

function cleanIncident(id: string): string {
  const s = typeof id === 'string' ? id.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 64) : '';
  return s === '' ? 'unknown' : s;
}

function destroy(res: ServerResponse): void {
  try {
    const socket = res.socket;
    if (socket !== null && socket !== undefined) socket.destroy();
    else res.destroy();
  } catch {
    // nothing left to do
  }
}
