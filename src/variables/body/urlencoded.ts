import { parseUrlEncoded } from '../query.js';
import { TOO_MANY_ARGS, type ArgsResult } from './types.js';

/** URLENCODED body processor: the same flat parser as the query string, over the body bytes. */
export function processUrlEncoded(body: string, maxArgs: number): ArgsResult {
  const { entries, overflow } = parseUrlEncoded(body, maxArgs);
  return { args: entries, error: overflow ? TOO_MANY_ARGS : null };
}
