// Hostile callers (issue 6 items 4 and 11): header values undici would refuse, bodies too large or of the wrong media
// type, malformed JSON-RPC and deeply nested arguments. Each is answered with the right status and code before any
// upstream call, on REST (problem+json) and MCP (JSON-RPC error or isError result), and the runtime keeps serving.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/log.js';
import { CLIENT_GENERATIONS, connectMcp, resultText, type ClientGeneration, type McpTestClient } from '../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const API_KEY = 'itm_live_5ecret_9a8b7c6d';
const FIXTURE = fileURLToPath(new URL('../fixtures/hostile/items.yaml', import.meta.url));
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; in?: string; message: string }[];
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('hostile callers', () => {
  let upstream: Upstream;
  let served: Served;
  const clients = new Map<ClientGeneration, McpTestClient>();
  const logLines: string[] = [];

  beforeAll(async () => {
    upstream = await startUpstream();
    const logger = createLogger({ destination: { write: (line: string) => void logLines.push(line) } });
    served = await serveCapability(FIXTURE, { env: { ITEMS_API_KEY: API_KEY }, upstreamUrl: upstream.url, logger });
    for (const generation of CLIENT_GENERATIONS) clients.set(generation, await connectMcp(generation, served.mcp));
  });
  afterAll(async () => {
    for (const client of clients.values()) await client.close().catch(() => {});
    await served?.close();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  async function restProblem(response: Response, status: number, code: string): Promise<Problem> {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(text) as Problem;
    expect(problem).toMatchObject({ status, code });
    return problem;
  }

  async function rpcError(response: Response, status: number, code: number): Promise<string> {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    const message = JSON.parse(text) as { jsonrpc: string; id: unknown; error: { code: number; message: string } };
    expect(message.jsonrpc).toBe('2.0');
    expect(message.id).toBeNull();
    expect(message.error.code).toBe(code);
    return message.error.message;
  }

  async function stillServing(): Promise<void> {
    const response = await fetch(`${served.rest}/v1/items`);
    expect(response.status).toBe(200);
    for (const generation of CLIENT_GENERATIONS) expect((await clients.get(generation)!.callTool('list-items', {})).isError ?? false).toBe(false);
  }

  describe('header values undici would refuse (item 4)', () => {
    const cases: [string, string][] = [
      ['CR LF', 'a\r\nX-Injected: yes'],
      ['NUL', 'a\u0000b'],
      ['non-Latin-1', 'snow ☃'],
    ];
    for (const [label, value] of cases) {
      it(`a REST query value with ${label} bound for a header is a 400 CAP_INPUT_INVALID naming X-Tag, never sent`, async () => {
        const problem = await restProblem(await fetch(`${served.rest}/v1/items?X-Tag=${encodeURIComponent(value)}`), 400, 'CAP_INPUT_INVALID');
        expect(problem.errors).toStrictEqual([{ field: 'X-Tag', in: 'header', message: expect.stringContaining('which an HTTP header cannot carry') }]);
        expect(upstream.requests).toHaveLength(0);
      });

      for (const generation of CLIENT_GENERATIONS) {
        it(`a tool argument with ${label} bound for a header is an isError CAP_INPUT_INVALID naming X-Tag for the ${generation} client`, async () => {
          const result = await clients.get(generation)!.callTool('list-items', { 'X-Tag': value });
          expect(result.isError).toBe(true);
          expect(resultText(result)).toMatch(/^CAP_INPUT_INVALID: header parameter "X-Tag" contains /);
          expect(upstream.requests).toHaveLength(0);
        });
      }
    }

    it('a Latin-1 header value is sent as is, and the runtime still serves', async () => {
      const response = await fetch(`${served.rest}/v1/items?X-Tag=${encodeURIComponent('naïve')}`);
      expect(response.status).toBe(200);
      expect(upstream.only().headers['x-tag']).toBe('naïve');
      await stillServing();
    });
  });

  describe('REST request bodies (item 11)', () => {
    it('a body over 1 MiB is a 413 CAP_INPUT_TOO_LARGE', async () => {
      const response = await fetch(`${served.rest}/v1/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(1_100_000) }) });
      const problem = await restProblem(response, 413, 'CAP_INPUT_TOO_LARGE');
      expect(problem.detail).toBe('request body is larger than 1048576 bytes');
      expect(upstream.requests).toHaveLength(0);
    });

    it('an unsupported media type is a 415 CAP_INPUT_MEDIA_TYPE', async () => {
      const response = await fetch(`${served.rest}/v1/items`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<item/>' });
      const problem = await restProblem(response, 415, 'CAP_INPUT_MEDIA_TYPE');
      expect(problem.detail).toContain('application/xml');
      expect(upstream.requests).toHaveLength(0);
    });

    it('a body nested 10,000 levels deep is a 400 CAP_INPUT_INVALID naming the body, not a 500', async () => {
      const response = await fetch(`${served.rest}/v1/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"name": ${nested(10_000)}}` });
      const problem = await restProblem(response, 400, 'CAP_INPUT_INVALID');
      expect(problem.errors).toStrictEqual([{ field: 'body', in: 'body', message: 'is nested deeper than 100 levels' }]);
      expect(upstream.requests).toHaveLength(0);
      await stillServing();
    });

    it('a body nested 20 levels deep is accepted', async () => {
      const response = await fetch(`${served.rest}/v1/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"name": ${nested(20)}}` });
      expect(response.status).toBe(200);
      expect(upstream.only().json).toStrictEqual({ name: JSON.parse(nested(20)) as unknown });
    });
  });

  describe('MCP requests (item 11)', () => {
    it('malformed JSON is a JSON-RPC -32700 Parse error with HTTP 400 and id null', async () => {
      const message = await rpcError(await fetch(served.mcp, { method: 'POST', headers: MCP_HEADERS, body: '{"jsonrpc": "2.0", "id": ' }), 400, -32700);
      expect(message).toMatch(/^Parse error/);
    });

    it('a message over 1 MiB is HTTP 413 with a JSON-RPC error', async () => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create-item', arguments: { name: 'x'.repeat(1_100_000) } } });
      expect(await rpcError(await fetch(served.mcp, { method: 'POST', headers: MCP_HEADERS, body }), 413, -32600)).toContain('larger than 1048576 bytes');
      expect(upstream.requests).toHaveLength(0);
    });

    it('an unsupported media type is HTTP 415 with a JSON-RPC error', async () => {
      expect(await rpcError(await fetch(served.mcp, { method: 'POST', headers: { ...MCP_HEADERS, 'content-type': 'application/xml' }, body: '<call/>' }), 415, -32000)).toContain('application/xml');
    });

    it('arguments nested 10,000 levels deep are a JSON-RPC invalid request (HTTP 400), not a 500, and nothing is logged as internal', async () => {
      logLines.length = 0;
      const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create-item","arguments":{"name":${nested(10_000)}}}}`;
      expect(await rpcError(await fetch(served.mcp, { method: 'POST', headers: MCP_HEADERS, body }), 400, -32600)).toContain('nested deeper than 100 levels');
      expect(upstream.requests).toHaveLength(0);
      expect(logLines.filter((l) => l.includes('CAP_INTERNAL'))).toStrictEqual([]);
      await stillServing();
    });
  });

  it('no answer or log line held the key', () => {
    for (const line of logLines) expect(line).not.toContain(API_KEY);
  });
});
