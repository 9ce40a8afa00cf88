import { describe } from 'node:test';
import { htmlEntityDecode } from '../../../src/transforms/html-entity-decode.js';
import { table, unchanged } from './table.js';

describe('htmlEntityDecode', () => {
  table(htmlEntityDecode, [
    ['&#x3c;script&#x3e;', '<script>', 'hex with ;'],
    ['&#X3C;', '<', 'upper-case X'],
    ['&#60script&#62', '<script>', 'decimal without ;'],
    ['&#0000060;', '<', 'leading zeros'],
    ['&#x000003c', '<'],
    ['&lt;&gt;&amp;&quot;&apos;', '<>&"\''],
    ['&LT;&Gt;&AMP;&QUOT;', '<>&"', 'ModSecurity entities are caseless'],
    ['&nbsp;', '\xa0', 'nbsp is the byte 0xA0'],
    ['&lt&gt', '<>', 'names without ;'],
    ['&ltscript&gt;', '&ltscript>', 'a name is the whole alnum run'],
    ['javascript&colon;alert&lpar;1&rpar;', 'javascript:alert(1)', 'HTML5 punctuation names'],
    ['&Tab;&NewLine;', '\t\n'],
    ['&COLON;', '&COLON;', 'HTML5 names are case-sensitive'],
    ['&#8364;', '\xe2\x82\xac', 'code point > 0xFF gives UTF-8 bytes'],
    ['&#x1F600;', '\xf0\x9f\x98\x80'],
    ['&euro;', '\xe2\x82\xac'],
    ['&#xFFFFFFFFFF;', '&#xFFFFFFFFFF;', 'past U+10FFFF: kept'],
    ['&#99999999999999999999999;', '&#99999999999999999999999;'],
    ['&#x110000;', '&#x110000;'],
    ['&#xD800;', '&#xD800;', 'surrogate: kept'],
    ['&#x10FFFF;', '\xf4\x8f\xbf\xbf'],
    ['&#0;', '\x00'],
    ['&#;&#x;&#xg;&;', '&#;&#x;&#xg;&;', 'no digits: kept'],
    ['&', '&'],
    ['&#', '&#'],
    ['&#x', '&#x'],
    ['a&&lt;', 'a&<'],
    ['&amp;lt;', '&lt;', 'decodes once'],
    ['&foo;&lt;', '&foo;<'],
  ]);
  unchanged(htmlEntityDecode, ['', 'TestCase', 'Test\x00Case', 'a & b', '&unknown;', '&#;', '&#xZZ;', 'x&']);
});
