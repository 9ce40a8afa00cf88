/**
 * Portcullis: an embeddable web application firewall for Node.js.
 * The public surface; named exports only.
 */
export { portcullis } from './portcullis.js';
export type { Portcullis, PortcullisEvents, RequestLike, InspectResult } from './portcullis.js';
export type { PortcullisOptions, LimitOptions, RuleOptions, Exclusion, ExclusionScope, ResolvedConfig } from './options.js';
export type {
  Alert, AlertAction, AlertDetail, RuleMatch, BanEvent, UnbanEvent, RateLimitEvent, ReloadEvent,
} from './alerts/types.js';
export { PortcullisError, ERROR_CODES } from './errors.js';
export type { ErrorCode } from './errors.js';
export { defineRule } from './rules/define.js';
export type { RuleDefinition } from './rules/define.js';
export type {
  RuleSpec, RulesetEntry, MarkerSpec, TargetSpec, OperatorSpec, Phase, Severity, RuleSource, EngineDirectives,
} from './rules/types.js';
export { DEFAULT_RULES, DEFAULT_RULES_VERSION } from './rules/default/index.js';
