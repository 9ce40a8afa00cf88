import type { RuleSpec, RulesetEntry } from '../types.js';
import { NODE_RULES } from './node.js';
import { NOSQL_RULES } from './nosql.js';
import { PROTOCOL_RULES } from './protocol.js';
import { PROTOTYPE_POLLUTION_RULES } from './prototype-pollution.js';
import { RCE_RULES } from './rce.js';
import { RFI_RULES } from './rfi.js';
import { SCANNER_RULES } from './scanners.js';
import { SENSITIVE_FILES_RULES } from './sensitive-files.js';
import { SQLI_RULES } from './sqli.js';
import { SSRF_RULES } from './ssrf.js';
import { TEMPLATE_RULES } from './template.js';
import { TRAVERSAL_RULES } from './traversal.js';
import { XSS_RULES } from './xss.js';

export { NODE_RULES } from './node.js';
export { NOSQL_RULES } from './nosql.js';
export { ALLOWED_METHODS, PROTOCOL_RULES } from './protocol.js';
export { PROTOTYPE_POLLUTION_RULES } from './prototype-pollution.js';
export { RCE_RULES } from './rce.js';
export { RFI_RULES } from './rfi.js';
export { SCANNER_RULES } from './scanners.js';
export { SENSITIVE_FILES_RULES } from './sensitive-files.js';
export { SQLI_RULES } from './sqli.js';
export { SSRF_RULES } from './ssrf.js';
export { TEMPLATE_RULES } from './template.js';
export { TRAVERSAL_RULES } from './traversal.js';
export { XSS_RULES } from './xss.js';

/** Bumped whenever a default rule changes, so alerts and audit logs can say which ruleset matched. */
export const DEFAULT_RULES_VERSION = '1.0.0';

/** The default rule classes with their id blocks (100000-199999, 1000 ids per class). */
export const DEFAULT_RULE_CLASSES: readonly { readonly name: string; readonly base: number; readonly rules: readonly RuleSpec[] }[] = [
  { name: 'sqli', base: 101000, rules: SQLI_RULES },
  { name: 'xss', base: 102000, rules: XSS_RULES },
  { name: 'traversal', base: 103000, rules: TRAVERSAL_RULES },
  { name: 'rfi', base: 104000, rules: RFI_RULES },
  { name: 'rce', base: 105000, rules: RCE_RULES },
  { name: 'ssrf', base: 106000, rules: SSRF_RULES },
  { name: 'template', base: 107000, rules: TEMPLATE_RULES },
  { name: 'node', base: 108000, rules: NODE_RULES },
  { name: 'nosql', base: 109000, rules: NOSQL_RULES },
  { name: 'prototype-pollution', base: 110000, rules: PROTOTYPE_POLLUTION_RULES },
  { name: 'sensitive-files', base: 111000, rules: SENSITIVE_FILES_RULES },
  { name: 'scanners', base: 112000, rules: SCANNER_RULES },
  { name: 'protocol', base: 113000, rules: PROTOCOL_RULES },
];

/**
 * The default ruleset, protocol checks first (cheap, phase 1), then the attack classes. Phase bucketing is the
 * engine's job; the order here is the order within a phase.
 */
export const DEFAULT_RULES: readonly RulesetEntry[] = Object.freeze([
  ...PROTOCOL_RULES, ...SCANNER_RULES, ...SENSITIVE_FILES_RULES,
  ...SQLI_RULES, ...XSS_RULES, ...TRAVERSAL_RULES, ...RFI_RULES, ...RCE_RULES, ...SSRF_RULES,
  ...TEMPLATE_RULES, ...NODE_RULES, ...NOSQL_RULES, ...PROTOTYPE_POLLUTION_RULES,
]);
