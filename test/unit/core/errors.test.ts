import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES, PortcullisError } from '../../../src/errors.js';

const root = new URL('../../../', import.meta.url).pathname;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

test('docs/errors.md lists exactly the codes in ERROR_CODES', () => {
  const doc = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/`(ERR_PORTCULLIS_[A-Z_]+)`/g)].map((m) => m[1]));
  assert.deepEqual([...documented].sort(), Object.keys(ERROR_CODES).sort());
});

test('every ERR_PORTCULLIS_* code used in src/ is declared', () => {
  const declared = new Set(Object.keys(ERROR_CODES));
  for (const file of walk(join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/ERR_PORTCULLIS_[A-Z_]*[A-Z](?![A-Z_*])/g)) {
      assert.ok(declared.has(m[0]), `${file} uses undeclared code ${m[0]}`);
    }
  }
});

test('PortcullisError carries its code in the property and the message', () => {
  const e = new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', 'bad');
  assert.equal(e.code, 'ERR_PORTCULLIS_OPTION_INVALID');
  assert.match(e.message, /bad \[ERR_PORTCULLIS_OPTION_INVALID\]/);
  assert.ok(e instanceof Error);
});
