/**
 * Running totals the optional consumers keep per WAF instance (stream clients, dropped events, audit records),
 * read by the metrics exporter at scrape time. Kept in a WeakMap keyed by the instance, like lifecycle hooks,
 * so consumers need no fields on it and totals stay monotonic when a consumer is closed and replaced.
 */
export interface ConsumerStats {
  /** Alert stream clients connected now (all streams of this instance). */
  streamClients: number;
  /** Stream events not delivered to a client because it was over its buffered-bytes cap. */
  streamDropped: number;
  /** Audit records written to the file. */
  auditWritten: number;
  /** Audit records dropped: queue full, or lost to a write error. */
  auditDropped: number;
}

const stats = new WeakMap<object, ConsumerStats>();

/** The (mutable) totals for `waf`, created on first use. */
export function statsOf(waf: object): ConsumerStats {
  let s = stats.get(waf);
  if (!s) stats.set(waf, (s = { streamClients: 0, streamDropped: 0, auditWritten: 0, auditDropped: 0 }));
  return s;
}
