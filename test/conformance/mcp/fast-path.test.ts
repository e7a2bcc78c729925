// The MCP fast path (src/exposes/mcp/fast-path.ts) against the SDK handler: the same capability is served twice,
// once with the fast path and once with every request going through the SDK, and the same raw requests on each
// revision must get the same status, content type and JSON-RPC message from both, over real sockets. Requests the
// fast path must leave to the SDK are in the set too (they then answer alike by construction, and prove the hand-off).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledMcpAdapter } from '../../../src/compile/compile.js';
import { createFastPath, type FastAnswer } from '../../../src/exposes/mcp/fast-path.js';
import { createMcpServer } from '../../../src/exposes/mcp/server.js';
import { createUpstreamClient, type UpstreamClient } from '../../../src/invoke/upstream.js';
import type { RuntimeView } from '../../../src/runtime.js';
import { silentLogger, type Logger } from '../../../src/observe/log.js';
import { prepareCapabilities } from '../../../src/prepare.js';
import { connectMcp, CLIENT_GENERATIONS, resultJson } from '../../helpers/mcp-clients.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';
import { post, REVISIONS, revisionHeaders, withMeta, type Revision } from './rpc.js';

const TOKEN = 'fast-path-token-5f1c';
const fixture = fileURLToPath(new URL('./mcp-fast-path-capability.yaml', import.meta.url));
// A capability with a skill adapter: its MCP adapter offers the skills through the SDK's Skills extension (McpServer).
const skillsFixture = fileURLToPath(new URL('../skill-adapter/shipyard-skills.yaml', import.meta.url));
// An adapter with resources and prompts: both advertised in the handshake.
const resourcesFixture = fileURLToPath(new URL('./mcp-resources-prompts-capability.yaml', import.meta.url));

interface Pair {
  fast: string;
  sdk: string;
}

let upstream: Upstream;
let client: UpstreamClient;
const apps: FastifyInstance[] = [];
let tools: Pair;
let many: Pair;
let skills: Pair;
let resources: Pair;

/** Serves the one MCP adapter of `file` (consuming namespace `consumed`) twice: with the fast path and without. */
async function servePair(file: string, consumed = 'registry'): Promise<Pair> {
  const prepared = await prepareCapabilities([file], { env: { API_TOKEN: TOKEN }, upstreams: new Map([[consumed, upstream.url]]) });
  if (!prepared.ok) throw new Error(prepared.diagnostics.map((d) => d.message).join('\n'));
  const capability = prepared.capabilities[0]!;
  const adapter = capability.adapters.find((a) => a.type === 'mcp') as CompiledMcpAdapter;
  const context = { upstream: client, secrets: capability.secrets, logger: silentLogger(), host: '127.0.0.1', allowedHosts: [] };
  // The skills extension needs the runtime's view (the adapters' URLs go into the derived SKILL.md).
  const view: RuntimeView | undefined = adapter.skills?.length ? { startedAt: Date.now(), draining: () => false, adapters: () => [] } : undefined;
  const urls: string[] = [];
  for (const fastPath of [true, false]) {
    const { app } = createMcpServer(adapter, context, view, { fastPath });
    apps.push(app);
    urls.push(`${await app.listen({ host: '127.0.0.1', port: 0 })}/mcp`);
  }
  return { fast: urls[0]!, sdk: urls[1]! };
}

/** 120 mock tools: two pages of tools/list. */
function manyToolsFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fast-path-'));
  const toolsYaml = Array.from({ length: 120 }, (_, i) => `        - name: tool-${i}\n          description: Tool ${i}\n          outputParameters:\n            - {name: n, type: string, value: "${i}"}`).join('\n');
  const file = join(dir, 'many.yaml');
  writeFileSync(file, `naftiko: "1.0.0-alpha2"\ninfo:\n  label: Many\n  description: Many tools\ncapability:\n  consumes:\n    - type: http\n      namespace: registry\n      baseUri: http://localhost:19999\n      resources:\n        - name: items\n          path: /items\n          operations:\n            - name: list-items\n              method: GET\n  exposes:\n    - type: mcp\n      port: 13010\n      namespace: many-mcp\n      tools:\n${toolsYaml}\n`);
  return file;
}

