import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitArguments, splitLogicalLines } from '../../../src/seclang/lexer.js';
import { PortcullisError } from '../../../src/errors.js';

const loc = { file: 'test.conf', line: 7 };

describe('splitLogicalLines', () => {
  const cases: { name: string; text: string; want: { line: number; text: string }[] }[] = [
    { name: 'plain lines', text: 'A 1\nB 2\n', want: [{ line: 1, text: 'A 1' }, { line: 2, text: 'B 2' }] },
    { name: 'comments and blanks dropped', text: '# c\n\n   # indented\nA 1\n', want: [{ line: 4, text: 'A 1' }] },
    {
      name: 'continuation keeps the next line indentation',
      text: 'SecRule A "b" \\\n    "id:1,\\\n    pass"\nX',
      want: [{ line: 1, text: 'SecRule A "b"     "id:1,    pass"' }, { line: 4, text: 'X' }],
    },
    {
      name: 'continuation joined verbatim without indentation (980170 style)',
      text: "msg:'a \\\nb'\n",
      want: [{ line: 1, text: "msg:'a b'" }],
    },
    { name: 'blanks after the backslash still continue', text: 'A \\  \n B\n', want: [{ line: 1, text: 'A  B' }] },
    { name: 'CRLF line ends', text: 'A 1\r\nB \\\r\n2\r\n', want: [{ line: 1, text: 'A 1' }, { line: 2, text: 'B 2' }] },
    { name: '# inside a rule is data', text: 'SecRule A "@contains #"', want: [{ line: 1, text: 'SecRule A "@contains #"' }] },
    { name: 'continued comment is a comment', text: '# a \\\nSecRule x\nB', want: [{ line: 3, text: 'B' }] },
    { name: 'backslash on the last line', text: 'A \\', want: [{ line: 1, text: 'A \\' }] },
    { name: 'line numbers after a continuation', text: 'A \\\nb \\\nc\n\nD', want: [{ line: 1, text: 'A b c' }, { line: 5, text: 'D' }] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(splitLogicalLines(c.text), c.want));
  }

  it('is linear on a huge input', () => {
    const big = 'SecMarker x \\\n'.repeat(50_000) + 'end';
    const t0 = Date.now();
    const out = splitLogicalLines(big);
    assert.equal(out.length, 1);
    assert.ok(Date.now() - t0 < 2000);
  });
});

describe('splitArguments', () => {
  const cases: { name: string; text: string; want: string[] }[] = [
    { name: 'bare words', text: 'SecRuleEngine   On', want: ['SecRuleEngine', 'On'] },
    { name: 'double quotes', text: 'SecRule ARGS "@rx a b" "id:1"', want: ['SecRule', 'ARGS', '@rx a b', 'id:1'] },
    { name: '\\" becomes "', text: 'SecRule A "@rx [\\"\']"', want: ['SecRule', 'A', '@rx ["\']'] },
    { name: 'other backslashes kept', text: 'X "\\x5c\\d\\\'\\s"', want: ['X', "\\x5c\\d\\'\\s"] },
    { name: '\\\\ kept and does not escape the quote', text: 'X "a\\\\" b', want: ['X', 'a\\\\', 'b'] },
    { name: 'single-quoted argument', text: "X 'a \\' b' c", want: ['X', "a ' b", 'c'] },
    { name: 'empty quoted argument', text: 'SecAction ""', want: ['SecAction', ''] },
    { name: 'tabs separate', text: 'A\tB\t"c d"', want: ['A', 'B', 'c d'] },
    { name: 'unquoted with backslashes', text: 'SecRuleUpdateTargetById 1 !ARGS:/a\\d/', want: ['SecRuleUpdateTargetById', '1', '!ARGS:/a\\d/'] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(splitArguments(c.text, loc), c.want));
  }

  const errors: { name: string; text: string; re: RegExp }[] = [
    { name: 'unterminated quote', text: 'SecRule A "@rx x', re: /test\.conf:7: missing closing " quote/ },
    { name: 'text glued to a closing quote', text: 'SecRule A "@rx x"y', re: /test\.conf:7: unexpected text after closing/ },
  ];
  for (const c of errors) {
    it(`error: ${c.name}`, () => {
      assert.throws(() => splitArguments(c.text, loc), (e: unknown) => e instanceof PortcullisError
        && e.code === 'ERR_PORTCULLIS_SECLANG_SYNTAX' && c.re.test(e.message));
    });
  }

  it('handles a 1 MB argument quickly', () => {
    const arg = 'a\\"'.repeat(300_000);
    const out = splitArguments(`X "${arg}"`, loc);
    assert.equal(out[1]!.length, 600_000);
  });
});
