import { describe } from 'node:test';
import { cssDecode } from '../../../src/transforms/css-decode.js';
import { escapeSeqDecode } from '../../../src/transforms/escape-seq-decode.js';
import { jsDecode } from '../../../src/transforms/js-decode.js';
import { table, unchanged } from './table.js';

describe('jsDecode', () => {
  table(jsDecode, [
    ['\\x3cscript\\x3e', '<script>', '\\xHH'],
    ['\\u003cscript\\u003E', '<script>', '\\uHHHH low byte'],
    ['\\uff1c\\uFF1E', '<>', 'full-width forms map to ASCII'],
    ['\\u013c', '<', 'only the low byte is kept (ModSecurity)'],
    ['\\a\\b\\f\\n\\r\\t\\v\\?\\\'\\"\\0\\12\\123\\x00\\xff\\u0021\\uff01', '\x07\b\f\n\r\t\x0b?\'"\x00\nS\x00\xff!!'],
    ['\\8\\9\\666\\u00ag\\u00ga\\u0zaa\\uz0aa\\xag\\xga\\0123\\u00a', '8966u00agu00gau0zaauz0aaxagxga\n3u00a'],
    ['\\377\\400', '\xff\x200', 'octal stops before passing one byte'],
    ['\\x', 'x'],
    ['\\x\\x0', 'xx0'],
    ['\\u', 'u'],
    ['\\u\\u0\\u01\\u012', 'uu0u01u012'],
    ['\\\\0', '\\0'],
    ['a\\', 'a\\', 'trailing backslash kept'],
    ['\\\\x3c', '\\x3c', 'escaped backslash decodes once'],
  ]);
  unchanged(jsDecode, ['', 'TestCase', 'Test\x00Case', '\\', 'abc\\']);
});

describe('cssDecode', () => {
  table(cssDecode, [
    [
      'test\\a\\b\\f\\n\\r\\t\\v\\?\\\'\\"\\0\\12\\123\\1234\\12345\\123456\\ff01\\ff5e\\\n\\0  string',
      'test\n\x0b\x0fnrtv?\'"\x00\x12#4EV!~\x00 string',
      'ModSecurity vector',
    ],
    ['\\1A\\1 A\\1234567\\123456 7\\1x\\1 x', '\x1a\x01AV7V7\x01x\x01x', 'one whitespace after a hex escape is eaten'],
    ['\\3c script\\3e', '<script>'],
    ['\\00003c', '<', 'six digits'],
    ['\\0ff1c\\00ff1c\\ff1c', '<<<', 'full-width with 4, 5 (leading 0) and 6 (leading 00) digits'],
    ['\\1ff1c', '\x1c', '5 digits without leading 0: no full-width fold'],
    ['java\\script', 'javascript', 'non-hex escaped char is itself'],
    ['ja\\\nvascript', 'javascript', 'backslash-newline removed'],
    ['test\\', 'test', 'trailing backslash removed'],
    ['\\\\', '\\'],
  ]);
  unchanged(cssDecode, ['', 'TestCase', 'Test\x00Case', 'a{color:red}']);
});

describe('escapeSeqDecode', () => {
  table(escapeSeqDecode, [
    ['\\a\\b\\f\\n\\r\\t\\v\\?\\\'\\"\\0\\12\\123\\x00\\xff', '\x07\b\f\n\r\t\x0b?\'"\x00\nS\x00\xff'],
    ['\\8\\9\\666\\xag\\xga\\0123', '89\xb6xagxga\n3', 'octal modulo 256, invalid \\x gives x'],
    ['\\x3c\\X3E', '<>'],
    ['\\x', 'x'],
    ['\\x\\x0', 'xx0'],
    ['\\0', '\x00'],
    ['\\01', '\x01'],
    ['\\012', '\n'],
    ['\\\\u0000', '\\u0000'],
    ['\\z', 'z'],
  ]);
  unchanged(escapeSeqDecode, ['', 'TestCase', 'Test\x00Case', '\\']);
});
