import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';
import { shellWord, shellWords } from './common.js';

/**
 * OS command injection, Unix and Windows (105xxx).
 *
 * The shape that separates an injection from prose is "command separator, then a command". Commands that are
 * not English words (whoami, uname, wget, ...) need only the separator; commands that are English words (cat, id,
 * find, type, sleep, ...) also need an argument that looks like a shell argument (`-x`, `/path`, `$VAR`, a number,
 * a drive letter) or the end of the value. Letters may be split by quote/escape evasion (`w'h'o'a'm'i`,
 * `c\at`, `who$@ami`, `wh^oami`), which `shellWords` tolerates.
 *
 * PL1 judgement call: shell commands pasted into a free-text field after a separator (`run: ls -la | grep x`,
 * markdown inline code with a shell command in backticks) are flagged. Plain mentions ("I use curl") are not.
 */
const TAGS = ['attack-rce'];
const CAT = 'rce_score';

/** Command names that are not English words: a separator before them is enough. Unix names are matched
 * case-sensitively (`ID` or `Sleep` is not a Unix command), which keeps "Name | ID" or "DVD & CD -50%" out. */
const RARE = [
  'whoami', 'uname', 'ifconfig', 'nslookup', 'netcat', 'ncat', 'mkfifo', 'busybox', 'telnet', 'xterm', 'socat',
  'chmod', 'chown', 'useradd', 'usermod', 'nmap', 'tftp', 'crontab', 'sudo', 'xxd', 'openssl', 'getent', 'lsof',
  'killall', 'pkill', 'nohup', 'setsid', 'printenv', 'traceroute', 'python3', 'python2', 'base64', 'netstat',
];
/** Commands that are English words or very short: they need a shell-looking argument after them. */
const COMMON = [
  'cat', 'ls', 'ps', 'ping', 'rm', 'find', 'head', 'tail', 'kill', 'sh', 'bash', 'zsh', 'ksh', 'csh', 'dash', 'tac',
  'node', 'php', 'python', 'perl', 'ruby', 'nc', 'touch', 'mkdir', 'wc', 'grep', 'awk', 'sed', 'timeout', 'env',
  'pwd', 'hostname', 'uptime', 'arp', 'lua', 'java', 'gcc', 'curl', 'wget', 'echo', 'dir', 'ncat',
];
/** Commands whose usual argument is a number (`ping -c 3`, `kill 1`, `nc 10.0.0.1 4444`). */
const NUMERIC = ['ping', 'kill', 'timeout', 'nc', 'ncat'];
/** Short commands that only count when they end the value or are followed by another separator. */
const END_ONLY = ['id', 'pwd', 'ls', 'ps', 'env', 'uptime', 'hostname', 'whoami', 'uname'];

