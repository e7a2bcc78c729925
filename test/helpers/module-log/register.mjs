// `node --import <this file>`: records every module the process loads into the file named by CAPABILITY_MODULE_LOG,
// one URL or path per line (ES modules and the CLI bundle's chunks as they load, other CommonJS modules at exit), so
// that tests can check what a command pulls in (test/integration/startup.test.ts). Test-only; never imported by the
// runtime. The bundle's chunks are CommonJS run by dist/bundle-loader.js, which names each on a diagnostics channel.
import { appendFileSync } from 'node:fs';
import { subscribe } from 'node:diagnostics_channel';
import { createRequire, register } from 'node:module';

const log = process.env.CAPABILITY_MODULE_LOG;
if (log) {
  register(new URL('./hooks.mjs', import.meta.url), { data: { log } });
  subscribe('capability-runtime:bundle-chunk', (path) => appendFileSync(log, `${path}\n`));
  process.on('exit', () => appendFileSync(log, Object.keys(createRequire(import.meta.url).cache).join('\n') + '\n'));
}
