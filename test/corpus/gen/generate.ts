/**
 * Writes test/corpus/attacks.jsonl and test/corpus/benign.jsonl from the generators (deterministic).
 * Run: `npx tsx test/corpus/gen/generate.ts`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ATTACKS } from './attacks.js';
import { BENIGN } from './benign.js';
import { toJsonl } from './lib.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(join(dir, 'attacks.jsonl'), toJsonl(ATTACKS));
writeFileSync(join(dir, 'benign.jsonl'), toJsonl(BENIGN));
const byClass = new Map<string, number>();
for (const a of ATTACKS) byClass.set(a.class, (byClass.get(a.class) ?? 0) + 1);
console.log(`attacks: ${ATTACKS.length} (${[...byClass].map(([k, v]) => `${k} ${v}`).join(', ')}); benign: ${BENIGN.length}`);
