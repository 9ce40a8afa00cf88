import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';

/**
 * Server-side request forgery (106xxx): cloud metadata endpoints anywhere in user input; non-HTTP schemes that
 * SSRF chains use (gopher, dict, ldap, file, ...); URL-valued parameters whose host is loopback, unspecified, or an
 * alternative spelling of 127.0.0.1 / 169.254.169.254 (decimal 2130706433, hex 0x7f000001, octal 0177.0.0.1,
 * short 127.1, IPv6 [::1], [::ffff:127.0.0.1], enclosed alphanumerics); DNS-rebinding and OAST helper domains.
 * Private ranges (10/8, 172.16/12, 192.168/16) in URLs are PL2: intranet links are legitimate on many sites.
 */
const TAGS = ['attack-ssrf'];
const CAT = 'ssrf_score';

/** Host part of a URL value: optional scheme, `//`, optional userinfo. Backslashes count as slashes (WHATWG). */
const URL_HEAD = String.raw`^\s*(?:[a-z][a-z0-9+.-]{0,20}:)?[\\/]{2}(?:[^\\/?#@\s]{0,200}@)?`;
const HOST_END = String.raw`(?:[:\\/?#]|$)`;

export const SSRF_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 106000,
    targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES|XML:/*|REQUEST_HEADERS|!REQUEST_HEADERS:Referer',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: '@pm 169.254.169.254 metadata.google.internal metadata.goog 100.100.100.200 fd00:ec2::254 169.254.170.2 metadata.azure.com instance-data.ec2.internal 169.254.169.123 metadata.tencentyun.com 169.254.0.23 metadata.packet.net 192.0.0.192 metadata.oraclecloud.com 169.254.169.250 kubernetes.default.svc',
    msg: 'SSRF: cloud metadata endpoint',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 106010,
    // Alternative spellings of the metadata address: decimal, hex, octal, mixed.
    targets: 'ARGS|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: /\b(?:2852039166|0xa9fea9fe|0251\.0376\.0251\.0376|0xa9\.0xfe\.0xa9\.0xfe|0251\.254\.169\.254|169\.254\.43518|0xa9\.254\.169\.254|a9fe:a9fe|0:0:0:0:0:ffff:a9fe:a9fe)\b/,
    msg: 'SSRF: obfuscated metadata address',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 106020,
    targets: 'ARGS|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: /(?:^|[^a-z0-9+.-])(?:gopher|dict|ldaps?|tftp|jar|netdoc|rmi|iiop|corba|nis|fastcgi|expect):[\\/]{2}|\bjar:(?:https?|file):|^\s*file:[\\/]{2}/,
    msg: 'SSRF: dangerous URL scheme',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 106030,
    // URL-valued parameter pointing at loopback or an obfuscated loopback.
    targets: 'ARGS|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: new RegExp(
      String.raw`${URL_HEAD}\[?(?:localhost|localhost\.localdomain|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|127\.\d{1,3}(?:\.\d{1,3})?|0\.0\.0\.0|0|0x7f[0-9a-f.x]{0,16}|0177\.[0-7.]{1,16}|0{1,4}177\.[\d.]{1,16}|2130706\d{3}|017700000001|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\.(?:nip|xip|sslip)\.io|::1?|::ffff:(?:127\.|7f|0:|a9fe)[0-9a-f.:]{0,30}|0:0:0:0:0:0:0:[01]|0:0:0:0:0:ffff:[0-9a-f.:]{1,30}|fe80:[0-9a-f:%.a-z]{0,40}|fc00:[0-9a-f:]{0,30}|fd[0-9a-f]{2}:[0-9a-f:]{0,30})\]?${HOST_END}`,
    ),
    msg: 'SSRF: URL to loopback or an obfuscated local address',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 106040,
    // DNS rebinding / OAST helpers and enclosed alphanumerics in a URL host (①②⑦.⓪.⓪.①).
    targets: 'ARGS|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: new RegExp(
      String.raw`${URL_HEAD}(?:(?:[\w-]{1,63}\.){0,8}(?:nip\.io|xip\.io|sslip\.io|localtest\.me|lvh\.me|1u\.ms|rbndr\.us|burpcollaborator\.net|oastify\.com|interact\.sh|oast\.(?:pro|live|site|online|fun|me)|dnslog\.cn|ceye\.io|requestbin\.net|localhost)${HOST_END}|[^\\/?#\s]{0,200}\xe2(?:\x91[\xa0-\xbf]|\x92[\x80-\xbf]|\x93[\x80-\xbf]))`,
    ),
    msg: 'SSRF: rebinding/OAST domain or obfuscated host',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 106050,
    // A bare decimal/hex IP host with a scheme: `http://2130706433/`, `http://0xa9fea9fe/`, `http://0x7f.1/`.
    targets: 'ARGS|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: new RegExp(String.raw`${URL_HEAD}(?:\d{8,10}|0x[0-9a-f]{1,8}|0x[0-9a-f]{1,2}(?:\.(?:0x[0-9a-f]{1,2}|\d{1,3})){1,3}|0[0-7]{1,4}(?:\.(?:0[0-7]{0,4}|\d{1,3})){1,3})${HOST_END}`),
    msg: 'SSRF: numeric IP host spelling',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 106100,
    targets: 'ARGS|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: new RegExp(String.raw`${URL_HEAD}(?:10\.\d{1,3}\.\d{1,3}\.\d{1,3}|192\.168\.\d{1,3}\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}|169\.254\.\d{1,3}\.\d{1,3}|[a-z0-9-]{1,63}\.(?:internal|local|localdomain|intranet|corp|lan|home\.arpa))${HOST_END}`),
    msg: 'SSRF: URL to a private network address',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 106101,
    // Loopback URLs anywhere inside a value (not only as the whole value), PL2.
    targets: 'ARGS|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: /[a-z]{2,10}:\/\/(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|0\.0\.0\.0|\[::1?\])(?:[:/?#\s]|$)/,
    msg: 'SSRF: loopback URL inside a value',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
