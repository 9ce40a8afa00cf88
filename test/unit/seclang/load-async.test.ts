import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortcullisError } from '../../../src/errors.js';
import {
  loadSecLangSources, loadSecLangSourcesAsync, MAX_INCLUDE_DEPTH, type LoadSecLangOptions, type SecLangSource,
} from '../../../src/seclang/parse.js';
import { isMarker } from '../../../src/rules/types.js';
import { CRS_DIR } from '../../helpers/crs.js';
import { startLoopProbe } from '../../helpers/loop-probe.js';

interface Outcome { readonly code: string; readonly message: string }

function syncOutcome(sources: readonly SecLangSource[], options: LoadSecLangOptions = {}): Outcome | undefined {
  try {
    loadSecLangSources(sources, options);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof PortcullisError, `PortcullisError, got ${String(err)}`);
    return { code: err.code, message: err.message };
  }
}

async function asyncOutcome(sources: readonly SecLangSource[], options: LoadSecLangOptions = {}): Promise<Outcome | undefined> {
  try {
    await loadSecLangSourcesAsync(sources, { ...options, sliceMs: 0 });
    return undefined;
  } catch (err) {
    assert.ok(err instanceof PortcullisError, `PortcullisError, got ${String(err)}`);
    return { code: err.code, message: err.message };
  }
}

describe('loadSecLangSourcesAsync: same loader, in slices', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-seclang-async-'));
    mkdirSync(join(dir, 'rules'));
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'inc'));
    writeFileSync(join(dir, 'rules', 'a.conf'), [
      'SecDefaultAction "phase:2,log,deny,status:403"',
      'SecRule ARGS "@rx attack" "id:10001,phase:2,deny,msg:\'attack\'"',
      'Include ../inc/*.conf',
      'IncludeOptional ../inc/missing.conf',
      'SecMarker END_A',
    ].join('\n'));
    writeFileSync(join(dir, 'rules', 'b.conf'), 'SecRuleRemoveById 10002\nSecRuleUpdateTargetById 10001 "!ARGS:safe"\n');
    writeFileSync(join(dir, 'inc', 'one.conf'), 'SecRule ARGS "@rx other" "id:10002,phase:2,deny"\n');
    writeFileSync(join(dir, 'inc', 'two.conf'), 'SecRule REQUEST_URI "@beginsWith /admin" \\\n  "id:10003,phase:1,pass,\\\n  chain"\n  SecRule ARGS "@rx x" "t:lowercase"\n');
    writeFileSync(join(dir, 'bad-directive.conf'), '# comment\n\nSecNoSuchThing On\n');
    writeFileSync(join(dir, 'bad-in-include.conf'), 'SecAction "id:1,pass,nolog"\nInclude inc-bad.conf\n');
    writeFileSync(join(dir, 'inc-bad.conf'), 'SecAction "id:2,pass,nolog"\n\nSecRule ARGS "@rx (" "id:3,deny"\n');
    writeFileSync(join(dir, 'open-chain.conf'), 'SecRule ARGS "@rx a" "id:4,deny,chain"\n');
    writeFileSync(join(dir, 'loop.conf'), 'Include loop.conf\n');
    writeFileSync(join(dir, 'no-match.conf'), 'SecAction "id:5,pass,nolog"\nInclude nothing-*.conf\n');
    writeFileSync(join(dir, 'dup.conf'), 'SecAction "id:6,pass,nolog"\nSecAction "id:6,pass,nolog"\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same RuleSource as the synchronous loader (directories, Include globs, IncludeOptional, text)', async () => {
    const sources: SecLangSource[] = [join(dir, 'rules'), { text: 'SecAction "id:20001,phase:1,pass,nolog"', name: 'inline' }];
    const sync = loadSecLangSources(sources);
    let slices = 0;
    const sliced = await loadSecLangSourcesAsync(sources, { sliceMs: 0, onYield: () => { slices++; } });
    assert.deepEqual(sliced, sync);
    const ids = sliced.entries.filter((e) => !isMarker(e)).map((e) => ('id' in e ? e.id : 0));
    assert.ok(ids.includes(10001) && ids.includes(10003) && ids.includes(20001) && !ids.includes(10002));
    // sliceMs 0: one yield per file read (a.conf, b.conf, one.conf, two.conf) and one per directive at least.
    assert.ok(slices >= 4 + sliced.entries.length, `${slices} slices`);
  });

  it('rejects with exactly the errors of the synchronous loader (code and file:line)', async () => {
    const cases: { readonly sources: SecLangSource[]; readonly re: RegExp }[] = [
      { sources: [join(dir, 'bad-directive.conf')], re: /bad-directive\.conf:3: unknown directive "SecNoSuchThing"/ },
      { sources: [join(dir, 'bad-in-include.conf')], re: /inc-bad\.conf:3:/ },
      { sources: [join(dir, 'open-chain.conf')], re: /open-chain\.conf:1: .*chain/ },
      { sources: [join(dir, 'loop.conf')], re: new RegExp(`deeper than ${MAX_INCLUDE_DEPTH} levels`) },
      { sources: [join(dir, 'no-match.conf')], re: /no-match\.conf:2: no files match/ },
      { sources: [join(dir, 'dup.conf')], re: /dup\.conf:2: duplicate rule id 6/ },
      { sources: [join(dir, 'missing.conf')], re: /rules\.seclang\[0\]: cannot read ".*missing\.conf": ENOENT/ },
      { sources: [join(dir, 'empty')], re: /rules\.seclang\[0\]: directory ".*empty" holds no \.conf files/ },
      { sources: [{ text: 'SecAction "id:7,pass"\nSecRule ARGS', name: 'typed' }], re: /typed:2: SecRule takes 2-3 argument/ },
    ];
    for (const c of cases) {
      const want = syncOutcome(c.sources);
      assert.ok(want !== undefined, `sync load of ${JSON.stringify(c.sources)} should fail`);
      assert.match(want.message, c.re);
      assert.deepEqual(await asyncOutcome(c.sources), want);
    }
  });

  it('uses the readFile/listDir/isDirectory it is given (in-memory files), like the synchronous loader', async () => {
    const files: Record<string, string> = {
      '/mem/main.conf': 'Include /mem/parts/*.conf\nSecRule ARGS "@contains evil" "id:30001,phase:2,deny"\n',
      '/mem/parts/x.conf': 'SecAction "id:30002,phase:1,pass,nolog"\n',
      '/mem/parts/y.conf': 'SecAction "id:30003,phase:1,pass,nolog"\n',
    };
    const io: LoadSecLangOptions = {
      base: false,
      readFile: (p) => {
        const t = files[p];
        if (t === undefined) throw new Error(`ENOENT: ${p}`);
        return t;
      },
      listDir: (d) => {
        const names = Object.keys(files).filter((f) => f.startsWith(`${d}/`)).map((f) => f.slice(d.length + 1)).filter((n) => !n.includes('/'));
        if (names.length === 0) throw new Error(`ENOTDIR: ${d}`);
        return names;
      },
      isDirectory: () => false,
    };
    const sync = loadSecLangSources(['/mem/main.conf'], io);
    assert.deepEqual(await loadSecLangSourcesAsync(['/mem/main.conf'], io), sync);
    assert.deepEqual(sync.entries.map((e) => ('id' in e ? e.id : -1)), [30002, 30003, 30001]);
    assert.deepEqual(await asyncOutcome(['/mem/nope.conf'], io), syncOutcome(['/mem/nope.conf'], io));
  });

  it('a file of 20 000 directives is parsed in many slices, not in one go', async () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `SecRule ARGS:p${i} "@rx ^(?:a|b)+c${i}$" "id:${100_000 + i},phase:2,pass,nolog,t:none,t:urlDecodeUni"`).join('\n');
    const sources: SecLangSource[] = [{ text: big, name: 'big' }];
    let slices = 0;
    const sliced = await loadSecLangSourcesAsync(sources, { base: false, sliceMs: 0, onYield: () => { slices++; } });
    assert.equal(slices, 20_000);
    assert.deepEqual(sliced, loadSecLangSources(sources, { base: false }));
  });
});

