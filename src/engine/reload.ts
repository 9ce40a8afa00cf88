/**
 * Hot reload: a new ruleset is validated and compiled off the request path (in slices that yield to the event loop),
 * then swapped in with one assignment. Requests already running keep the engine they started with (the middleware
 * and inspect() read it once, at the start); a ruleset that fails to validate or compile is refused with its errors
 * and the running one stays. Reloads are queued: they apply in call order, never two at once.
 */
import type { ReloadEvent } from '../alerts/types.js';
import { bareMessage, PortcullisError } from '../errors.js';
import { resolveOptions, type PortcullisOptions, type ResolvedConfig, type RuleOptions } from '../options.js';
import { DEFAULT_RULES_VERSION } from '../rules/default/index.js';
import { buildEngineAsync, type Engine } from './engine.js';

/** What `waf.reload()` resolves to: the same object the `reload` event carries. */
export type ReloadResult = ReloadEvent;

export interface ReloadHost {
  /** The options the running engine was built from. */
  options(): PortcullisOptions;
  engine(): Engine;
  /** Makes `engine` (built from `config`, i.e. `options`) the one new requests use. */
  swap(engine: Engine, config: ResolvedConfig, options: PortcullisOptions): void;
  isClosed(): boolean;
  /** Emits the `reload` event (only called when someone listens). */
  report(event: ReloadEvent): void;
  listening(): boolean;
}

export interface ReloadOptions {
  /** Longest stretch of compile work between two yields to the event loop, ms. Default 4. */
  readonly sliceMs?: number;
}

function errorLines(err: unknown): string[] {
  const msg = err instanceof PortcullisError ? `${bareMessage(err)} [${err.code}]` : bareMessage(err);
  return msg.split('\n').filter((l) => l.trim().length > 0);
}

export function createReloader(host: ReloadHost, opts: ReloadOptions = {}): (rules: RuleOptions) => Promise<ReloadResult> {
  let queue: Promise<unknown> = Promise.resolve();
  let reloads = 0;

  const run = async (rules: RuleOptions): Promise<ReloadResult> => {
    if (host.isClosed()) throw new PortcullisError('ERR_PORTCULLIS_CLOSED', 'reload() called after close()');
    const previous = host.engine().ruleset.version;
    const options: PortcullisOptions = { ...host.options(), rules };
    let result: ReloadResult;
    try {
      const config = resolveOptions(options);
      const n = ++reloads;
      // Rulesets with no version of their own get a fresh one from the compiler; the default ruleset's fixed version
      // gets a reload suffix, so the version string changes on every successful reload.
      const own = config.rules.seclang.length === 0 && config.rules.custom.length === 0 ? `${DEFAULT_RULES_VERSION}+reload.${n}` : undefined;
      const engine = await buildEngineAsync(config, [], own, opts.sliceMs);
      if (host.isClosed()) throw new PortcullisError('ERR_PORTCULLIS_CLOSED', 'the instance was closed during reload()');
      host.swap(engine, config, options);
      result = { v: 1, ok: true, rulesVersion: engine.ruleset.version, previousVersion: previous, time: new Date().toISOString() };
    } catch (err) {
      if (err instanceof PortcullisError && err.code === 'ERR_PORTCULLIS_CLOSED') throw err;
      result = { v: 1, ok: false, errors: errorLines(err), rulesVersion: previous, time: new Date().toISOString() };
    }
    if (host.listening()) host.report(result);
    return result;
  };

  return (rules: RuleOptions): Promise<ReloadResult> => {
    const next = queue.then(() => run(rules));
    queue = next.catch(() => undefined);
    return next;
  };
}
