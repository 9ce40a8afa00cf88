import type { TransformFn } from './types.js';

/** `t:removeNulls`: delete every 0x00 byte. */
export const removeNulls: TransformFn = (input) => (input.indexOf('\0') < 0 ? input : input.replaceAll('\0', ''));

/** `t:replaceNulls`: replace every 0x00 byte by a space. */
export const replaceNulls: TransformFn = (input) => (input.indexOf('\0') < 0 ? input : input.replaceAll('\0', ' '));
