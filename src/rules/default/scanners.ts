import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';

/**
 * Security scanners (112xxx): tool names in the User-Agent (CRS 913100 style, case-insensitive substrings),
 * scanner-specific headers, and out-of-band interaction domains (Burp Collaborator, interactsh) anywhere in the
 * request. Real browsers, curl, wget and HTTP libraries are not listed.
 */
const TAGS = ['attack-reputation-scanner'];
const CAT = 'scanner_score';

const SCANNER_UAS = [
  'sqlmap', 'nikto', 'nmap scripting engine', 'nmap nse', '(nmap', 'masscan', 'nuclei', 'zgrab', 'dirbuster',
  'gobuster', 'wpscan', 'acunetix', 'nessus', 'openvas', 'arachni', 'w3af', 'burpsuite', 'burp collaborator',
  'burpcollaborator', 'netsparker', 'invicti', 'appscan', 'webinspect', 'havij', 'commix', 'xsser', 'skipfish',
  'whatweb', 'wfuzz', 'ffuf', 'feroxbuster', 'dirsearch', 'jaeles', 'fimap', 'grabber', 'paros', 'bsqlbf',
  'sqlninja', 'pangolin', 'wapiti', 'webshag', 'nsauditor', 'morfeus', 'zmeu', 'jorgee', 'nuclei', 'interactsh',
  'owasp zap', 'zaproxy', 'metasploit', 'hydra', 'brutus', 'webvulnscan', 'vega/', 'ratproxy', 'sf/', 'httpx -',
  'projectdiscovery', 'qualys', 'detectify', 'crowdstrike', 'tenable', 'rapid7', 'nexpose', 'zgrab2', 'censysinspect',
  'xray', 'awvs', 'struts-pwn', 'log4j-scan', 'fuzz faster u fool', 'mozilla/5.0 sf', 'dotdotpwn', 'evilscanner',
  'cgichk', 'absinthe', 'blackwidow', 'mysqloit', 'sqlpowerinjector', 'springenwerk', 'teh forest lobster',
  'this is an exploit', 'toata dragostea', 'n-stealth', 'nstealth', 'scanbot', 'security scan', 'vulnerability scanner',
];

export const SCANNER_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 112000,
    phase: 1,
    targets: 'REQUEST_HEADERS:User-Agent',
    operator: `@pm ${SCANNER_UAS.filter((u) => !u.includes(' ')).join(' ')}`,
    msg: 'Scanner: security tool User-Agent',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 112001,
    // Multi-word tool signatures (`@pm` phrases cannot hold spaces).
    phase: 1,
    targets: 'REQUEST_HEADERS:User-Agent',
    operator: new RegExp(SCANNER_UAS.filter((u) => u.includes(' ')).map((u) => u.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'i'),
    msg: 'Scanner: security tool User-Agent (phrase)',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 112010,
    phase: 1,
    targets: 'REQUEST_HEADERS_NAMES',
    operator: '@pm acunetix-product acunetix-scanning-agreement acunetix-user-agreement x-wipp x-scan-memo x-request-memo x-arachni-scan-seed x-nuclei x-burp x-sqlmap x-scanner',
    msg: 'Scanner: scanner-specific request header',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 112020,
    // Out-of-band callback domains used by scanners to confirm blind injections.
    targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_HEADERS|XML:/*',
    transforms: ['urlDecodeUni', 'lowercase'],
    operator: '@pm burpcollaborator.net oastify.com interact.sh interactsh.com oast.pro oast.live oast.site oast.online oast.fun oast.me dnslog.cn ceye.io bxss.me canarytokens.com xss.ht requestrepo.com pipedream.net',
    msg: 'Scanner: out-of-band interaction domain',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 112100,
    // Empty or missing User-Agent: not an attack on its own, a notice from PL2.
    phase: 1,
    targets: '&REQUEST_HEADERS:User-Agent',
    operator: '@eq 0',
    msg: 'Scanner: request without a User-Agent',
    severity: 'notice', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 112101,
    phase: 1,
    targets: 'REQUEST_HEADERS:User-Agent',
    operator: '@pm python-requests go-http-client libwww-perl lwp-trivial python-urllib java/ okhttp winhttp httpclient mechanize',
    msg: 'Scanner: scripted HTTP client',
    severity: 'notice', paranoia: 3, tags: TAGS, category: CAT,
  }),
];
