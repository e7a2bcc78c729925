// Reads a module log written by ./register.mjs: the modules a CLI process loaded so far, with each chunk of the bundle
// (dist/bundle/, scripts/bundle.mjs) standing for the modules built into it (dist/bundle/meta.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../cli.js';

export const MODULE_LOG_HOOK = join(ROOT, 'test', 'helpers', 'module-log', 'register.mjs');

/** ES modules and the bundle's chunks are logged as they load (other CommonJS only at exit): readable while it runs. */
export function loadedModules(log: string): string[] {
  const { chunks } = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle', 'meta.json'), 'utf8')) as { chunks: Record<string, string[]> };
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((m) => {
      const chunk = /\/dist\/bundle\/([^/]+\.js)$/.exec(m)?.[1];
      return [m, ...(chunk ? (chunks[chunk] ?? []).map((input) => join(ROOT, input)) : [])];
    });
}

/** The npm packages among the modules. */
export const packagesOf = (modules: readonly string[]): Set<string> => new Set(modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1] ?? []));
