/**
 * `npm run conformance`: the OWASP CRS regression suite against Portcullis over real HTTP on 127.0.0.1.
 *
 *   npm run conformance [-- --file <text>] [--rule <id>] [--verbose] [--concurrency N]
 *
 * Reads $PORTCULLIS_CRS_DIR or ../shared/crs. Prints one line per test file, then
 * `crs: N passed, M failed, K skipped`. Exits 1 when CRS is missing or a stage failed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findCrsDir } from '../test/helpers/crs.js';
import { runConformance, type StageResult } from '../test/conformance/harness.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

const verbose = process.argv.includes('--verbose');
const fromEnv = process.env.PORTCULLIS_CRS_DIR;
if (fromEnv && !existsSync(join(fromEnv, 'tests/regression/tests'))) {
  console.error(`crs: PORTCULLIS_CRS_DIR=${fromEnv} has no tests/regression/tests; nothing was run`);
  process.exit(2);
}
const crsDir = findCrsDir();
if (crsDir === undefined || !existsSync(join(crsDir, 'tests/regression/tests'))) {
  console.error(`crs: OWASP CRS not found (looked at $PORTCULLIS_CRS_DIR and ../shared/crs${crsDir ? `: ${crsDir} has no tests/regression/tests` : ''}); nothing was run`);
  process.exit(2);
}
const rule = arg('--rule');
const file = arg('--file');
const concurrency = arg('--concurrency');

function show(r: StageResult): void {
  console.log(`    ${r.stage.id}: ${r.reason ?? r.outcome}`);
  if (verbose && r.outcome === 'failed') {
    console.log(`      status ${r.status ?? '-'}; ids fired: ${r.ids.join(',') || '(none)'}`);
    const input = JSON.stringify(r.stage.input);
    console.log(`      input: ${input.length > 600 ? `${input.slice(0, 600)}…` : input}`);
    if (r.log) for (const line of r.log.split('\n')) console.log(`      | ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`);
  }
}

const summary = await runConformance({
  crsDir,
  ...(file !== undefined ? { file } : {}),
  ...(rule !== undefined ? { rule: Number(rule) } : {}),
  ...(concurrency !== undefined ? { concurrency: Number(concurrency) } : {}),
  onFile(f, results) {
    const p = results.filter((r) => r.outcome === 'passed').length;
    const fl = results.filter((r) => r.outcome === 'failed');
    const s = results.filter((r) => r.outcome === 'skipped').length;
    console.log(`${fl.length ? 'FAIL' : 'ok  '} ${f}: ${p} passed, ${fl.length} failed, ${s} skipped`);
    for (const r of fl) show(r);
  },
});
const total = summary.passed + summary.failed + summary.skipped;
if (verbose) {
  const slow = [...summary.results].sort((x, y) => y.ms - x.ms).slice(0, 5);
  console.log(`slowest stages: ${slow.map((r) => `${r.stage.id} ${r.ms.toFixed(0)} ms`).join(', ')}`);
}
console.log(`(${total} stages in ${(summary.ms / 1000).toFixed(1)} s; pass rate ${total ? ((100 * summary.passed) / total).toFixed(2) : '0'}%)`);
if (summary.errors > 0) console.log(`warning: the WAF emitted ${summary.errors} internal error(s)`);
if (summary.unattributed > 0) console.log(`warning: ${summary.unattributed} alert(s) could not be tied to a stage`);
console.log(`crs: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
process.exitCode = summary.failed > 0 || total === 0 ? 1 : 0;