const SEP = String.raw`(?:[;&|\x60\n\r]|\$\()`;
const BIN = String.raw`(?:\/(?:usr\/)?(?:local\/)?s?bin\/)?`;
const WS = String.raw`(?:\s|\$\{?IFS\}?|<|>)`;
/** What follows a command word in an injected command: an option, path, variable, number, URL, redirection, or nothing. */
const ARG = String.raw`(?:${WS}+(?:-[a-zA-Z-]|[/~$\\*{%]|\.{1,2}\/|(?:https?|ftp):\/\/))`;
const END = String.raw`[ \t]*(?:$|[;&\x60)#])`;
export const RCE_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 105000,
    targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'removeNulls'],
    operator: new RegExp(String.raw`${SEP}[ \t]*${BIN}${shellWords(RARE)}\b`),
    msg: 'RCE: command separator followed by a Unix command',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105001,
    targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'removeNulls'],
    operator: new RegExp(String.raw`${SEP}[ \t]*${BIN}(?:${shellWords(COMMON)}${ARG}|${shellWords(NUMERIC)}${WS}+\d)`),
    msg: 'RCE: command separator followed by a command with arguments',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105002,
    // `;id`, `|id`, `$(id)`, `\`id\``, `%0aid`, `; sleep 5;`: short commands that end the value or a subshell.
    targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'removeNulls'],
    operator: new RegExp(String.raw`${SEP}[ \t]*${BIN}(?:${shellWords(END_ONLY)}|sleep[ \t]+\d{1,6}|${shellWord('echo')}['\x22]?[ \t]+[\w'\x22]{1,40})${END}`),
    msg: 'RCE: short command between separators',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105003,
    // Windows commands after `&`/`|` (cmd.exe is case-insensitive).
    targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'removeNulls'],
    operator: new RegExp(String.raw`[&|\n][ \t]*(?:(?:dir|type|more|copy|del|move|icacls|cacls|attrib)\s+(?:[a-z]:[\\/]|\\\\|%\w{1,30}%|\/[a-z]\b)|(?:ver|set|whoami|ipconfig|systeminfo|tasklist|hostname|netstat|qwinsta|quser)(?:[ \t]+\/[a-z]{1,10})?(?:$|[&|\n])|${shellWords(['whoami', 'ipconfig', 'systeminfo', 'tasklist', 'powershell', 'pwsh', 'certutil', 'bitsadmin', 'wmic', 'mshta', 'rundll32', 'regsvr32', 'wscript', 'cscript', 'schtasks', 'findstr', 'tracert', 'nslookup', 'taskkill', 'curl.exe', 'cmd.exe'])}\b|net1?\s+(?:user|localgroup|view|share|use|accounts|session|start|stop)\b|ping\s+-[nlwt]\s)`, 'i'),
    msg: 'RCE: Windows command after a separator',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105010,
    // `cat${IFS}/etc/passwd`, `$IFS$9`, `${IFS%??}`.
    targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_HEADERS|XML:/*',
    transforms: ['urlDecodeUni'],
    operator: /\$\{?IFS\b/,
    msg: 'RCE: $IFS whitespace evasion',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105020,
    // Reverse shells and pipe-to-shell.
    targets: 'ARGS|REQUEST_COOKIES|REQUEST_HEADERS|XML:/*',
    transforms: ['urlDecodeUni', 'removeNulls'],
    operator: /\/dev\/(?:tcp|udp)\/|\b\d>&\d\b|>&\s*\/dev\/|\bn(?:c|cat|etcat)(?:\.traditional)?\s+(?:-[a-z]{1,4}\s+){0,3}-[a-z]{0,3}[ec]\s|\b(?:ba|z|k|da)?sh\s+-i\b|\bmkfifo\s+\/tmp|\bsocat\s+(?:-\s+)?(?:exec|tcp|system)\b|\|[ \t]*(?:\/(?:usr\/)?bin\/)?(?:ba|z|k|da)?sh(?:[ \t]+-|[ \t]*$)|\bpython[23]?\s+-c\s+['"]?import\s+(?:socket|os|pty|subprocess)|\bperl\s+-e\s+['"]?use\s+socket|\bphp\s+-r\s+['"]?\$sock\b/i,
    msg: 'RCE: reverse shell or pipe to shell',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105030,
    // Shellshock (CVE-2014-6271) in headers and parameters.
    targets: 'REQUEST_HEADERS|ARGS|REQUEST_COOKIES|ARGS_NAMES',
    transforms: ['urlDecodeUni'],
    operator: /\(\s*\)\s*\{[\s:_;]{0,10}\}\s*[;>]/,
    msg: 'RCE: Shellshock function definition',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105040,
    // Brace expansion `{cat,/etc/passwd}` and glob evasion `/???/c?t`, `/bin/c[a]t`.
    targets: 'ARGS|REQUEST_COOKIES|ARGS_NAMES|XML:/*',
    transforms: ['urlDecodeUni'],
    operator: /\{(?:cat|ls|id|nc|wget|curl|bash|sh|echo|ping|sleep|whoami|uname|rm|head|tail|more|less|tac|nl|base64|python|perl|ruby|php),[-/$~.'"\\]|\/(?:\?|\*)[a-z?*]{0,5}\/[a-z?*]{0,10}(?:\?|\*)|\/[a-z]{1,4}[?*][a-z?*]{0,4}\/[a-z?*]{0,10}[?*]|\/s?bin\/[a-z]{0,6}\[[a-z]{1,3}\][a-z]{0,6}/i,
    msg: 'RCE: brace expansion or glob evasion',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105050,
    // Windows: cmd /c, powershell flags, download cradles, LOLBins, %COMSPEC%.
    targets: 'ARGS|REQUEST_COOKIES|ARGS_NAMES|XML:/*',
    transforms: ['urlDecodeUni', 'removeNulls'],
    operator: /\bcmd(?:\.exe)?['"]?\s*\/[ckr]\b|\b(?:powershell|pwsh)(?:\.exe)?['"]?\s+-[a-z]|\biex\s*\(|\binvoke-(?:expression|webrequest|restmethod|mimikatz|shellcode|command)\b|\bnew-object\s+(?:-typename\s+)?(?:system\.)?net\.webclient\b|\.download(?:string|file|data)\s*\(|\[(?:system\.)?convert\]::frombase64string|\bstart-process\s+|\bcertutil(?:\.exe)?\s+-(?:urlcache|decode|encode|f\b)|\bbitsadmin(?:\.exe)?\s+\/(?:transfer|create|addfile)|\bregsvr32(?:\.exe)?\s[^\n]{0,60}\/i:|\bmshta(?:\.exe)?\s+(?:https?|vbscript|javascript):|\brundll32(?:\.exe)?\s+[\w.\\/:]{1,100},\s*\w|%comspec%|\bwmic\s+(?:process|os|useraccount|\/node)|\bnet1?\s+(?:user|localgroup|group|share|session)\b[^\n]{0,40}(?:\/add|\/domain|administrators)/i,
    msg: 'RCE: Windows command execution',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105060,
    // PHP/Perl/Python code that runs a command: `system('id')`, `passthru($_GET[c])`, `<?php`, `os.popen(`.
    targets: 'ARGS|REQUEST_COOKIES|ARGS_NAMES|XML:/*|REQUEST_HEADERS:User-Agent',
    transforms: ['urlDecodeUni', 'removeNulls'],
    operator: /<\?(?:php\b|=)|\b(?:system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec|assert|eval|create_function|call_user_func(?:_array)?|preg_replace|include|require(?:_once)?)\s*\(\s*(?:['"`$]|base64_decode|str_rot13|gzinflate|gzuncompress|hex2bin|\$_(?:GET|POST|REQUEST|COOKIE|SERVER))|\$_(?:GET|POST|REQUEST|COOKIE|SERVER|FILES)\s*\[|\bos\s*\.\s*(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?)\s*\(|\bsubprocess\s*\.\s*(?:call|run|popen|check_output|getoutput)\s*\(|\bRuntime\s*\.\s*getRuntime\s*\(|\bProcessBuilder\s*\(/i,
    msg: 'RCE: scripting-language command execution',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105070,
    // The whole value is a recon command.
    targets: 'ARGS|REQUEST_COOKIES',
    transforms: ['urlDecodeUni', 'trim'],
    operator: /^(?:whoami|ifconfig|ipconfig(?:\s+\/all)?|uname\s+-[a-z]{1,4}|ls\s+-[a-z]{1,4}(?:\s+\/\S*)?|net\s+user|systeminfo|tasklist|id\s*;|cat\s+\/\S+)$/i,
    msg: 'RCE: value is a shell command',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105100,
    // PL2: the same command lists after a separator without the argument requirement, plus cmdLine normalisation.
    targets: 'ARGS|ARGS_NAMES|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni', 'cmdLine'],
    operator: new RegExp(String.raw`(?:[&|\x60(]|\$\()[ \t]*${BIN}(?:${[...RARE, ...COMMON, ...END_ONLY].join('|')})\b`, 'i'),
    msg: 'RCE: command word after a separator (cmdLine)',
    severity: 'critical', paranoia: 3, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 105101,
    targets: 'ARGS|REQUEST_COOKIES|XML:/*',
    transforms: ['urlDecodeUni'],
    operator: /\b(?:wget|curl)\s+(?:-[a-zA-Z-]{1,20}\s+){0,4}['"]?(?:https?|ftp):\/\/|\$\(\s*[a-z]|\x60\s*[a-z][a-z0-9_-]*\s*\x60|\/bin\/(?:ba|z|k|da)?sh\b|\bchmod\s+[+0-7]/i,
    msg: 'RCE: download, subshell or shell path',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
