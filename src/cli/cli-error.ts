/**
 * Exit codes of the `portcullis` command (documented in the README):
 * 0 done, nothing to fail on; 1 findings the user asked to fail on (lint errors, `--fail-on-block` with a would-block
 * request); 2 usage or input error (bad arguments, unreadable or unrecognised file, invalid config or rules);
 * 3 replay finished but some lines could not be read as requests (they are counted in the report).
 */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, BROKEN_INPUT: 3 } as const;

/** A problem with what the user asked for: printed as one clear message, the process exits with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.USAGE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
