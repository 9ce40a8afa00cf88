import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { detectXSS, detectXSSContext, detectXSSInContext, type HtmlContext } from '../../../src/detect/xss/index.js';
import { BENIGN_COMMON, COOKIE_VALUES, CRS_XSS_NEGATIVE, CRS_XSS_POSITIVE, USER_AGENTS } from './fixtures.js';

const XSS_POSITIVE: readonly string[] = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  '"><script>',
  '<a href=javascript:alert(1)>x</a>',
  '<body onload=alert(1)>',
  '<iframe src="javascript:alert(1)">',
  '<a href="jav&#x09;ascript:alert(1)">',
  "' onmouseover='alert(1)",
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<x onpointerenter=alert(1)>',
  '<ScRiPt>alert(1)</sCrIpT>',
  '<script src=//evil.example/x.js></script>',
  '<img src="x" onerror="alert(1)">',
  "<IMG SRC=javascript:alert('XSS')>",
  "<IMG SRC=JaVaScRiPt:alert('XSS')>",
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>',
  '<IMG SRC="jav\tascript:alert(\'XSS\');">',
  '<a href="&#x6A;avascript:alert(1)">',
  '<a href=" javascript:alert(1)">',
  '<a href="&#14;javascript:alert(1)">',
  '<a href="javascript&colon;alert(1)">',
  '<a href="java&Tab;script:alert(1)">',
  '<svg><script>alert(1)</script></svg>',
  '<math href="javascript:alert(1)">',
  '<iframe srcdoc="<script>alert(1)</script>">',
  '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
  '<embed src="javascript:alert(1)">',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<form action="javascript:alert(1)"><input type=submit>',
  '<button formaction=javascript:alert(1)>x</button>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<link rel=stylesheet href=javascript:alert(1)>',
  '<base href="javascript:alert(1)//">',
  '<div style="width:expression(alert(1))">',
  '<div style="background:url(javascript:alert(1))">',
  '<div style="background:url(&#x6A;avascript:alert(1))">',
  '<div style="x:\\65 xpression(alert(1))">',
  '<input onfocus=alert(1) autofocus>',
  '<video><source onerror=alert(1)>',
  '<audio src=x onerror=alert(1)>',
  '<marquee onstart=alert(1)>',
  '<!--[if gte IE 4]><script>alert(1)</script><![endif]-->',
  '<![CDATA[<img src=x onerror=alert(1)>]]>',
  '<?xml-stylesheet href="javascript:alert(1)"?>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  '" onmouseover="alert(1)',
  'x onmouseover=alert(1)',
  '" autofocus onfocus="alert(1)',
  '"><iframe src=javascript:alert(1)>',
  '</title><script>alert(1)</script>',
  '</textarea><img src=x onerror=alert(1)>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<img/src="x"/onerror=alert(1)>',
  '<xss onbeforehellfreezes=alert(1)>',
  '<a href="javas&#99;ript:alert(1)">x</a>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<svg><set attributeName=href to=javascript:alert(1)>',
  '<table background="javascript:alert(1)">',
  '<frameset onload=alert(1)>',
  '<applet code="x.class">',
  '<img src=x onerror=alert`1`>',
  "<a onmouseover='alert(1)'>hover</a>",
  '<p style="x:expression(alert(1))">',
  'javascript:alert(document.cookie)',
  '"><a href="data:text/html;base64,PHNjcmlwdD4=">',
  '<img """><script>alert("XSS")</script>">',
  '<svg onload=alert(1)//',
  '<object type="text/x-scriptlet" data="x.sct">',
  '<IMG SRC=`javascript:alert("XSS")`>',
  '<svg><a><animate attributeName=href values=javascript:alert(1) /><text x=20 y=20>Click</text></a>',
  '<a href="&#1;javascript:alert(1)">',
  '<a href="javascript&#00058;alert(1)">',
  '<a href="java\nscript:alert(1)">',
  '<BODY BACKGROUND="javascript:alert(1)">',
  '<XSS STYLE="behavior: url(xss.htc);">',
  '<STYLE>li {list-style-image: url("javascript:alert(1)");}</STYLE>',
  '<a id=x tabindex=1 onfocus=alert(1)></a>',
];

