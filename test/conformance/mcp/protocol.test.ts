// Cases 28–31 (naftiko-semantics §5.1–§5.4, §7): tool calls with Mustache `with`, the Streamable HTTP edge cases on
// every revision we serve (2025-06-18, 2025-11-25, 2026-07-28), dispatch errors and tool hints. Raw JSON-RPC
// where the SDK clients hide the details; both client generations where they do not.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_GENERATIONS, connectMcp, resultJson, resultText } from '../../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';
import { post, REVISIONS, revisionHeaders, rpc, withMeta } from './rpc.js';

const fixture = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

let upstream: Upstream;
let ships: Served;
let hints: Served;
let outputs: Served;

beforeAll(async () => {
  upstream = await startUpstream();
  ships = await serveCapability(fixture('mcp-tool-handler-with-mustache-capability.yaml'), { env: {}, upstreamUrl: upstream.url });
  hints = await serveCapability(fixture('mcp-hints-capability.yaml'), { env: {}, upstreamUrl: upstream.url });
  outputs = await serveCapability(fixture('mcp-outputs-capability.yaml'), { env: {}, upstreamUrl: upstream.url });
});

afterAll(async () => {
  await ships?.close();
  await hints?.close();
  await outputs?.close();
  await upstream?.close();
});

beforeEach(() => {
  upstream.reset();
  upstream.handle(undefined);
});

describe.each(CLIENT_GENERATIONS)('case 28: tool calls with Mustache `with` (%s client)', (generation) => {
  it('`with: imo_number: "{{imo}}"` resolves the consumed path; a tool without call is a mock; no arguments are accepted', async () => {
    const client = await connectMcp(generation, ships.mcp);
    try {
      const result = await client.callTool('get-ship', { imo: 'IMO-9321483' });
      expect(result.isError).toBeFalsy();
      expect(upstream.only()).toMatchObject({ method: 'GET', path: '/ships/IMO-9321483' });
    } finally {
      await client.close();
    }
    const mock = await connectMcp(generation, outputs.mcp);
    try {
      const result = await mock.callTool('status');
      expect(resultJson(result)).toEqual({ status: 'ready', version: '2' });
    } finally {
      await mock.close();
    }
  });
});

describe('case 28: raw tools/call', () => {
  it.each(REVISIONS)('an unknown tool is -32602 and omitted arguments are accepted (%s)', async (revision) => {
    const unknown = await rpc(ships.mcp, 'tools/call', { name: 'nope', arguments: {} }, { protocolVersion: revision });
    expect(unknown.error).toMatchObject({ code: -32602 });
    expect(unknown.error!.message).toContain('unknown tool "nope"');
    const mock = await rpc(outputs.mcp, 'tools/call', { name: 'status' }, { protocolVersion: revision });
    expect(mock.result).toMatchObject({ content: [{ type: 'text', text: '{"status":"ready","version":"2"}' }] });
  });
});

