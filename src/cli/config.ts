import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PortcullisError } from '../errors.js';
import { resolveOptions, type PortcullisOptions, type ResolvedConfig } from '../options.js';
import { portcullis, type Portcullis } from '../portcullis.js';
import { CliError } from './cli-error.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads `--config`: a `.json` file holding the options object, or a JavaScript module (`.js`, `.mjs`, `.cjs`) whose
 * `config` export or default export is the options object: the same object the app passes to `portcullis()`.
 */
export async function loadConfigFile(path: string, cwd: string): Promise<PortcullisOptions> {
  const full = resolve(cwd, path);
  const ext = extname(full).toLowerCase();
  let value: unknown;
  if (ext === '.json') {
    let text: string;
    try {
      text = await readFile(full, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read config file ${path}: ${(err as Error).message}`);
    }
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new CliError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
    }
  } else if (ext === '.js' || ext === '.mjs' || ext === '.cjs') {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
    } catch (err) {
      throw new CliError(`cannot load config module ${path}: ${(err as Error).message}`);
    }
    value = mod.config ?? mod.default;
    if (value === undefined) throw new CliError(`config module ${path} has neither a "config" export nor a default export`);
  } else {
    throw new CliError(`config file ${path}: use a .json, .js, .mjs or .cjs file`);
  }
  if (!isObject(value)) throw new CliError(`config file ${path} must hold an options object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  return value as PortcullisOptions;
}

export interface RuleArgs {
  /** SecLang files or directories given on the command line (they replace the configured rules.seclang). */
  readonly files: readonly string[];
  /** `--defaults`: keep the default ruleset next to the files (without it, files alone are loaded). */
  readonly defaults: boolean;
}

/** The options with the command line's rule files in place of the configured rules. */
export function withRuleFiles(options: PortcullisOptions, rules: RuleArgs, cwd: string): PortcullisOptions {
  if (rules.files.length === 0) return options;
  return {
    ...options,
    rules: { ...(options.rules ?? {}), seclang: rules.files.map((f) => resolve(cwd, f)), defaults: rules.defaults },
  };
}

function configError(err: unknown): never {
  if (err instanceof PortcullisError) throw new CliError(`invalid configuration: ${err.message}`);
  throw err;
}

/** Validates options exactly as `portcullis()` does; configuration problems become a CliError (exit 2). */
export function validate(options: PortcullisOptions): ResolvedConfig {
  try {
    return resolveOptions(options);
  } catch (err) {
    return configError(err);
  }
}

/** A WAF built from the options, as the app would build it; configuration problems become a CliError (exit 2). */
export function createWaf(options: PortcullisOptions): Portcullis {
  try {
    return portcullis(options);
  } catch (err) {
    return configError(err);
  }
}