describe('loadSecLangSourcesAsync on the OWASP CRS', () => {
  const crsPresent = CRS_DIR !== undefined && existsSync(join(CRS_DIR, 'rules'));
  const skip = crsPresent ? false : 'CRS not found';

  it('loads CRS equal to the synchronous loader, in slices (longest event-loop gap reported)', { skip }, async (t) => {
    const sources: SecLangSource[] = [join(CRS_DIR!, 'crs-setup.conf.example'), join(CRS_DIR!, 'rules')];
    const sync = loadSecLangSources(sources);
    const conf = 1 + 26; // crs-setup.conf.example + rules/*.conf
    const probe = startLoopProbe();
    let slices = 0;
    const t0 = performance.now();
    const sliced = await loadSecLangSourcesAsync(sources, { sliceMs: 4, onYield: () => { slices++; } });
    const took = performance.now() - t0;
    const { ticks, longestMs: longest } = probe.stop();
    let fine = 0;
    await loadSecLangSourcesAsync(sources, { sliceMs: 0, onYield: () => { fine++; } });
    t.diagnostic(`CRS SecLang load: ${sliced.entries.length} entries in ${took.toFixed(0)} ms, ${slices} slices (sliceMs 4; ${fine} with sliceMs 0), ${ticks} event-loop ticks, longest gap ${longest.toFixed(1)} ms`);
    assert.deepEqual(sliced, sync);
    // One yield before each file at least, and never more than yielding after every directive.
    assert.ok(slices >= conf, `${slices} slices for ${conf} files`);
    assert.ok(fine >= conf + sliced.entries.length, `${fine} slices with sliceMs 0 for ${sliced.entries.length} entries`);
    assert.ok(slices <= fine, `${slices} > ${fine}`);
    assert.ok(ticks >= slices, `${ticks} ticks for ${slices} slices`);
  });
});
