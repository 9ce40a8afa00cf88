import { createHash } from 'node:crypto';
import type { TransformFn } from './types.js';

/** `t:md5`: the raw 16-byte digest of the bytes, as a byte string (follow with hexEncode for hex). */
export const md5: TransformFn = (input) => createHash('md5').update(input, 'latin1').digest().toString('latin1');

/** `t:sha1`: the raw 20-byte digest of the bytes, as a byte string (CRS 901410 uses `t:sha1,t:hexEncode`). */
export const sha1: TransformFn = (input) => createHash('sha1').update(input, 'latin1').digest().toString('latin1');
