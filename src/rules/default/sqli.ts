import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';
import { SQL_TRANSFORMS, USER_INPUT, USER_INPUT_UA } from './common.js';

/**
 * SQL injection (101xxx). The tokenizer (`@detectSQLi`) carries most of the load; the regexes cover what a
 * tokenizer fingerprint misses (comment-split keywords, MySQL versioned comments, JSON-in-SQL operators,
 * time-based blind functions) and are written so that English prose ("select a plan", "drop by tomorrow",
 * "union station", O'Brien) does not match.
 */
const TAGS = ['attack-sqli'];
const CAT = 'sql_injection_score';

/** Quote-break: a string delimiter, then optional closing parens. */
const QB = String.raw`['"\x60][\s)]*`;

export const SQLI_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 101000,
    targets: `${USER_INPUT_UA}|REQUEST_HEADERS:Referer`,
    transforms: SQL_TRANSFORMS,
    operator: '@detectSQLi',
    msg: 'SQL injection detected by tokenizer',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT, capture: true,
    // Three-token fingerprints (`sos`: a quoted '=' in prose) are the tokenizer's main false-positive source; at
    // PL1 they count only through the targeted regexes below (101070 & co. cover `admin'--`, `' or '`).
    chain: { targets: 'TX:0', operator: /^.{4,}$/ },
  }),
  defineRule({
    id: 101001,
    targets: `${USER_INPUT_UA}|REQUEST_HEADERS:Referer`,
    transforms: SQL_TRANSFORMS,
    operator: '@detectSQLi',
    msg: 'SQL injection detected by tokenizer (short fingerprint)',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT, capture: true,
  }),
  defineRule({
    id: 101010,
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments', 'compressWhitespace'],
    operator: /\bunion(?:\s+(?:all|distinct))?[\s(]+select\b/i,
    msg: 'SQL injection: UNION SELECT',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101011,
    // Keywords split or wrapped by comments (`UN/**/ION`, `/*!50000UNION*/`): strip comment characters instead.
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'removeCommentsChar', 'compressWhitespace'],
    operator: /\bunion!?\d{0,6}(?:\s+(?:all|distinct))?[\s(!]+\d{0,6}select\b/i,
    msg: 'SQL injection: UNION SELECT hidden by comments',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101020,
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments'],
    operator: new RegExp(
      String.raw`${QB}(?:or|and|xor|\|\||&&)[\s(]+(?:['"\x60][\w.@]*['"\x60]|[\w.@]+)\s*(?:={1,2}|<=?|>=?|<>|!=|\blike\b|\brlike\b|\bregexp\b|\bsounds\s+like\b)\s*[\w'"\x60(@-]`,
      'i',
    ),
    msg: 'SQL injection: quote-break tautology',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101021,
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments'],
    operator: new RegExp(
      String.raw`${QB}(?:or|and|xor|\|\||&&|;|union|having|order\s+by|group\s+by|procedure|div|rlike|regexp|like)[\s(]+(?:(?:select|sleep|benchmark|pg_sleep|exists|ascii|ord|substr|substring|mid|char|chr|concat|concat_ws|extractvalue|updatexml|version|database|current_user|load_file|json_\w+|if|iif|elt|make_set|row|count|length|hex|bin|unhex|user)\s*\(|case\s+when\b|(?:true|false|null|not\s+\d+)\b|\d+\s*(?:--|#|$)|@@\w|select\b)`,
      'i',
    ),
    msg: 'SQL injection: quote-break followed by SQL keyword',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101022,
    // Numeric context: `1 or 1=1`, `1) and (2>1`, `-1 || 0x1=0x1`.
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments'],
    operator: /^\s*-?\d+[\s)]*(?:or|and|xor|\|\||&&)[\s(]+(?:['"`]\w*['"`]|\w+)\s*(?:={1,2}|<=?|>=?|<>|!=|\blike\b)\s*(?:\(\s*)?['"`]?\w/i,
    msg: 'SQL injection: numeric tautology',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101023,
    // `1 and sleep(5)`, `1 or benchmark(...)`, `1;select`, `1 union`.
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments'],
    operator: /^\s*-?\d+[\s)]*(?:(?:or|and|xor|\|\||&&)[\s(]+(?:select|sleep|benchmark|pg_sleep|if|case|exists|ascii|substr(?:ing)?|extractvalue|updatexml|true|false|not)\b|;\s*(?:select|insert|update|delete|drop|declare|exec|waitfor|shutdown)\b)/i,
    msg: 'SQL injection: numeric context followed by SQL keyword',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101030,
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments'],
    operator: new RegExp(
      String.raw`${QB};\s*(?:drop|delete|insert|update|shutdown|exec(?:ute)?|declare|truncate|alter|create|select|waitfor|grant|rename|replace|load|call|set\s+@)\b`,
      'i',
    ),
    msg: 'SQL injection: stacked query after a quote',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101040,
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments'],
    operator: /\binto\s+(?:out|dump)file\s+['"`]|\b(?:pg_)?sleep\s*\(\s*[\d.]+\s*\)|\bbenchmark\s*\(\s*\d+\s*,|\bwaitfor\s+(?:delay|time)\s+['"`]|\bdbms_pipe\s*\.\s*receive_message|\bdbms_lock\s*\.\s*sleep|\bpg_sleep\s*\(/i,
    msg: 'SQL injection: time-based blind function',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101050,
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments', 'compressWhitespace'],
    operator: '@pm information_schema xp_cmdshell sp_executesql sp_oacreate sp_makewebtask @@version @@datadir @@hostname load_file( pg_catalog pg_shadow sysobjects syscolumns sys.tables mysql.user utl_inaddr utl_http dbms_xmlgen xmltype( extractvalue( updatexml( group_concat( sqlite_master pg_read_file( lo_import( dbms_java pg_ls_dir( master..sysdatabases msysaccessobjects msysobjects all_tables user_tables sys.user_objects',
    msg: 'SQL injection: database catalog or dangerous function',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101060,
    // Claroty Team82 JSON-in-SQL: JSON functions and jsonb operators that WAFs used to miss.
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments'],
    operator: /\bjson_(?:extract|depth|keys|length|valid|type|unquote|contains(?:_path)?|array_length|object|search|value|query|exists)\s*\(|['"`]\s*::\s*jsonb?\b|::\s*jsonb?\s*(?:@>|<@|\?\||\?&|\?|->>?|#>>?)|\bjsonb_(?:path_query|extract_path|each)\w*\s*\(/i,
    msg: 'SQL injection: JSON-in-SQL syntax',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101070,
    // `admin'--`, `admin'#`, `x'/*` at the end of the value: the classic "comment out the rest" probe.
    targets: USER_INPUT_UA,
    transforms: SQL_TRANSFORMS,
    operator: /['"`][\s);]*(?:--[\s-]*|#|\/\*)$/,
    msg: 'SQL injection: quote followed by a trailing comment',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101071,
    targets: USER_INPUT_UA,
    transforms: SQL_TRANSFORMS,
    operator: /\/\*!\d{0,6}\s*(?:union|select|from|where|and|or|order|having|insert|update|delete|concat|sleep|benchmark|if|load_file|into|null|all|distinct|information_schema|\d)/i,
    msg: 'SQL injection: MySQL versioned comment around SQL',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101080,
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments'],
    operator: new RegExp(String.raw`${QB}(?:order|group)\s+by\s+\d+|${QB}having\s+\d+\s*=|${QB}procedure\s+analyse\b|\border\s+by\s+\d+\s*(?:--|#|\/\*)`, 'i'),
    msg: 'SQL injection: ORDER/GROUP BY column probing',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101090,
    // Integer/hex tricks from WAF-A-MoLE: `0x1=(SELECT 1)`, `0x61646d696e` compared, `char(0x41)||`.
    targets: USER_INPUT_UA,
    transforms: [...SQL_TRANSFORMS, 'replaceComments'],
    operator: /\b0x[0-9a-f]+\s*(?:=|<>|!=|\blike\b)\s*(?:\(\s*)?(?:select|0x[0-9a-f]+|\d)|\(\s*select\s+(?:\d+|null|@@\w+|count\s*\(|char\s*\(|concat\s*\(|\*\s+from|[\w.]+\s+from\s+[\w.]+\s*(?:where|limit|\))|if\s*\(|case\s+when|sleep\s*\(|benchmark\s*\()/i,
    msg: 'SQL injection: hex comparison or subquery',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101100,
    // Stacked query or SQL function call right after a number or quote, at PL2 (e.g. `id=1;select`).
    targets: USER_INPUT,
    transforms: [...SQL_TRANSFORMS, 'replaceComments'],
    operator: /\b(?:select\s+(?:[\w*@.()]+\s*,\s*){0,5}[\w*@.()]+\s+from|insert\s+into|delete\s+from|drop\s+(?:table|database|schema|user)|update\s+\w+\s+set|truncate\s+table|alter\s+table|create\s+(?:table|user|function|procedure))\b/i,
    msg: 'SQL injection: SQL statement keywords',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101101,
    targets: USER_INPUT,
    transforms: SQL_TRANSFORMS,
    operator: /['"`]\s*(?:--|#|\/\*)|\b(?:ascii|ord|hex|unhex|substr(?:ing)?|mid|char|chr|concat(?:_ws)?|version|database|schema|current_user|load_file|extractvalue|updatexml|sleep|benchmark)\s*\(/i,
    msg: 'SQL injection: comment after quote or SQL function call',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 101102,
    targets: 'REQUEST_FILENAME|REQUEST_BASENAME',
    transforms: SQL_TRANSFORMS,
    operator: '@detectSQLi',
    msg: 'SQL injection in the path (tokenizer)',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
