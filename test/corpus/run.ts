/**
 * `npm run corpus`: detection rate per class and overall, plus every false positive with its matched rules,
 * at paranoia level 1 (PL2 as an extra column). Pass `--misses` to list the attacks that were not blocked.
 */
import { describeMatches, loadCorpus, runCorpus, statsByClass } from './load.js';

const showMisses = process.argv.includes('--misses');
const attacks = loadCorpus('attacks');
const benign = loadCorpus('benign');

const pct = (a: number, b: number): string => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);

const a1 = await runCorpus(attacks, 1);
const a2 = await runCorpus(attacks, 2);
const b1 = await runCorpus(benign, 1);
const b2 = await runCorpus(benign, 2);

const s1 = statsByClass(a1);
const s2 = statsByClass(a2);
console.log(`${'class'.padEnd(22)}${'n'.padStart(5)}${'PL1'.padStart(9)}${'PL2'.padStart(9)}`);
for (const [cls, s] of s1) {
  console.log(`${cls.padEnd(22)}${String(s.total).padStart(5)}${pct(s.detected, s.total).padStart(9)}${pct(s2.get(cls)?.detected ?? 0, s.total).padStart(9)}`);
}
const d1 = a1.filter((o) => o.result.action === 'block').length;
const d2 = a2.filter((o) => o.result.action === 'block').length;
console.log(`${'overall detection'.padEnd(22)}${String(attacks.length).padStart(5)}${pct(d1, attacks.length).padStart(9)}${pct(d2, attacks.length).padStart(9)}`);
const fp1 = b1.filter((o) => o.result.action === 'block');
const fp2 = b2.filter((o) => o.result.action === 'block');
console.log(`${'false positives'.padEnd(22)}${String(benign.length).padStart(5)}${String(fp1.length).padStart(9)}${String(fp2.length).padStart(9)}`);

if (fp1.length > 0) {
  console.log('\nFalse positives at PL1:');
  for (const o of fp1) console.log(`  ${o.entry.id} [${o.entry.note}] score=${o.result.score}: ${describeMatches(o.result)}`);
}
if (fp2.length > 0) {
  console.log('\nFalse positives at PL2:');
  for (const o of fp2) console.log(`  ${o.entry.id} [${o.entry.note}] score=${o.result.score}: ${describeMatches(o.result)}`);
}
if (showMisses) {
  console.log('\nAttacks not blocked at PL1:');
  for (const o of a1.filter((x) => x.result.action !== 'block')) {
    console.log(`  ${o.entry.id} [${o.entry.note}] score=${o.result.score} ${o.entry.method} ${o.entry.url.slice(0, 100)} ${o.entry.body ? `body=${JSON.stringify(o.entry.body.slice(0, 100))}` : ''} ${describeMatches(o.result)}`);
  }
}
