/**
 * Per-client filters of the alert stream: which event types, the minimum severity and the tags an alert must
 * carry. Set from the upgrade URL's query string (`?types=alert,ban&severity=critical&tags=attack-sqli&replay=50`)
 * and changed later with a `subscribe` message carrying the same fields.
 */
import { isSeverity, SEVERITY_ORDER, severityRank } from './severity.js';

export const STREAM_EVENT_TYPES = ['alert', 'block', 'ban', 'unban', 'ratelimit', 'reload'] as const;
export type StreamEventType = (typeof STREAM_EVENT_TYPES)[number];

const MAX_TAGS = 32;
const MAX_TAG_LENGTH = 128;

export interface StreamFilter {
  readonly types: ReadonlySet<StreamEventType>;
  /** Severity rank an alert/block event must reach; -1 accepts all (including alerts without a severity). */
  readonly minSeverity: number;
  /** An alert/block event must have a match carrying one of these tags; null accepts all. */
  readonly tags: ReadonlySet<string> | null;
}

/** What filtering needs to know about an event, computed once per broadcast. */
export interface EventFacts {
  readonly type: StreamEventType;
  /** Highest severity rank among an alert's matches (-1 for none and for other event types). */
  readonly severity: number;
  /** Tags of an alert's matches (empty for other event types). */
  readonly tags: readonly string[];
}

export const DEFAULT_FILTER: StreamFilter = Object.freeze({ types: new Set(STREAM_EVENT_TYPES), minSeverity: -1, tags: null });

/** Fields of a filter as they arrive: strings from a query string, or JSON values from a subscribe message. */
export interface FilterInput {
  readonly types?: unknown;
  readonly severity?: unknown;
  readonly tags?: unknown;
  readonly replay?: unknown;
}

export type FilterResult =
  | { readonly ok: true; readonly filter: StreamFilter; readonly replay: number }
  | { readonly ok: false; readonly error: string };

function list(v: unknown, what: string): string[] | string {
  const items = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : null;
  if (items === null || items.some((x) => typeof x !== 'string')) return `${what} must be a comma-separated string or an array of strings`;
  return (items as string[]).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Applies the fields present in `input` on top of `base`. Replay is clamped to `maxReplay`. */
export function parseFilter(input: FilterInput, base: StreamFilter, maxReplay: number): FilterResult {
  let { types, minSeverity, tags } = base;
  if (input.types !== undefined && input.types !== null) {
    const l = list(input.types, 'types');
    if (typeof l === 'string') return { ok: false, error: l };
    const unknown = l.filter((t) => !(STREAM_EVENT_TYPES as readonly string[]).includes(t));
    if (unknown.length) return { ok: false, error: `unknown event type ${JSON.stringify(unknown[0]!.slice(0, 40))}; known: ${STREAM_EVENT_TYPES.join(', ')}` };
    types = new Set(l as StreamEventType[]);
  }
  if (input.severity !== undefined && input.severity !== null && input.severity !== '') {
    if (!isSeverity(input.severity)) return { ok: false, error: 'severity must be one of debug, info, notice, warning, error, critical, alert, emergency' };
    minSeverity = severityRank(input.severity);
  }
  if (input.tags !== undefined && input.tags !== null) {
    const l = list(input.tags, 'tags');
    if (typeof l === 'string') return { ok: false, error: l };
    if (l.length > MAX_TAGS || l.some((t) => t.length > MAX_TAG_LENGTH)) return { ok: false, error: `tags: at most ${MAX_TAGS}, each at most ${MAX_TAG_LENGTH} characters` };
    tags = l.length ? new Set(l) : null;
  }
  let replay = 0;
  if (input.replay !== undefined && input.replay !== null && input.replay !== '') {
    const n = typeof input.replay === 'string' ? Number(input.replay) : input.replay;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return { ok: false, error: 'replay must be a non-negative integer' };
    replay = Math.min(n, maxReplay);
  }
  return { ok: true, filter: { types, minSeverity, tags }, replay };
}

export function passes(filter: StreamFilter, e: EventFacts): boolean {
  if (!filter.types.has(e.type)) return false;
  if (e.type !== 'alert' && e.type !== 'block') return true;
  if (filter.minSeverity >= 0 && e.severity < filter.minSeverity) return false;
  if (filter.tags !== null) {
    for (const t of e.tags) if (filter.tags.has(t)) return true;
    return false;
  }
  return true;
}

/** The filter as plain JSON (echoed to the client in `hello` and `subscribed` messages). */
export function describeFilter(f: StreamFilter): { types: StreamEventType[]; severity: string | null; tags: string[] | null } {
  return { types: [...f.types], severity: SEVERITY_ORDER[f.minSeverity] ?? null, tags: f.tags ? [...f.tags] : null };
}
