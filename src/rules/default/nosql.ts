import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';

/**
 * NoSQL (MongoDB-style) operator injection (109xxx): query operators as parameter names (`user[$ne]=x`,
 * JSON paths `json.user.$ne`), operator objects smuggled in values (`{"$gt":""}`), and server-side JS
 * (`$where`, `$function`, `$accumulator`, `this.password.match(...)`).
 */
const TAGS = ['attack-nosql'];
const CAT = 'nosql_injection_score';

const OPS = [
  'ne', 'eq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'regex', 'where', 'exists', 'expr', 'function', 'accumulator',
  'or', 'and', 'not', 'nor', 'elemMatch', 'all', 'size', 'type', 'mod', 'text', 'search', 'jsonSchema', 'options',
  'lookup', 'unionWith', 'merge', 'out', 'set', 'unset', 'rename', 'inc', 'push', 'pull', 'addToSet',
  'slice', 'geoWithin', 'near', 'nearSphere', 'where', 'bitsAllSet', 'bitsAnySet', 'graphLookup', 'facet',
  'replaceRoot', 'project', 'match', 'group', 'sample', 'currentOp', 'listLocalSessions',
].join('|');

export const NOSQL_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 109000,
    targets: 'ARGS_NAMES|REQUEST_COOKIES_NAMES',
    transforms: ['urlDecodeUni'],
    operator: new RegExp(String.raw`(?:\[\s*['"]?|\.|^)\$(?:${OPS})(?:['"]?\s*\]|\.|$)`, 'i'),
    msg: 'NoSQL injection: query operator in a parameter name',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 109010,
    // An operator object as a string value (`filter={"$ne":null}`), or `$where`-family keys anywhere.
    targets: 'ARGS|REQUEST_COOKIES|REQUEST_HEADERS:X-Filter|XML:/*',
    transforms: ['urlDecodeUni', 'jsDecode'],
    operator: new RegExp(String.raw`[{,\[]\s*['"]?\$(?:${OPS})['"]?\s*:|\$(?:where|function|accumulator|expr)\b`, 'i'),
    msg: 'NoSQL injection: operator object in a value',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 109020,
    // Server-side JS in `$where`: `'; return true; var x='`, `this.password.match(/.*/)`, `sleep(5000)`, `||1==1`.
    targets: 'ARGS|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'jsDecode'],
    operator: /\bthis\s*\.\s*\w{1,40}\s*\.\s*(?:match|constructor|length|charAt|indexOf|startsWith|substring)\s*\(|['"]\s*;\s*(?:return\s+(?:true|1|this)|var\s+\w+\s*=|sleep\s*\(\d|while\s*\(|throw\b)|['"]\s*(?:\|\||&&)\s*(?:['"]\w{0,20}['"]|\w{1,20})\s*={2,3}\s*['"]?\w|\btrue\s*,\s*\$where\b|\bdb\s*\.\s*(?:getCollection|dropDatabase|eval|getSiblingDB|adminCommand|runCommand)\s*\(|\bdb\s*\.\s*\w{1,40}\s*\.\s*(?:find|findOne|insert|remove|drop|update|deleteMany|aggregate|mapReduce)\s*\(|\bmapReduce\s*\(|\bsleep\s*\(\s*\d{3,}\s*\)/i,
    msg: 'NoSQL injection: server-side JavaScript',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 109100,
    // `$`-prefixed keys of any name in JSON/bracket parameter names, PL2 (some APIs use `$ref`, `$schema`).
    targets: 'ARGS_NAMES',
    transforms: ['urlDecodeUni'],
    operator: /(?:\[|\.)\$[a-z]/i,
    msg: 'NoSQL injection: $-prefixed key',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
