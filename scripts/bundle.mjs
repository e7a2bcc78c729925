// The CLI as a few ES module files (dist/bundle/), built from the compiled dist/ by esbuild after `tsc`: Node then
// reads and links a handful of files instead of about 900 modules, which was most of `capability serve`'s start-up
// (issue 9). Every lazy `import()` stays a boundary (a chunk of its own), so `validate` still loads no server code.
// bin/capability.js runs the bundle when it is at least as new as dist/cli.js, else dist/ as before.
// dist/bundle/meta.json says which modules each chunk holds (test/integration/startup.test.ts reads it).
import { build } from 'esbuild';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = `${ROOT}dist/`;
const OUT = `${DIST}bundle/`;
// Built beside, then swapped in: a CLI started meanwhile never sees a half-written folder.
const NEXT = `${DIST}bundle.next-${process.pid}/`;

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

await rm(NEXT, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { cli: `${DIST}cli.js`, 'shutdown-signals': `${DIST}shutdown-signals.js` },
  outdir: NEXT,
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
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: { js: "import { createRequire as __capabilityRequire } from 'node:module'; const require = __capabilityRequire(import.meta.url);" },
  plugins: [keepModuleUrls, undiciCore],
});
// Which modules each chunk holds, paths relative to the repository (for the start-up test's module guard).
const chunks = Object.fromEntries(
  Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => [relative(NEXT, `${ROOT}${file}`), Object.keys(output.inputs)]),
);
await writeFile(`${NEXT}meta.json`, `${JSON.stringify({ chunks }, null, 1)}\n`);
const old = `${DIST}bundle.old-${process.pid}/`;
await rename(OUT, old).catch(() => undefined);
await rename(NEXT, OUT);
await rm(old, { recursive: true, force: true });
