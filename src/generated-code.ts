// Validation code that `npm run build` generates ahead of time (scripts/generate-validators.mjs), so a process loads
// a ready ajv validator instead of compiling a large JSON Schema at every start. Each generated module carries a
// digest of what it was generated from; a caller uses it only while the digest still matches, and otherwise compiles
// the schema itself (same verdicts, just slower). Each runs with the V8 code cache the build made for it, when V8
// takes it (src/code-cache.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requireWithCodeCache, type CacheUse } from './code-cache.js';

/** Where the build writes generated code: the same folder whether this module runs from src/ or from dist/. */
export const GENERATED_DIR = fileURLToPath(new URL('../dist/validate/generated/', import.meta.url));

export const generatedPath = (name: string): string => `${GENERATED_DIR}${name}.cjs`;

/** The generated module `name` (a validation function), or undefined when it is missing or its digest differs. */
export function loadGenerated<T extends (data: unknown) => boolean>(name: string, digest: string): T | undefined {
  const path = generatedPath(name);
  if (!existsSync(path)) return undefined;
  const { exports, cache } = requireWithCodeCache(path);
  cacheUses.set(name, cache);
  const generated = exports as T & { digest?: string };
  return generated.digest === digest ? generated : undefined;
}

const cacheUses = new Map<string, CacheUse>();

/** Whether the code cache served each generated module loaded so far (test/integration/code-cache.test.ts checks it). */
export function generatedCacheUses(): ReadonlyMap<string, CacheUse> {
  return cacheUses;
}
