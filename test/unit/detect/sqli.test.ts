import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { detectSQLi } from '../../../src/detect/sqli/index.js';
import { BENIGN_COMMON, COOKIE_VALUES, CRS_SQLI_NEGATIVE, CRS_SQLI_POSITIVE, USER_AGENTS } from './fixtures.js';

const ALPHABET = new Set('snvbfkEU&!o(),;c?');

const SQLI_POSITIVE: readonly string[] = [
  "1' or '1'='1",
  "' OR 1=1--",
  "admin'--",
  '1; DROP TABLE users',
  '1 UNION SELECT password FROM users',
  '/*!50000UnIoN*/ SeLeCt',
  '1 AND SLEEP(5)',
  "'; WAITFOR DELAY '0:0:5'--",
  "1' AND extractvalue(1,concat(0x7e,version()))--",
  '-1 OR 2>1',
  "' or ''='",
  '1 || 1',
  "1' having 1=1--",
  'ORDER BY 10--',
  'x\' AND JSON_EXTRACT(\'{"a":1}\',\'$.a\')=1--',
  "admin' #",
  "admin'/*",
  "' or 1=1#",
  "' or 1=1/*",
  "') or ('1'='1",
  "') or '1'='1'--",
  '1) or (1=1',
  '" or ""="',
  '" or 1=1--',
  '1 OR 1=1',
  "1' AND 1=2 UNION SELECT 1,2,3--",
  '-1 UNION ALL SELECT null,null--',
  "' UNION SELECT username, password FROM users--",
  "1'; DROP TABLE users--",
  "'; exec master..xp_cmdshell 'dir'--",
  '1; SHUTDOWN--',
  '/*!50000UnIoN*/ /*!50000SeLeCt*/ 1,2',
  "1' AND SLEEP(5)#",
  '1 AND (SELECT * FROM (SELECT(SLEEP(5)))a)',
  "1); WAITFOR DELAY '0:0:5'--",
  '1 and updatexml(1,concat(0x7e,(select user())),1)',
  '1 ORDER BY 3--',
  "' ORDER BY 1--",
  "1' GROUP BY 1,2--",
  '\' or \'{"b":2}\'::jsonb <@ \'{"a":1,"b":2}\'::jsonb--',
  '1 AND BENCHMARK(5000000,MD5(1))',
  '1;SELECT pg_sleep(5)--',
  "' AND 1=CONVERT(int,@@version)--",
  "1 AND @@version LIKE '5%'",
  "' OR username LIKE '%",
  "' or 1 in (select 1)--",
  "1' AND ASCII(SUBSTRING((SELECT password FROM users LIMIT 1),1,1))>64--",
  "admin' AND '1'='1",
  "' or 'x'='x",
  "x' or 1=1 or 'x'='y",
  '1 rlike (select (case when (1=1) then 1 else 0x28 end))',
  '1 AND 1=(SELECT COUNT(*) FROM tablenames)',
  "' INTO OUTFILE '/tmp/x'--",
  "1 UNION SELECT LOAD_FILE('/etc/passwd')",
  "1' AND 1=1 ORDER BY 1--",
  '1 xor 1=1',
  '1 && 1=1',
  "' OR NOT 1=2--",
  "1' and 0x41=0x41--",
  '" or true--',
  "' or true#",
  '1 or 1--',
  "'='",
  "1' OR '1'='1' LIMIT 1--",
  '1 UNION SELECT NULL, @@version--',
  "' or sleep(5)='",
  "'+(select load_file('x'))+'",
  '1 AND (SELECT 1 FROM (SELECT COUNT(*),CONCAT(version(),FLOOR(RAND(0)*2))x FROM information_schema.tables GROUP BY x)a)',
  "1'||pg_sleep(5)--",
  "'; DECLARE @x varchar(99); SET @x='ping'; EXEC(@x)--",
  '1 and exists(select * from users)',
  "1' and 1 in (select min(name) from sysobjects)--",
  'SELECT * FROM users WHERE id = 1 OR 1=1',
  "1 or json_depth('{}') != 1",
  '0x1=(SELECT 1)',
  '1 union select 1,2,3 from dual',
  "admin' or 1=1 limit 1 -- -",
  '1 OR 1=1 -- comment',
  "' || 'a'='a",
  '1; INSERT INTO users VALUES (1)',
  "'; UPDATE users SET admin=1--",
  "1 AND 'a'='a'",
  "1'-'",
  "1' * '",
  "1) AND 5865=5865 AND (3020=3020",
  '1 RLIKE SLEEP(5)',
  '1 OR ELT(1=1,SLEEP(5))',
  "'; if not(substring((select @@version),25,1) <> 5) waitfor delay '0:0:2' --",
  "' or username is not NULL or username = '",
  '1 PROCEDURE ANALYSE(EXTRACTVALUE(1,CONCAT(0x5c,VERSION())),1)',
  "%' or 0=0 union select null, version() #",
];

