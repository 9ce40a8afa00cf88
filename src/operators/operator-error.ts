import { PortcullisError } from '../errors.js';

const MAX_SHOWN = 120;

/** Renders an operator parameter for an error message: quoted, escaped, truncated. */
export function showParam(param: string): string {
  const cut = param.length > MAX_SHOWN ? `${param.slice(0, MAX_SHOWN)}...` : param;
  return JSON.stringify(cut);
}

/** The one error every factory throws: names the operator, the parameter and the reason. */
export function operatorError(op: string, param: string, reason: string, cause?: unknown): PortcullisError {
  const message = `@${op} ${showParam(param)}: ${reason}`;
  return cause === undefined
    ? new PortcullisError('ERR_PORTCULLIS_RULE_OPERATOR', message)
    : new PortcullisError('ERR_PORTCULLIS_RULE_OPERATOR', message, { cause });
}
