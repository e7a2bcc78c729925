// An MCP adapter loads the MCP SDK (and zod) only when a request needs it (issue 9: memory and start-up): `serve`
// answers tools/list and tools/call as the official clients of both generations send them, and their whole sessions
// (handshake included), without loading either; the first requests that need the SDK (here an `initialize` naming an
// older revision) load it, concurrent ones all get their answer, and from then on the official clients still work
// end to end. Checked on the real CLI with the module-recording hook.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureRequest } from '../../bench/lib/capture.mjs';
import type { CompiledMcpAdapter } from '../../src/compile/compile.js';
import { createMcpServer } from '../../src/exposes/mcp/server.js';
import { createUpstreamClient, type UpstreamClient } from '../../src/invoke/upstream.js';
import { silentLogger } from '../../src/observe/log.js';
import { prepareCapabilities } from '../../src/prepare.js';
import { ensureFreshBuild, killRunningChildren, startServe, type ServeProcess } from '../helpers/cli.js';
import { CLIENT_GENERATIONS, connectMcp, resultJson } from '../helpers/mcp-clients.js';
import { loadedModules, MODULE_LOG_HOOK, packagesOf } from '../helpers/module-log/read.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const TOKEN = 'lazy-sdk-token-3e1d';
const fixture = fileURLToPath(new URL('../conformance/mcp/mcp-fast-path-capability.yaml', import.meta.url));
const SDK_PACKAGES = ['@modelcontextprotocol/server', '@modelcontextprotocol/core', '@modelcontextprotocol/node', 'zod'];

interface Captured {
  headers: Record<string, string>;
  body: string;
  rpcId: unknown;
}

let upstream: Upstream;
let client: UpstreamClient;
let recorder: FastifyInstance;
let serve: ServeProcess | undefined;
let log: string;

/** The requests the official clients send for tools/list and tools/call, recorded against an in-process server. */
async function clientRequests(): Promise<{ generation: string; method: string; captured: Captured }[]> {
  const prepared = await prepareCapabilities([fixture], { env: { API_TOKEN: TOKEN }, upstreams: new Map([['registry', upstream.url]]) });
  if (!prepared.ok) throw new Error(prepared.diagnostics.map((d) => d.message).join('\n'));
  const capability = prepared.capabilities[0]!;
  const adapter = capability.adapters.find((a) => a.type === 'mcp') as CompiledMcpAdapter;
  ({ app: recorder } = createMcpServer(adapter, { upstream: client, secrets: capability.secrets, logger: silentLogger(), host: '127.0.0.1', allowedHosts: [] }));
  const url = `${await recorder.listen({ host: '127.0.0.1', port: 0 })}/mcp`;
  const requests = [];
  for (const generation of CLIENT_GENERATIONS) {
    requests.push({ generation, method: 'tools/list', captured: (await captureRequest(generation, url, 'tools/list', (c: { listTools(): Promise<unknown> }) => c.listTools())) as Captured });
    const call = (c: { callTool(p: unknown): Promise<unknown> }) => c.callTool({ name: 'get-item', arguments: { id: 'w-7' } });
    requests.push({ generation, method: 'tools/call', captured: (await captureRequest(generation, url, 'tools/call', call)) as Captured });
  }
  return requests;
}

/** The JSON-RPC message of an answer (JSON, or the data line of a one-event SSE stream). */
async function messageOf(response: Response): Promise<{ id?: unknown; result?: Record<string, unknown>; error?: unknown }> {
  const text = await response.text();
  const data = response.headers.get('content-type')?.startsWith('text/event-stream') ? text.split('\n').find((l) => l.startsWith('data: '))!.slice(6) : text;
  return JSON.parse(data) as { id?: unknown; result?: Record<string, unknown>; error?: unknown };
}

const sdkLoaded = () => {
  const found = packagesOf(loadedModules(log));
  return SDK_PACKAGES.filter((p) => found.has(p));
};

beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream((request) => ({ body: { data: { id: request.path.split('/')[2], name: 'Widget', price: 12.5 } } }));
  client = createUpstreamClient();
  log = join(await mkdtemp(join(tmpdir(), 'cap-lazy-sdk-')), 'modules.log');
}, 180_000);

afterAll(async () => {
  await serve?.stop();
  killRunningChildren();
  await recorder?.close();
  await client?.close();
  await upstream?.close();
});

describe('MCP adapter without the SDK until a request needs it', () => {
  it('answers the official clients’ sessions without the SDK, then loads it for a request that needs it', async () => {
    const requests = await clientRequests();
    serve = await startServe([fixture, '--port', 'fast-mcp=0', '--upstream', `registry=${upstream.url}`], 1, {
      env: { API_TOKEN: TOKEN, NODE_OPTIONS: `--import=${MODULE_LOG_HOOK}`, CAPABILITY_MODULE_LOG: log },
      timeoutMs: 60_000,
    });
    const base = /http:\/\/127\.0\.0\.1:\d+\/mcp/.exec(serve.lines.join('\n'))![0];
    expect(sdkLoaded(), 'at start').toEqual([]);
    expect(loadedModules(log).some((m) => m.includes('/dist/exposes/mcp/fast-path.js'))).toBe(true);

    for (const { generation, method, captured } of requests) {
      const response = await fetch(base, { method: 'POST', headers: captured.headers, body: captured.body });
      expect(response.status, `${generation} ${method}`).toBe(200);
      const message = await messageOf(response);
      expect(message.id).toEqual(captured.rpcId);
      if (method === 'tools/list') expect((message.result?.tools as { name: string }[]).map((t) => t.name)).toContain('get-item');
      else expect(message.result?.structuredContent, `${generation} ${method}`).toEqual({ id: 'w-7', name: 'Widget', price: 12.5 });
    }
    expect(sdkLoaded(), 'after the fast path answered both client generations').toEqual([]);

    // The official clients' whole sessions: the handshake, a list and a call.
    const session = async () => {
      for (const generation of CLIENT_GENERATIONS) {
        const mcp = await connectMcp(generation, base);
        try {
          expect((await mcp.listTools()).map((t) => t.name)).toContain('get-item');
          expect(resultJson(await mcp.callTool('get-item', { id: 'w-8' }))).toEqual({ id: 'w-8', name: 'Widget', price: 12.5 });
        } finally {
          await mcp.close();
        }
      }
    };
    await session();
    expect(sdkLoaded(), 'after both clients’ sessions, handshakes included').toEqual([]);

    // The first requests that need the SDK arrive together: each is answered (they wait on the same import).
    const initialize = (id: number) =>
      fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
      });
    const answers = await Promise.all([1, 2, 3].map(initialize));
    for (const [i, response] of answers.entries()) {
      expect(response.status).toBe(200);
      const message = await messageOf(response);
      expect(message.id).toBe(i + 1);
      expect(message.result?.protocolVersion).toBe('2024-11-05');
      expect((message.result?.serverInfo as { name: string }).name).toBe('fast-mcp');
    }
    expect(sdkLoaded()).toEqual(SDK_PACKAGES);
    await session();
  }, 120_000);
});