const SQLI_NEGATIVE: readonly string[] = [
  ...BENIGN_COMMON,
  ...USER_AGENTS,
  ...COOKIE_VALUES,
  "Tom's or Jerry's",
  "Kids' and adults' sizes",
  "I said 'hi' or 'bye'",
  "'a' or 'b'",
  "It's 1 or 2",
  "pa'ss--word",
  "P@ss'w0rd!",
  "what's 1=1?",
  'x = 1 or y = 2',
  'price>=10 and price<=20',
  'He\'s 5\'11" and 200 lbs',
  'Sleep(ing) well',
  'order by date desc',
  'update: new version',
  'Create table reservations for 4',
  'drop table tennis',
  'SELECT your items FROM the list -- thanks',
  "l'amour; drop it",
  "O'Neil & Sons",
  "L'Or\xe9al",
  "'s-Hertogenbosch",
  'New York (NY) || USA',
  '#1 or #2',
  '--help',
  '/* not a comment, just text */',
  'group by age',
  'limit 10 per customer',
  "'-'",
  "rock'-'n",
];

describe('detectSQLi: table-driven', () => {
  it('has large enough lists', () => {
    assert.ok(SQLI_POSITIVE.length >= 60, `positives: ${SQLI_POSITIVE.length}`);
    assert.ok(SQLI_NEGATIVE.length >= 60, `negatives: ${SQLI_NEGATIVE.length}`);
  });

  for (const input of SQLI_POSITIVE) {
    it(`detects ${JSON.stringify(input)}`, () => {
      const m = detectSQLi(input);
      assert.ok(m !== null, 'not detected');
      assert.ok(m.fingerprint.length > 0 && m.fingerprint.length <= 8);
      for (const ch of m.fingerprint) assert.ok(ALPHABET.has(ch), `letter ${ch} not in the alphabet`);
    });
  }

  for (const input of SQLI_NEGATIVE) {
    it(`passes ${JSON.stringify(input)}`, () => {
      assert.equal(detectSQLi(input), null);
    });
  }
});

describe('detectSQLi: CRS regression vectors', () => {
  for (const v of CRS_SQLI_POSITIVE) {
    it(`detects ${v.id}`, () => assert.notEqual(detectSQLi(v.value), null));
  }
  for (const v of CRS_SQLI_NEGATIVE) {
    it(`passes ${v.id}`, () => assert.equal(detectSQLi(v.value), null));
  }
});

describe('detectSQLi: ambiguous nested comments', () => {
  // A closed comment holding another `/*`: MySQL closes it at the first `*/`, PostgreSQL nests.
  const positive: readonly string[] = [
    '/post/*/*/2 union all/bar',
    '/*/*/2 union all/bar',
    '/*/*/union/bar',
    'x/* /* */ or 1=1',
    '/*a/*b*/ drop table users',
    '1/*/*/ /**/ union/**/all/x',
    "x/*/*/1 or 'a'<>'b'",
    '/p/*/*/sleep(5)/q',
    '/*/**/1 UNION ALL/z',
  ];
  const benign: readonly string[] = [
    'src/*/*.ts',
    'src/*/*/index.ts',
    'packages/*/*/src/**/*.ts',
    '/assets/*/*/logo.png',
    '/api/*/*/items?id=2',
    'https://example.com/*/',
    'https://cdn.example.com/files/*/*/readme.md',
    '/a/*/*/b or c',
    '*/5 * * * *',
    '0 */2 * * * /usr/bin/backup --quiet',
    '*/15 9-17 * * 1-5 /opt/report.sh',
    'docs/**/*.md',
    '/* a /* b */ c',
    '/* outer /* inner */ still text */',
    'find . -name "*/*.log"',
    '/*/*/',
    'x/*/*/',
  ];
  for (const input of positive) {
    it(`detects ${JSON.stringify(input)}`, () => assert.notEqual(detectSQLi(input), null));
  }
  for (const input of benign) {
    it(`passes ${JSON.stringify(input)}`, () => assert.equal(detectSQLi(input), null));
  }
  it('the same text without the nested opener is not flagged', () => {
    assert.equal(detectSQLi('/post/*a*/2 union all/bar'), null);
    assert.equal(detectSQLi('/post/2 union all/bar'), null);
  });
  it('1 MB of nested comment openers finishes', () => {
    assert.equal(detectSQLi('/*/*'.repeat(1 << 18) + '*/'), null);
    assert.notEqual(detectSQLi('/*/*/ '.repeat(1 << 17) + '1 union all/x'), null);
  });
});

