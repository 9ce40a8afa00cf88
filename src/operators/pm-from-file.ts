import { dataFileLines, dataFileNames, readDataFile } from './data-file.js';
import { phraseMatcher } from './pm.js';
import type { OperatorCompileContext, OperatorFactory } from './types.js';

function loadPhrases(op: string, param: string, ctx: OperatorCompileContext): string[] {
  const phrases: string[] = [];
  for (const file of dataFileNames(op, param)) {
    for (const line of dataFileLines(readDataFile(op, param, file, ctx))) phrases.push(line);
  }
  return phrases;
}

/**
 * `@pmFromFile file [file...]` (alias `@pmf`): like @pm, with one phrase per line of each data file
 * (`#` comment lines and blank lines ignored, path relative to `ctx.baseDir`).
 */
export const pmFromFileOperator: OperatorFactory = (param, ctx) =>
  phraseMatcher('pmFromFile', param, loadPhrases('pmFromFile', param, ctx));
