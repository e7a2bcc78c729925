// The swap behind a reload (src/runtime/reload-adapters.ts), in process over real sockets: a REST request and an MCP
// tool call in flight when the graph is swapped finish on the old graph, requests after the swap use the new one,
// the port stays the same, and a keep-alive connection opened before the swap is served by the new graph.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observe/log.js';
import { prepareCapabilities } from '../../src/prepare.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { connectMcp, resultJson } from '../helpers/mcp-clients.js';
import { itemsConsumes, itemsRestAdapter, itemsTools } from '../helpers/items-capability.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

/** The route and the tool call `/<version>/items` upstream. */
const capability = (version: string) => `naftiko: "1.0.0-alpha3"
info:
  label: "Swap test"
  description: "Two versions of one capability"
capability:
${itemsConsumes(`/${version}/items`)}  exposes:
    - type: mcp
      port: 9000
      namespace: swap-mcp
      tools:
${itemsTools(['list-items'])}${itemsRestAdapter('swap-api', 9001)}`;

let upstream: Upstream;
let dir: string;
let runtime: Runtime | undefined;
beforeAll(async () => {
  // /v1 answers slowly, so a request is still in flight when the graph is swapped.
  upstream = await startUpstream((req) => ({ status: 200, body: { served: req.path }, delayMs: req.path.startsWith('/v1/') ? 1500 : 0 }));
  dir = mkdtempSync(join(tmpdir(), 'cap-swap-'));
});
afterAll(async () => {
  await runtime?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function prepare(version: string) {
  const file = join(dir, 'swap.yaml');
  writeFileSync(file, capability(version));
  const prepared = await prepareCapabilities([file], { env: {}, upstreams: new Map([['api', upstream.url]]) });
  expect(prepared.ok, JSON.stringify(prepared.diagnostics)).toBe(true);
  return prepared.capabilities;
}

describe('swapping a graph', () => {
  it('requests in flight finish on the old graph; new requests (also on an open keep-alive connection) use the new one', async () => {
    const ports = new Map([
      ['swap-mcp', 0],
      ['swap-api', 0],
    ]);
    runtime = await startRuntime(await prepare('v1'), { ports, logger: silentLogger() });
    const rest = runtime.adapters.find((a) => a.type === 'rest')!.url;
    const mcp = runtime.adapters.find((a) => a.type === 'mcp')!.url;
    const client = await connectMcp('2026-07-28', mcp);
    const agent = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
    try {
      // A keep-alive connection is open before the swap.
      const warm = await request(`${rest}/items`, { dispatcher: agent });
      expect(await warm.body.json()).toEqual({ served: '/v1/items' });

      const slowRest = fetch(`${rest}/items`).then(async (r) => ({ status: r.status, body: await r.json() }));
      const slowTool = client.callTool('list-items');
      await waitFor(() => upstream.requests.filter((r) => r.path === '/v1/items').length >= 3);

      const changes = await runtime.reload(await prepare('v2'));
      expect(changes).toMatchObject({ replaced: ['swap-mcp', 'swap-api'], added: [], removed: [], restarted: [], failed: [] });
      // Same ports.
      expect(runtime.adapters.find((a) => a.type === 'rest')!.url).toBe(rest);
      expect(runtime.adapters.find((a) => a.type === 'mcp')!.url).toBe(mcp);

      const after = await request(`${rest}/items`, { dispatcher: agent });
      expect(await after.body.json()).toEqual({ served: '/v2/items' });
      expect(resultJson(await client.callTool('list-items'))).toEqual({ served: '/v2/items' });

      expect(await slowRest).toEqual({ status: 200, body: { served: '/v1/items' } });
      expect(resultJson(await slowTool)).toEqual({ served: '/v1/items' });
    } finally {
      await client.close();
      await agent.close();
    }
  }, 60_000);
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
