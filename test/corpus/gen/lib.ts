/**
 * Helpers for the corpus generators: a seeded PRNG (deterministic output), request builders for each transport
 * (query, form, JSON, multipart, cookie, header) and payload encoders (once, twice, mixed case, ...).
 */

export interface CorpusRequest {
  id: string;
  class: string;
  method: string;
  url: string;
  headers: Record<string, string> | [string, string][];
  body?: string;
  note: string;
}

/** mulberry32: small deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

export const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
  'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
];

export const LANGS = ['en-US,en;q=0.9', 'fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7', 'de-DE,de;q=0.9,en;q=0.8', 'ja,en-US;q=0.9,en;q=0.8', 'es-ES,es;q=0.9', 'pt-BR,pt;q=0.9,en-US;q=0.8'];

/** About ten headers a real browser sends on a page load. */
export function browserHeaders(r: () => number, extra: Record<string, string> = {}): Record<string, string> {
  const ua = pick(r, UAS);
  const chrome = ua.includes('Chrome/');
  const h: Record<string, string> = {
    host: 'shop.example.com',
    'user-agent': ua,
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
    'accept-language': pick(r, LANGS),
    'accept-encoding': 'gzip, deflate, br, zstd',
    connection: 'keep-alive',
    'upgrade-insecure-requests': '1',
    'sec-fetch-dest': 'document',
    'sec-fetch-mode': 'navigate',
    'sec-fetch-site': pick(r, ['none', 'same-origin', 'cross-site']),
    'sec-fetch-user': '?1',
  };
  if (chrome) {
    h['sec-ch-ua'] = '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"';
    h['sec-ch-ua-mobile'] = ua.includes('Mobile') ? '?1' : '?0';
    h['sec-ch-ua-platform'] = ua.includes('Windows') ? '"Windows"' : ua.includes('Android') ? '"Android"' : '"macOS"';
  }
  return { ...h, ...extra };
}

/** Headers of a fetch()/XHR call from a single-page app. */
export function apiHeaders(r: () => number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    host: 'api.example.com',
    'user-agent': pick(r, UAS),
    accept: 'application/json, text/plain, */*',
    'accept-language': pick(r, LANGS),
    'accept-encoding': 'gzip, deflate, br',
    origin: 'https://app.example.com',
    referer: 'https://app.example.com/dashboard',
    'sec-fetch-dest': 'empty',
    'sec-fetch-mode': 'cors',
    'sec-fetch-site': 'same-site',
    ...extra,
  };
}

/** RFC 3986 encoding of every reserved char (what a browser form does, minus the `+` for space). */
export function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Form-style encoding: spaces as `+`. */
export function formEnc(s: string): string {
  return enc(s).replace(/%20/g, '+');
}

/** Minimal encoding: only what would break the query string (`&`, `#`, `%`, `+`, space, non-ASCII). */
export function lightEnc(s: string): string {
  return s.replace(/[%&#+ \x00-\x1f\x7f]|[^\x00-\x7f]/gu, (c) => enc(c));
}

/** Cookie-value encoding as apps do it: only what a cookie cannot hold (`;`, `,`, space, quotes, non-ASCII). */
export function cookieEnc(s: string): string {
  return s.replace(/[;,\s"\\]|[^\x00-\x7f]/gu, (c) => enc(c));
}

export function doubleEnc(s: string): string {
  return enc(s).replace(/%/g, '%25');
}

export function mixedCase(s: string, r: () => number): string {
  return [...s].map((c) => (r() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
}

export function formBody(fields: Record<string, string>): string {
  return Object.entries(fields).map(([k, v]) => `${formEnc(k)}=${formEnc(v)}`).join('&');
}

export function multipart(fields: Record<string, string>, files: { name: string; filename: string; type: string; content: string }[] = []): { body: string; type: string } {
  const boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
  let body = '';
  for (const [k, v] of Object.entries(fields)) {
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  }
  for (const f of files) {
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n${f.content}\r\n`;
  }
  body += `--${boundary}--\r\n`;
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

export function toJsonl(rows: readonly CorpusRequest[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
