import type { TransformFn } from './types.js';

/** `t:length`: the length of the value in bytes, as decimal text. */
export const length: TransformFn = (input) => String(input.length);
