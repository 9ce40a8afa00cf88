import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';

/**
 * Prototype pollution (110xxx): `__proto__`, `constructor.prototype` and `constructor[prototype]` in parameter
 * names (query `a[__proto__][x]`, JSON paths `json.__proto__.isAdmin`, cookies), in the raw query/body (where a
 * parser may decode names we never see), and as path-like values handed to deep-set helpers (`path=__proto__.x`).
 */
const TAGS = ['attack-prototype-pollution', 'language-javascript'];
const CAT = 'prototype_pollution_score';

export const PROTOTYPE_POLLUTION_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 110000,
    targets: 'ARGS_NAMES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS_NAMES',
    transforms: ['urlDecodeUni', 'jsDecode'],
    operator: /__proto__|\bconstructor\s*(?:\.\s*|\[\s*['"]?)prototype\b|\bprototype\s*(?:\.\s*|\[\s*['"]?)(?:constructor|__defineGetter__|__defineSetter__|toString|valueOf|isAdmin|polluted)\b/i,
    msg: 'Prototype pollution: __proto__ or constructor.prototype in a parameter name',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 110010,
    // Raw query / body, decoded twice: catches `%5F%5Fproto%5F%5F` names and `\u005f\u005fproto__` JSON escapes.
    targets: 'QUERY_STRING|REQUEST_BODY|REQUEST_COOKIES',
    transforms: ['urlDecodeUni', 'urlDecodeUni', 'jsDecode'],
    operator: /(?:^|[&?\[.'"{,;\s])__proto__(?:[\]\[.'"=&:]|$)|(?:^|[&?\[.'"{,;\s])constructor(?:\]?\[|\.)\s*['"]?prototype\b/i,
    msg: 'Prototype pollution: __proto__ in the raw query or body',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 110020,
    // Path-like values for deep-set helpers (`lodash.set(obj, req.query.path, v)`).
    targets: 'ARGS|XML:/*',
    transforms: ['urlDecodeUni', 'jsDecode'],
    operator: /(?:^|[.\[\]'"])__proto__(?:$|[.\[\]'"])|(?:^|[.\[\]'"])constructor\s*(?:\.\s*|\[\s*['"]?)prototype(?:$|[.\[\]'"])/i,
    msg: 'Prototype pollution: __proto__ path in a value',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 110100,
    targets: 'ARGS|ARGS_NAMES',
    transforms: ['urlDecodeUni'],
    operator: /\bprototype\s*(?:\.|\[)|\b__(?:defineGetter|defineSetter|lookupGetter|lookupSetter)__\b/i,
    msg: 'Prototype pollution: prototype access',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