beforeAll(async () => {
  upstream = await startUpstream((request) => {
    if (request.path === '/items') return { body: [{ id: 'a' }, { id: 'b' }] };
    if (request.path === '/items/boom') return { status: 500, body: { boom: true } };
    if (request.path === '/items/echo') return { body: { data: { name: `token ${request.headers.authorization}`, price: 1 } } };
    if (request.path === '/items/empty') return { status: 204 };
    if (request.path === '/items/badtype') return { body: { data: { name: 'x', price: 'not a number' } } };
    return { body: { data: { id: request.path.split('/')[2], name: 'Widget', price: 12.5 } } };
  });
  client = createUpstreamClient();
  tools = await servePair(fixture);
  many = await servePair(manyToolsFile());
  skills = await servePair(skillsFixture);
  resources = await servePair(resourcesFixture, 'mock-api');
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await client?.close();
  await upstream?.close();
});

interface Case {
  name: string;
  method: string;
  params?: Record<string, unknown>;
  id?: unknown;
  /** Extra or replaced headers. */
  headers?: Record<string, string | undefined>;
  /** Whether the fast path answers it (false: it goes to the SDK on both servers). */
  fast: boolean;
  /** Only on these revisions. */
  only?: readonly Revision[];
  target?: 'many' | 'skills' | 'resources';
  /** Sent as a notification (no id). */
  notification?: true;
}

const INIT = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } };
// The 2025-era handshake's first request carries no revision header (the client does not know it yet).
const NO_REVISION = { 'mcp-protocol-version': undefined };

