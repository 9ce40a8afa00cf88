export { createRequestVariables } from './request-variables.js';
export type { BodyProcessorName, ParseLimits, RequestSnapshot, RequestVariables, VarEntry } from './types.js';
