#!/usr/bin/env node
// The `capability` command: runs the compiled CLI (built by `npm install` through the prepare script).
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
