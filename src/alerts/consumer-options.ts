/**
 * Option checks for the optional consumers (alertStream, auditLog, prometheusMetrics, dashboard): the same
 * errors and messages portcullis() gives for its own options.
 */
import { PortcullisError } from '../errors.js';

/** Rejects unknown option names (typos) with ERR_PORTCULLIS_OPTION_UNKNOWN. */
export function checkOptionKeys(o: object, known: ReadonlySet<string>, fn: string): void {
  for (const k of Object.keys(o)) {
    if (!known.has(k)) throw new PortcullisError('ERR_PORTCULLIS_OPTION_UNKNOWN', `unknown option "${k}" for ${fn}(); known: ${[...known].join(', ')}`);
  }
}

/** The options object itself, or a coded error naming the call. */
export function optionsObject(options: unknown, fn: string, known: ReadonlySet<string>): Record<string, unknown> {
  if (!options || typeof options !== 'object' || Array.isArray(options)) {
    throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', `${fn}(waf, options) needs an options object`);
  }
  checkOptionKeys(options, known, fn);
  return options as Record<string, unknown>;
}

export function intOption(o: Record<string, unknown>, key: string, min: number, max: number, dflt: number): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', `option "${key}" must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function regexOption(o: Record<string, unknown>, key: string, dflt: RegExp): RegExp {
  const v = o[key];
  if (v === undefined) return dflt;
  if (!(v instanceof RegExp)) throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', `option "${key}" must be a RegExp`);
  return v;
}

/** A URL path option: starts with "/", no query or fragment. */
export function pathOption(o: Record<string, unknown>, key: string, dflt: string): string {
  const v = o[key] ?? dflt;
  if (typeof v !== 'string' || !v.startsWith('/') || /[?#\s]/.test(v)) {
    throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', `option "${key}" must be a URL path starting with "/"`);
  }
  return v;
}
