#!/usr/bin/env node
/** The `portcullis` executable (package.json "bin"). In the repository: `npx tsx src/cli/main.ts <command>`. */
import { runCli } from './run.js';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() })
  .then((code) => { process.exitCode = code; }, (err: unknown) => {
    process.stderr.write(`portcullis: ${String(err)}\n`);
    process.exitCode = 70;
  });
