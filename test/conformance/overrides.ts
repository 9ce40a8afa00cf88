import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { FtwOutput } from './ftw.js';

/**
 * `overrides.yaml`: stages skipped (Node's HTTP parser rejects the request before any middleware runs, so no WAF
 * can see it) and stages whose expected output is replaced (a CI setting CRS leaves unset, as in CRS's own
 * httpd/nginx override files). Every entry needs a reason.
 */
export interface Overrides {
  readonly skip: ReadonlyMap<string, string>;
  readonly replace: ReadonlyMap<string, { readonly reason: string; readonly output: FtwOutput }>;
}

interface RawOverrides {
  skip?: { stage?: string; reason?: string }[];
  override?: { stage?: string; reason?: string; output?: FtwOutput }[];
}

export function loadOverrides(path: string): Overrides {
  const doc = (parse(readFileSync(path, 'utf8')) ?? {}) as RawOverrides;
  const skip = new Map<string, string>();
  const replace = new Map<string, { reason: string; output: FtwOutput }>();
  for (const e of doc.skip ?? []) {
    if (!e.stage || !e.reason) throw new Error(`${path}: every skip entry needs stage and reason (${JSON.stringify(e)})`);
    skip.set(String(e.stage), e.reason);
  }
  for (const e of doc.override ?? []) {
    if (!e.stage || !e.reason || !e.output) throw new Error(`${path}: every override entry needs stage, reason and output (${JSON.stringify(e)})`);
    replace.set(String(e.stage), { reason: e.reason, output: e.output });
  }
  return { skip, replace };
}
