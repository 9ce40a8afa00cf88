import { describe } from 'node:test';
import { removeComments, removeCommentsChar, replaceComments } from '../../../src/transforms/comments.js';
import { table, unchanged } from './table.js';

describe('replaceComments', () => {
  table(replaceComments, [
    ['/* TestCase */', ' '],
    ['Before/* TestCase */After', 'Before After'],
    ['Before /* TestCase */ After', 'Before   After'],
    ['/* Test\r\nCase */', ' '],
    ['Before/* Test\r\nCase ', 'Before ', 'unterminated comment becomes one space'],
    ['UNION/**/SELECT', 'UNION SELECT'],
    ['/*!UNION*/ SELECT', '  SELECT', 'MySQL versioned comment'],
    ['/*/', ' ', '/*/ does not close itself'],
    ['a/**//**/b', 'a  b'],
  ]);
  unchanged(replaceComments, ['', 'TestCase', 'Test\x00Case', 'Test\nCase */ After', '*/', '/', 'a/b*c']);
});

describe('removeComments', () => {
  table(removeComments, [
    ['/* TestCase */', ''],
    ['Before/* TestCase */After', 'BeforeAfter'],
    ['/*Before/* Test\r\nCase ', ' ', 'unterminated: one space'],
    ['Before /* Test\nCase ', 'Before  '],
    ['Before/* T*/ /* e */ /* s */ /* t */\r\nCase ', 'Before   \r\nCase '],
    ['Before /* */ ops */ Test\nCase ', 'Before  ops */ Test\nCase '],
    ['Test/*\nCase */ After', 'Test After'],
    ['SELECT/**//**/UNION', 'SELECTUNION'],
    ['foo<!-- comment 1 --><!-- comment 2 -->bar', 'foobar'],
    ["1' OR 1=1-- -", "1' OR 1=1", '-- removes the rest'],
    ["1' OR 1=1# x", "1' OR 1=1", '# removes the rest'],
    ['/*!UNION*/SELECT', 'SELECT'],
    ['a/*x--y*/b', 'ab', '-- inside a block comment is part of it'],
  ]);
  unchanged(removeComments, ['', 'TestCase', 'Test\r\nCase */After', 'a-b', 'a*/b', '<!-', '-']);
});

describe('removeCommentsChar', () => {
  table(removeCommentsChar, [
    ['/*!UNION*/SELECT', '!UNIONSELECT'],
    ['a<!--b-->c', 'abc'],
    ['a--b#c', 'abc'],
    ['-/**/-', '--', 'removal does not join neighbours'],
    ['a-->b', 'ab', '--> is matched before --'],
    ['--->', '->', 'left to right: -- first, then -> is kept'],
  ]);
  unchanged(removeCommentsChar, ['', 'abc', 'a-b', 'a/b', 'a*b', '<!-']);
});
