#!/usr/bin/env node
import { runCli } from "./run.js";

// The operator CLI over the REST API: `npx signal-gateway <command>` (dist/cli/main.js) or
// `npm run cli -- <command>` (from source). The environment is read here and passed down.
runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`signal-gateway: ${String((err as Error)?.stack ?? err)}\n`);
    process.exitCode = 1;
  },
);
