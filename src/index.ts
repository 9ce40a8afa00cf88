/**
 * Portcullis: an embeddable web application firewall for Node.js.
 * The public surface; named exports only.
 */
export { portcullis } from './portcullis.js';
export type { Portcullis, PortcullisEvents, RequestLike, InspectResult } from './portcullis.js';
export type { ReloadResult } from './engine/reload.js';
export type { WatchOptions } from './engine/watch.js';
export type { PortcullisOptions, LimitOptions, RuleOptions, Exclusion, ExclusionScope, ResolvedConfig } from './options.js';
export type {
  Alert, AlertAction, AlertDetail, RuleMatch, BanEvent, UnbanEvent, RateLimitEvent, ReloadEvent,
} from './alerts/types.js';
export type { InspectedEvent } from './alerts/types.js';
export { alertStream, STREAM_PROTOCOL_VERSION } from './alerts/stream.js';
export type { AlertStream, AlertStreamOptions } from './alerts/stream.js';
export type { StreamEventType } from './alerts/stream-filter.js';
export type { Authenticate } from './alerts/auth.js';
export { auditLog, AUDIT_RECORD_VERSION } from './alerts/audit-log.js';
export type { AuditLog, AuditLogOptions } from './alerts/audit-log.js';
export { prometheusMetrics } from './metrics/prometheus.js';
export type { MetricsHandler, MetricsRegistry, PrometheusMetricsOptions } from './metrics/prometheus.js';
export { dashboard } from './dashboard/dashboard.js';
export type { Dashboard, DashboardOptions } from './dashboard/dashboard.js';
export type {
  TrustProxy,
} from './bans/client-ip.js';
export type {
  BanOptions, JailOptions, BanIncrementOptions, RateLimitOptions, RouteLimitOptions, RedisStoreOptions, IpListOption,
} from './bans/guard-options.js';
export type { KeyFunction } from './limiter/limiter.js';
export type { BanEntry } from './stores/types.js';
export { PERMANENT_UNTIL } from './stores/types.js';
export { normalizeIp } from './bans/ip.js';
export { GATE_FINDINGS } from './middleware/gate.js';
export { RESPONSE_LIMIT_FINDING, DEFAULT_RESPONSE_MIME_TYPES } from './middleware/response.js';
export type { ResponseInspectionOptions } from './options.js';
export { PortcullisError, ERROR_CODES } from './errors.js';
export type { ErrorCode } from './errors.js';
export { defineRule } from './rules/define.js';
export type { RuleDefinition } from './rules/define.js';
export type {
  RuleSpec, RulesetEntry, MarkerSpec, TargetSpec, OperatorSpec, Phase, Severity, RuleSource, EngineDirectives,
} from './rules/types.js';
export { DEFAULT_RULES, DEFAULT_RULES_VERSION } from './rules/default/index.js';
export type { SecLangSource } from './seclang/parse.js';