const CASES: Case[] = [
  { name: 'object result', method: 'tools/call', params: { name: 'get-item', arguments: { id: 'w-1' } }, fast: true },
  { name: 'raw upstream body', method: 'tools/call', params: { name: 'get-raw', arguments: { id: 'w/2 ü' } }, fast: true },
  { name: 'array result', method: 'tools/call', params: { name: 'list-items', arguments: {} }, fast: true },
  { name: 'empty upstream body', method: 'tools/call', params: { name: 'get-raw', arguments: { id: 'empty' } }, fast: true },
  { name: 'mock tool, no arguments', method: 'tools/call', params: { name: 'status' }, fast: true },
  { name: 'outputSchema that holds', method: 'tools/call', params: { name: 'typed-item', arguments: { id: 'w-3' } }, fast: true },
  { name: 'outputSchema broken: isError', method: 'tools/call', params: { name: 'typed-item', arguments: { id: 'badtype' } }, fast: true },
  { name: 'echoed secret is redacted', method: 'tools/call', params: { name: 'get-item', arguments: { id: 'echo' } }, fast: true },
  { name: 'upstream 500: isError', method: 'tools/call', params: { name: 'get-item', arguments: { id: 'boom' } }, fast: true },
  { name: 'missing input: isError', method: 'tools/call', params: { name: 'get-item', arguments: {} }, fast: true },
  { name: 'wrong input type: isError', method: 'tools/call', params: { name: 'get-item', arguments: { id: 42 } }, fast: true },
  { name: 'string id', method: 'tools/call', params: { name: 'status' }, id: 'req-7', fast: true },
  { name: 'progress token', method: 'tools/call', params: { name: 'status', _meta: { progressToken: 3 } }, fast: true, only: ['2025-06-18', '2025-11-25'] },
  // Keys beyond the envelope pass the SDK's checks unread: a trace context that changes with every request stays fast.
  { name: 'trace context in _meta', method: 'tools/call', params: { name: 'status', _meta: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } }, fast: true },
  { name: 'another trace context in _meta', method: 'tools/call', params: { name: 'status', _meta: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'example.com/note': { n: 1 } } }, fast: true },
  { name: 'tools/list', method: 'tools/list', fast: true },
  { name: 'tools/list first page', method: 'tools/list', fast: true, target: 'many' },
  { name: 'tools/list second page', method: 'tools/list', params: { cursor: 'second' }, fast: true, target: 'many' },
  { name: 'ping', method: 'ping', fast: true, only: ['2025-06-18', '2025-11-25'] },
  { name: 'with the Skills extension: tools/list', method: 'tools/list', fast: true, target: 'skills' },
  { name: 'with the Skills extension: tools/call', method: 'tools/call', params: { name: 'get-ship', arguments: { imo: 'IMO-9321483' } }, fast: true, target: 'skills' },
  { name: 'with the Skills extension: missing input', method: 'tools/call', params: { name: 'get-ship', arguments: {} }, fast: true, target: 'skills' },
  { name: 'with the Skills extension: ping', method: 'ping', fast: true, only: ['2025-06-18', '2025-11-25'], target: 'skills' },
  // The official clients' handshake.
  { name: 'initialize', method: 'initialize', params: INIT, headers: NO_REVISION, fast: true, only: ['2025-06-18'] },
  { name: 'initialize 2025-11-25, string id', method: 'initialize', params: { ...INIT, protocolVersion: '2025-11-25' }, id: 'init-1', headers: NO_REVISION, fast: true, only: ['2025-11-25'] },
  { name: 'initialize with client capabilities and title', method: 'initialize', params: { ...INIT, capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: { form: {} } }, clientInfo: { name: 'raw', version: '1', title: 'Raw' } }, headers: NO_REVISION, fast: true, only: ['2025-06-18'] },
  { name: 'initialize, many tools', method: 'initialize', params: INIT, headers: NO_REVISION, fast: true, only: ['2025-06-18'], target: 'many' },
  { name: 'initialize, resources and prompts', method: 'initialize', params: INIT, headers: NO_REVISION, fast: true, only: ['2025-06-18'], target: 'resources' },
  { name: 'server/discover, resources and prompts', method: 'server/discover', fast: true, only: ['2026-07-28'], target: 'resources' },
  { name: 'notifications/initialized', method: 'notifications/initialized', notification: true, fast: true, only: ['2025-06-18', '2025-11-25'] },
  { name: 'server/discover', method: 'server/discover', fast: true, only: ['2026-07-28'] },
  { name: 'server/discover, many tools', method: 'server/discover', fast: true, only: ['2026-07-28'], target: 'many' },
  // Left to the SDK:
  { name: 'ping on 2026-07-28', method: 'ping', fast: false, only: ['2026-07-28'] },
  { name: 'unknown tool', method: 'tools/call', params: { name: 'nope' }, fast: false },
  { name: 'arguments not an object', method: 'tools/call', params: { name: 'status', arguments: [1] }, fast: false },
  { name: 'name not a string', method: 'tools/call', params: { name: 7 }, fast: false },
  { name: 'unknown params key', method: 'tools/call', params: { name: 'status', task: { ttl: 1 } }, fast: false },
  { name: 'cursor we did not issue', method: 'tools/list', params: { cursor: 'bogus' }, fast: false, target: 'many' },
  { name: 'fractional id', method: 'tools/call', params: { name: 'status' }, id: 1.5, fast: false },
  { name: 'Accept without SSE', method: 'tools/call', params: { name: 'status' }, headers: { accept: 'application/json' }, fast: false, only: ['2025-06-18', '2025-11-25'] },
  { name: 'unsupported revision header', method: 'tools/call', params: { name: 'status' }, headers: { 'mcp-protocol-version': '1999-01-01' }, fast: false, only: ['2025-06-18'] },
  { name: 'no revision header', method: 'tools/list', headers: { 'mcp-protocol-version': undefined }, fast: false, only: ['2025-06-18'] },
  { name: 'Mcp-Name disagrees', method: 'tools/call', params: { name: 'status' }, headers: { 'mcp-name': 'get-item' }, fast: false, only: ['2026-07-28'] },
  { name: 'Mcp-Method missing', method: 'tools/list', headers: { 'mcp-method': undefined }, fast: false, only: ['2026-07-28'] },
  { name: 'malformed client info in the envelope', method: 'tools/call', params: { name: 'status', _meta: { 'io.modelcontextprotocol/clientInfo': { name: 7 } } }, fast: false, only: ['2026-07-28'] },
  { name: 'unknown log level in the envelope', method: 'tools/call', params: { name: 'status', _meta: { 'io.modelcontextprotocol/logLevel': 'loud' } }, fast: false, only: ['2026-07-28'] },
  { name: 'with the Skills extension: skills/list', method: 'skills/list', fast: false, target: 'skills' },
  { name: 'with the Skills extension: resources/list', method: 'resources/list', fast: false, target: 'skills' },
  { name: 'initialize with a revision header', method: 'initialize', params: INIT, fast: false, only: ['2025-06-18'] },
  { name: 'initialize, an older revision', method: 'initialize', params: { ...INIT, protocolVersion: '2024-11-05' }, headers: NO_REVISION, fast: false, only: ['2025-06-18'] },
  { name: 'initialize, a revision we do not know', method: 'initialize', params: { ...INIT, protocolVersion: '2099-01-01' }, headers: NO_REVISION, fast: false, only: ['2025-06-18'] },
  { name: 'initialize, client info without version', method: 'initialize', params: { ...INIT, clientInfo: { name: 'raw' } }, headers: NO_REVISION, fast: false, only: ['2025-06-18'] },
  { name: 'initialize, malformed roots capability', method: 'initialize', params: { ...INIT, capabilities: { roots: { listChanged: 'yes' } } }, headers: NO_REVISION, fast: false, only: ['2025-06-18'] },
  { name: 'initialize with tasks capability', method: 'initialize', params: { ...INIT, capabilities: { tasks: {} } }, headers: NO_REVISION, fast: false, only: ['2025-06-18'] },
  { name: 'initialize with _meta', method: 'initialize', params: { ...INIT, _meta: { progressToken: 1 } }, headers: NO_REVISION, fast: false, only: ['2025-06-18'] },
  { name: 'initialize without SSE in Accept', method: 'initialize', params: INIT, headers: { ...NO_REVISION, accept: 'application/json' }, fast: false, only: ['2025-06-18'] },
  { name: 'with the Skills extension: initialize', method: 'initialize', params: INIT, headers: NO_REVISION, fast: false, only: ['2025-06-18'], target: 'skills' },
  { name: 'with the Skills extension: server/discover', method: 'server/discover', fast: false, only: ['2026-07-28'], target: 'skills' },
  { name: 'server/discover on a 2025-era revision', method: 'server/discover', fast: false, only: ['2025-06-18'] },
  { name: 'another notification', method: 'notifications/cancelled', params: { requestId: 5 }, notification: true, fast: false, only: ['2025-06-18'] },
];

