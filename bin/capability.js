#!/usr/bin/env node
// The `capability` command: runs the compiled CLI (built by `npm install` through the prepare script).
// Signal handling is installed before the CLI loads, so SIGINT/SIGTERM during start-up stop it cleanly.
// The heap limits go first too, before start-up work grows V8's young generation (src/memory/heap-limits.ts).
import { keepHeapSmall } from '../dist/memory/heap-limits.js';
import { installShutdownSignals } from '../dist/shutdown-signals.js';

keepHeapSmall();
installShutdownSignals();
const { main } = await import('../dist/cli.js');

main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
