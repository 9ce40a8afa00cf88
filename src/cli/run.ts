/**
 * The `portcullis` command: argument parsing and dispatch. `runCli(argv, io)` returns the exit code (see EXIT) and
 * never calls process.exit, so tests run it in-process.
 */
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PortcullisError } from '../errors.js';
import type { PortcullisOptions } from '../options.js';
import { CliError, EXIT } from './cli-error.js';
import { createWaf, loadConfigFile, validate, withRuleFiles } from './config.js';
import { lint } from './lint.js';
import { INPUT_FORMATS, type InputFormat } from './log-formats.js';
import { replay } from './replay.js';
import { configRuleSources, indexRules } from './rule-index.js';
import { testRequest } from './test-request.js';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly cwd: string;
}

export const USAGE = `Usage: portcullis <command> [options]

Commands:
  replay <file>             run an access log through the rules and report what would have been blocked
                            (nginx/Apache combined or common log, JSON lines, HAR; .gz ok; "-" reads stdin)
  test [rules...]           run one request through the rules and show every match
  lint [rules...]           check rule files: parse/compile errors, duplicate ids, markers, slow regexes

Rules: SecLang .conf files or directories. Without any, the rules of --config (default: the built-in ruleset).

Common options:
  --config <file>           options file: .json, or .js/.mjs/.cjs exporting "config" or a default
                            (the same object the app passes to portcullis())
  --defaults                with rule files: load the default ruleset too
  --format text|json        output format (default text)
  -h, --help                this help

replay:
  --input-format combined|jsonl|har   (default: guessed from the name and first lines)
  --rules <path>            SecLang file or directory to replay against (repeatable)
  --host <name>             Host header for log lines that do not record one (default localhost)
  --top <n>                 rows in the per-IP tables (default 10)
  --samples <n>             matched requests shown (default 10)
  --progress / --no-progress   progress bar on stderr (default: when stderr is a terminal)
  --fail-on-block           exit 1 when any request would have been blocked
  --ignore-broken           exit 0 even when some lines could not be read

test:
  --request "GET /path?x=1"  the request line (or --request-file raw.http: a raw HTTP request)
  --header "Name: value"    add a header (repeatable)
  --body <text|@file>       request body (form-encoded unless a Content-Type header says otherwise)
  --ip <address>            client address (default 127.0.0.1)
  --fail-on-block           exit 1 when the request would be blocked

lint:
  --redos-timeout <ms>      time budget per regex for the ReDoS check (default 1000)
  --no-redos                skip the ReDoS check
  --strict                  warnings fail too
  --verbose                 also list regexes the ReDoS check could not settle in time

Exit codes: 0 ok; 1 findings (lint errors, --fail-on-block); 2 usage or input error;
            3 replay done but some lines could not be read (counted in the report).
`;

const COMMON = {
  config: { type: 'string' },
  defaults: { type: 'boolean', default: false },
  format: { type: 'string', default: 'text' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const COMMANDS = {
  replay: {
    ...COMMON,
    'input-format': { type: 'string' },
    rules: { type: 'string', multiple: true, default: [] },
    host: { type: 'string', default: 'localhost' },
    top: { type: 'string', default: '10' },
    samples: { type: 'string', default: '10' },
    progress: { type: 'boolean' },
    'no-progress': { type: 'boolean', default: false },
    'fail-on-block': { type: 'boolean', default: false },
    'ignore-broken': { type: 'boolean', default: false },
  },
  test: {
    ...COMMON,
    request: { type: 'string' },
    'request-file': { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true, default: [] },
    body: { type: 'string' },
    ip: { type: 'string', default: '127.0.0.1' },
    'fail-on-block': { type: 'boolean', default: false },
  },
  lint: {
    ...COMMON,
    'redos-timeout': { type: 'string', default: '1000' },
    'no-redos': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
} as const satisfies Record<string, ParseArgsConfig['options']>;

type Command = keyof typeof COMMANDS;

function count(v: string, name: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`--${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

function outputFormat(v: string): boolean {
  if (v !== 'text' && v !== 'json') throw new CliError(`--format must be text or json, got "${v}"`);
  return v === 'json';
}

async function baseOptions(configPath: string | undefined, cwd: string): Promise<PortcullisOptions> {
  return configPath === undefined ? {} : loadConfigFile(configPath, cwd);
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    io.stdout.write(USAGE);
    return cmd === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (!Object.hasOwn(COMMANDS, cmd)) throw new CliError(`unknown command "${cmd}" (replay, test, lint; --help for usage)`);
  const command = cmd as Command;
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options: COMMANDS[command], allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${command}: ${(err as Error).message}`);
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (v.help) { io.stdout.write(USAGE); return EXIT.OK; }
  const json = outputFormat(v.format as string);
  const options = await baseOptions(v.config as string | undefined, io.cwd);

  if (command === 'replay') {
    if (parsed.positionals.length !== 1) throw new CliError('replay takes one log file (or "-" for stdin)');
    const inputFormat = v['input-format'] as string | undefined;
    if (inputFormat !== undefined && !(INPUT_FORMATS as readonly string[]).includes(inputFormat)) {
      throw new CliError(`--input-format must be one of ${INPUT_FORMATS.join(', ')}, got "${inputFormat}"`);
    }
    const file = parsed.positionals[0]!;
    if (file === '-' && inputFormat === undefined) throw new CliError('reading stdin needs --input-format');
    const waf = createWaf(withRuleFiles(options, { files: v.rules as string[], defaults: v.defaults as boolean }, io.cwd));
    try {
      return await replay(waf, {
        file: file === '-' ? file : resolve(io.cwd, file),
        name: file,
        inputFormat: inputFormat as InputFormat | undefined,
        host: v.host as string,
        top: count(v.top as string, 'top', 1, 10_000),
        samples: count(v.samples as string, 'samples', 0, 10_000),
        json,
        failOnBlock: v['fail-on-block'] as boolean,
        ignoreBroken: v['ignore-broken'] as boolean,
        progress: v['no-progress'] ? false : (v.progress as boolean | undefined) ?? io.stderr.isTTY === true,
      }, io);
    } finally {
      await waf.close();
    }
  }

  const withFiles = withRuleFiles(options, { files: parsed.positionals, defaults: v.defaults as boolean }, io.cwd);
  if (command === 'test') {
    const waf = createWaf(withFiles);
    try {
      const specs = indexRules(configRuleSources(waf.config));
      return await testRequest(waf, specs, {
        request: v.request as string | undefined,
        requestFile: v['request-file'] === undefined ? undefined : resolve(io.cwd, v['request-file'] as string),
        headers: v.header as string[],
        body: typeof v.body === 'string' && v.body.startsWith('@') ? `@${resolve(io.cwd, v.body.slice(1))}` : v.body as string | undefined,
        ip: v.ip as string,
        json,
        failOnBlock: v['fail-on-block'] as boolean,
      }, io);
    } finally {
      await waf.close();
    }
  }

  return lint(validate(withFiles), {
    json,
    redos: !(v['no-redos'] as boolean),
    redosTimeoutMs: count(v['redos-timeout'] as string, 'redos-timeout', 10, 600_000),
    strict: v.strict as boolean,
    verbose: v.verbose as boolean,
  }, io);
}

/** Runs the command line; returns the exit code. Errors become one message on stderr. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`portcullis: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof PortcullisError) {
      io.stderr.write(`portcullis: ${err.message}\n`);
      return EXIT.USAGE;
    }
    io.stderr.write(`portcullis: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 70;
  }
}
