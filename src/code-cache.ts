// A CommonJS file run with a V8 code cache made by the build (scripts/generate-validators.mjs), so a process
// deserializes ready bytecode, inner functions included, instead of parsing and compiling the file and then each
// function on its first call (issue 9: the generated schema validators are about 400 KB of code each).
// V8 accepts a cache only while its version and flags are those the cache was made with. The CLI changes one flag as
// it runs (`--semi-space-growth-factor`, src/memory/heap-limits.ts: 2 until the young generation reaches its cap,
// then 1), so the build makes one cache per value and the loader picks the one matching the flag now. A cache V8
// rejects (another Node, operator flags, library use without the heap limits) only costs the compile it would have
// cost anyway. V8 checks a cache against the source's length only: each cache starts with the digest of its source.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { YOUNG_SEMI_SPACE_MB, youngGenerationBytes } from './memory/heap-limits.js';

const MB = 1024 * 1024;
const DIGEST_BYTES = 32;

/** The semi-space growth factor the heap limits have set now (1 once the young generation reached its cap). */
export const growthFactorNow = (): 1 | 2 => (youngGenerationBytes() >= 2 * YOUNG_SEMI_SPACE_MB * MB ? 1 : 2);

export const codeCachePath = (path: string, factor: 1 | 2): string => `${path}.growth-${factor}.v8cache`;

/** Node's CommonJS wrapper, on a line of its own (lineOffset -1 keeps the file's line numbers in stack traces). */
const wrap = (source: string): string => `(function (exports, require, module, __filename, __dirname) {\n${source}\n})`;

/** The key a cache starts with: its source's digest, and the file's path when the cache is only valid there. */
const digestOf = (source: string, path?: string): Buffer => createHash('sha256').update(path === undefined ? source : `${path}\0${source}`).digest();

export type CacheUse = 'accepted' | 'rejected' | 'none';

function compile(path: string, source: string, cachedData?: Buffer): Script {
  return new Script(wrap(source), { filename: path, lineOffset: -1, cachedData });
}

function run(script: Script, path: string): unknown {
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(path), module, path, dirname(path));
  return module.exports;
}

/** The cache made for this source and the flags now, if there is one. */
function cacheFor(path: string, source: string, keyedByPath = false): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(codeCachePath(path, growthFactorNow()));
  } catch {
    return undefined;
  }
  return bytes.length > DIGEST_BYTES && bytes.subarray(0, DIGEST_BYTES).equals(digestOf(source, keyedByPath ? path : undefined)) ? bytes.subarray(DIGEST_BYTES) : undefined;
}

/**
 * Compiles a CommonJS file's source with its code cache, when there is one for this source and the flags now.
 * `keyedByPath`: the cache serves only at the path it was made at (a deserialized script keeps the file name it was
 * cached under, so elsewhere its stack traces would name the build's folder).
 */
export function compileWithCodeCache(path: string, source: string, keyedByPath = false): { script: Script; cache: CacheUse } {
  const cachedData = cacheFor(path, source, keyedByPath);
  const script = compile(path, source, cachedData);
  return { script, cache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted' };
}

/** Build step: writes the code cache of a script already run (and exercised) for growth factor `factor`. */
export function writeScriptCodeCache(path: string, source: string, script: Script, factor: 1 | 2, setFlags: (flags: string) => void, keyedByPath = false): void {
  setFlags(`--semi-space-growth-factor=${factor}`);
  const target = codeCachePath(path, factor);
  writeFileSync(`${target}.${process.pid}.tmp`, Buffer.concat([digestOf(source, keyedByPath ? path : undefined), script.createCachedData()]));
  renameSync(`${target}.${process.pid}.tmp`, target);
}

/** Runs a CommonJS file (like require, without Node's module cache) and says whether its code cache served. */
export function requireWithCodeCache(path: string): { exports: unknown; cache: CacheUse } {
  const { script, cache } = compileWithCodeCache(path, readFileSync(path, 'utf8'));
  return { exports: run(script, path), cache };
}

/**
 * Build step: runs the file, lets `exercise` call into what it exported (so the functions a typical run needs are
 * compiled and cached too), and writes the cache for the flags of this process with growth factor `factor`
 * (the caller sets the other flags as the CLI has them). Written beside, then renamed.
 */
export function writeCodeCache(path: string, factor: 1 | 2, setFlags: (flags: string) => void, exercise: (exports: unknown) => void): void {
  const source = readFileSync(path, 'utf8');
  const script = compile(path, source);
  exercise(run(script, path));
  writeScriptCodeCache(path, source, script, factor, setFlags);
}
