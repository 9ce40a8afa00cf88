import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';

/**
 * Protocol abuse (113xxx): methods outside the allowed list, null bytes, invalid percent-encoding, CR/LF
 * injection (response splitting, header injection), request-smuggling tells (CL + TE, TE other than `chunked`,
 * duplicate Content-Length, whitespace or odd characters in header names), body-parser errors, and, at PL2+,
 * invalid UTF-8, missing Host and double URL-encoding.
 */
const TAGS = ['attack-protocol'];
const CAT = 'protocol_violation_score';

export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const PROTOCOL_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 113000,
    phase: 1,
    targets: 'REQUEST_METHOD',
    operator: `!@rx ^(?:${ALLOWED_METHODS.join('|')})$`,
    msg: 'Protocol: method not allowed (TRACE, TRACK, CONNECT, DEBUG, ...)',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113010,
    // Null bytes anywhere the app will see them (ARGS are decoded once, so `%00` shows up as \x00).
    phase: 2,
    targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS|REQUEST_HEADERS_NAMES|FILES|FILES_NAMES|XML:/*',
    operator: /\x00/,
    msg: 'Protocol: null byte in request data',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113011,
    phase: 1,
    targets: 'REQUEST_FILENAME|REQUEST_URI_RAW',
    transforms: ['urlDecodeUni'],
    operator: /\x00/,
    msg: 'Protocol: null byte in the URL',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113020,
    phase: 1,
    targets: 'REQUEST_URI_RAW',
    operator: '@validateUrlEncoding',
    msg: 'Protocol: invalid URL encoding in the request line',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113021,
    // URL-encoded bodies carry the same encoding as a query string.
    phase: 2,
    targets: 'REQUEST_BODY',
    operator: '@validateUrlEncoding',
    msg: 'Protocol: invalid URL encoding in a form body',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
    chain: { targets: 'REQBODY_PROCESSOR', operator: '@streq URLENCODED' },
  }),
  defineRule({
    id: 113030,
    // CR/LF followed by a header name: response splitting / header injection in query args, names, cookies.
    targets: 'ARGS_GET|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_FILENAME',
    transforms: ['urlDecodeUni'],
    operator: /[\r\n][ \t]*(?:set-cookie|location|refresh|content-(?:type|length|disposition|security-policy)|x-xss-protection|access-control-allow-\w{1,20}|transfer-encoding|cache-control|x-forwarded-\w{1,20}|host|http\/\d)[ \t]*[:/]|(?:\r?\n){2}<(?:html|script|body|svg)/i,
    msg: 'Protocol: CR/LF header injection (response splitting)',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113031,
    phase: 1,
    targets: 'REQUEST_HEADERS|REQUEST_HEADERS_NAMES',
    operator: /[\r\n]/,
    msg: 'Protocol: CR/LF in a header',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113032,
    phase: 1,
    targets: 'REQUEST_FILENAME',
    operator: /[\r\n]|%0[ad]/i,
    msg: 'Protocol: CR/LF in the path',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113040,
    // Request smuggling: Content-Length together with Transfer-Encoding.
    phase: 1,
    targets: '&REQUEST_HEADERS:Transfer-Encoding',
    operator: '@gt 0',
    msg: 'Protocol: both Content-Length and Transfer-Encoding (request smuggling)',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
    chain: { targets: '&REQUEST_HEADERS:Content-Length', operator: '@gt 0' },
  }),
  defineRule({
    id: 113041,
    phase: 1,
    targets: 'REQUEST_HEADERS:Transfer-Encoding',
    operator: { name: 'rx', param: '^\\s*chunked\\s*$', negate: true, flags: 'is' },
    msg: 'Protocol: Transfer-Encoding other than chunked',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113042,
    phase: 1,
    targets: '&REQUEST_HEADERS:Content-Length|&REQUEST_HEADERS:Transfer-Encoding|&REQUEST_HEADERS:Host',
    operator: '@gt 1',
    msg: 'Protocol: duplicate Content-Length, Transfer-Encoding or Host header',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113043,
    phase: 1,
    targets: 'REQUEST_HEADERS:Content-Length',
    operator: '!@rx ^\\d{1,15}$',
    msg: 'Protocol: Content-Length is not a plain number',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113044,
    // Header names with whitespace or non-token characters (`Transfer-Encoding : chunked`, `Transfer_Encoding`).
    phase: 1,
    targets: 'REQUEST_HEADERS_NAMES',
    operator: "!@rx ^:?[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
    msg: 'Protocol: malformed header name (smuggling obfuscation)',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113045,
    phase: 1,
    targets: 'REQUEST_HEADERS_NAMES',
    operator: /^\s*(?:transfer|content)[_\s.]+(?:encoding|length)\s*$/i,
    msg: 'Protocol: look-alike Transfer-Encoding / Content-Length header name',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113050,
    targets: 'REQBODY_ERROR',
    operator: '@eq 1',
    msg: 'Protocol: request body could not be parsed',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113051,
    targets: 'MULTIPART_STRICT_ERROR|MULTIPART_UNMATCHED_BOUNDARY',
    operator: '@eq 1',
    msg: 'Protocol: multipart body failed strict validation',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113052,
    targets: 'INBOUND_DATA_ERROR',
    operator: '@eq 1',
    msg: 'Protocol: request body exceeded the inspection limit',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113060,
    phase: 1,
    targets: 'REQUEST_PROTOCOL',
    operator: '!@rx ^HTTP/(?:1\\.[01]|2(?:\\.0)?|3(?:\\.0)?)$',
    msg: 'Protocol: unknown HTTP version',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113100,
    targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES',
    operator: '@validateUtf8Encoding',
    msg: 'Protocol: invalid UTF-8 in arguments',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113101,
    phase: 1,
    targets: '&REQUEST_HEADERS:Host',
    operator: '@eq 0',
    msg: 'Protocol: missing Host header',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113102,
    // Double URL-encoding: after the one decode, a value still holds %XX (CRS 920230). Cookies are not decoded by
    // the engine, so they legitimately hold %XX and are left out.
    targets: 'ARGS',
    operator: /%[0-9a-fA-F]{2}/,
    msg: 'Protocol: multiple URL encoding',
    severity: 'notice', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113103,
    phase: 1,
    targets: 'REQUEST_URI_RAW',
    operator: /%25[0-9a-fA-F]{2}/,
    msg: 'Protocol: double URL-encoding in the request line',
    severity: 'notice', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113104,
    // Control characters in arguments (not tab/CR/LF, which forms legitimately carry).
    targets: 'ARGS|ARGS_NAMES|REQUEST_HEADERS|REQUEST_COOKIES',
    operator: /[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]/,
    msg: 'Protocol: control character in request data',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113105,
    // Many byte ranges in Range / Request-Range (CVE-2011-3192 style).
    phase: 1,
    targets: 'REQUEST_HEADERS:Range|REQUEST_HEADERS:Request-Range',
    operator: /(?:,[^,]{0,40}){6}/,
    msg: 'Protocol: excessive Range header',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 113106,
    targets: 'ARGS|REQUEST_COOKIES',
    transforms: ['urlDecodeUni'],
    operator: /[\r\n][ \t]*(?:set-cookie|location|content-type|content-length)[ \t]*:/i,
    msg: 'Protocol: header-like line in a body argument',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
