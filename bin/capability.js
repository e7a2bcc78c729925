#!/usr/bin/env node
// The `capability` command: runs the compiled CLI (built by `npm install` through the prepare script).
// Signal handling is installed before the CLI loads, so SIGINT/SIGTERM during start-up stop it cleanly.
import { installShutdownSignals } from '../dist/shutdown-signals.js';

installShutdownSignals();
const { main } = await import('../dist/cli.js');

main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
