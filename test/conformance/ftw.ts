import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

/**
 * The go-ftw test format (ftw-tests-schema v2: `meta`, `rule_id`, `tests[].stages[].input|output`), reduced to
 * the fields CRS uses (NOTES.md §6.1). Strings stay JS strings here; the request builder turns them into bytes.
 */
export interface FtwInput {
  readonly dest_addr?: string;
  readonly port?: number;
  readonly method?: string;
  readonly uri?: string;
  readonly version?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly data?: string;
  readonly autocomplete_headers?: boolean;
  readonly encoded_request?: string;
}

export interface FtwLogOutput {
  readonly expect_ids?: readonly number[];
  readonly no_expect_ids?: readonly number[];
  readonly match_regex?: string;
  readonly no_match_regex?: string;
}

export interface FtwOutput {
  readonly status?: number | readonly number[];
  readonly log?: FtwLogOutput;
  readonly expect_error?: boolean;
  readonly retry_once?: boolean;
}

export interface FtwStage {
  /** `<rule_id>-<test_id>`, plus `-<n>` (1-based) for tests with more than one stage. */
  readonly id: string;
  readonly file: string;
  readonly ruleId: number;
  readonly testId: number;
  readonly input: FtwInput;
  readonly output: FtwOutput;
}

interface RawTest {
  test_id?: number;
  stages?: { input?: FtwInput; output?: FtwOutput; stage?: { input?: FtwInput; output?: FtwOutput } }[];
}

interface RawFile {
  rule_id?: number;
  tests?: RawTest[];
}

/** Every `*.yaml`/`*.yml` under `dir`, sorted by path. */
export function listTestFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.yaml') || name.endsWith('.yml')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Parses one test file into stages. A comment-only file gives none. */
export function loadStages(path: string, root: string): FtwStage[] {
  const doc = parse(readFileSync(path, 'utf8')) as RawFile | null;
  if (!doc || !Array.isArray(doc.tests)) return [];
  const file = relative(root, path);
  const ruleId = Number(doc.rule_id ?? 0);
  const stages: FtwStage[] = [];
  doc.tests.forEach((t, ti) => {
    const testId = Number(t.test_id ?? ti + 1);
    const list = t.stages ?? [];
    list.forEach((s, si) => {
      const body = s.stage ?? s;
      stages.push({
        id: list.length > 1 ? `${ruleId}-${testId}-${si + 1}` : `${ruleId}-${testId}`,
        file,
        ruleId,
        testId,
        input: body.input ?? {},
        output: body.output ?? {},
      });
    });
  });
  return stages;
}
