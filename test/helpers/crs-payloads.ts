import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One request of the CRS regression suite (only the parts the engine inspects). */
export interface CrsInput {
  readonly ruleId: number;
  readonly method: string;
  readonly uri: string;
  readonly headers: [string, string][];
  readonly data?: string;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
}

/** Every stage input of tests/regression/tests (request side), or [] when the suite is absent. */
export function loadCrsInputs(crsDir: string): CrsInput[] {
  const files: string[] = [];
  try {
    walk(join(crsDir, 'tests/regression/tests'), files);
  } catch {
    return [];
  }
  const out: CrsInput[] = [];
  for (const f of files.sort()) {
    let doc: { rule_id?: number; tests?: { stages?: { input?: Record<string, unknown> }[] }[] } | null;
    try {
      doc = parse(readFileSync(f, 'utf8')) as typeof doc;
    } catch {
      continue;
    }
    for (const t of doc?.tests ?? []) {
      for (const st of t.stages ?? []) {
        const i = st.input;
        if (!i || typeof i.uri !== 'string') continue;
        const headers: [string, string][] = [];
        const h = i.headers;
        if (h && typeof h === 'object') for (const [k, v] of Object.entries(h)) if (v !== null && v !== undefined) headers.push([k, String(v)]);
        const data = Array.isArray(i.data) ? i.data.join('\r\n') : typeof i.data === 'string' ? i.data : undefined;
        out.push({ ruleId: doc?.rule_id ?? 0, method: typeof i.method === 'string' ? i.method : 'GET', uri: i.uri, headers, ...(data !== undefined ? { data } : {}) });
      }
    }
  }
  return out;
}

/** Percent-decodes (and `+` to space) leniently, as a byte string. */
export function looseDecode(s: string): string {
  return s.replace(/\+/g, ' ').replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The strings an operator would plausibly see from a CRS input: decoded query/body parts and header values. */
export function valuesOf(input: CrsInput): string[] {
  const out: string[] = [];
  const q = input.uri.indexOf('?');
  const parts = [q >= 0 ? input.uri.slice(q + 1) : '', input.data ?? ''];
  out.push(looseDecode(q >= 0 ? input.uri.slice(0, q) : input.uri));
  for (const p of parts) {
    if (p === '') continue;
    out.push(looseDecode(p));
    for (const pair of p.split('&')) {
      const eq = pair.indexOf('=');
      out.push(looseDecode(eq >= 0 ? pair.slice(eq + 1) : pair));
      if (eq > 0) out.push(looseDecode(pair.slice(0, eq)));
    }
  }
  for (const [, v] of input.headers) out.push(v);
  return out.map((v) => Buffer.from(v, 'latin1').toString('latin1'));
}
