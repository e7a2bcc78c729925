// `serve` start-up on two cores: a worker thread loads and validates the capability files (pure work whose result is
// plain data) while the main thread loads the server modules (Fastify, undici, pino...); the main thread then
// resolves and compiles as before (issue 9, docs/performance.md "Fourth pass: the pipeline"). With one core, or when
// the worker's code is not there (tests running the TypeScript source), nothing is started: `prepareCapabilities`
// then loads and validates in-process, as it always did. Findings are the same either way (the same code runs).
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckedFiles } from '../prepare.js';
import { fromPlain, type PlainCheckedFiles } from './checked-transfer.js';


const DIST = new URL('../', import.meta.url); // dist/ (this module's own URL, also in the bundle: scripts/bundle.mjs)
const mtime = (url: URL): number => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;

/** The worker's file: the bundle's entry when the bundle is as new as dist/ (the rule bin/capability.js follows). */
function workerFile(): URL | undefined {
  const bundled = new URL('bundle/prepare-worker.js', DIST);
  if (mtime(bundled) >= mtime(new URL('cli.js', DIST)) && mtime(bundled) > 0) return bundled;
  const plain = new URL('startup/prepare-worker.js', DIST);
  return existsSync(fileURLToPath(plain)) ? plain : undefined;
}

/**
 * Starts the worker; its promise gives the checked files, or undefined when the worker failed (the caller then does
 * the work in-process). Returns undefined when a worker would not pay (one core) or cannot run here.
 */
export function checkInWorker(paths: readonly string[], strict: boolean | undefined, env: Readonly<Record<string, string | undefined>>): Promise<CheckedFiles | undefined> | undefined {
  if (availableParallelism() < 2 || !import.meta.url.endsWith('.js')) return undefined;
  const file = workerFile();
  if (!file) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(file, { workerData: { paths: [...paths], strict, env: { ...env } }, stdout: false, stderr: false });
  } catch {
    return undefined;
  }
  worker.unref(); // never what keeps the process alive
  return new Promise((resolve) => {
    worker.on('message', (message: { checked?: PlainCheckedFiles }) => resolve(message.checked && fromPlain(message.checked)));
    worker.on('error', () => resolve(undefined));
    worker.on('exit', () => resolve(undefined)); // no effect after the result
  });
}
