// Module hooks for register.mjs: append the URL of each module loaded through the ES module loader.
import { appendFileSync } from 'node:fs';

let log;

export function initialize(data) {
  log = data.log;
}

export async function load(url, context, next) {
  appendFileSync(log, url + '\n');
  return next(url, context);
}