describe('detectSQLi: fingerprints', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ["1' or '1'='1", 's&sos'],
    ["admin'--", 'sc'],
    ['1 UNION SELECT password FROM users', 'nUEbkb'],
    ['1 AND SLEEP(5)', 'n&f(n)'],
    ['/*!50000UnIoN*/ SeLeCt', 'UE'],
    ['ORDER BY 10--', 'knc'],
  ];
  for (const [input, fp] of cases) {
    it(`${JSON.stringify(input)} -> ${fp}`, () => assert.equal(detectSQLi(input)?.fingerprint, fp));
  }
});

// ---------------------------------------------------------------------------------------------
// WAF-A-MoLE style mutations (AvalZ/WAF-A-MoLE operators: case swapping, whitespace substitution,
// comment injection). Detection of the seeds must not change.

/** Seeds with the quote context they attack ('' = as-is, "'" / '"' = inside such a string). */
const MUTATION_SEEDS: ReadonlyArray<readonly [string, string]> = [
  ["1' or '1'='1", "'"],
  ["' OR 1=1--", "'"],
  ['1; DROP TABLE users', ''],
  ['1 UNION SELECT password FROM users', ''],
  ['/*!50000UnIoN*/ SeLeCt', ''],
  ['1 AND SLEEP(5)', ''],
  ["'; WAITFOR DELAY '0:0:5'--", "'"],
  ["1' AND extractvalue(1,concat(0x7e,version()))--", "'"],
  ['-1 OR 2>1', ''],
  ["' or ''='", "'"],
  ['1 || 1', ''],
  ["1' having 1=1--", "'"],
  ['ORDER BY 10--', ''],
  ['x\' AND JSON_EXTRACT(\'{"a":1}\',\'$.a\')=1--', "'"],
  ['1 AND (SELECT * FROM (SELECT(SLEEP(5)))a)', ''],
  ["' UNION SELECT username, password FROM users--", "'"],
  ["'; exec master..xp_cmdshell 'dir'--", "'"],
  ['1234 OR 1=1', ''],
  ["EmptyValue' and 526=527", "'"],
  ["foo') UNION ALL select NULL --", "'"],
  ['-1839" or "1"="2', '"'],
  ["' or '{\"b\":2}'::jsonb <@ '{\"a\":1,\"b\":2}'::jsonb--", "'"],
];

const WHITESPACE = [' ', '\t', '\n', '\r', '/**/', '\t\r\n', ' /**/ '];

/**
 * For each char: true when it is SQL code (outside string literals, before the first line comment)
 * in the context the payload attacks, i.e. starting inside a `startQuote` string when one is given.
 */
function codeMask(s: string, startQuote: string): boolean[] {
  const mask: boolean[] = [];
  let q = startQuote;
  let comment = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (comment) mask.push(false);
    else if (q !== '') {
      mask.push(false);
      if (c === q) q = '';
    } else if (c === "'" || c === '"') {
      mask.push(false);
      q = c;
    } else if (c === '#' || (c === '-' && s.charAt(i + 1) === '-')) {
      comment = true;
      mask.push(false);
    } else mask.push(true);
  }
  return mask;
}

function swapCase(s: string, mask: readonly boolean[]): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    out += mask[i % mask.length] === true ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c;
  }
  return out;
}

