import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getTransform, listTransforms, TRANSFORMS } from '../../../src/transforms/registry.js';

/** Every transformation CRS v4 uses (NOTES.md §4.3), plus the rest of the ModSecurity set we implement. */
const REQUIRED = [
  'urlDecodeUni', 'lowercase', 'jsDecode', 'htmlEntityDecode', 'utf8toUnicode', 'removeNulls', 'cssDecode',
  'cmdLine', 'removeWhitespace', 'replaceComments', 'normalizePath', 'escapeSeqDecode', 'compressWhitespace',
  'normalizePathWin', 'length', 'base64Decode', 'sha1', 'hexEncode', 'removeCommentsChar',
  'uppercase', 'urlDecode', 'base64DecodeExt', 'base64Encode', 'hexDecode', 'sqlHexDecode', 'replaceNulls',
  'removeComments', 'trim', 'trimLeft', 'trimRight', 'md5', 'normalisePath', 'normalisePathWin',
];

describe('registry', () => {
  it('maps every required name to a function', () => {
    for (const name of REQUIRED) assert.equal(typeof TRANSFORMS[name], 'function', name);
  });

  it('lists exactly the table keys, and each maps to a function', () => {
    const names = listTransforms();
    assert.deepEqual([...names].sort(), Object.keys(TRANSFORMS).sort());
    for (const name of names) assert.equal(typeof getTransform(name), 'function', name);
  });

  it('does not register none (the parser handles it)', () => {
    assert.equal(getTransform('none'), undefined);
  });

  it('looks names up case-insensitively', () => {
    assert.equal(getTransform('URLDECODEUNI'), TRANSFORMS['urlDecodeUni']);
    assert.equal(getTransform('lowerCase'), TRANSFORMS['lowercase']);
    assert.equal(getTransform('utf8ToUnicode'), TRANSFORMS['utf8toUnicode']);
    assert.equal(getTransform('nope'), undefined);
    assert.equal(getTransform(''), undefined);
  });

  it('is frozen', () => {
    assert.ok(Object.isFrozen(TRANSFORMS));
  });
});

/** 1 MB inputs shaped against each decoder; every transform must get through each one (no timing assertion). */
function hostileInputs(): Array<[string, string]> {
  const MB = 1 << 20;
  const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const tokens = ['%', '%u', '%uff1c', '%2', '&#', '&#x', '&#99999999', '&lt', '\\', '\\u', '\\x4', '\\0',
    '/*', '*/', '<!--', '--', '#', '../', './', '//', '\\..\\', '0x', '\xc0', '\xe2\x82', '\xf0', '=', ' ', '\t',
    '\x00', '\xa0', "'", '^', ',', '(', 'A', 'z'];
  let seed = 7;
  let mixed = '';
  const parts: string[] = [];
  let size = 0;
  while (size < MB) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const t = tokens[seed % tokens.length] as string;
    parts.push(t);
    size += t.length;
  }
  mixed = parts.join('');
  return [
    ['mixed tokens', mixed],
    ['percent', fill('%')],
    ['%u prefix', fill('%u0')],
    ['entity digits', '&#' + fill('9')],
    ['backslashes', fill('\\')],
    ['open comments', fill('/*')],
    ['dot segments', fill('../')],
    ['slashes', fill('/')],
    ['utf-8 leads', fill('\xe2')],
    ['ascii', fill('aB ')],
  ];
}

describe('hostile 1 MB inputs', () => {
  const inputs = hostileInputs();
  for (const name of listTransforms()) {
    it(`${name} handles every input`, () => {
      const fn = getTransform(name);
      assert.ok(fn);
      for (const [label, input] of inputs) {
        const out = fn(input);
        assert.equal(typeof out, 'string', label);
      }
    });
  }
});
