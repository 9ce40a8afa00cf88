import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portcullis } from '../../src/index.js';
import type { InspectResult, PortcullisOptions } from '../../src/index.js';

/** One labelled request of test/corpus/*.jsonl. */
export interface CorpusEntry {
  readonly id: string;
  readonly class: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string> | [string, string][];
  readonly body?: string;
  readonly note: string;
}

const DIR = dirname(fileURLToPath(import.meta.url));

export function loadCorpus(name: 'attacks' | 'benign'): CorpusEntry[] {
  const text = readFileSync(join(DIR, `${name}.jsonl`), 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as CorpusEntry);
}

export interface Outcome {
  readonly entry: CorpusEntry;
  readonly result: InspectResult;
}

/** Runs every entry through a fresh `portcullis({ mode: 'block', paranoia, ...options })` instance. */
export async function runCorpus(entries: readonly CorpusEntry[], paranoia: number, options: PortcullisOptions = {}): Promise<Outcome[]> {
  const waf = portcullis({ mode: 'block', paranoia, ...options });
  const out: Outcome[] = [];
  for (const entry of entries) {
    const result = await waf.inspect({
      method: entry.method,
      url: entry.url,
      headers: entry.headers,
      ...(entry.body !== undefined ? { body: entry.body } : {}),
    });
    out.push({ entry, result });
  }
  await waf.close();
  return out;
}

export interface ClassStats {
  total: number;
  detected: number;
}

export function statsByClass(outcomes: readonly Outcome[]): Map<string, ClassStats> {
  const m = new Map<string, ClassStats>();
  for (const o of outcomes) {
    const s = m.get(o.entry.class) ?? { total: 0, detected: 0 };
    s.total++;
    if (o.result.action === 'block') s.detected++;
    m.set(o.entry.class, s);
  }
  return m;
}

export function describeMatches(result: InspectResult): string {
  return result.matches.map((m) => `${m.id}@${m.target}=${JSON.stringify(String(m.value).slice(0, 60))}`).join(', ');
}
