import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lowercase, uppercase } from '../../../src/transforms/case.js';
import { cmdLine } from '../../../src/transforms/cmd-line.js';
import { removeNulls, replaceNulls } from '../../../src/transforms/nulls.js';
import {
  compressWhitespace,
  removeWhitespace,
  trim,
  trimLeft,
  trimRight,
} from '../../../src/transforms/whitespace.js';
import { ALL_BYTES, table, unchanged } from './table.js';

describe('lowercase / uppercase', () => {
  table(lowercase, [
    ['SeLeCt', 'select'],
    ['UNION\xc0\xdeX', 'union\xc0\xdex', 'bytes >= 0x80 untouched'],
    ['ÀB', 'Àb'],
  ]);
  unchanged(lowercase, ['', 'select', '\xc0\xde\xc9', '123 !@#']);
  table(uppercase, [
    ['select', 'SELECT'],
    ['union\xe0\xfex', 'UNION\xe0\xfeX', 'bytes >= 0x80 untouched'],
  ]);
  unchanged(uppercase, ['', 'SELECT', '\xe0\xff', '123']);
  it('changes exactly the 26 ASCII letters of every byte', () => {
    const lower = lowercase(ALL_BYTES);
    for (let b = 0; b < 256; b++) {
      const expected = b >= 0x41 && b <= 0x5a ? b + 32 : b;
      assert.equal(lower.charCodeAt(b), expected, `byte ${b}`);
    }
  });
});

describe('removeNulls / replaceNulls', () => {
  table(removeNulls, [
    ['a\x00b\x00\x00c', 'abc'],
    ['\x00', ''],
  ]);
  table(replaceNulls, [['a\x00b\x00', 'a b ']]);
  unchanged(removeNulls, ['', 'abc', '\x01\xff']);
  unchanged(replaceNulls, ['', 'abc']);
});

describe('whitespace', () => {
  table(removeWhitespace, [
    ['a b\tc\nd\re\ff\vg\xa0h', 'abcdefgh', 'C isspace and NBSP'],
    ['  ', ''],
    ['un ion', 'union'],
  ]);
  unchanged(removeWhitespace, ['', 'abc', '\x00\x1f\x85']);
  table(compressWhitespace, [
    ['a  b', 'a b'],
    ['a\tb', 'a b'],
    ['a \t\n\r\f\v\xa0b', 'a b'],
    ['  a  ', ' a '],
    ['a\xa0b', 'a b'],
  ]);
  unchanged(compressWhitespace, ['', 'a b c', ' a ', 'abc']);
  table(trim, [
    [' \t\n\r\f\vabc \t', 'abc'],
    ['   ', ''],
  ]);
  table(trimLeft, [['  a b  ', 'a b  ']]);
  table(trimRight, [['  a b  ', '  a b']]);
  unchanged(trim, ['', 'a b', '\xa0a\xa0']);
  unchanged(trimLeft, ['a ', '']);
  unchanged(trimRight, [' a', '']);
});

describe('cmdLine', () => {
  table(cmdLine, [
    ["w'h'o'a'm'i", 'whoami'],
    ['w"h"o"a"m"i', 'whoami'],
    ['w^h^o^a^m^i', 'whoami'],
    ['c\\a\\t /etc/passwd', 'cat/etc/passwd', 'backslash removed, space before / removed'],
    ['CAT    /ETC/PASSWD', 'cat/etc/passwd'],
    ['ls,-la;id', 'ls -la id'],
    ['a\t\r\n b', 'a b'],
    ['cmd.exe /c dir', 'cmd.exe/c dir'],
    ['echo (1)', 'echo(1)'],
    ['a , ; b', 'a b'],
    ['a ^ /b', 'a/b', 'a deleted char does not end the space run'],
    ['  /x', '/x', 'leading space before /'],
    ['a ;(', 'a(', 'the one space written for a run is removed before ('],
  ]);
  unchanged(cmdLine, ['', 'whoami', 'cat/etc/passwd', 'ls -la', 'a b c', 'a/b(c) d', 'x ', ' x', '\u00c9t\u00e9', 'a-b_c.d@e?f=g']);
  // The unchanged check (no scratch buffer, input returned as is) must see every change: one row per trigger.
  table(cmdLine, [
    ['abc ', 'abc ', 'trailing lone space'],
    ['a  b', 'a b', 'second space'],
    ['a /', 'a/', 'space before / at the end'],
    ['a (', 'a(', 'space before ( at the end'],
    ['/(a', '/(a', '/ and ( not after a space'],
    ['abZ', 'abz', 'upper case last'],
    ['ab@[`{', 'ab@[`{', 'neighbours of A-Z and a-z'],
    ['ab,', 'ab ', 'comma last'],
    ['ab\\', 'ab', 'backslash last'],
    ['x \' /y', 'x/y', 'a space before a deleted char and a slash'],
  ]);
  it('agrees with a straightforward reference on random input', () => {
    const reference = (input: string): string => {
      let out = '';
      let space = false;
      for (const ch of input) {
        if ('"\'\\^'.includes(ch)) continue;
        if (' ,;\t\r\n'.includes(ch)) {
          if (!space) out += ' ';
          space = true;
          continue;
        }
        if ((ch === '/' || ch === '(') && space) out = out.slice(0, -1);
        out += ch >= 'A' && ch <= 'Z' ? ch.toLowerCase() : ch;
        space = false;
      }
      return out;
    };
    fc.assert(
      fc.property(fc.stringMatching(/^[aZ \t\r\n,;/(\\^"'\u00e9]{0,24}$/), (input) => {
        const got = cmdLine(input);
        assert.equal(got, reference(input), JSON.stringify(input));
      }),
      { numRuns: 5000 },
    );
    const long = 'Ab, c'.repeat(3000); // past the initial scratch buffer
    assert.equal(cmdLine(long), reference(long));
  });
});
