import { PortcullisError } from '../errors.js';
import { unconditionalMatchOperator, noMatchOperator } from './constant.js';
import { containsWordOperator } from './contains-word.js';
import { detectSqliOperator } from './detect-sqli.js';
import { detectXssOperator } from './detect-xss.js';
import { ipMatchFromFileOperator, ipMatchOperator } from './ip-match.js';
import { eqOperator, geOperator, gtOperator, leOperator, ltOperator, neOperator } from './numeric.js';
import { operatorError } from './operator-error.js';
import { pmFromFileOperator } from './pm-from-file.js';
import { pmOperator } from './pm.js';
import { createRx, DEFAULT_RX_FLAGS, rxOperator } from './rx.js';
import {
  beginsWithOperator,
  containsOperator,
  endsWithOperator,
  streqOperator,
  strmatchOperator,
  withinOperator,
} from './string-compare.js';
import { validateByteRangeOperator } from './validate-byte-range.js';
import { validateUrlEncodingOperator } from './validate-url-encoding.js';
import { validateUtf8EncodingOperator } from './validate-utf8-encoding.js';
import type { CompiledOperator, OperatorCompileContext, OperatorFactory } from './types.js';

/** Every operator by its SecLang name (without `@`). Aliases: `pmf` = pmFromFile, `ipMatchF` = ipMatchFromFile. */
export const OPERATORS: Readonly<Record<string, OperatorFactory>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, OperatorFactory>, {
    rx: rxOperator,
    pm: pmOperator,
    pmf: pmFromFileOperator,
    pmFromFile: pmFromFileOperator,
    contains: containsOperator,
    containsWord: containsWordOperator,
    beginsWith: beginsWithOperator,
    endsWith: endsWithOperator,
    streq: streqOperator,
    strmatch: strmatchOperator,
    within: withinOperator,
    eq: eqOperator,
    ne: neOperator,
    gt: gtOperator,
    ge: geOperator,
    lt: ltOperator,
    le: leOperator,
    ipMatch: ipMatchOperator,
    ipMatchFromFile: ipMatchFromFileOperator,
    ipMatchF: ipMatchFromFileOperator,
    detectSQLi: detectSqliOperator,
    detectXSS: detectXssOperator,
    validateUrlEncoding: validateUrlEncodingOperator,
    validateUtf8Encoding: validateUtf8EncodingOperator,
    validateByteRange: validateByteRangeOperator,
    unconditionalMatch: unconditionalMatchOperator,
    noMatch: noMatchOperator,
  }),
);

const BY_LOWER_NAME: ReadonlyMap<string, OperatorFactory> = new Map(
  Object.keys(OPERATORS).map((name) => [name.toLowerCase(), OPERATORS[name]!]),
);

/**
 * Operators whose result depends on the tested value alone (no clock, no network, no transaction state), by lower-case
 * name: the engine may remember that one did not match a value (engine/transaction.ts). An operator added to
 * OPERATORS stays out of this set until it is known to be pure.
 */
const PURE: ReadonlySet<string> = new Set([
  'rx', 'pm', 'pmf', 'pmfromfile', 'contains', 'containsword', 'beginswith', 'endswith', 'streq', 'strmatch', 'within',
  'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'ipmatch', 'ipmatchfromfile', 'ipmatchf', 'detectsqli', 'detectxss',
  'validateurlencoding', 'validateutf8encoding', 'validatebyterange',
]);

/** True when the operator `name` (any case, `@` allowed) is pure (see PURE). */
export function isPureOperator(name: string): boolean {
  return PURE.has((name.startsWith('@') ? name.slice(1) : name).toLowerCase());
}

/** Looks an operator up by name, case-insensitively (`@RX`, `@pmfromfile`). A leading `@` is allowed. */
export function getOperator(name: string): OperatorFactory | undefined {
  const key = name.startsWith('@') ? name.slice(1) : name;
  return BY_LOWER_NAME.get(key.toLowerCase());
}

/**
 * Compiles one operator for one rule. `flags` applies to `rx` only (JS RegExp flags; default `s`).
 * Throws PortcullisError ERR_PORTCULLIS_RULE_OPERATOR for an unknown name or a bad parameter.
 */
export function compileOperator(
  name: string,
  param: string,
  ctx: OperatorCompileContext = {},
  flags?: string,
): CompiledOperator {
  const factory = getOperator(name);
  if (factory === undefined) {
    throw new PortcullisError('ERR_PORTCULLIS_RULE_OPERATOR', `Unknown operator @${name} (parameter ${JSON.stringify(param.slice(0, 120))})`);
  }
  try {
    return factory === rxOperator ? createRx(param, flags ?? DEFAULT_RX_FLAGS) : factory(param, ctx);
  } catch (err) {
    if (err instanceof PortcullisError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw operatorError(name, param, reason, err);
  }
}
