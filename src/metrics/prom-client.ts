/**
 * Loading prom-client, an optional peer dependency, only when prometheusMetrics() is called: the main entry
 * never imports it, so `import { portcullis } from 'portcullis'` works without it installed.
 *
 * It is loaded synchronously (so prometheusMetrics() can register its metrics and report a name collision
 * before it returns) with a CommonJS `require` made for this module's own location, in both builds: prom-client
 * resolves from where Portcullis is installed, i.e. the copy the application installed next to it. An
 * application with several copies can pass its own module as the `client` option.
 */
import { createRequire } from 'node:module';
import { PortcullisError } from '../errors.js';

/** The part of prom-client used here (its own types, for checking; never in the public declarations). */
export type PromClient = Pick<typeof import('prom-client'), 'Counter' | 'Gauge' | 'Histogram'>;

let cached: PromClient | undefined;

/**
 * A `require` resolving from this module. `__filename` exists in the CommonJS build; the ESM build (and the
 * TypeScript source) has `import.meta.url`. Never the bare `require` identifier: bundlers replace it in ESM
 * output with a stub that throws.
 */
function localRequire(): NodeJS.Require {
  return createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
}

export function loadPromClient(): PromClient {
  if (cached) return cached;
  try {
    cached = localRequire()('prom-client') as PromClient;
    return cached;
  } catch (err) {
    throw new PortcullisError('ERR_PORTCULLIS_METRICS_PROM_CLIENT', `prometheusMetrics() needs prom-client, an optional peer dependency: install it next to portcullis (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, { cause: err });
  }
}

/** Checks a module passed as the `client` option. */
export function asPromClient(v: unknown): PromClient {
  const m = v as Partial<PromClient> | null;
  if (!m || typeof m.Counter !== 'function' || typeof m.Gauge !== 'function' || typeof m.Histogram !== 'function') {
    throw new PortcullisError('ERR_PORTCULLIS_METRICS_PROM_CLIENT', 'option "client" must be the prom-client module (with Counter, Gauge and Histogram)');
  }
  return m as PromClient;
}
