/**
 * What `portcullis replay` reports, built up one inspected request at a time in bounded memory: counters per rule
 * (bounded by the ruleset), per client IP (capped; see `MAX_TRACKED_IPS`), a fixed-size reservoir sample of matched
 * requests and the first broken lines.
 */
import type { AlertAction, RuleMatch } from '../alerts/types.js';
import type { InspectResult } from '../portcullis.js';

export const MAX_TRACKED_IPS = 100_000;
const MAX_BROKEN_EXAMPLES = 10;

export interface RuleCount {
  readonly id: number;
  readonly message: string;
  /** Requests this rule matched. */
  readonly matched: number;
  /** Of those, requests that would have been blocked. */
  readonly blocked: number;
}

export interface IpCount {
  readonly ip: string;
  readonly requests: number;
  readonly matched: number;
  readonly blocked: number;
}

export interface SampleRequest {
  readonly line: number;
  readonly time: string | undefined;
  readonly clientIp: string;
  readonly method: string;
  readonly url: string;
  readonly action: AlertAction;
  readonly score: number;
  readonly rules: readonly { readonly id: number; readonly target: string; readonly value: string }[];
}

export interface ReplayReport {
  readonly file: string;
  readonly format: string;
  readonly rulesVersion: string;
  readonly mode: string;
  /** Requests inspected. */
  readonly requests: number;
  /** Requests that would have been blocked (action `block`, or `detect` when the mode is detect). */
  readonly wouldBlock: number;
  /** Requests that matched at least one rule but stayed under the threshold. */
  readonly matchedOnly: number;
  /** Lines/entries that could not be read as a request. */
  readonly broken: number;
  readonly brokenExamples: readonly { readonly line: number; readonly reason: string }[];
  /** Inspection failures (engine errors on a record); fail-open like the middleware. */
  readonly errors: number;
  readonly byRule: readonly RuleCount[];
  /** Client IPs with the most requests that matched (top N). */
  readonly byClientIp: readonly IpCount[];
  /** Client IPs with the most would-block requests (top N). */
  readonly topOffenders: readonly IpCount[];
  /** True when more than MAX_TRACKED_IPS distinct IPs were seen: IP counts are then lower bounds. */
  readonly ipsTruncated: boolean;
  readonly distinctIps: number;
  readonly samples: readonly SampleRequest[];
  readonly elapsedMs: number;
  readonly requestsPerSecond: number;
}

interface MutableRule { id: number; message: string; matched: number; blocked: number }
interface MutableIp { requests: number; matched: number; blocked: number }

export interface ReportBuilder {
  add(line: number, time: string | undefined, clientIp: string, method: string, url: string, r: InspectResult): void;
  broken(line: number, reason: string): void;
  error(line: number, reason: string): void;
  finish(elapsedMs: number): ReplayReport;
}

/** Deterministic PRNG (xorshift32) so the same log gives the same sample. */
function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

