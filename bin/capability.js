#!/usr/bin/env node
// The `capability` command: runs the compiled CLI (built by `npm install` through the prepare script): the bundle in
// dist/bundle/ (a few CommonJS files with V8 code caches, run by dist/bundle-loader.js: scripts/bundle.mjs) when it
// is at least as new as dist/, else dist/ itself (e.g. after a bare `tsc`).
// Signal handling is installed before the CLI loads, so SIGINT/SIGTERM during start-up stop it cleanly.
// The heap limits go first too, before start-up work grows V8's young generation (src/memory/heap-limits.ts: one
// small module with no dependencies, loaded from dist/ either way).
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { keepHeapSmall } from '../dist/memory/heap-limits.js';

const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = mtime('../dist/bundle/cli.js') >= mtime('../dist/cli.js');
keepHeapSmall();
const loadChunk = bundled ? (await import('../dist/bundle-loader.js')).loadChunk : undefined;
const load = (name) => (loadChunk ? loadChunk(fileURLToPath(new URL(`../dist/bundle/${name}`, import.meta.url))) : import(`../dist/${name}`));
const { installShutdownSignals } = await load('shutdown-signals.js');

installShutdownSignals();
const { main } = await load('cli.js');

main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
