// Benchmark: requests/s and latency, in one run on loopback, for (a) the upstream directly (the baseline),
// (b) a REST call through the runtime and (c) an MCP tools/call through the runtime; prints ratios to (a).
// Bounded: each target runs for DURATION_MS with CONNECTIONS concurrent requests. Needs `npm run build`.
// The MCP call uses the 2025-06-18 stateless path (one JSON-RPC POST, answered as SSE).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

// The servers run in their own process so that the load generator does not share their event loop.
const server = spawn(process.execPath, [new URL('./server.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = await once(createInterface({ input: server.stdout }), 'line');
const { upstream: upstreamUrl, rest: restUrl, mcp: mcpUrl } = JSON.parse(line);

const mcpBody = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get-item', arguments: { id: 'w-1' } } });
const targets = [
  { name: 'upstream direct (baseline)', url: upstreamUrl, path: '/items/w-1', method: 'GET', headers: { authorization: 'Bearer bench-token' } },
  { name: 'REST through runtime', url: restUrl, path: '/v1/items/w-1', method: 'GET', headers: {} },
  {
    name: 'MCP tools/call through runtime',
    url: mcpUrl.replace(/\/mcp$/, ''),
    path: '/mcp',
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
    body: mcpBody,
  },
];

async function measure(target) {
  const pool = new Pool(target.url, { connections: CONNECTIONS, pipelining: 1 });
  const latencies = [];
  let errors = 0;
  const deadline = performance.now() + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const start = performance.now();
        const res = await pool.request({ path: target.path, method: target.method, headers: target.headers, body: target.body });
        await res.body.text();
        if (res.statusCode !== 200) errors += 1;
        latencies.push(performance.now() - start);
      }
    }),
  );
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2);
  return { name: target.name, rps: Math.round(latencies.length / (DURATION_MS / 1000)), p50: pct(50), p99: pct(99), errors };
}

const results = [];
for (const target of targets) results.push(await measure(target));
server.kill('SIGTERM');

const base = results[0].rps;
console.log(`${CONNECTIONS} connections, ${DURATION_MS} ms per target, Node ${process.version}`);
for (const r of results) {
  console.log(`${r.name.padEnd(32)} ${String(r.rps).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${(r.rps / base).toFixed(2)}x baseline${r.errors ? `  (${r.errors} non-200)` : ''}`);
}
