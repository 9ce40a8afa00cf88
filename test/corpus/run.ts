/**
 * `npm run corpus`: detection rate per class and overall, plus every false positive with its matched rules, for the
 * default ruleset and for OWASP CRS v4 side by side, each at paranoia levels 1 and 2. CRS is read from
 * $PORTCULLIS_CRS_DIR or ../shared/crs (crs-setup.conf.example + rules/); when it is absent the CRS columns say so.
 * Pass `--misses` to list the attacks the default ruleset did not block at PL1 (and CRS, when present).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PortcullisOptions } from '../../src/index.js';
import { findCrsDir } from '../helpers/crs.js';
import { describeMatches, loadCorpus, runCorpus, statsByClass, type Outcome } from './load.js';

const showMisses = process.argv.includes('--misses');
const attacks = loadCorpus('attacks');
const benign = loadCorpus('benign');
const crsDir = findCrsDir();
const hasCrs = crsDir !== undefined && existsSync(join(crsDir, 'rules')) && existsSync(join(crsDir, 'crs-setup.conf.example'));
const crsOptions: PortcullisOptions | null = hasCrs
  ? { rules: { defaults: false, seclang: [join(crsDir, 'crs-setup.conf.example'), join(crsDir, 'rules')] } }
  : null;

const pct = (a: number, b: number): string => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
const blocked = (os: readonly Outcome[]): Outcome[] => os.filter((o) => o.result.action === 'block');

interface Run { label: string; attacks: Outcome[]; benign: Outcome[] }
const runs: Run[] = [];
for (const [label, opts] of [['default', {}], ...(crsOptions ? [['CRS', crsOptions]] : [])] as [string, PortcullisOptions][]) {
  for (const pl of [1, 2]) {
    runs.push({ label: `${label} PL${pl}`, attacks: await runCorpus(attacks, pl, opts), benign: await runCorpus(benign, pl, opts) });
  }
}

console.log(hasCrs ? `OWASP CRS from ${crsDir}` : `OWASP CRS not found (set PORTCULLIS_CRS_DIR or put it at ../shared/crs): CRS columns not run`);
const w = 13;
console.log(`${'class'.padEnd(22)}${'n'.padStart(5)}${runs.map((r) => r.label.padStart(w)).join('')}`);
const stats = runs.map((r) => statsByClass(r.attacks));
for (const [cls, s] of stats[0]!) {
  console.log(`${cls.padEnd(22)}${String(s.total).padStart(5)}${stats.map((m) => pct(m.get(cls)?.detected ?? 0, s.total).padStart(w)).join('')}`);
}
console.log(`${'overall detection'.padEnd(22)}${String(attacks.length).padStart(5)}${runs.map((r) => pct(blocked(r.attacks).length, attacks.length).padStart(w)).join('')}`);
console.log(`${'false positives'.padEnd(22)}${String(benign.length).padStart(5)}${runs.map((r) => String(blocked(r.benign).length).padStart(w)).join('')}`);
console.log(`${'false positive rate'.padEnd(22)}${''.padStart(5)}${runs.map((r) => pct(blocked(r.benign).length, benign.length).padStart(w)).join('')}`);

for (const r of runs) {
  const fps = blocked(r.benign);
  if (fps.length === 0) continue;
  console.log(`\nFalse positives, ${r.label}:`);
  for (const o of fps) console.log(`  ${o.entry.id} [${o.entry.note}] score=${o.result.score}: ${describeMatches(o.result)}`);
}
if (showMisses) {
  for (const r of runs.filter((x) => x.label.endsWith('PL1'))) {
    console.log(`\nAttacks not blocked, ${r.label}:`);
    for (const o of r.attacks.filter((x) => x.result.action !== 'block')) {
      console.log(`  ${o.entry.id} [${o.entry.note}] score=${o.result.score} ${o.entry.method} ${o.entry.url.slice(0, 100)} ${o.entry.body ? `body=${JSON.stringify(o.entry.body.slice(0, 100))}` : ''} ${describeMatches(o.result)}`);
    }
  }
}
