import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../../src/errors.js';
import {
  applyChain,
  applyChainSteps,
  compileChain,
  createTransformCache,
} from '../../../src/transforms/cache.js';
import type { TransformFn } from '../../../src/transforms/types.js';
import type { TransformCache } from '../../../src/transforms/cache.js';

/** A lookup whose transforms count their calls. */
function countingLookup(): { lookup: (name: string) => TransformFn | undefined; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const base: Record<string, TransformFn> = {
    up: (s) => s.toUpperCase(),
    strip: (s) => s.replaceAll('-', ''),
    id: (s) => s,
    rev: (s) => [...s].reverse().join(''),
  };
  return {
    calls,
    lookup: (name) => {
      const fn = base[name.toLowerCase()];
      if (fn === undefined) return undefined;
      return (s) => {
        calls.set(name.toLowerCase(), (calls.get(name.toLowerCase()) ?? 0) + 1);
        return fn(s);
      };
    },
  };
}

describe('compileChain', () => {
  it('resolves built-in names case-insensitively and builds prefix keys', () => {
    const chain = compileChain(['urlDecodeUni', 'LowerCase']);
    assert.equal(chain.fns.length, 2);
    assert.deepEqual(chain.keys, ['urldecodeuni', 'urldecodeuni,lowercase']);
    assert.equal(applyChain(chain, '%41B%u0043'), 'abc');
  });

  it('drops names before a none', () => {
    const chain = compileChain(['lowercase', 'none', 'urlDecode']);
    assert.deepEqual(chain.names, ['urlDecode']);
    assert.equal(applyChain(chain, 'A%42'), 'AB');
  });

  it('throws ERR_PORTCULLIS_RULE_TRANSFORM on an unknown name', () => {
    assert.throws(
      () => compileChain(['urlDecode', 'rot13']),
      (err: unknown) => err instanceof PortcullisError && err.code === 'ERR_PORTCULLIS_RULE_TRANSFORM' && /rot13/.test(err.message),
    );
  });

  it('an empty chain returns the input', () => {
    assert.equal(applyChain(compileChain([]), 'x', createTransformCache()), 'x');
  });
});

describe('applyChain with a cache', () => {
  it('does the work once for the same chain and value', () => {
    const { lookup, calls } = countingLookup();
    const chain = compileChain(['strip', 'up'], lookup);
    const cache = createTransformCache();
    assert.equal(applyChain(chain, 'a-b', cache), 'AB');
    assert.equal(applyChain(chain, 'a-b', cache), 'AB');
    assert.equal(calls.get('strip'), 1);
    assert.equal(calls.get('up'), 1);
    assert.equal(applyChain(chain, 'c-d', cache), 'CD');
    assert.equal(calls.get('strip'), 2);
  });

  it('shares the work of a common prefix between chains', () => {
    const { lookup, calls } = countingLookup();
    const short = compileChain(['strip'], lookup);
    const long = compileChain(['STRIP', 'up'], lookup);
    const cache = createTransformCache();
    assert.equal(applyChain(short, 'x-y', cache), 'xy');
    assert.equal(applyChain(long, 'x-y', cache), 'XY');
    assert.equal(calls.get('strip'), 1);
    assert.equal(calls.get('up'), 1);
  });

  it('gives the same results as without a cache', () => {
    const chain = compileChain(['utf8toUnicode', 'urlDecodeUni', 'htmlEntityDecode', 'jsDecode', 'cssDecode', 'removeNulls']);
    const cache = createTransformCache();
    for (const v of ['%3Cscript%3E', '&#x3c;svg', '\\u003cimg', '\xef\xbc\x9cx', 'plain', '']) {
      assert.equal(applyChain(chain, v, cache), applyChain(chain, v));
      assert.equal(applyChain(chain, v, cache), applyChain(chain, v));
    }
  });

  it('stops memoising past maxEntries but still computes', () => {
    const { lookup, calls } = countingLookup();
    const chain = compileChain(['up'], lookup);
    const cache = createTransformCache({ maxEntries: 2 });
    for (const v of ['a', 'b', 'c', 'c']) applyChain(chain, v, cache);
    assert.equal(cache.size, 2);
    assert.equal(calls.get('up'), 4);
    assert.equal(applyChain(chain, 'c', cache), 'C');
    cache.clear();
    assert.equal(cache.size, 0);
  });
});

describe('applyChainSteps (multiMatch)', () => {
  it('returns the original value and each value a step changed', () => {
    const chain = compileChain(['urlDecodeUni', 'lowercase', 'removeNulls', 'compressWhitespace']);
    assert.deepEqual(applyChainSteps(chain, '%3CScript%3E'), ['%3CScript%3E', '<Script>', '<script>']);
  });

  it('returns only the original when nothing changes', () => {
    const chain = compileChain(['urlDecode', 'lowercase']);
    assert.deepEqual(applyChainSteps(chain, 'abc'), ['abc']);
  });

  it('agrees with applyChain and reuses the cache', () => {
    const { lookup, calls } = countingLookup();
    const chain = compileChain(['strip', 'id', 'up'], lookup);
    const cache = createTransformCache();
    assert.equal(applyChain(chain, 'a-b', cache), 'AB');
    const steps = applyChainSteps(chain, 'a-b', cache);
    assert.deepEqual(steps, ['a-b', 'ab', 'AB']);
    assert.equal(steps.at(-1), applyChain(chain, 'a-b'));
    assert.equal(calls.get('strip'), 2); // once for each uncached applyChain above, never for the cached calls
    assert.equal(calls.get('id'), 2);
  });
});

describe('the built-in memo and a caller-supplied TransformCache', () => {
  /** A minimal cache of the interface only (applyChain's generic path). */
  function plainCache(): TransformCache {
    const m = new Map<string, string>();
    return {
      get size() {
        return m.size;
      },
      get: (key, input) => m.get(`${key}\0${input}`),
      set: (key, input, output) => void m.set(`${key}\0${input}`, output),
      clear: () => m.clear(),
    };
  }

  it('do the same work and give the same results over mixed chains and values', () => {
    const a = countingLookup();
    const b = countingLookup();
    const names = [['strip'], ['strip', 'up'], ['strip', 'up', 'rev'], ['up'], ['strip', 'id', 'up'], ['rev', 'strip']];
    const chainsA = names.map((n) => compileChain(n, a.lookup));
    const chainsB = names.map((n) => compileChain(n, b.lookup));
    const memo = createTransformCache();
    const plain = plainCache();
    const values = ['a-b', 'x', '', 'a-b', 'q-r-s', 'x'];
    for (let round = 0; round < 2; round++) {
      for (const v of values) {
        for (let c = 0; c < names.length; c++) {
          const steps = round === 0;
          if (steps) {
            assert.deepEqual(applyChainSteps(chainsA[c]!, v, memo), applyChainSteps(chainsB[c]!, v, plain), `${names[c]} ${v}`);
          } else {
            assert.equal(applyChain(chainsA[c]!, v, memo), applyChain(chainsB[c]!, v, plain), `${names[c]} ${v}`);
          }
        }
      }
    }
    assert.deepEqual([...a.calls].sort(), [...b.calls].sort());
    assert.equal(memo.size, plain.size);
  });
});
