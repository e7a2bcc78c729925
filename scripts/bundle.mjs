// The CLI as a few files (dist/bundle/), built from the compiled dist/ by esbuild after `tsc`: Node then reads a
// handful of files instead of about 900 modules, which was most of `capability serve`'s start-up (issue 9). Every
// lazy `import()` stays a boundary (a chunk of its own), so `validate` still loads no server code.
// Two steps: esbuild splits the CLI into ES module chunks (it splits ES modules only), then turns each chunk into
// CommonJS (`import()` of a chunk becomes a require in a promise), which src/bundle-loader.ts runs through
// vm.Script with the V8 code caches that scripts/bundle/warm-code-cache.mjs makes last (Node 20 caches no ES module).
// bin/capability.js runs the bundle when it is at least as new as dist/cli.js, else dist/ as before.
// dist/bundle/meta.json says which modules each chunk holds (test/integration/startup.test.ts reads it).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = `${ROOT}dist/`;
const OUT = `${DIST}bundle/`;
// Built beside, then swapped in: a CLI started meanwhile never sees a half-written folder.
const NEXT = `${DIST}bundle.next-${process.pid}/`;
const ESM = `${DIST}bundle.esm-${process.pid}/`;

// Left to Node's resolver: packages that read their own files at run time (swagger-ui's page), and those loaded
// by path through createRequire anyway or only on demand (ioredis, the binary formats). pino is bundled: the runtime
// writes through pino.destination and uses no pino transport (whose worker file pino finds by path).
const EXTERNAL = ['@fastify/swagger-ui', '@fastify/static', 'ioredis', 'protobufjs', 'avsc'];

/** `import.meta.url` in a module of dist/ keeps meaning that module's own URL, so its relative paths still resolve. */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const own = relative(OUT, args.path).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** `undici` imported by dist/ resolves to the part of undici the runtime uses (scripts/bundle/undici-core.mjs). */
const undiciCore = {
  name: 'undici-core',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) => (/[\\/]dist[\\/]/.test(args.importer) ? { path: `${ROOT}scripts/bundle/undici-core.mjs` } : undefined));
  },
};

/**
 * Node's `http2` (about 10 ms of a start, with undici's HTTP/2 client) loads only when used: the runtime serves and
 * calls HTTP/1 only (no Fastify `http2` option, no undici `allowH2`), yet Fastify's server module and undici's client
 * require it at once. Each line is matched exactly: a version that changed it fails the build rather than bundling
 * something else.
 */
const LAZY_HTTP2 = [
  {
    file: /[\\/]fastify[\\/]lib[\\/]server\.js$/,
    line: "const http2 = require('node:http2')",
    lazy: "const http2 = { createServer: (...a) => require('node:http2').createServer(...a), createSecureServer: (...a) => require('node:http2').createSecureServer(...a) }",
  },
  {
    file: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/,
    line: "const connectH2 = require('./client-h2.js')",
    lazy: "const connectH2 = (client, socket) => require('./client-h2.js')(client, socket)",
  },
];
const lazyHttp2 = {
  name: 'lazy-http2',
  setup(b) {
    for (const { file, line, lazy } of LAZY_HTTP2) {
      b.onLoad({ filter: file }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!text.includes(line)) throw new Error(`bundle: ${args.path} no longer has the line \`${line}\``);
        return { contents: text.replace(line, lazy), loader: 'js', resolveDir: dirname(args.path) };
      });
    }
  },
};

