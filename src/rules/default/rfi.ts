import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';

/**
 * Remote file inclusion (104xxx). A URL in a parameter is ordinary (`redirect=https://example.com/x`), so PL1
 * only flags the RFI tells: a URL to a bare IP address, a URL ending in `?` (to cut off the appended `.php`),
 * a URL with a trailing null byte or `#`, PHP stream wrappers, and URLs in the parameters of known RFI-prone
 * include paths. Any off-site URL in an include-like parameter name is PL2.
 */
const TAGS = ['attack-rfi'];
const CAT = 'rfi_score';

export const RFI_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 104000,
    targets: 'ARGS|REQUEST_COOKIES',
    transforms: ['urlDecodeUni'],
    operator: /^\s*(?:https?|ftps?|file):\/\/(?:[^/?#@\s]{0,100}@)?\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d{1,5})?(?:\/[^?#\s]{0,300}\.(?:php\d?|phtml|txt|inc|sh|pl|py|asp|aspx|jsp|gif|jpg|png)|\/?\?|\/?$)/i,
    msg: 'RFI: URL with an IP address host pointing at a script',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 104010,
    // `http://evil/shell.txt?` and `http://evil/shell.txt%00` / `#`: the suffix the include appends gets cut off.
    targets: 'ARGS|REQUEST_COOKIES',
    transforms: ['urlDecodeUni'],
    operator: /^\s*(?:https?|ftps?):\/\/[^\s?#]{1,500}(?:\?+|\x00)$/i,
    msg: 'RFI: URL ending with ? or a null byte',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 104020,
    targets: 'ARGS|REQUEST_COOKIES|ARGS_NAMES',
    transforms: ['urlDecodeUni'],
    operator: /\b(?:php|phar|zip|expect|glob|data|compress\.zlib|compress\.bzip2|zlib|ogg|rar|ssh2\.(?:shell|exec|tunnel|sftp|scp))\s*:\/\/|\bphp:\/\/(?:filter|input|fd|memory|temp|stdin)\b|\bdata:\s*(?:text\/plain|application\/x-httpd-php|text\/x-php)\s*[;,]/i,
    msg: 'RFI: PHP stream wrapper',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 104030,
    // Known RFI parameter shapes (CRS 931110), on the raw query and body.
    targets: 'QUERY_STRING|REQUEST_BODY',
    transforms: ['urlDecodeUni'],
    operator: /(?:mosConfig_absolute_path|_CONF\[path\]|_SERVER\[DOCUMENT_ROOT\]|GALLERY_BASEDIR|path\[docroot\]|appserv_root|config\[root_dir\]|_PHPLIB\[libdir\]|phpbb_root_path|base_path|absolute_path)=(?:file|ftps?|https?):\/\//i,
    msg: 'RFI: URL in a known include parameter',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 104040,
    // Include-like parameter names (`page`, `file`, `include`, `template`, ...) carrying a remote URL to a script.
    targets: 'ARGS:/(?:^|\\.)(?:page|file|filename|include|inc|incl|require|template|tpl|module|mod|path|dir|doc|document|folder|root|load|layout|view|show|content|conf|config|lang|language|style|skin|theme|site|cat)$/',
    transforms: ['urlDecodeUni'],
    operator: /^\s*(?:https?|ftps?|smb|file):\/\/[^\s]{1,500}\.(?:php\d?|phtml|txt|inc|sh|pl|py|cgi|asp|aspx|jsp|dat|log)(?:$|[?#\x00])/i,
    msg: 'RFI: script URL in an include-like parameter',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 104100,
    targets: 'ARGS:/(?:^|\\.)(?:page|file|filename|include|inc|incl|require|template|tpl|module|mod|path|dir|doc|document|folder|root|load|layout|view|show|content|conf|config|lang|language|style|skin|theme)$/',
    transforms: ['urlDecodeUni'],
    operator: /^\s*(?:https?|ftps?|smb|file):\/\//i,
    msg: 'RFI: remote URL in an include-like parameter',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 104101,
    targets: 'ARGS',
    transforms: ['urlDecodeUni'],
    operator: /^\s*(?:ftps?|smb|webdav):\/\//i,
    msg: 'RFI: FTP/SMB URL in a parameter',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
