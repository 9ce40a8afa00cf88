import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';
import { DECODE, USER_INPUT } from './common.js';

/**
 * Path traversal and local file inclusion (103xxx): encoded `../` forms in the raw URI, decoded `../` and `..\`
 * segments (also `....//`), overlong UTF-8 dots and slashes, and well-known OS files.
 */
const TAGS = ['attack-lfi'];
const CAT = 'lfi_score';

export const TRAVERSAL_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 103000,
    // Encoded traversal as it arrives on the wire (CRS 930100): %2e%2e%2f, ..%2f, %2e%2e/, %252e, %c0%ae, %u002e ...
    phase: 1,
    targets: 'REQUEST_URI_RAW|REQUEST_BODY|REQUEST_HEADERS|!REQUEST_HEADERS:Referer',
    operator: /(?:%(?:25)?2e|\.|%(?:25)?c0%(?:25)?ae|%(?:25)?e0%(?:25)?80%(?:25)?ae|%(?:25)?u(?:002e|ff0e|2024)|%(?:25)?c0\.|%(?:25)?c0%(?:25)?2e)(?:%(?:25)?2e|\.|%(?:25)?c0%(?:25)?ae|%(?:25)?u(?:002e|ff0e))(?:%(?:25)?2f|%(?:25)?5c|%(?:25)?c0%(?:25)?af|%(?:25)?c1%(?:25)?9c|%(?:25)?c1%(?:25)?1c|%(?:25)?e0%(?:25)?80%(?:25)?af|%(?:25)?u(?:2215|2216|002f|005c|ff0f|ff3c)|%(?:25)?c0%(?:25)?2f)|(?:%(?:25)?2e|%(?:25)?c0%(?:25)?ae|%(?:25)?u002e)(?:%(?:25)?2e|\.|%(?:25)?c0%(?:25)?ae|%(?:25)?u002e)[\\/]/i,
    msg: 'Path traversal: encoded dot-dot-slash',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 103010,
    // Decoded traversal segments: `../`, `..\`, `/..` at the end, `....//`, `..;/` (Tomcat), `.../`.
    targets: `${USER_INPUT}|REQUEST_URI|REQUEST_HEADERS:X-Original-URL|REQUEST_HEADERS:X-Rewrite-URL|FILES`,
    transforms: ['utf8toUnicode', 'urlDecodeUni', 'removeNulls'],
    operator: /[\\/]\.\.(?:[\\/;?#]|$)|(?:^|[\\/=:|])\.{2,4}[\\/]|\.\.\/\/|^\.\.$/,
    msg: 'Path traversal: dot-dot segment',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 103020,
    targets: `${USER_INPUT}|REQUEST_URI|REQUEST_HEADERS:Referer|FILES`,
    transforms: ['utf8toUnicode', 'urlDecodeUni', 'removeNulls', 'normalizePathWin'],
    operator: '@pm etc/passwd etc/shadow etc/group etc/hosts etc/issue etc/master.passwd etc/sudoers etc/crontab etc/security/ etc/motd etc/mysql/ etc/httpd/ etc/apache2/ etc/nginx/ etc/ssh/ etc/resolv.conf etc/fstab etc/profile etc/environment proc/self/ proc/version proc/cpuinfo proc/net/ var/log/ var/run/secrets usr/local/etc/ root/.ssh root/.bash .bash_history .bashrc .ssh/authorized_keys .ssh/id_rsa win.ini system.ini boot.ini windows/system32/ winnt/system32/ windows/repair/ inetpub/ system32/config/sam system32/drivers/etc/hosts system32/inetsrv web-inf/web.xml meta-inf/manifest.mf wp-config.php localsettings.php .htpasswd',
    msg: 'LFI: access to an OS or application file',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 103030,
    // Overlong UTF-8 dots/slashes after one decode (bytes C0 AE, C0 AF, C1 9C, E0 80 AE), valid nowhere.
    targets: `${USER_INPUT}|REQUEST_FILENAME|REQUEST_URI`,
    transforms: ['urlDecodeUni'],
    operator: /\xc0[\xae\xaf\x2e\x2f]|\xc1[\x9c\x1c]|\xe0\x80[\xae\xaf]|\xf0\x80\x80[\xae\xaf]/,
    msg: 'Path traversal: overlong UTF-8 dot or slash',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 103040,
    // Absolute OS paths as a whole parameter value: `file=/etc/passwd`, `path=C:\boot.ini`, `f=\\?\C:\`.
    targets: 'ARGS|REQUEST_COOKIES',
    transforms: ['urlDecodeUni', 'removeNulls', 'normalizePathWin', 'lowercase'],
    operator: /^\s*(?:file:\/\/)?\/(?:etc|proc|root|var\/log|usr\/local\/etc|sys\/class|dev\/(?:tcp|udp|fd|shm))\/|^\s*[a-z]:\/(?:windows|winnt|boot\.ini|inetpub|users\/[^/]+\/(?:ntuser|appdata))|^\s*\/\/\?\/|^\s*\/\/\.\/(?:pipe|physicaldrive)/,
    msg: 'LFI: absolute system path as a value',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 103100,
    targets: `${USER_INPUT}|REQUEST_FILENAME`,
    transforms: ['urlDecodeUni', 'normalizePathWin', 'lowercase'],
    operator: /(?:^|\/)\.(?:ssh|aws|gnupg|docker|kube|config)\/|\/(?:etc|proc|sys)\/[a-z]/,
    msg: 'LFI: system directory reference',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