export function createReportBuilder(meta: { file: string; format: string; rulesVersion: string; mode: string; top: number; samples: number }): ReportBuilder {
  const rules = new Map<number, MutableRule>();
  const ips = new Map<string, MutableIp>();
  const samples: SampleRequest[] = [];
  const brokenExamples: { line: number; reason: string }[] = [];
  const random = prng(0x5eed);
  let requests = 0;
  let wouldBlock = 0;
  let matchedOnly = 0;
  let broken = 0;
  let errors = 0;
  let matchedSeen = 0;
  let ipsTruncated = false;
  let distinct = 0;

  /** Keeps the IP map bounded: past the cap, the half with the least activity goes (counts become lower bounds). */
  const prune = (): void => {
    ipsTruncated = true;
    const weight = (v: MutableIp): number => v.blocked * 1e6 + v.matched * 1e3 + Math.min(v.requests, 999);
    const sorted = [...ips.entries()].sort((a, b) => weight(a[1]) - weight(b[1]));
    for (let i = 0; i < sorted.length / 2; i++) ips.delete(sorted[i]![0]);
  };

  const ruleHit = (m: RuleMatch, blocked: boolean): void => {
    let r = rules.get(m.id);
    if (!r) rules.set(m.id, (r = { id: m.id, message: m.message, matched: 0, blocked: 0 }));
    r.matched++;
    if (blocked) r.blocked++;
  };

  return {
    add(line, time, clientIp, method, url, res) {
      requests++;
      const blocked = res.action !== 'pass';
      const matched = res.matches.length > 0;
      if (blocked) wouldBlock++;
      else if (matched) matchedOnly++;
      let ip = ips.get(clientIp);
      if (!ip) {
        distinct++;
        if (ips.size >= MAX_TRACKED_IPS) prune();
        ips.set(clientIp, (ip = { requests: 0, matched: 0, blocked: 0 }));
      }
      ip.requests++;
      if (matched || blocked) ip.matched++;
      if (blocked) ip.blocked++;
      if (!matched && !blocked) return;
      const seen = new Set<number>();
      for (const m of res.matches) {
        if (seen.has(m.id)) continue;
        seen.add(m.id);
        ruleHit(m, blocked);
      }
      // Reservoir sampling (algorithm R) over matched requests.
      matchedSeen++;
      const slot = samples.length < meta.samples ? samples.length : Math.floor(random() * matchedSeen);
      if (slot < meta.samples) {
        samples[slot] = {
          line, time, clientIp, method, url: url.length > 300 ? `${url.slice(0, 300)}…` : url, action: res.action, score: res.score,
          rules: res.matches.map((m) => ({ id: m.id, target: m.target, value: m.value })),
        };
      }
    },
    broken(line, reason) {
      broken++;
      if (brokenExamples.length < MAX_BROKEN_EXAMPLES) brokenExamples.push({ line, reason });
    },
    error(line, reason) {
      errors++;
      if (brokenExamples.length < MAX_BROKEN_EXAMPLES) brokenExamples.push({ line, reason: `inspection failed: ${reason}` });
    },
    finish(elapsedMs) {
      const ipList = [...ips.entries()].map(([ip, v]) => ({ ip, ...v }));
      const top = (key: 'matched' | 'blocked'): IpCount[] => ipList
        .filter((x) => x[key] > 0)
        .sort((a, b) => b[key] - a[key] || b.requests - a.requests || (a.ip < b.ip ? -1 : 1))
        .slice(0, meta.top);
      return {
        file: meta.file,
        format: meta.format,
        rulesVersion: meta.rulesVersion,
        mode: meta.mode,
        requests,
        wouldBlock,
        matchedOnly,
        broken,
        brokenExamples,
        errors,
        byRule: [...rules.values()].sort((a, b) => b.matched - a.matched || a.id - b.id),
        byClientIp: top('matched'),
        topOffenders: top('blocked'),
        ipsTruncated,
        distinctIps: distinct,
        samples: samples.slice().sort((a, b) => a.line - b.line),
        elapsedMs: Math.round(elapsedMs),
        requestsPerSecond: elapsedMs > 0 ? Math.round((requests / elapsedMs) * 1000) : 0,
      };
    },
  };
}

const pad = (s: string | number, n: number): string => String(s).padStart(n);

/** The human-readable report. */
export function formatReport(r: ReplayReport): string {
  const pct = (n: number): string => (r.requests ? `${((n / r.requests) * 100).toFixed(2)}%` : '0%');
  const out: string[] = [];
  out.push(`Replayed ${r.file} (${r.format}) against rules ${r.rulesVersion}, mode ${r.mode}`);
  out.push(`  requests      ${pad(r.requests, 10)}`);
  out.push(`  would block   ${pad(r.wouldBlock, 10)}  ${pct(r.wouldBlock)}`);
  out.push(`  matched only  ${pad(r.matchedOnly, 10)}  ${pct(r.matchedOnly)}  (under the threshold)`);
  out.push(`  broken lines  ${pad(r.broken, 10)}`);
  if (r.errors) out.push(`  errors        ${pad(r.errors, 10)}`);
  out.push(`  time          ${pad((r.elapsedMs / 1000).toFixed(1), 10)} s  (${r.requestsPerSecond} requests/s)`);
  if (r.brokenExamples.length) {
    out.push('', 'Broken lines (first ones):');
    for (const b of r.brokenExamples) out.push(`  line ${b.line}: ${b.reason}`);
  }
  if (r.byRule.length) {
    out.push('', 'By rule:', `  ${'rule'.padEnd(8)} ${pad('matched', 9)} ${pad('blocked', 9)}  message`);
    for (const x of r.byRule) out.push(`  ${String(x.id).padEnd(8)} ${pad(x.matched, 9)} ${pad(x.blocked, 9)}  ${x.message}`);
  }
  const ipTable = (title: string, list: readonly IpCount[]): void => {
    if (!list.length) return;
    out.push('', title, `  ${'client ip'.padEnd(39)} ${pad('requests', 9)} ${pad('matched', 9)} ${pad('blocked', 9)}`);
    for (const x of list) out.push(`  ${x.ip.padEnd(39)} ${pad(x.requests, 9)} ${pad(x.matched, 9)} ${pad(x.blocked, 9)}`);
  };
  ipTable('Top offenders (would-block requests):', r.topOffenders);
  ipTable('By client IP (matched requests):', r.byClientIp);
  if (r.ipsTruncated) out.push(`  (${r.distinctIps} distinct IPs: counts of the least active were dropped to bound memory)`);
  if (r.samples.length) {
    out.push('', 'Sample of matched requests:');
    for (const s of r.samples) {
      out.push(`  line ${s.line}  ${s.clientIp}  ${s.action} (score ${s.score})  ${s.method} ${s.url}`);
      for (const m of s.rules.slice(0, 5)) out.push(`      ${m.id}  ${m.target}  ${JSON.stringify(m.value)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
