/**
 * `portcullis test <rules...> --request "GET /path?x=..."`: runs one request through the rules and shows, for each
 * rule that matched, where (target), what it saw after its transformations, the points it added, and the decision.
 */
import { readFile } from 'node:fs/promises';
import type { RuleMatch } from '../alerts/types.js';
import type { InspectResult, Portcullis, RequestLike } from '../portcullis.js';
import type { RuleSpec } from '../rules/types.js';
import { CliError, EXIT } from './cli-error.js';
import { parseHeaderArg, parseRawRequest, parseRequestArg } from './raw-request.js';

export interface TestArgs {
  readonly request: string | undefined;
  readonly requestFile: string | undefined;
  readonly headers: readonly string[];
  /** Body text, or `@file` to read it from a file. */
  readonly body: string | undefined;
  readonly ip: string;
  readonly json: boolean;
  readonly failOnBlock: boolean;
}

export interface TestIo {
  readonly stdout: NodeJS.WritableStream;
}

async function readArgFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

/** Builds the request from --request/--request-file, --header and --body. */
export async function requestFromArgs(args: TestArgs): Promise<RequestLike> {
  if ((args.request === undefined) === (args.requestFile === undefined)) {
    throw new CliError('give the request with --request "GET /path?x=1" or --request-file raw.http (one of them)');
  }
  let base: RequestLike;
  if (args.requestFile !== undefined) {
    base = parseRawRequest(await readArgFile(args.requestFile, 'request file'), args.requestFile);
  } else {
    const r = parseRequestArg(args.request!);
    base = { method: r.method, url: r.url, httpVersion: r.httpVersion, headers: r.host ? [['host', r.host]] : [] };
  }
  const headers: [string, string][] = [...(base.headers as readonly (readonly [string, string])[]).map(([k, v]): [string, string] => [k, v])];
  for (const h of args.headers) headers.push(parseHeaderArg(h));
  let body = base.body;
  if (args.body !== undefined) body = args.body.startsWith('@') ? await readArgFile(args.body.slice(1), 'body file') : args.body;
  const has = (name: string): boolean => headers.some(([k]) => k.toLowerCase() === name);
  // What a client would send: a Host header, and a form content type for a body given without one (as curl -d).
  if (!has('host')) headers.unshift(['host', 'localhost']);
  if (body !== undefined && !has('content-type')) headers.push(['content-type', 'application/x-www-form-urlencoded']);
  return { ...base, headers, ...(body !== undefined ? { body } : {}), remoteAddress: args.ip };
}

export interface TestReport {
  readonly request: { readonly method: string; readonly url: string; readonly clientIp: string };
  readonly rulesVersion: string;
  readonly matches: readonly (RuleMatch & { readonly transforms: readonly string[]; readonly source: string | undefined })[];
  readonly score: number;
  readonly threshold: number;
  readonly action: InspectResult['action'];
  readonly status: number | undefined;
  readonly decision: string;
}

function decisionOf(r: InspectResult, mode: string): string {
  if (r.action === 'block') return `BLOCK (${r.status ?? 403})`;
  if (r.action === 'detect') return `WOULD BLOCK (${r.status ?? 403}; mode ${mode})`;
  return r.matches.length ? 'PASS (under the threshold)' : 'PASS (no rule matched)';
}

export function formatTest(t: TestReport): string {
  const out: string[] = [];
  out.push(`${t.request.method} ${t.request.url}  (client ${t.request.clientIp}, rules ${t.rulesVersion})`);
  if (t.matches.length === 0) out.push('', 'No rule matched.');
  for (const m of t.matches) {
    out.push('');
    out.push(`rule ${m.id}  phase ${m.phase}  ${m.severity ?? 'no severity'}${m.paranoiaLevel ? `  PL${m.paranoiaLevel}` : ''}  ${m.score > 0 ? `+${m.score}` : m.score} points${m.source ? `  (${m.source})` : ''}`);
    if (m.message) out.push(`  message     ${m.message}`);
    out.push(`  target      ${m.target || '(none)'}`);
    out.push(`  transforms  ${m.transforms.length ? m.transforms.join(', ') : '(none)'}`);
    out.push(`  value       ${JSON.stringify(m.value)}  (after transformations)`);
    if (m.data) out.push(`  data        ${m.data}`);
  }
  out.push('', `score ${t.score} / threshold ${t.threshold}: ${t.decision}`);
  return `${out.join('\n')}\n`;
}

export async function testRequest(waf: Portcullis, specs: ReadonlyMap<number, RuleSpec>, args: TestArgs, io: TestIo): Promise<number> {
  const req = await requestFromArgs(args);
  let r: InspectResult;
  try {
    r = await waf.inspect(req);
  } catch (err) {
    throw new CliError(`cannot inspect the request: ${(err as Error).message}`);
  }
  const report: TestReport = {
    request: { method: req.method, url: req.url, clientIp: args.ip },
    rulesVersion: r.rulesVersion,
    matches: r.matches.map((m) => {
      const spec = specs.get(m.id);
      return { ...m, transforms: spec?.transforms ?? [], source: spec?.source ? `${spec.source.file}:${spec.source.line}` : undefined };
    }),
    score: r.score,
    threshold: r.threshold,
    action: r.action,
    status: r.status,
    decision: decisionOf(r, waf.config.mode),
  };
  io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatTest(report));
  return args.failOnBlock && r.action !== 'pass' ? EXIT.FINDINGS : EXIT.OK;
}
