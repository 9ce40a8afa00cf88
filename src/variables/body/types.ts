import type { VarEntry } from '../types.js';

/** What a body processor that yields arguments returns. Processors never throw. */
export interface ArgsResult {
  /** ARGS_POST entries (key = argument name), in body order. */
  readonly args: VarEntry[];
  /** First parse or limit error (becomes REQBODY_ERROR=1 / REQBODY_ERROR_MSG), or null. */
  readonly error: string | null;
}

/** Message used when a body holds more arguments than `ParseLimits.maxArgs` allows. */
export const TOO_MANY_ARGS = 'too many arguments';
