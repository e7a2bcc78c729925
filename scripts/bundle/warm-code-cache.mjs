// Build step (last of scripts/bundle.mjs): makes the V8 code caches of the bundle's chunks (src/bundle-loader.ts).
// Runs as the CLI does (bin/capability.js: the same heap-limit flags first), loads the chunks from the folder given,
// runs `validate` and then `serve` of the shipped capabilities (ports chosen by the system, bound values dummies) so
// the functions a start runs are compiled too, stops it as SIGTERM would, and writes one cache per chunk it loaded
// and per value of the flag the CLI changes while it runs (src/code-cache.ts). Without capabilities/, validate only.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { load as loadYaml } from 'js-yaml';
import { keepHeapSmall } from '../../dist/memory/heap-limits.js';
import { loadChunk, recordChunks } from '../../dist/bundle-loader.js';
import { writeScriptCodeCache } from '../../dist/code-cache.js';

const dir = resolve(process.argv[2]) + '/';
const CAPABILITIES = 'capabilities/';
const limits = keepHeapSmall();
const chunks = recordChunks();
const { installShutdownSignals } = loadChunk(`${dir}shutdown-signals.js`);
const signals = installShutdownSignals();
const { main } = loadChunk(`${dir}cli.js`);

const sink = (onWrite = () => undefined) => new Writable({ write: (_chunk, _encoding, done) => (onWrite(), done()) });
const files = existsSync(CAPABILITIES) ? readdirSync(CAPABILITIES).filter((f) => f.endsWith('.yaml')) : [];
if (files.length > 0) {
  await main(['validate', CAPABILITIES], sink(), sink());
  // Dummy values for every bound variable, and every adapter on a free port.
  for (const file of files) {
    const doc = loadYaml(readFileSync(`${CAPABILITIES}${file}`, 'utf8'));
    for (const bind of doc?.binds ?? []) for (const variable of Object.values(bind?.keys ?? {})) process.env[String(variable)] ??= 'warm-up';
  }
  const out = [];
  await main(['list', CAPABILITIES, '--json'], new Writable({ write: (chunk, _encoding, done) => (out.push(chunk), done()) }), sink());
  const ports = JSON.parse(Buffer.concat(out).toString()).flatMap((adapter) => ['--port', `${adapter.namespace}=0`]);
  let stopping = false;
  // serve prints its adapter lines once all listen: then stop it as a SIGTERM would.
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setImmediate(() => process.kill(process.pid, 'SIGTERM'));
  };
  const code = await main(['serve', CAPABILITIES, '--host', '127.0.0.1', ...ports], sink(stop), sink());
  if (code !== 0) throw new Error(`warm-up serve exited with ${code}`);
} else {
  await main(['validate', ...process.argv.slice(3)], sink(), sink());
}
signals.release();
limits.stop();
for (const { path, source, script } of chunks) for (const factor of [1, 2]) writeScriptCodeCache(path, source, script, factor, setFlagsFromString, true);
process.exit(0);