describe.each(REVISIONS)('case 29: Streamable HTTP edge cases (%s)', (revision) => {
  it('DELETE is 405 (stateless: no session to end); GET opens the 2025-era server stream, and is 405 on 2026-07-28', async () => {
    const deleted = await fetch(ships.mcp, { method: 'DELETE', headers: { accept: 'text/event-stream', 'mcp-protocol-version': revision } });
    expect(deleted.status).toBe(405);
    expect(await deleted.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
    const get = await fetch(ships.mcp, { method: 'GET', headers: { accept: 'text/event-stream', 'mcp-protocol-version': revision } });
    if (revision === '2026-07-28') {
      expect(get.status).toBe(405);
      expect(await get.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
    } else {
      // Stays open for list_changed after a reload (test/integration/reload-notify.test.ts); the client ends it.
      expect(get.status).toBe(200);
      expect(get.headers.get('content-type')).toBe('text/event-stream');
      await get.body?.cancel();
    }
  });

  it('a malformed or empty body is refused before dispatch (400), and the endpoint keeps answering', async () => {
    for (const body of ['{"jsonrpc": "2.0", "id": 1, "method": ', '']) {
      const answer = await post(ships.mcp, body, revisionHeaders(revision));
      // Fastify's JSON parser refuses it today; a -32700 Parse error envelope is the reference's answer.
      expect([400, 200]).toContain(answer.status);
      expect(answer.text).toMatch(/-32700|not valid JSON|cannot be empty/);
    }
    expect((await rpc(ships.mcp, 'tools/list', {}, { protocolVersion: revision })).result).toMatchObject({ tools: [{ name: 'get-ship' }] });
  });

  it('an unknown method is -32601; jsonrpc other than "2.0" is -32600', async () => {
    const unknown = await rpc(ships.mcp, 'nope/nope', {}, { protocolVersion: revision });
    expect(unknown.error).toMatchObject({ code: -32601 });
    // 2026-07-28 also says so in the HTTP status (404); 2025-era answers 200.
    expect(unknown.status).toBe(revision === '2026-07-28' ? 404 : 200);
    const wrongVersion = await post(ships.mcp, { jsonrpc: '1.0', id: 5, method: 'tools/list', params: withMeta(revision) }, revisionHeaders(revision, 'tools/list'));
    expect(wrongVersion.status).toBe(400);
    expect(wrongVersion.error).toMatchObject({ code: -32600 });
  });

  it('a message without id is a notification: 202 and no body (JSON-RPC 2.0), whatever its method', async () => {
    for (const method of ['notifications/initialized', 'tools/list']) {
      const answer = await post(ships.mcp, { jsonrpc: '2.0', method, params: withMeta(revision) }, revisionHeaders(revision, method));
      expect(answer.status, method).toBe(202);
      expect(answer.text).toBe('');
    }
  });

  it(revision === '2026-07-28' ? 'server/discover answers without a handshake' : 'initialize answers with the revision asked for', async () => {
    if (revision === '2026-07-28') {
      const discover = await rpc(ships.mcp, 'server/discover', {}, { protocolVersion: revision });
      expect(discover.result).toMatchObject({ supportedVersions: ['2026-07-28'], capabilities: { tools: { listChanged: true } } });
    } else {
      const init = await post(ships.mcp, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: revision, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }, revisionHeaders(revision));
      expect(init.result).toMatchObject({ protocolVersion: revision, serverInfo: { name: 'shipyard-tools' } });
    }
  });
});

describe.each(REVISIONS)('case 30: dispatch (%s)', (revision) => {
  it('advertises only tools when no resources or prompts are declared', async () => {
    const capabilities =
      revision === '2026-07-28'
        ? (await rpc(ships.mcp, 'server/discover', {}, { protocolVersion: revision })).result!.capabilities
        : (await post(ships.mcp, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: revision, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }, revisionHeaders(revision))).result!.capabilities;
    expect(Object.keys(capabilities as object).filter((k) => k !== 'extensions')).toEqual(['tools']);
  });

  it('a null, empty-object or non-object body is -32600 Invalid Request with "id": null', async () => {
    for (const body of ['null', '{}', '"x"']) {
      const answer = await post(ships.mcp, body, revisionHeaders(revision));
      expect(answer.status, body).toBe(400);
      expect(answer.message, body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    }
  });

  it('resources/* and prompts/* are -32601 when not declared; the id is echoed on results and errors', async () => {
    expect((await rpc(ships.mcp, 'resources/read', { uri: 'x://y' }, { protocolVersion: revision, id: 41 })).message).toMatchObject({ id: 41, error: { code: -32601 } });
    expect((await rpc(ships.mcp, 'prompts/get', { name: 'x' }, { protocolVersion: revision, id: 42 })).message).toMatchObject({ id: 42, error: { code: -32601 } });
    expect((await rpc(ships.mcp, 'tools/list', {}, { protocolVersion: revision, id: 43 })).message).toMatchObject({ id: 43, result: { tools: [{ name: 'get-ship' }] } });
    // ping is a 2025-era method; 2026-07-28 has no session to keep alive and answers -32601.
    expect((await rpc(ships.mcp, 'ping', {}, { protocolVersion: revision, id: 44 })).message).toMatchObject(revision === '2026-07-28' ? { id: 44, error: { code: -32601 } } : { id: 44, result: {} });
  });

  it('a tool execution failure is a result with isError and a text item naming the CAP code', async () => {
    upstream.handle(() => ({ status: 500, body: { boom: true } }));
    const answer = await rpc(ships.mcp, 'tools/call', { name: 'get-ship', arguments: { imo: 'IMO-1' } }, { protocolVersion: revision });
    expect(answer.error).toBeUndefined();
    expect(answer.result).toMatchObject({ isError: true, content: [{ type: 'text' }] });
    expect((answer.result!.content as { text: string }[])[0]!.text).toMatch(/^CAP_UPSTREAM_STATUS: /);
    const missing = await rpc(ships.mcp, 'tools/call', { name: 'get-ship', arguments: {} }, { protocolVersion: revision });
    expect(missing.result).toMatchObject({ isError: true });
    expect((missing.result!.content as { text: string }[])[0]!.text).toMatch(/^CAP_INPUT_INVALID: .*imo is required/);
  });
});

describe.each(CLIENT_GENERATIONS)('case 31: tool hints as annotations (%s client)', (generation) => {
  it('emits only the hints the author set, and title from label', async () => {
    const client = await connectMcp(generation, hints.mcp);
    try {
      const tools = new Map((await client.listTools()).map((t) => [t.name, t]));
      expect(tools.get('read-data')).toMatchObject({ title: 'Read Data', annotations: { title: 'Read Data', readOnlyHint: true, openWorldHint: true } });
      expect(tools.get('read-data')!.annotations).not.toHaveProperty('destructiveHint');
      expect(tools.get('delete-record')!.annotations).toEqual({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false });
      expect(tools.get('delete-record')).not.toHaveProperty('title');
      expect(tools.get('no-hints-tool')).not.toHaveProperty('annotations');
      const deleted = await client.callTool('delete-record', { 'record-id': 'r-9' });
      expect(resultText(deleted)).not.toContain('CAP_');
      expect(upstream.only()).toMatchObject({ method: 'DELETE', path: '/data' });
    } finally {
      await client.close();
    }
  });
});