const XSS_NEGATIVE: readonly string[] = [
  ...BENIGN_COMMON,
  ...USER_AGENTS,
  ...COOKIE_VALUES,
  'if (a<b && c>d) return',
  'Use <br> for line breaks',
  '<html><head><title>x</title></head></html>',
  'email <john@example.com>',
  '<div class="container">hi</div>',
  '<input type="text" name="q" value="x">',
  '<span title=\'it"s\'>x</span>',
  'He said "online=yes"',
  'x onion=3',
  '<a href="#top">top</a>',
  '<a href="/javascript/tutorial">js</a>',
  '<a href="mailto:a@b.example">mail</a>',
  'data:text/html',
  'data:image/png;base64,iVBOR',
  '<:-) <<<<',
  '<textarea>hi</textarea>',
  '<form action="/search">',
  '<img src=javascript.png>',
  'Content-Type: text/html; charset=utf-8',
  '<!DOCTYPE html>',
  '<?php echo 1; ?>',
  '<!-- a comment -->',
  '<b onmouseover>bold</b>',
  '" onclick',
  '1 OR 1=1',
];

describe('detectXSS: table-driven', () => {
  it('has large enough lists', () => {
    assert.ok(XSS_POSITIVE.length >= 50, `positives: ${XSS_POSITIVE.length}`);
    assert.ok(XSS_NEGATIVE.length >= 50, `negatives: ${XSS_NEGATIVE.length}`);
  });
  for (const input of XSS_POSITIVE) {
    it(`detects ${JSON.stringify(input)}`, () => assert.equal(detectXSS(input), true));
  }
  for (const input of XSS_NEGATIVE) {
    it(`passes ${JSON.stringify(input)}`, () => assert.equal(detectXSS(input), false));
  }
});

describe('detectXSS: CRS regression vectors', () => {
  for (const v of CRS_XSS_POSITIVE) {
    it(`detects ${v.id}`, () => assert.equal(detectXSS(v.value), true));
  }
  for (const v of CRS_XSS_NEGATIVE) {
    it(`passes ${v.id}`, () => assert.equal(detectXSS(v.value), false));
  }
});

