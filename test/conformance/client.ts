import { connect, type Socket } from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly head: string;
  readonly body: Buffer;
}

export interface SendResult {
  /** Null when the server closed or timed out without an HTTP response (go-ftw's "expect_error"). */
  readonly response: RawResponse | null;
  readonly error?: string;
}

function headerValue(head: string, name: string): string | undefined {
  const re = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im');
  return re.exec(head)?.[1]?.trim();
}

/** True once `buf` holds a complete response (by Content-Length, chunked terminator, or no body). */
function complete(buf: Buffer, headEnd: number, status: number, head: string, noBody: boolean): boolean {
  if (noBody || status === 204 || status === 304 || (status >= 100 && status < 200)) return true;
  const body = buf.subarray(headEnd);
  const te = headerValue(head, 'transfer-encoding');
  if (te !== undefined && /chunked/i.test(te)) return body.includes('\r\n0\r\n\r\n') || body.subarray(0, 5).toString('latin1') === '0\r\n\r\n';
  const cl = headerValue(head, 'content-length');
  if (cl !== undefined) return body.length >= Number(cl);
  return false;
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < body.length) {
    const eol = body.indexOf('\r\n', i);
    if (eol === -1) break;
    const size = parseInt(body.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size <= 0) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * Writes `bytes` on a fresh TCP connection and reads one HTTP response. `onConnect` gets the client's local port
 * before anything is written (the server side uses it to attribute the request to its stage).
 */
export function sendRaw(
  host: string, port: number, bytes: Buffer, timeoutMs: number, onConnect: (localPort: number) => void,
): Promise<SendResult> {
  const firstWord = bytes.subarray(0, 8).toString('latin1').split(' ')[0] ?? '';
  const noBody = firstWord === 'HEAD';
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    let settled = false;
    let socket: Socket;
    const finish = (r: SendResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const parse = (final: boolean): void => {
      const headEnd = buf.indexOf('\r\n\r\n');
      if (headEnd === -1) {
        if (final) finish({ response: null, error: buf.length ? 'truncated response head' : 'connection closed without a response' });
        return;
      }
      const head = buf.subarray(0, headEnd).toString('latin1');
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(head);
      if (!m) {
        finish({ response: null, error: `not an HTTP response: ${JSON.stringify(head.slice(0, 40))}` });
        return;
      }
      const status = Number(m[1]);
      if (final || complete(buf, headEnd + 4, status, head, noBody)) {
        let body = buf.subarray(headEnd + 4);
        const te = headerValue(head, 'transfer-encoding');
        if (te !== undefined && /chunked/i.test(te)) body = dechunk(body);
        finish({ response: { status, head, body } });
      }
    };
    const timer = setTimeout(() => {
      if (buf.length > 0) parse(true);
      finish({ response: null, error: `no response within ${timeoutMs} ms` });
    }, timeoutMs);
    socket = connect({ host, port }, () => {
      onConnect(socket.localPort ?? 0);
      socket.write(bytes);
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      parse(false);
    });
    socket.on('end', () => parse(true));
    socket.on('close', () => parse(true));
    socket.on('error', (err) => {
      if (buf.length > 0) parse(true);
      finish({ response: null, error: err.message });
    });
  });
}
