/**
 * `portcullis lint <rules...>`: reads rule files the way the engine does and reports, with file:line,
 * parse and compile errors (each file and each rule on its own, so one error does not hide the next), duplicate ids,
 * skipAfter targets that do not exist, markers no rule skips to, and regexes that are slow on hostile input.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileRuleset } from '../engine/compile.js';
import { ruleSourcesFor } from '../engine/engine.js';
import { bareMessage } from '../errors.js';
import type { ResolvedConfig } from '../options.js';
import { isMarker, type RuleSource, type RuleSpec } from '../rules/types.js';
import { loadSecLangSources } from '../seclang/parse.js';
import { CliError, EXIT } from './cli-error.js';
import { checkRegexes } from './redos.js';

export interface LintFinding {
  readonly severity: 'error' | 'warning' | 'info';
  /** parse, compile, duplicate-id, missing-marker, backward-skip, unused-marker, slow-regex, unchecked-regex */
  readonly code: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly ruleId: number | undefined;
  readonly message: string;
}

export interface LintArgs {
  readonly json: boolean;
  /** Run the ReDoS check. */
  readonly redos: boolean;
  /** Time budget per regex for the ReDoS check, ms. */
  readonly redosTimeoutMs: number;
  /** Warnings fail too (exit 1). */
  readonly strict: boolean;
  /** Also list regexes the checker could not settle in time. */
  readonly verbose: boolean;
}

export interface LintReport {
  readonly files: readonly string[];
  readonly rules: number;
  readonly regexes: number;
  readonly findings: readonly LintFinding[];
  readonly errors: number;
  readonly warnings: number;
}

/** A rule file or a directory of them (its *.conf files, sorted as the engine loads them). */
function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (err) {
      throw new CliError(`cannot read ${p}: ${(err as Error).message}`);
    }
    if (!isDir) { out.push(p); continue; }
    const files = readdirSync(p).filter((n) => n.endsWith('.conf') && !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (files.length === 0) throw new CliError(`directory ${p} holds no .conf files`);
    out.push(...files.map((f) => join(p, f)));
  }
  return out;
}

const LOCATED = /^(.+?):(\d+): ([\s\S]*)$/;

function located(severity: LintFinding['severity'], code: string, err: unknown, fallbackFile?: string): LintFinding {
  const msg = bareMessage(err);
  const m = LOCATED.exec(msg);
  if (m) return { severity, code, file: m[1], line: Number(m[2]), ruleId: undefined, message: m[3]! };
  return { severity, code, file: fallbackFile, line: undefined, ruleId: undefined, message: msg };
}

/**
 * Parses the files as one configuration. When that fails, finds every failing file: files are added one at a time
 * to those that parsed (later files may refer to rules of earlier ones), and a file that fails is reported and left
 * out.
 */
function parseAll(files: readonly string[], base: boolean, findings: LintFinding[]): RuleSource | null {
  if (files.length === 0) return null;
  try {
    return loadSecLangSources(files, { base });
  } catch { /* find each failing file below */ }
  const ok: string[] = [];
  for (const f of files) {
    try {
      loadSecLangSources([...ok, f], { base });
      ok.push(f);
    } catch (err) {
      findings.push(located('error', 'parse', err, f));
    }
  }
  return ok.length ? loadSecLangSources(ok, { base }) : null;
}

interface Located { readonly file: string | undefined; readonly line: number | undefined }

const where = (r: RuleSpec): Located => ({ file: r.source?.file, line: r.source?.line });

function links(r: RuleSpec): RuleSpec[] {
  const out: RuleSpec[] = [];
  for (let c: RuleSpec | undefined = r; c; c = c.chain) out.push(c);
  return out;
}

/** Where each `SecMarker` is written (markers carry no location in the IR): first occurrence per name. */
function markerLocations(files: readonly string[]): Map<string, Located> {
  const out = new Map<string, Located>();
  const re = /^\s*SecMarker\s+(?:"([^"]*)"|'([^']*)'|(\S+))/i;
  for (const f of files) {
    let text: string;
    try { text = readFileSync(f, 'latin1'); } catch { continue; }
    text.split('\n').forEach((l, i) => {
      const m = re.exec(l);
      const name = m ? (m[1] ?? m[2] ?? m[3]) : undefined;
      if (name !== undefined && !out.has(name)) out.set(name, { file: f, line: i + 1 });
    });
  }
  return out;
}