/**
 * One pass over the seed's code positions: each space becomes a picked separator (tab, CR, LF, `/**\/`,
 * ...), and `/**\/` is injected around `=`, `,` and `(` where the comment mask says so.
 */
function mutateLayout(s: string, startQuote: string, picks: readonly number[], commentMask: readonly boolean[]): string {
  const code = codeMask(s, startQuote);
  let out = '';
  let p = 0;
  let m = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (code[i] !== true) out += c;
    else if (c === ' ') out += WHITESPACE[(picks[p++ % picks.length] ?? 0) % WHITESPACE.length] ?? ' ';
    else if ((c === '=' || c === ',' || c === '(') && commentMask[m++ % commentMask.length] === true) out += `/**/${c}/**/`;
    else out += c;
  }
  return out;
}

describe('detectSQLi: mutation invariance', () => {
  it('seeds are detected', () => {
    for (const [s] of MUTATION_SEEDS) assert.notEqual(detectSQLi(s), null, s);
  });

  it('the layout mutator really changes the seeds', () => {
    assert.equal(mutateLayout("' OR 1=1--", "'", [4], [true]), "'/**/OR/**/1/**/=/**/1--");
    assert.equal(mutateLayout("1' or '1'='1", "'", [1], [true]), "1'\tor\t'1'/**/=/**/'1");
    assert.equal(mutateLayout('1 || 1', '', [3], [true]), '1\r||\r1');
  });

  it('case swapping, whitespace substitution and comment injection keep detection', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MUTATION_SEEDS),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        ([seed, quote], caseMask, wsPicks, commentMask) => {
          const mutated = mutateLayout(swapCase(seed, caseMask), quote, wsPicks, commentMask);
          return detectSQLi(mutated) !== null;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('mutated benign inputs stay clean (case swap + whitespace)', () => {
    const benign = ['select a plan', 'union station', 'Where are you from?', "rock 'n' roll", '1 + 1 = 2', 'drop-down menu'];
    fc.assert(
      fc.property(
        fc.constantFrom(...benign),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        (seed, caseMask, picks) => detectSQLi(mutateLayout(swapCase(seed, caseMask), '', picks, [false])) === null,
      ),
      { numRuns: 200 },
    );
  });
});

describe('detectSQLi: hostile input', () => {
  const SQLISH = ["'", '"', '`', '/*', '*/', '/*!', '/*!5', '--', '#', '\n', ' ', 'or', 'union', 'select', '=', '1', '0x',
    '(', ')', ';', '@', '@@', '\\', 'sleep', 'waitfor', 'delay', '||', '&&', '.', 'e', '::', 'not'];

  it('never throws on random bytes and returns a well-formed result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const m = detectSQLi(Buffer.from(bytes).toString('latin1'));
        return m === null || [...m.fingerprint].every((ch) => ALPHABET.has(ch));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random SQL-ish token soup and is deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SQLISH), { maxLength: 60 }), (parts) => {
        const s = parts.join('');
        return JSON.stringify(detectSQLi(s)) === JSON.stringify(detectSQLi(s));
      }),
      { numRuns: 500 },
    );
  });

  it('handles non-string and empty input', () => {
    assert.equal(detectSQLi(''), null);
    assert.equal(detectSQLi(undefined as unknown as string), null);
  });

  const MB = 1 << 20;
  const big: ReadonlyArray<[string, string]> = [
    ["'", "'".repeat(MB)],
    ['<a ', '<a '.repeat(Math.ceil(MB / 3))],
    ['/*!', '/*!'.repeat(Math.ceil(MB / 3))],
    ['( ', '( '.repeat(MB / 2)],
    ['1 or ', '1 or '.repeat(Math.ceil(MB / 5))],
  ];
  for (const [name, input] of big) {
    it(`finishes on 1 MB of ${JSON.stringify(name)}`, () => {
      const m = detectSQLi(input);
      assert.ok(m === null || typeof m.fingerprint === 'string');
    });
  }

  it('a payload after 1 MB of padding is still found (anywhere rules)', () => {
    assert.notEqual(detectSQLi('a '.repeat(MB / 2) + 'x AND SLEEP(5)'), null);
  });
});
