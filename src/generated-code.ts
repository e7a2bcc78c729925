// Validation code that `npm run build` generates ahead of time (scripts/generate-validators.mjs), so a process loads
// a ready ajv validator instead of compiling a large JSON Schema at every start. Each generated module carries a
// digest of what it was generated from; a caller uses it only while the digest still matches, and otherwise compiles
// the schema itself (same verdicts, just slower).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Where the build writes generated code: the same folder whether this module runs from src/ or from dist/. */
export const GENERATED_DIR = fileURLToPath(new URL('../dist/validate/generated/', import.meta.url));

export const generatedPath = (name: string): string => `${GENERATED_DIR}${name}.cjs`;

/** The generated module `name` (a validation function), or undefined when it is missing or its digest differs. */
export function loadGenerated<T extends (data: unknown) => boolean>(name: string, digest: string): T | undefined {
  const path = generatedPath(name);
  if (!existsSync(path)) return undefined;
  const generated = require(path) as T & { digest?: string };
  return generated.digest === digest ? generated : undefined;
}

/**
 * Drops the generated modules loaded so far from the module cache, and the links Node keeps to them (the requiring
 * module's children, the parent of what they required first), so that their code can be collected; a later
 * loadGenerated reads them again.
 */
export function releaseGenerated(): void {
  const released = new Set<NodeJS.Module>();
  for (const [path, module] of Object.entries(require.cache)) {
    if (!path.startsWith(GENERATED_DIR) || !module) continue;
    delete require.cache[path];
    released.add(module);
    const siblings = module.parent?.children;
    if (siblings?.includes(module)) siblings.splice(siblings.indexOf(module), 1);
  }
  for (const module of Object.values(require.cache)) if (module?.parent && released.has(module.parent)) module.parent = undefined;
}
