import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Alert } from '../../src/alerts/types.js';
import { portcullis, type Portcullis } from '../../src/portcullis.js';
import { albedo } from './albedo.js';
import { sendRaw, type SendResult } from './client.js';
import { listTestFiles, loadStages, type FtwOutput, type FtwStage } from './ftw.js';
import { loadOverrides, type Overrides } from './overrides.js';
import { buildRequest } from './request.js';

/**
 * The CRS regression suite against Portcullis over real HTTP on 127.0.0.1 (NOTES.md §6): an Express-free
 * node:http server with the WAF in front of an albedo-compatible backend, CRS loaded unmodified as its CI
 * configures it, each stage's request written as raw bytes the way go-ftw writes them, and the ids that fired
 * collected from the waf's `alert` events, attributed to the stage by the client socket's port (an
 * AsyncLocalStorage context opened around the middleware, so concurrent stages never mix).
 */

export const DEFAULT_OVERRIDES = new URL('./overrides.yaml', import.meta.url).pathname;

/** What the CRS CI sets on top of crs-setup.conf.example, used when the CRS copy has no derived file. */
const CI_EQUIVALENT = `
SecRuleEngine DetectionOnly
SecRequestBodyAccess On
SecResponseBodyAccess On
SecResponseBodyMimeType text/plain text/html text/xml application/json
SecAction "id:900000,phase:1,pass,t:none,nolog,tag:'OWASP_CRS',setvar:tx.blocking_paranoia_level=4"
SecAction "id:900110,phase:1,pass,t:none,nolog,tag:'OWASP_CRS',setvar:tx.inbound_anomaly_score_threshold=5,setvar:tx.outbound_anomaly_score_threshold=4"
SecAction "id:900320,phase:1,pass,t:none,nolog,tag:'OWASP_CRS',setvar:tx.arg_length=400"
SecAction "id:900330,phase:1,pass,t:none,nolog,tag:'OWASP_CRS',setvar:tx.total_arg_length=6400"
SecAction "id:900340,phase:1,pass,t:none,nolog,tag:'OWASP_CRS',setvar:tx.max_file_size=64100"
SecAction "id:900350,phase:1,pass,t:none,nolog,tag:'OWASP_CRS',setvar:tx.combined_file_sizes=65535"
`;

export interface ConformanceOptions {
  readonly crsDir: string;
  /** Default: `<crsDir>/tests/regression/tests`. */
  readonly testsDir?: string;
  readonly overridesFile?: string;
  /** Only files whose path contains this text. */
  readonly file?: string;
  /** Only stages of this rule id (the file's rule_id). */
  readonly rule?: number;
  /** Stages in flight at once. Default 8. */
  readonly concurrency?: number;
  /** Per-request read timeout, ms (go-ftw's ReadTimeout is 3000; the default 10000 leaves room on a loaded CI machine). */
  readonly timeoutMs?: number;
  /** Called once per test file, in file order, with its stage results. */
  readonly onFile?: (file: string, results: readonly StageResult[]) => void;
}

export interface StageResult {
  readonly stage: FtwStage;
  readonly outcome: 'passed' | 'failed' | 'skipped';
  /** Why it failed or was skipped. */
  readonly reason?: string;
  readonly status?: number;
  readonly ids: readonly number[];
  readonly log: string;
  /** Wall time of the stage (request written → response read and the WAF done), ms. */
  readonly ms: number;
}

export interface ConformanceSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly results: readonly StageResult[];
  readonly ms: number;
  /** Alerts that could not be tied to a stage (should be 0). */
  readonly unattributed: number;
  /** `error` events the WAF emitted (internal failures; should be 0). */
  readonly errors: number;
}

