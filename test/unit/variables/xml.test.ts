import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeXmlEntities, parseXml } from '../../../src/variables/body/xml.js';

const T = '/*';
const A = '//@*';
const ents = (s: string, depth = 256, nodes = 1000): [string, string][] => parseXml(s, depth, nodes).entries.map((e) => [e.key, e.value]);

test('parseXml: text nodes under /*, attribute values under //@*', () => {
  const cases: [string, [string, string][]][] = [
    ['<a>hello</a>', [[T, 'hello']]],
    ['<?xml version="1.0"?>\n<r x="1" y=\'2\'><b>one</b> <c z="&lt;s&gt;"/>two</r>', [[A, '1'], [A, '2'], [T, 'one'], [A, '<s>'], [T, 'two']]],
    ['<r><![CDATA[<script>alert(1)</script>]]></r>', [[T, '<script>alert(1)</script>']]],
    ['<r>&#39; OR 1=1 &#x2d;&#x2d; &amp;&quot;&apos;</r>', [[T, "' OR 1=1 -- &\"'"]]],
    ['<r>caf&#233;</r>', [[T, 'caf\xc3\xa9']]],
    ['<r><!-- <x>hidden</x> --><y>v</y></r>', [[T, 'v']]],
    ['<soap:Envelope xmlns:soap="http://s"><soap:Body>q</soap:Body></soap:Envelope>', [[A, 'http://s'], [T, 'q']]],
  ];
  for (const [xml, want] of cases) {
    const r = parseXml(xml, 256, 1000);
    assert.equal(r.error, null, xml);
    assert.deepEqual(r.entries.map((e) => [e.key, e.value]), want, xml);
  }
});

test('parseXml: DOCTYPE and entities are never expanded', () => {
  const xxe = '<?xml version="1.0"?><!DOCTYPE foo [ <!ELEMENT foo ANY> <!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY lol "lol&lol;"> ]><foo>&xxe;&lol;</foo>';
  const r = parseXml(xxe, 256, 1000);
  assert.equal(r.error, null);
  assert.deepEqual(r.entries.map((e) => e.value), ['&xxe;&lol;']);
  // Billion laughs stays linear: the references are left literal.
  const laughs = `<!DOCTYPE l [${Array.from({ length: 10 }, (_, i) => `<!ENTITY l${i + 1} "&l${i};&l${i};&l${i};">`).join('')}]><l>&l10;</l>`;
  assert.deepEqual(ents(laughs), [[T, '&l10;']]);
});

test('parseXml: malformed documents set an error and never throw', () => {
  const bad = [
    '', 'not xml', '<a>', '<a></b>', '</a>', '<a><b></a></b>', '<a x=1>v</a>', '<a x="1>v</a>', '<a>v</a><b/>',
    '<a>v</a>trailing', '<!-- x', '<a><![CDATA[x</a>', '<?pi', '<!DOCTYPE x [', '<a x>v</a>', '< a>v</a>', '<a x="<">v</a>',
  ];
  for (const xml of bad) assert.notEqual(parseXml(xml, 256, 1000).error, null, xml);
  // Content is still collected where possible.
  assert.deepEqual(ents('<a x=evil>v</a>'), [[A, 'evil'], [T, 'v']]);
});

test('parseXml: depth cap without recursion, node cap, big bodies', () => {
  const d = 100_000;
  const deep = parseXml(`${'<a>'.repeat(d)}x${'</a>'.repeat(d)}`, 256, 1000);
  assert.match(deep.error ?? '', /deeper than 256/);
  const many = parseXml(`<r>${'<i a="1">t</i>'.repeat(5000)}</r>`, 256, 1000);
  assert.match(many.error ?? '', /more than 1000/);
  assert.equal(many.entries.length, 1000);
  const t0 = performance.now();
  const big = parseXml(`<r>${'x'.repeat(1024 * 1024)}</r>`, 256, 1000);
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(big.error, null);
  assert.equal(big.entries[0]?.value.length, 1024 * 1024);
});

test('parseXml: UTF-16 with BOM and UTF-8 BOM', () => {
  const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>\u00e9</a>', 'utf16le')]).toString('latin1');
  assert.deepEqual(ents(u16), [[T, '\xc3\xa9']]);
  const be = Buffer.from('<a>z</a>', 'utf16le');
  be.swap16();
  assert.deepEqual(ents(Buffer.concat([Buffer.from([0xfe, 0xff]), be]).toString('latin1')), [[T, 'z']]);
  assert.deepEqual(ents('\xef\xbb\xbf<a>b</a>'), [[T, 'b']]);
});

test('decodeXmlEntities: predefined and numeric only', () => {
  const cases: [string, string][] = [
    ['a&lt;b', 'a<b'], ['&amp;amp;', '&amp;'], ['&#0;', '\x00'], ['&#x110000;', '&#x110000;'], ['&#xZZ;', '&#xZZ;'],
    ['&unknown;', '&unknown;'], ['&', '&'], ['&lt', '&lt'], ['&#128512;', '\xf0\x9f\x98\x80'],
  ];
  for (const [s, want] of cases) assert.equal(decodeXmlEntities(s), want, s);
});