describe('detectXSS: parsing contexts', () => {
  const ALL: readonly HtmlContext[] = ['data', 'unquoted', 'single', 'double'];
  const cases: ReadonlyArray<[string, readonly HtmlContext[]]> = [
    ['<script>alert(1)</script>', ['data']],
    ['x onmouseover=alert(1)', ['unquoted']],
    ['x><script>', ['data', 'unquoted']],
    ['javascript:alert(1)', ['unquoted', 'single', 'double']],
    ["abc' onmouseover='alert(1)", ['unquoted', 'single']],
    ['abc" onmouseover="alert(1)', ['unquoted', 'double']],
    ['abc"onmouseover="alert(1)', ['double']],
    ["abc'onmouseover=alert(1)", ['single']],
    ['javascript: alert(1)', ['single', 'double']],
    ['"><svg onload=alert(1)>', ['data', 'unquoted', 'double']],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} is caught exactly in ${expected.join(', ')}`, () => {
      const got = ALL.filter((ctx) => detectXSSInContext(input, ctx));
      assert.deepEqual(got, expected);
      assert.equal(detectXSSContext(input), expected[0]);
    });
  }

  it('is not caught in the data context when there is no tag', () => {
    assert.equal(detectXSSInContext('javascript:alert(1)', 'data'), false);
    assert.equal(detectXSSInContext('x onmouseover=alert(1)', 'data'), false);
  });

  it('plain markup is not flagged but the same tag with a handler is', () => {
    assert.equal(detectXSS('<p>Hello</p>'), false);
    assert.equal(detectXSS('<p onclick="go()">Hello</p>'), true);
    assert.equal(detectXSS('<a href="https://example.com">x</a>'), false);
    assert.equal(detectXSS('<a href="javascript:void(0)">x</a>'), true);
    assert.equal(detectXSS('<div style="color:red">x</div>'), false);
    assert.equal(detectXSS('<img src="data:image/png;base64,iVBORw0KGgo=">'), false);
    assert.equal(detectXSS('<img src="data:image/svg+xml;base64,PHN2Zz4=">'), true);
  });

  it('attribute breakouts need script-looking handler values', () => {
    assert.equal(detectXSS('set a onload=true in the config'), false);
    assert.equal(detectXSS('" onload="go()'), true);
  });
});

// ---------------------------------------------------------------------------------------------
// mutations: case swapping and separator substitution must not change detection

const SEEDS: readonly string[] = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '"><script>alert(1)</script>',
  '<a href="javascript:alert(1)">x</a>',
  '<body onload=alert(1)>',
  '<iframe src="javascript:alert(1)">',
  '<a href="jav&#x09;ascript:alert(1)">',
  "' onmouseover='alert(1)",
  '<details open ontoggle=alert(1)>',
  '<x onpointerenter=alert(1)>',
  '<div style="width:expression(alert(1))">',
];

const SEPARATORS = [' ', '\t', '\n', '\r', '\f', '  ', '\n\t'];

function swapCase(s: string, mask: readonly boolean[]): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    out += mask[i % mask.length] === true ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c;
  }
  return out;
}

function substituteSpaces(s: string, picks: readonly number[]): string {
  let k = 0;
  return s.replace(/ /g, () => SEPARATORS[(picks[k++ % picks.length] ?? 0) % SEPARATORS.length] ?? ' ');
}

describe('detectXSS: mutation invariance', () => {
  it('case swapping and whitespace substitution keep detection', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        (seed, mask, picks) => detectXSS(substituteSpaces(swapCase(seed, mask), picks)),
      ),
      { numRuns: 400 },
    );
  });

  it('case-swapped benign markup stays clean', () => {
    const benign = ['a <b> tag', '<p>Hello</p>', '5 < 6 and 7 > 3', '<a href="https://example.com/">x</a>'];
    fc.assert(
      fc.property(fc.constantFrom(...benign), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (seed, mask) =>
        !detectXSS(swapCase(seed, mask)),
      ),
      { numRuns: 200 },
    );
  });
});

describe('detectXSS: hostile input', () => {
  const HTMLISH = ['<', '>', '/', '"', "'", '=', ' ', '\t', 'a', 'on', 'onx', 'script', 'style', '&#', 'x', '0', ';',
    ':', 'javascript', '<!--', '-->', '<!', '<?', '\\', '`', '(', 'href'];

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = detectXSS(Buffer.from(bytes).toString('latin1'));
        return typeof r === 'boolean';
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random markup soup and is deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...HTMLISH), { maxLength: 60 }), (parts) => {
        const s = parts.join('');
        return detectXSS(s) === detectXSS(s);
      }),
      { numRuns: 500 },
    );
  });

  it('handles non-string and empty input', () => {
    assert.equal(detectXSS(''), false);
    assert.equal(detectXSS(undefined as unknown as string), false);
  });

  const MB = 1 << 20;
  const big: ReadonlyArray<[string, string]> = [
    ["'", "'".repeat(MB)],
    ['<a ', '<a '.repeat(Math.ceil(MB / 3))],
    ['<a x=', '<a x='.repeat(Math.ceil(MB / 5))],
    ['&#', '<a href="' + '&#'.repeat(MB / 2)],
    ['<!--', '<!--'.repeat(MB / 4)],
    ['style', '<p style="' + '\\'.repeat(MB)],
  ];
  for (const [name, input] of big) {
    it(`finishes on 1 MB of ${JSON.stringify(name)}`, () => {
      assert.equal(typeof detectXSS(input), 'boolean');
    });
  }

  it('a payload after 1 MB of padding is still found', () => {
    assert.equal(detectXSS('a '.repeat(MB / 2) + '<svg onload=alert(1)>'), true);
  });
});
