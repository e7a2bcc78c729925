// Loads the modules `serve` is about to need while the start-up worker checks the files (./prepare-in-worker.ts):
// the same `import()`s the runtime makes later (src/runtime.ts, src/cli.ts), which then find them loaded. An adapter
// type's module loads only when a file declares that type, so a REST-only `serve` still loads no MCP code. Failures
// are left to the real import, which reports them as before.
import { readFile } from 'node:fs/promises';
import { expandPaths } from '../load/load.js';

const COMMON = [
  () => import('../observe/log.js'),
  () => import('../invoke/upstream.js'),
  () => import('../observe/metrics.js'),
  () => import('../observe/observer.js'),
  () => import('../observe/start-tracing.js'),
];

const BY_TYPE: Record<string, () => Promise<unknown>> = {
  rest: () => import('../exposes/rest/routes.js'),
  mcp: () => import('../exposes/mcp/server.js'),
  skill: () => import('../exposes/skill/server.js'),
  control: () => import('../exposes/control/server.js'),
};

const quietly = (load: () => Promise<unknown>): Promise<void> => load().then(
  () => undefined,
  () => undefined,
);

/** Starts loading; resolves when everything asked for has loaded (or failed). */
export async function preloadServeModules(paths: readonly string[]): Promise<void> {
  const types = await adapterTypesNamed(paths);
  await Promise.all([...types.map((t) => BY_TYPE[t]!), ...COMMON].map(quietly));
}

/**
 * The adapter types the files seem to declare (`type: rest` and the like on a line of their own): read from the text,
 * without parsing, so it is known at once. Only a hint: a type missed loads later, when its adapter starts.
 */
async function adapterTypesNamed(paths: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  try {
    for (const file of (await expandPaths(paths)).files) {
      for (const m of (await readFile(file, 'utf8')).matchAll(/^[ \t-]*type:[ \t]*["']?(rest|mcp|skill|control)["']?[ \t]*(?:#.*)?$/gm)) found.add(m[1]!);
    }
  } catch {
    // the worker reports unreadable files
  }
  return [...found];
}
