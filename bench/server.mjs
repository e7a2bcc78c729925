// Benchmark server process: a local upstream and the runtime serving capability.yaml against it.
// Prints one JSON line with the URLs, then serves until killed. Started by run.mjs.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { prepareCapabilities } from '../dist/prepare.js';
import { startRuntime } from '../dist/runtime.js';

const upstream = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ data: { id: req.url.split('/')[2].split('?')[0], name: 'Widget', price: 12.5, tags: ['a', 'b'] } }));
});
await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
const upstreamUrl = `http://127.0.0.1:${upstream.address().port}`;

const prepared = await prepareCapabilities([fileURLToPath(new URL('./capability.yaml', import.meta.url))], {
  env: { BENCH_TOKEN: 'bench-token' },
  upstreams: new Map([['bench', upstreamUrl]]),
});
if (!prepared.ok) throw new Error(prepared.diagnostics.map((d) => d.message).join('\n'));
const runtime = await startRuntime(prepared.capabilities, { ports: new Map([['bench-rest', 0], ['bench-mcp', 0]]) });
const url = (type) => runtime.adapters.find((a) => a.type === type).url;
console.log(JSON.stringify({ upstream: upstreamUrl, rest: url('rest'), mcp: url('mcp') }));
process.on('SIGTERM', () => runtime.close().then(() => process.exit(0)));
