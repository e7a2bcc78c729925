// The start-up worker's code (a worker thread, started by ./prepare-in-worker.ts): loads and validates the files
// while the main thread loads the server modules (issue 9, docs/performance.md "Fourth pass: the pipeline").
// It posts the checked files as plain data (binds resolved: their findings need the positions parsed here), and ends.
import { parentPort, workerData } from 'node:worker_threads';
import { checkFiles } from '../prepare.js';
import { toPlain } from './checked-transfer.js';

const { paths, strict, env } = workerData as { paths: string[]; strict?: boolean; env: Record<string, string | undefined> };
try {
  const checked = await checkFiles(paths, strict, env);
  parentPort!.postMessage({ checked: toPlain(checked) });
} catch (err) {
  // The main thread then does the work itself, and reports what throws there as it always did.
  parentPort!.postMessage({ failed: err instanceof Error ? err.message : String(err) });
}
