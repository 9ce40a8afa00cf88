import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CRS_DIR } from '../helpers/crs.js';
import { runConformance } from './harness.js';

/**
 * The whole OWASP CRS regression suite (5,088 go-ftw stages) against Portcullis over real HTTP on 127.0.0.1,
 * through the same runner as `npm run conformance`. The floor sits just below the measured pass count, so a
 * regression in the engine, the SecLang loader, the variables or the transformations fails CI.
 */
const PASS_FLOOR = 5065;

const tests = CRS_DIR === undefined ? undefined : join(CRS_DIR, 'tests/regression/tests');
const present = tests !== undefined && existsSync(tests) && existsSync(join(CRS_DIR!, 'rules'));
const skip = present
  ? false
  : `!!! OWASP CRS NOT FOUND (set PORTCULLIS_CRS_DIR or provide ../shared/crs): the CRS conformance suite did NOT run !!!`;
if (skip) console.warn(skip);

describe('OWASP CRS v4 regression suite (go-ftw stages over real HTTP)', { skip }, () => {
  it(`passes at least ${PASS_FLOOR} stages, and every skip has a reason`, { timeout: 240_000 }, async () => {
    const summary = await runConformance({ crsDir: CRS_DIR! });
    const total = summary.passed + summary.failed + summary.skipped;
    console.log(`crs: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped (${(summary.ms / 1000).toFixed(1)} s)`);
    assert.equal(summary.unattributed, 0, 'every alert was tied to its stage');
    assert.equal(summary.errors, 0, 'the WAF reported no internal error');
    assert.ok(total >= PASS_FLOOR, `only ${total} stages found under ${tests}`);
    assert.ok(summary.skipped <= 20, `skipped ${summary.skipped}: only stages Node's HTTP parser rejects may be skipped`);
    for (const r of summary.results) if (r.outcome === 'skipped') assert.ok(r.reason && r.reason.length > 10);
    // Failures grouped by cause (numbers folded), with a few stage ids each: readable even when thousands fail.
    const groups = new Map<string, string[]>();
    for (const r of summary.results) {
      if (r.outcome !== 'failed') continue;
      const cause = (r.reason ?? '').replace(/\d+/g, 'N');
      const list = groups.get(cause) ?? [];
      list.push(r.stage.id);
      groups.set(cause, list);
    }
    const report = [...groups].sort((a, b) => b[1].length - a[1].length)
      .map(([cause, ids]) => `${ids.length} × ${cause} (${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ', …' : ''})`);
    assert.ok(summary.passed >= PASS_FLOOR, `only ${summary.passed} stages passed (floor ${PASS_FLOOR}); failures by cause:\n${report.join('\n')}`);
  });
});