/** Non-printable bytes as `\xHH`, as ModSecurity escapes them in its error log (so a line stays one line). */
function logEscape(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A ModSecurity-style error-log line per logged match: what go-ftw's id and regex checks read. */
function logLines(alerts: readonly Alert[]): string {
  const lines: string[] = [];
  for (const a of alerts) {
    for (const m of a.matches) {
      lines.push(`[client "${a.clientIp}"] Portcullis: Warning. [id "${m.id}"] [msg "${logEscape(m.message)}"] [data "${logEscape(m.data)}"]`
        + ` [severity "${m.severity ?? ''}"]${m.tags.map((t) => ` [tag "${t}"]`).join('')} [uri "${a.url}"] [unique_id "${a.incidentId}"]`);
    }
  }
  return lines.join('\n');
}

interface Pending {
  readonly alerts: Alert[];
  readonly errors: string[];
  seen: boolean;
  /** Resolves when the server has finished the response (or there was no request at all). */
  readonly done: Promise<void>;
  finish(): void;
}

function createPending(): Pending {
  let finish!: () => void;
  const done = new Promise<void>((r) => { finish = r; });
  return { alerts: [], errors: [], seen: false, done, finish };
}

export function evaluate(output: FtwOutput, sent: SendResult, log: string, ids: readonly number[]): string | null {
  if (output.expect_error) {
    if (sent.response !== null) return `expected no response (expect_error), got status ${sent.response.status}`;
  } else if (output.status !== undefined) {
    if (sent.response === null) return `expected status ${JSON.stringify(output.status)}, got no response (${sent.error ?? ''})`;
    const want = Array.isArray(output.status) ? output.status : [output.status];
    if (!want.includes(sent.response.status)) return `expected status ${JSON.stringify(output.status)}, got ${sent.response.status}`;
  }
  const l = output.log;
  if (l) {
    const missing = (l.expect_ids ?? []).filter((id) => !ids.includes(id));
    if (missing.length) return `expected ids ${missing.join(',')} did not fire`;
    const extra = (l.no_expect_ids ?? []).filter((id) => ids.includes(id));
    if (extra.length) return `ids ${extra.join(',')} fired but must not`;
    if (l.match_regex !== undefined && !new RegExp(l.match_regex).test(log)) return `log does not match /${l.match_regex}/`;
    if (l.no_match_regex !== undefined && new RegExp(l.no_match_regex).test(log)) return `log matches /${l.no_match_regex}/ but must not`;
  }
  return null;
}

/** The WAF the conformance suite runs: CRS as its CI runs it (PL4, DetectionOnly, test marker rule). */
export function createCrsWaf(crsDir: string): Portcullis {
  const derived = join(crsDir, 'test-config/derived/crs-ci-equivalent.conf');
  return portcullis({
    rules: {
      defaults: false,
      seclang: [
        join(crsDir, 'crs-setup.conf.example'),
        existsSync(derived) ? derived : { text: CI_EQUIVALENT, name: '<crs-ci-equivalent>' },
        join(crsDir, 'rules'),
      ],
    },
    // Report everything verbatim: go-ftw's regex checks read matched data.
    redact: /(?!)/,
    // Phases 3-5 as the CI's SecResponseBodyAccess On / SecResponseBodyMimeType.
    inspectResponse: { mimeTypes: ['text/plain', 'text/html', 'text/xml', 'application/json'] },
    limits: { maxBodyBytes: 13_107_200, maxArgs: 1000, maxDepth: 512, maxParts: 1000 },
  });
}

export async function runConformance(opts: ConformanceOptions): Promise<ConformanceSummary> {
  const started = Date.now();
  const testsDir = opts.testsDir ?? join(opts.crsDir, 'tests/regression/tests');
  if (!existsSync(testsDir)) throw new Error(`CRS regression tests not found at ${testsDir}`);
  const overrides: Overrides = loadOverrides(opts.overridesFile ?? DEFAULT_OVERRIDES);
  const files = listTestFiles(testsDir).filter((f) => opts.file === undefined || f.includes(opts.file));

  const waf = createCrsWaf(opts.crsDir);
  const als = new AsyncLocalStorage<Pending>();
  const byPort = new Map<number, Pending>();
  let unattributed = 0;
  waf.on('alert', (alert) => {
    // An alert raised outside the request's async context (none today) is attributed when only one stage is
    // in flight; otherwise it is counted, so a lost attribution shows up instead of passing silently.
    const p = als.getStore() ?? (byPort.size === 1 ? byPort.values().next().value : undefined);
    if (p) p.alerts.push(alert);
    else unattributed++;
  });
  // Internal errors (the WAF fails open) are tied to their stage and counted: a stage that only passes because
  // the engine failed would otherwise look green.
  let errors = 0;
  waf.on('error', (err) => {
    errors++;
    const p = als.getStore() ?? (byPort.size === 1 ? byPort.values().next().value : undefined);
    p?.errors.push(err.message);
  });

  // Sockets with a request being answered: a parse error in bytes that follow it (a body sent without
  // Content-Length, read as a second request) must not overtake that answer, as with Apache or nginx.
  const busy = new WeakSet<object>();
  const broken = new WeakSet<object>();
  const server: Server = createServer((req, res) => {
    const sock = req.socket;
    busy.add(sock);
    res.on('finish', () => {
      busy.delete(sock);
      if (broken.has(sock)) sock.end();
    });
    const p = byPort.get(req.socket.remotePort ?? -1);
    if (p) {
      p.seen = true;
      res.on('close', () => setImmediate(() => p.finish()));
    }
    const run = (): void => waf(req, res, (err) => {
      if (err) {
        res.statusCode = 500;
        res.end();
        return;
      }
      albedo(req, res);
    });
    if (p) als.run(p, run);
    else run();
  });
  server.on('clientError', (_err, socket) => {
    if (busy.has(socket)) {
      broken.add(socket);
      return;
    }
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  // CONNECT requests: Node emits 'connect' instead of 'request'; answer them plainly (no WAF can see them).
  server.on('connect', (_req, socket) => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  const runStage = async (stage: FtwStage): Promise<StageResult> => {
    const skip = overrides.skip.get(stage.id);
    if (skip !== undefined) return { stage, outcome: 'skipped', reason: skip, ids: [], log: '', ms: 0 };
    const output = overrides.replace.get(stage.id)?.output ?? stage.output;
    let bytes: Buffer;
    try {
      bytes = buildRequest(stage.input);
    } catch (err) {
      return { stage, outcome: 'failed', reason: `cannot build request: ${(err as Error).message}`, ids: [], log: '', ms: 0 };
    }
    const attempt = async (): Promise<StageResult> => {
      const pending = createPending();
      const t0 = performance.now();
      let local = -1;
      const sent = await sendRaw('127.0.0.1', port, bytes, timeoutMs, (lp) => {
        local = lp;
        byPort.set(lp, pending);
      });
      if (pending.seen) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([pending.done, new Promise((r) => { timer = setTimeout(r, timeoutMs); })]);
        clearTimeout(timer);
      }
      // Only our own entry: the OS may already have handed this port to another stage's connection.
      if (byPort.get(local) === pending) byPort.delete(local);
      const ids = [...new Set(pending.alerts.flatMap((a) => a.matches.map((m) => m.id)))];
      const log = logLines(pending.alerts);
      const failure = pending.errors.length > 0
        ? `the WAF reported an internal error: ${pending.errors.join('; ')}`
        : evaluate(output, sent, log, ids);
      return {
        stage,
        outcome: failure === null ? 'passed' : 'failed',
        ...(failure !== null ? { reason: failure } : {}),
        ...(sent.response ? { status: sent.response.status } : {}),
        ids,
        log,
        ms: performance.now() - t0,
      };
    };
    const first = await attempt();
    if (first.outcome === 'failed' && output.retry_once) return attempt();
    return first;
  };

  const results: StageResult[] = [];
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  try {
    for (const f of files) {
      const stages = loadStages(f, testsDir).filter((s) => opts.rule === undefined || s.ruleId === opts.rule);
      if (stages.length === 0) continue;
      const out: StageResult[] = new Array(stages.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < stages.length) {
          const i = next++;
          out[i] = await runStage(stages[i]!);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, stages.length) }, worker));
      results.push(...out);
      opts.onFile?.(stages[0]!.file, out);
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await waf.close();
  }
  const count = (o: StageResult['outcome']): number => results.filter((r) => r.outcome === o).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), results, ms: Date.now() - started, unattributed, errors };
}
