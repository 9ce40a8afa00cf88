import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { urlDecode, urlDecodeUni, urlEncode } from '../../../src/transforms/url-decode.js';
import { ALL_BYTES, table, unchanged } from './table.js';

const allPercent = Array.from({ length: 256 }, (_, b) => '%' + b.toString(16).padStart(2, '0')).join('');
const allPercentU = Array.from({ length: 256 }, (_, b) => '%u00' + b.toString(16).padStart(2, '0')).join('');
const highPercentU = Array.from({ length: 256 }, (_, b) => '%u11' + b.toString(16).padStart(2, '0')).join('');
const fullWidth = Array.from({ length: 0x5e }, (_, k) => '%uff' + (k + 1).toString(16).padStart(2, '0')).join('');
const printableAscii = String.fromCharCode(...Array.from({ length: 0x5e }, (_, k) => k + 0x21));

describe('urlDecode', () => {
  table(urlDecode, [
    ['', ''],
    ['Test+Case', 'Test Case'],
    [allPercent, ALL_BYTES, 'every %hh byte'],
    ['%2527', '%27', 'double encoding decodes once'],
    ['%252527', '%2527'],
    ['%c0%af', '\xc0\xaf', 'overlong UTF-8 stays two bytes'],
    ['%3Cscript%3e', '<script>'],
    ['%zz', '%zz'],
    ['%', '%'],
    ['%4', '%4'],
    ['a%', 'a%'],
    ['%%20', '% '],
    ['%0g%20', '%0g '],
    ['%g0%20', '%g0 '],
    ['%u0041', '%u0041', 'no %u in plain urlDecode'],
    ['%+', '% '],
    ['%00', '\x00'],
  ]);
  unchanged(urlDecode, ['', 'TestCase', 'Test\x00Case', '%', '%%', '%0g', '%gg', '%0%1%2%a%f', 'a%zb%u12']);
});

describe('urlDecodeUni', () => {
  table(urlDecodeUni, [
    ['+' + allPercent, ' ' + ALL_BYTES, 'every %hh byte (ModSecurity vector)'],
    ['+' + allPercentU, ' ' + ALL_BYTES, 'every %u00hh gives its low byte'],
    ['+' + highPercentU, ' ' + ALL_BYTES, '%u11hh gives its low byte too'],
    [fullWidth, printableAscii, 'full-width U+FF01..FF5E map to ASCII 0x21..0x7E'],
    ['%uFF1Cscript%uFF1E', '<script>', 'full-width < and > (upper case hex)'],
    ['%UFF1C', '<', '%U works like %u'],
    ['%uff00%uff7f%uff80', '\x00\x7f\x80', 'outside FF01..FF5E: low byte only'],
    ['%u003c', '<'],
    ['%2527', '%27'],
    ['%u', '%u'],
    ['%u12', '%u12'],
    ['%u%u0020', '%u '],
    ['%u0%u0020', '%u0 '],
    ['%u00%u0020', '%u00 '],
    ['%u000%u0020', '%u000 '],
    ['%u000g%u0020', '%u000g '],
    ['%%u0020', '% '],
    ['%0g%u0020', '%0g '],
    ['%c0%af', '\xc0\xaf'],
  ]);
  unchanged(urlDecodeUni, ['', 'TestCase', 'Test\x00Case', '%', '%0', '%%', '%gg', '%u', '%u12', '%uzzzz', '%U00g1']);
});

describe('urlEncode', () => {
  table(urlEncode, [
    ['a b', 'a+b'],
    ['<x>&y=1', '%3cx%3e%26y%3d1'],
    ['\x00\xff', '%00%ff'],
  ]);
  unchanged(urlEncode, ['', 'abcXYZ019*-._']);
  it('urlDecode inverts it on every byte', () => {
    assert.equal(urlDecode(urlEncode(ALL_BYTES)), ALL_BYTES);
  });
});
