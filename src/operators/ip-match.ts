import { captureOne } from './byte-string.js';
import { dataFileLines, dataFileNames, readDataFile } from './data-file.js';
import { compileIpSet } from './ip-set.js';
import { operatorError } from './operator-error.js';
import type { CompiledOperator, OperatorFactory } from './types.js';

function ipOperator(op: string, param: string, entries: readonly string[]): CompiledOperator {
  if (entries.length === 0) throw operatorError(op, param, 'expects at least one IP address or CIDR range');
  const set = compileIpSet(entries);
  if ('badEntry' in set) {
    throw operatorError(op, param, `${JSON.stringify(set.badEntry)} is not an IPv4/IPv6 address or CIDR range`);
  }
  return {
    test(value, captures) {
      if (!set.has(value)) return false;
      captureOne(captures, value);
      return true;
    },
  };
}

/** `@ipMatch 10.0.0.0/8,::1`: comma (or blank) separated addresses and CIDR ranges, IPv4 and IPv6. */
export const ipMatchOperator: OperatorFactory = (param) =>
  ipOperator('ipMatch', param, param.split(/[\s,]+/).filter((e) => e !== ''));

/** `@ipMatchFromFile file` (alias `@ipMatchF`): one address or range per line; `#` comments. */
export const ipMatchFromFileOperator: OperatorFactory = (param, ctx) => {
  const entries: string[] = [];
  for (const file of dataFileNames('ipMatchFromFile', param)) {
    for (const line of dataFileLines(readDataFile('ipMatchFromFile', param, file, ctx))) {
      const entry = line.trim();
      if (entry !== '') entries.push(entry);
    }
  }
  return ipOperator('ipMatchFromFile', param, entries);
};