export async function lintRules(config: ResolvedConfig, args: LintArgs): Promise<LintReport> {
  const findings: LintFinding[] = [];
  const paths = config.rules.seclang.filter((s): s is string => typeof s === 'string');
  const files = expandPaths(paths);
  const texts = config.rules.seclang.filter((s): s is { text: string; name?: string } => typeof s !== 'string');
  let seclang: RuleSource | null;
  if (texts.length) {
    try {
      seclang = loadSecLangSources(config.rules.seclang, { base: config.rules.seclangBase });
    } catch (err) {
      findings.push(located('error', 'parse', err));
      seclang = null;
    }
  } else {
    seclang = parseAll(files, config.rules.seclangBase, findings);
  }
  const sources = ruleSourcesFor(config, seclang ? [seclang] : []);

  // Duplicate ids, across every source (the engine refuses them).
  const seen = new Map<number, RuleSpec>();
  const rules: { rule: RuleSpec; source: RuleSource }[] = [];
  const markers = new Map<string, number>(); // name → position
  let pos = 0;
  for (const source of sources) {
    for (const e of source.entries) {
      pos++;
      if (isMarker(e)) { if (!markers.has(e.marker)) markers.set(e.marker, pos); continue; }
      rules.push({ rule: e, source });
      if (!e.id) continue;
      const first = seen.get(e.id);
      if (first) {
        const at = first.source ? ` (first at ${first.source.file}:${first.source.line})` : '';
        findings.push({ severity: 'error', code: 'duplicate-id', ...where(e), ruleId: e.id, message: `duplicate rule id ${e.id}${at}` });
      } else {
        seen.set(e.id, e);
      }
    }
  }

  // skipAfter targets and markers.
  const targeted = new Set<string>();
  pos = 0;
  for (const source of sources) {
    for (const e of source.entries) {
      pos++;
      if (isMarker(e) || e.skipAfter === undefined) continue;
      targeted.add(e.skipAfter);
      const at = markers.get(e.skipAfter);
      if (at === undefined) {
        findings.push({ severity: 'error', code: 'missing-marker', ...where(e), ruleId: e.id, message: `skipAfter:${e.skipAfter} names no SecMarker` });
      } else if (at < pos) {
        findings.push({ severity: 'warning', code: 'backward-skip', ...where(e), ruleId: e.id, message: `skipAfter:${e.skipAfter} points back to a marker before this rule: it skips the rest of the phase` });
      }
    }
  }
  const markerAt = markerLocations(files);
  for (const name of markers.keys()) {
    if (targeted.has(name)) continue;
    const loc = markerAt.get(name);
    findings.push({ severity: 'warning', code: 'unused-marker', file: loc?.file, line: loc?.line, ruleId: undefined, message: `SecMarker ${name} is never the target of a skipAfter (unreachable marker)` });
  }

  // Each rule compiled on its own (operators, regexes, transformations, data files), so every bad rule shows.
  for (const { rule, source } of rules) {
    const { skipAfter: _skip, ...alone } = rule;
    try {
      compileRuleset([{ entries: [alone], directives: {}, ...(source.baseDir !== undefined ? { baseDir: source.baseDir } : {}) }], 'lint');
    } catch (err) {
      const f = located('error', 'compile', err);
      // The compiler names the rule and its place; the finding carries those already.
      const message = bareMessage(err).replace(/^rule \S+ at .+?:\d+: /, '');
      findings.push({ ...f, message, file: rule.source?.file ?? f.file, line: rule.source?.line ?? f.line, ruleId: rule.id || undefined });
    }
  }

  // Regexes slow on hostile input.
  const regexes = new Map<string, { source: string; flags: string; rules: RuleSpec[] }>();
  for (const { rule } of rules) {
    for (const l of links(rule)) {
      if (l.operator.name !== 'rx') continue;
      const flags = l.operator.flags ?? 's';
      const key = `${flags}/${l.operator.param}`;
      const hit = regexes.get(key);
      if (hit) hit.rules.push(rule);
      else regexes.set(key, { source: l.operator.param, flags, rules: [rule] });
    }
  }
  if (args.redos && regexes.size) {
    const list = [...regexes.values()];
    const verdicts = await checkRegexes(list, args.redosTimeoutMs);
    list.forEach((r, i) => {
      const v = verdicts[i]!;
      const first = r.rules[0]!;
      const ids = r.rules.map((x) => x.id).filter(Boolean);
      const who = ids.length > 1 ? ` (also in rules ${ids.slice(1, 6).join(', ')}${ids.length > 6 ? ', …' : ''})` : '';
      if (v.status === 'vulnerable') {
        findings.push({
          severity: v.complexity === 'exponential' ? 'error' : 'warning', code: 'slow-regex', ...where(first), ruleId: first.id || undefined,
          message: `regex is ${v.complexity} on hostile input${v.attack ? `, e.g. ${v.attack}` : ''}${who}`,
        });
      } else if (v.status === 'unknown' && args.verbose) {
        findings.push({ severity: 'info', code: 'unchecked-regex', ...where(first), ruleId: first.id || undefined, message: `regex not settled within ${args.redosTimeoutMs} ms (${v.reason ?? 'undecided'})${who}` });
      }
    });
  }

  const order = (f: LintFinding): string => `${f.file ?? '~'}\u0000${String(f.line ?? 0).padStart(9, '0')}`;
  findings.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return {
    files: [...files, ...texts.map((t, i) => t.name ?? `<text ${i}>`)],
    rules: rules.length,
    regexes: regexes.size,
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}

export function formatLint(r: LintReport): string {
  const out = r.findings.map((f) => {
    const loc = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '(rules)';
    return `${loc}: ${f.severity} [${f.code}]${f.ruleId ? ` rule ${f.ruleId}:` : ''} ${f.message}`;
  });
  out.push(`${r.errors} error(s), ${r.warnings} warning(s) in ${r.rules} rules (${r.regexes} distinct regexes) from ${r.files.length || 'the configured'} file(s)`);
  return `${out.join('\n')}\n`;
}

export async function lint(config: ResolvedConfig, args: LintArgs, io: { stdout: NodeJS.WritableStream }): Promise<number> {
  const report = await lintRules(config, args);
  io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatLint(report));
  return report.errors > 0 || (args.strict && report.warnings > 0) ? EXIT.FINDINGS : EXIT.OK;
}