/** The cursor of the second page, as the server issued it. */
async function secondCursor(url: string, revision: Revision): Promise<string> {
  const first = await post(url, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: withMeta(revision) }, revisionHeaders(revision, 'tools/list'));
  return first.result!.nextCursor as string;
}

async function send(url: string, revision: Revision, c: Case) {
  const params = { ...(c.params ?? {}) };
  if (params.cursor === 'second') params.cursor = await secondCursor(url, revision);
  const headers: Record<string, string> = revisionHeaders(revision, c.method, params);
  for (const [k, v] of Object.entries(c.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const body =
    c.method === 'initialize'
      ? { jsonrpc: '2.0', id: c.id ?? 1, method: c.method, params }
      : c.notification
        ? { jsonrpc: '2.0', method: c.method, ...(c.params ? { params } : {}) }
        : { jsonrpc: '2.0', id: c.id ?? 1, method: c.method, params: withMeta(revision, params) };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const data = contentType.startsWith('text/event-stream') ? text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)) : [text];
  const message = data.length === 1 && data[0] !== '' ? (JSON.parse(data[0]!) as Record<string, unknown>) : data;
  // The SDK streams its answers (chunked); the fast path sends one sized body.
  const streamed = response.headers.get('transfer-encoding') === 'chunked';
  return { status: response.status, contentType, message, streamed, cacheControl: response.headers.get('cache-control') };
}