await rm(NEXT, { recursive: true, force: true });
await rm(ESM, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: `${DIST}cli.js`, 'shutdown-signals': `${DIST}shutdown-signals.js` },
  outdir: ESM,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  external: EXTERNAL,
  // Chunk names carry a content hash; the folder is replaced whole, so old chunks never linger.
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  // Without comments and indentation (names kept; the source maps lead back): V8 keeps every loaded chunk's text for
  // the life of the process, and one comment character beyond Latin-1 (’, —) makes it store the whole chunk at two
  // bytes per character. The loaded chunks went from 7.7 MB of heap to 4.2 MB (issue 9, docs/performance.md "Memory").
  minifyWhitespace: true,
  sourcesContent: false,
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // Bundled CommonJS packages call require() for Node's built-ins: esbuild's shim finds the CommonJS chunk's require.
  plugins: [keepModuleUrls, undiciCore, lazyHttp2],
});
// Each ES module chunk as CommonJS, same name (the source maps chain through to the TypeScript).
const esmChunks = (await readdir(ESM)).filter((file) => file.endsWith('.js'));
await build({
  absWorkingDir: ROOT,
  entryPoints: esmChunks.map((file) => `${ESM}${file}`),
  outdir: NEXT,
  bundle: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // `import()` of a chunk (or of a package) becomes a require in a promise: it stays lazy, and a vm.Script has no
  // loader for `import()` anyway.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__capabilityUrl' },
  banner: { js: 'var __capabilityUrl=require("node:url").pathToFileURL(__filename).href;var __later=()=>new Promise((resolve)=>setImmediate(resolve));' },
  sourcemap: 'linked',
  minifyWhitespace: true,
  sourcesContent: false,
  legalComments: 'eof',
  logLevel: 'warning',
});
// esbuild makes `import()` of a chunk `Promise.resolve().then(() => __toESM(require(chunk), 1))`. Two changes, each
// to text of the same length, so the source maps hold:
// - `__toESM(…, 1)` is Node's view of a CommonJS file, whose `default` is the whole exports object; a chunk is an ES
//   module, its exports are the namespace: the bare require;
// - the chunk loads after a turn of the event loop (`__later`, in the banner), as an ES module import did: a signal
//   that came while start-up blocked (a bound value read from a FIFO) is handled before the next step, not after.
const IMPORT_CHUNK = /Promise\.resolve\(\)\.then\(\(\)=>__toESM\((require\("\.\/chunk-[A-Z0-9]+\.js"\)),1\)\)/g;
const later = (call) => `__later().then(()=>${' '.repeat(8)}${' '.repeat(7)}(${call})  )`;
for (const file of esmChunks) {
  const text = await readFile(`${NEXT}${file}`, 'utf8');
  const fixed = text.replace(IMPORT_CHUNK, (all, call) => {
    const replaced = later(call);
    if (replaced.length !== all.length) throw new Error(`bundle: ${file}: rewriting ${all} changes its length`);
    return replaced;
  });
  if (fixed !== text) await writeFile(`${NEXT}${file}`, fixed);
}
for (const file of await readdir(ESM)) if (file.endsWith('.LEGAL.txt')) await rename(`${ESM}${file}`, `${NEXT}${file}`);
// Which modules each chunk holds, paths relative to the repository (for the start-up test's module guard).
const chunks = Object.fromEntries(
  Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => [relative(ESM, `${ROOT}${file}`), Object.keys(output.inputs)]),
);
// For Node's own require (src/bundle-loader.ts with source maps on): the chunks are CommonJS in an ES module package.
await writeFile(`${NEXT}package.json`, '{ "type": "commonjs" }\n');
await writeFile(`${NEXT}meta.json`, `${JSON.stringify({ chunks }, null, 1)}\n`);
await rm(ESM, { recursive: true, force: true });
const old = `${DIST}bundle.old-${process.pid}/`;
await rename(OUT, old).catch(() => undefined);
await rename(NEXT, OUT);
await rm(old, { recursive: true, force: true });
// The code caches, made by running the chunks as the CLI would (a process of its own: the V8 flags are the CLI's), in
// their final place: a deserialized script keeps the file name it was cached under (stack traces, profiles).
const warm = spawnSync(process.execPath, [`${ROOT}scripts/bundle/warm-code-cache.mjs`, OUT], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
if (warm.status !== 0) process.stderr.write(`${warm.stderr}\nbundle: no code caches made (the CLI runs without them): warm-up exited with ${warm.status ?? warm.signal}\n`);
