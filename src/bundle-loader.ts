// Runs the CLI's bundle (dist/bundle/: CommonJS chunks made by scripts/bundle.mjs) with V8 code caches made at build
// time (scripts/bundle/warm-code-cache.mjs), so a start deserializes ready bytecode, the functions a typical
// `validate` or `serve` runs included, instead of parsing and compiling each chunk and then each function on its
// first call (issue 9). Node 20 has no compile cache for ES modules, hence CommonJS through vm.Script.
// Each chunk becomes a Node CommonJS module (in require.cache, like any required file); `./chunk-…` requires between
// chunks come here, everything else goes to Node's require. A missing, stale (other source) or rejected cache (other
// Node, other V8 flags, another folder) only costs the compile it would have cost anyway; nothing is ever written at
// run time. With source maps on (--enable-source-maps), Node's own require runs the chunks (dist/bundle/package.json
// says CommonJS), so stack traces lead back to the TypeScript; no cache then.
import { channel } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import type { Script } from 'node:vm';
import { compileWithCodeCache, type CacheUse } from './code-cache.js';

/** A chunk run in this process: kept only while recording (the build's warm-up), to write its cache afterwards. */
export interface LoadedChunk {
  readonly path: string;
  readonly source: string;
  readonly script: Script;
}

const uses = new Map<string, CacheUse>();
let recording: LoadedChunk[] | undefined;

/** The build's warm-up: keep every chunk's script from now on. */
export function recordChunks(): LoadedChunk[] {
  recording ??= [];
  return recording;
}

/** Whether each chunk loaded so far had its code cache accepted (for tests and diagnosis). */
export const cacheUses = (): ReadonlyMap<string, CacheUse> => uses;

type Wrapper = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

function chunkRequire(dir: string): NodeJS.Require {
  const nodeRequire = createRequire(join(dir, 'cli.js'));
  const require = ((id: string) => (id.startsWith('./') ? loadChunk(join(dir, id)) : nodeRequire(id))) as NodeJS.Require;
  return Object.assign(require, { resolve: nodeRequire.resolve, cache: nodeRequire.cache, extensions: nodeRequire.extensions, main: nodeRequire.main });
}

/** Each chunk's path as it starts running (test/helpers/module-log/ records them: CommonJS has no loader hooks). */
export const CHUNK_CHANNEL = 'capability-runtime:bundle-chunk';
const chunkLoads = channel(CHUNK_CHANNEL);

const requires = new Map<string, NodeJS.Require>();
const moduleCache = createRequire(import.meta.url).cache;

/** Runs one chunk of the bundle (once: later calls return its exports) and returns its exports. */
export function loadChunk(path: string): unknown {
  const cache = moduleCache;
  const known = cache[path];
  if (known) return known.exports;
  if (chunkLoads.hasSubscribers) chunkLoads.publish(path);
  if (process.sourceMapsEnabled) return createRequire(path)(path);
  const source = readFileSync(path, 'utf8');
  const { script, cache: use } = compileWithCodeCache(path, source, true);
  uses.set(path, use);
  recording?.push({ path, source, script });
  const module = new Module(path);
  module.filename = path;
  cache[path] = module;
  const dir = dirname(path);
  let require = requires.get(dir);
  if (!require) requires.set(dir, (require = chunkRequire(dir)));
  try {
    (script.runInThisContext() as Wrapper)(module.exports, require, module, path, dir);
  } catch (err) {
    delete cache[path];
    throw err;
  }
  module.loaded = true;
  return module.exports;
}