describe.each(REVISIONS)('fast path and SDK answer alike (%s)', (revision) => {
  it.each(CASES.filter((c) => !c.only || c.only.includes(revision)))('$name', async (c) => {
    const pair = { many, skills, resources }[c.target ?? ''] ?? tools;
    const sdk = await send(pair.sdk, revision, c);
    const fast = await send(pair.fast, revision, c);
    // A notification's 202 has no body to stream: only its answer is compared (the handshake test below shows that
    // the official clients' notification never reaches the SDK).
    if (!c.notification) {
      expect(sdk.streamed, 'the SDK server answers through the SDK').toBe(true);
      expect(fast.streamed, c.fast ? 'answered by the fast path' : 'left to the SDK').toBe(!c.fast);
    }
    const { streamed: _a, ...sdkAnswer } = sdk;
    const { streamed: _b, ...fastAnswer } = fast;
    expect(fastAnswer).toEqual(sdkAnswer);
    if (c.name === 'echoed secret is redacted') expect(JSON.stringify(fast.message)).not.toContain(TOKEN);
  });
});

describe.each(CLIENT_GENERATIONS)('official clients on the fast path (%s client)', (generation) => {
  it('list, call with structuredContent and an isError failure', async () => {
    const mcp = await connectMcp(generation, tools.fast);
    try {
      expect((await mcp.listTools()).map((t) => t.name)).toEqual(['get-item', 'get-raw', 'list-items', 'typed-item', 'status']);
      expect(resultJson(await mcp.callTool('get-item', { id: 'w-9' }))).toEqual({ id: 'w-9', name: 'Widget', price: 12.5 });
      expect((await mcp.callTool('get-item', { id: 'boom' })).isError).toBe(true);
    } finally {
      await mcp.close();
    }
  });
});

describe('a tool call whose answer cannot be built', () => {
  it('reaches the caller as an error (answered 500 by the server), never as an unhandled rejection', async () => {
    const prepared = await prepareCapabilities([fixture], { env: { API_TOKEN: TOKEN }, upstreams: new Map([['registry', upstream.url]]) });
    if (!prepared.ok) throw new Error(prepared.diagnostics.map((d) => d.message).join('\n'));
    const adapter = prepared.capabilities[0]!.adapters.find((a) => a.type === 'mcp') as CompiledMcpAdapter;
    // A log sink that fails: the upstream's 500 is logged on the way to its isError result, and that write throws.
    const broken = new Proxy(silentLogger(), { get: (target, key) => (key === 'warn' || key === 'error' ? () => { throw new Error('log sink broken'); } : Reflect.get(target, key)) }) as Logger;
    const fastPath = createFastPath(adapter, { upstream: client, secrets: [TOKEN], logger: broken, adapter: adapter.namespace });
    const answered = new Promise<FastAnswer | Error>((resolve) => {
      const body = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get-item', arguments: { id: 'boom' } } };
      expect(fastPath('POST', revisionHeaders('2025-06-18', 'tools/call'), body, resolve)).toBe(true);
    });
    const answer = await answered;
    expect(answer).toBeInstanceOf(Error);
    expect((answer as Error).message).toBe('log sink broken');
  });
});
