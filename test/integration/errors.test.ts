// The failure surface on REST and MCP (both client generations): invalid input, upstream error statuses, unreachable and
// slow upstreams, unset and leaked secrets, DNS-rebinding protection, unknown tools, unknown paths and wrong methods.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_GENERATIONS, connectMcp, resultText, type ClientGeneration, type McpTestClient, type ToolCallResult } from '../helpers/mcp-clients.js';
import { serveCapability, seedFile, type Served } from '../helpers/runtime.js';
import { restCall } from '../helpers/seed-harness.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const API_KEY = 'mtr_secret_7d1e9c3b5a2f4e60';
const METRONOME = seedFile('metronome');

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { field: string; in?: string; message: string }[];
  upstream?: { namespace?: string; status?: number; body?: unknown };
}

/** An isError tool result reads `CODE: detail` then the problem JSON. */
function toolProblem(result: ToolCallResult): Problem {
  expect(result.isError).toBe(true);
  const text = resultText(result);
  const newline = text.indexOf('\n');
  expect(newline).toBeGreaterThan(0);
  const problem = JSON.parse(text.slice(newline + 1)) as Problem;
  expect(text.slice(0, newline)).toBe(`${problem.code}: ${problem.detail}`);
  return problem;
}

function expectProblemResponse(answer: { status: number; contentType: string; json: unknown }, status: number, code: string): Problem {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/problem\+json\b/);
  const problem = answer.json as Problem;
  expect(problem.status).toBe(status);
  expect(problem.code).toBe(code);
  expect(problem.title).toEqual(expect.any(String));
  return problem;
}

/** A port on 127.0.0.1 that nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A raw JSON-RPC POST to an MCP endpoint with full control over the headers (Host included). */
function rawMcpPost(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** The JSON-RPC message in a JSON or single-event SSE response body. */
function rpcMessage(text: string): { id?: unknown; result?: unknown; error?: { code: number; message: string } } {
  const data = text.includes('data:') ? text.split('\n').find((l) => l.startsWith('data:'))!.slice(5) : text;
  return JSON.parse(data) as { id?: unknown; result?: unknown; error?: { code: number; message: string } };
}

const getCustomerCall = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'get-customer', arguments: { customer_id: 'cust_1' } } };

/** Serves the metronome seed against a fresh upstream with both clients; everything closed in afterAll. */
function useServed(options: { env: Record<string, string>; timeoutMs?: number; upstreamUrl?: () => Promise<string> }) {
  const state: { upstream?: Upstream; served?: Served; clients: Map<ClientGeneration, McpTestClient> } = { clients: new Map() };
  beforeAll(async () => {
    state.upstream = await startUpstream();
    const upstreamUrl = options.upstreamUrl ? await options.upstreamUrl() : state.upstream.url;
    state.served = await serveCapability(METRONOME, { env: options.env, upstreamUrl, timeoutMs: options.timeoutMs });
    for (const generation of CLIENT_GENERATIONS) state.clients.set(generation, await connectMcp(generation, state.served.mcp));
  });
  afterAll(async () => {
    for (const client of state.clients.values()) await client.close().catch(() => {});
    await state.served?.close();
    await state.upstream?.close();
  });
  beforeEach(() => {
    state.upstream?.reset();
    state.upstream?.handle(undefined);
  });
  return {
    get upstream() {
      return state.upstream!;
    },
    get served() {
      return state.served!;
    },
    client: (generation: ClientGeneration) => state.clients.get(generation)!,
  };
}

describe('errors on the metronome seed', () => {
  const ctx = useServed({ env: { METRONOME_API_KEY: API_KEY } });

  describe('invalid input', () => {
    for (const generation of CLIENT_GENERATIONS) {
      it(`get-customer without customer_id is an isError result naming customer_id for the ${generation} client, with no upstream call`, async () => {
        const result = await ctx.client(generation).callTool('get-customer', {});
        const problem = toolProblem(result);
        expect(problem.code).toBe('CAP_INPUT_INVALID');
        expect(problem.status).toBe(400);
        expect(problem.detail).toContain('customer_id');
        expect(problem.errors).toStrictEqual([{ field: 'customer_id', message: 'is required' }]);
        expect(ctx.upstream.requests).toHaveLength(0);
      });

      it(`create-customer with a string body is an isError result naming body for the ${generation} client, with no upstream call`, async () => {
        const result = await ctx.client(generation).callTool('create-customer', { body: 'not an object' });
        const problem = toolProblem(result);
        expect(problem.code).toBe('CAP_INPUT_INVALID');
        expect(problem.errors).toStrictEqual([{ field: 'body', message: 'must be object' }]);
        expect(ctx.upstream.requests).toHaveLength(0);
      });
    }

    it('REST POST with malformed JSON is a 400 problem naming the body, with no upstream call', async () => {
      const response = await fetch(`${ctx.served.rest}/v1/v1/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": ' });
      const problem = expectProblemResponse({ status: response.status, contentType: response.headers.get('content-type') ?? '', json: await response.json() }, 400, 'CAP_INPUT_INVALID');
      expect(problem.errors?.[0]?.field).toBe('body');
      expect(ctx.upstream.requests).toHaveLength(0);
    });
  });

  describe('upstream error statuses', () => {
    it('an upstream 404 passes through REST as a 404 problem carrying the upstream body', async () => {
      ctx.upstream.handle(() => ({ status: 404, body: { message: 'customer not found', code: 'NOT_FOUND' } }));
      const answer = await restCall(ctx.served.rest, 'GET', '/v1/v1/customers/cust_missing');
      const problem = expectProblemResponse(answer, 404, 'CAP_UPSTREAM_STATUS');
      expect(problem.upstream).toStrictEqual({ namespace: 'metronome-customers', status: 404, body: { message: 'customer not found', code: 'NOT_FOUND' } });
      expect(ctx.upstream.only().path).toBe('/v1/customers/cust_missing');
    });

    it('an upstream 422 to a POST passes through REST as a 422 problem carrying the upstream body', async () => {
      ctx.upstream.handle(() => ({ status: 422, body: { message: 'name is required' } }));
      const answer = await restCall(ctx.served.rest, 'POST', '/v1/v1/customers', { ingest_aliases: [] });
      const problem = expectProblemResponse(answer, 422, 'CAP_UPSTREAM_STATUS');
      expect(problem.upstream?.body).toStrictEqual({ message: 'name is required' });
      expect(ctx.upstream.only().json).toStrictEqual({ ingest_aliases: [] });
    });

    it('an upstream 500 with a text body passes through REST as a 500 problem carrying the text', async () => {
      ctx.upstream.handle(() => ({ status: 500, body: 'database on fire', headers: { 'content-type': 'text/plain' } }));
      const answer = await restCall(ctx.served.rest, 'GET', '/v1/v1/customers/cust_1');
      const problem = expectProblemResponse(answer, 500, 'CAP_UPSTREAM_STATUS');
      expect(problem.upstream?.body).toBe('database on fire');
    });

    for (const generation of CLIENT_GENERATIONS) {
      it(`an upstream 404 is an isError result with the status and upstream body for the ${generation} client`, async () => {
        ctx.upstream.handle(() => ({ status: 404, body: { message: 'customer not found' } }));
        const result = await ctx.client(generation).callTool('get-customer', { customer_id: 'cust_missing' });
        const problem = toolProblem(result);
        expect(problem.code).toBe('CAP_UPSTREAM_STATUS');
        expect(problem.status).toBe(404);
        expect(problem.detail).toContain('404');
        expect(problem.upstream?.body).toStrictEqual({ message: 'customer not found' });
        expect(ctx.upstream.only().path).toBe('/v1/customers/cust_missing');
      });

      it(`an upstream 503 is an isError result with the status for the ${generation} client`, async () => {
        ctx.upstream.handle(() => ({ status: 503, body: { message: 'maintenance' } }));
        const result = await ctx.client(generation).callTool('list-customers', {});
        const problem = toolProblem(result);
        expect(problem.status).toBe(503);
        expect(resultText(result)).toContain('503');
      });
    }

    it('an upstream that drops the connection is a 502 problem on REST', async () => {
      ctx.upstream.handle(() => ({ closeConnection: true }));
      const answer = await restCall(ctx.served.rest, 'GET', '/v1/v1/customers/cust_1');
      expectProblemResponse(answer, 502, 'CAP_UPSTREAM_UNREACHABLE');
      expect(ctx.upstream.requests.length).toBeGreaterThanOrEqual(1);
    });
  });

  describe('secrets never reach the caller', () => {
    const echoHeaders = () => ctx.upstream.handle((r) => ({ status: 200, body: { youSent: r.headers, note: `token was ${String(r.headers.authorization)}` } }));

    it('an upstream echoing the request headers gets the key but the REST caller never sees it', async () => {
      echoHeaders();
      const answer = await restCall(ctx.served.rest, 'GET', '/v1/v1/customers/cust_1');
      expect(ctx.upstream.only().headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain(API_KEY);
      expect(answer.text).toContain('[redacted]');
      expect([...answer.headers.values()].join('\n')).not.toContain(API_KEY);
    });

    it('an upstream error body quoting the key is redacted in the REST problem', async () => {
      ctx.upstream.handle((r) => ({ status: 401, body: `invalid token ${String(r.headers.authorization)}`, headers: { 'content-type': 'text/plain' } }));
      const answer = await restCall(ctx.served.rest, 'POST', '/v1/v1/customers', { name: 'Acme' });
      expectProblemResponse(answer, 401, 'CAP_UPSTREAM_STATUS');
      expect(ctx.upstream.only().headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(answer.text).not.toContain(API_KEY);
    });

    for (const generation of CLIENT_GENERATIONS) {
      it(`an upstream echoing the request headers never leaks the key into the tool result of the ${generation} client`, async () => {
        echoHeaders();
        const result = await ctx.client(generation).callTool('get-customer', { customer_id: 'cust_1' });
        expect(ctx.upstream.only().headers.authorization).toBe(`Bearer ${API_KEY}`);
        expect(result.isError ?? false).toBe(false);
        expect(JSON.stringify(result)).not.toContain(API_KEY);
        expect(JSON.stringify(result.structuredContent)).toContain('[redacted]');
      });

      it(`an upstream error quoting the key never leaks it into the isError result of the ${generation} client`, async () => {
        ctx.upstream.handle((r) => ({ status: 403, body: { error: `forbidden for ${String(r.headers.authorization)}` } }));
        const result = await ctx.client(generation).callTool('create-customer', { body: { name: 'Acme' } });
        expect(toolProblem(result).status).toBe(403);
        expect(JSON.stringify(result)).not.toContain(API_KEY);
      });
    }
  });

  describe('MCP endpoint protection (DNS rebinding)', () => {
    it('a tools/call with a foreign Origin is refused with 403 and never reaches the upstream', async () => {
      const answer = await rawMcpPost(ctx.served.mcp, getCustomerCall, { origin: 'https://evil.example' });
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('Origin');
      expect(ctx.upstream.requests).toHaveLength(0);
    });

    it('a tools/call with a foreign Host header is refused with 403 and never reaches the upstream', async () => {
      const answer = await rawMcpPost(ctx.served.mcp, getCustomerCall, { host: 'evil.example' });
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('Host');
      expect(ctx.upstream.requests).toHaveLength(0);
    });

    it('the same raw tools/call from a local Origin is served and reaches the upstream', async () => {
      const port = new URL(ctx.served.mcp).port;
      const answer = await rawMcpPost(ctx.served.mcp, getCustomerCall, { origin: `http://localhost:${port}` });
      expect(answer.status).toBe(200);
      const message = rpcMessage(answer.text);
      expect(message.id).toBe(7);
      expect(message.error).toBeUndefined();
      expect(ctx.upstream.only().path).toBe('/v1/customers/cust_1');
    });
  });

  describe('unknown tools, paths and methods', () => {
    for (const generation of CLIENT_GENERATIONS) {
      it(`an unknown tool is a JSON-RPC invalid-params error for the ${generation} client`, async () => {
        const error = await ctx
          .client(generation)
          .callTool('no-such-tool', {})
          .then(
            () => undefined,
            (e: unknown) => e as { code?: number; message?: string },
          );
        expect(error).toBeDefined();
        expect(error?.code).toBe(-32602);
        expect(error?.message).toContain('no-such-tool');
        expect(ctx.upstream.requests).toHaveLength(0);
      });
    }

    it('an unknown tool on the wire is a JSON-RPC error response with code -32602', async () => {
      const answer = await rawMcpPost(ctx.served.mcp, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'no-such-tool', arguments: {} } });
      expect(answer.status).toBe(200);
      const message = rpcMessage(answer.text);
      expect(message.id).toBe(3);
      expect(message.result).toBeUndefined();
      expect(message.error?.code).toBe(-32602);
      expect(message.error?.message).toContain('unknown tool "no-such-tool"');
    });

    it('an unknown REST path is a 404 problem', async () => {
      const answer = await restCall(ctx.served.rest, 'GET', '/v1/nowhere?x=1');
      const problem = expectProblemResponse(answer, 404, 'CAP_ROUTE_NOT_FOUND');
      expect(problem.detail).toBe('no route for GET /v1/nowhere');
      expect(ctx.upstream.requests).toHaveLength(0);
    });

    it('a wrong method on a known REST path is a 405 problem with an Allow header', async () => {
      const answer = await restCall(ctx.served.rest, 'DELETE', '/v1/v1/customers/cust_1');
      const problem = expectProblemResponse(answer, 405, 'CAP_METHOD_NOT_ALLOWED');
      expect(answer.headers.get('allow')).toBe('GET');
      expect(problem.detail).toContain('DELETE');
      expect(ctx.upstream.requests).toHaveLength(0);
    });

    it('GET on a POST-only REST path is a 405 problem allowing POST', async () => {
      const answer = await restCall(ctx.served.rest, 'GET', '/v1/v1/customers/archive');
      expectProblemResponse(answer, 405, 'CAP_METHOD_NOT_ALLOWED');
      expect(answer.headers.get('allow')).toBe('POST');
      expect(ctx.upstream.requests).toHaveLength(0);
    });
  });
});

describe('errors when the secret is unset', () => {
  const ctx = useServed({ env: {} });

  it('loading warns that METRONOME_API_KEY has no value', () => {
    const warning = ctx.served.prepared.diagnostics.find((d) => d.code === 'CAP_RESOLVE_BIND_UNSET');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toContain('METRONOME_API_KEY');
  });

  it('a REST call is a 503 problem naming the variable, with no upstream call', async () => {
    const answer = await restCall(ctx.served.rest, 'GET', '/v1/v1/customers/cust_1');
    const problem = expectProblemResponse(answer, 503, 'CAP_SECRET_MISSING');
    expect(problem.detail).toContain('METRONOME_API_KEY is not set');
    expect(ctx.upstream.requests).toHaveLength(0);
  });

  for (const generation of CLIENT_GENERATIONS) {
    it(`a tool call is an isError result naming the variable for the ${generation} client, with no upstream call`, async () => {
      const result = await ctx.client(generation).callTool('create-customer', { body: { name: 'Acme' } });
      const problem = toolProblem(result);
      expect(problem.code).toBe('CAP_SECRET_MISSING');
      expect(problem.detail).toContain('METRONOME_API_KEY');
      expect(ctx.upstream.requests).toHaveLength(0);
    });
  }
});

describe('errors when the upstream is unreachable', () => {
  const ctx = useServed({ env: { METRONOME_API_KEY: API_KEY }, upstreamUrl: async () => `http://127.0.0.1:${await closedPort()}` });

  it('a REST call to a closed port is a 502 problem', async () => {
    const answer = await restCall(ctx.served.rest, 'GET', '/v1/v1/customers/cust_1');
    const problem = expectProblemResponse(answer, 502, 'CAP_UPSTREAM_UNREACHABLE');
    expect(problem.detail).toContain('unreachable');
    expect(problem.upstream?.namespace).toBe('metronome-customers');
    expect(answer.text).not.toContain(API_KEY);
  });

  for (const generation of CLIENT_GENERATIONS) {
    it(`a tool call to a closed port is an isError result with status 502 for the ${generation} client`, async () => {
      const result = await ctx.client(generation).callTool('get-customer', { customer_id: 'cust_1' });
      const problem = toolProblem(result);
      expect(problem.code).toBe('CAP_UPSTREAM_UNREACHABLE');
      expect(problem.status).toBe(502);
    });
  }
});

describe('errors when the upstream is too slow', () => {
  const ctx = useServed({ env: { METRONOME_API_KEY: API_KEY }, timeoutMs: 200 });
  beforeEach(() => ctx.upstream.handle(() => ({ delayMs: 3_000, body: { late: true } })));

  it('a REST call is a 504 problem after about the 200 ms timeout', async () => {
    const started = Date.now();
    const answer = await restCall(ctx.served.rest, 'GET', '/v1/v1/customers/cust_1');
    const elapsed = Date.now() - started;
    const problem = expectProblemResponse(answer, 504, 'CAP_UPSTREAM_TIMEOUT');
    expect(problem.detail).toContain('200 ms');
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2_500);
    expect(ctx.upstream.only().path).toBe('/v1/customers/cust_1');
  });

  for (const generation of CLIENT_GENERATIONS) {
    it(`a tool call is an isError result with status 504 for the ${generation} client`, async () => {
      const result = await ctx.client(generation).callTool('list-customers', { ingest_alias: 'slow' });
      const problem = toolProblem(result);
      expect(problem.code).toBe('CAP_UPSTREAM_TIMEOUT');
      expect(problem.status).toBe(504);
      expect(ctx.upstream.only().query.get('ingest_alias')).toBe('slow');
    });
  }
});

describe('errors on declared REST inputs (inline fixture)', () => {
  // No seed declares REST inputParameters, so this small capability does: a required string and an integer.
  const FIXTURE = `naftiko: 1.0.0-alpha2
info:
  label: Widgets
  description: Error-surface fixture with declared inputs
binds:
  - namespace: env
    keys:
      WIDGETS_TOKEN: WIDGETS_TOKEN
capability:
  consumes:
    - type: http
      namespace: widgets
      baseUri: http://127.0.0.1:9
      authentication:
        type: bearer
        token: '{{WIDGETS_TOKEN}}'
      resources:
        - name: widgets
          path: /widgets
          operations:
            - name: create-widget
              method: POST
              body:
                type: json
                data:
                  name: '{{name}}'
                  count: '{{count}}'
  exposes:
    - type: rest
      port: 8080
      namespace: widgets-api
      resources:
        - path: /v1/widgets
          name: widgets
          operations:
            - method: POST
              name: create-widget
              call: widgets.create-widget
              inputParameters:
                - name: name
                  in: body
                  type: string
                  required: true
                  description: Widget name
                - name: count
                  in: body
                  type: integer
                  description: How many
    - type: mcp
      port: 9090
      namespace: widgets-mcp
      transport: http
      tools:
        - name: create-widget
          description: Create a widget
          call: widgets.create-widget
          inputParameters:
            - name: name
              type: string
              description: Widget name
            - name: count
              type: integer
              required: false
              description: How many
`;
  let dir = '';
  let upstream: Upstream | undefined;
  let served: Served | undefined;
  let client: McpTestClient | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capability-errors-'));
    await writeFile(join(dir, 'widgets.yaml'), FIXTURE);
    upstream = await startUpstream();
    served = await serveCapability(join(dir, 'widgets.yaml'), { env: { WIDGETS_TOKEN: 'wdg_token_123456' }, upstreamUrl: upstream.url });
    client = await connectMcp('2026-07-28', served.mcp);
  });
  afterAll(async () => {
    await client?.close().catch(() => {});
    await served?.close();
    await upstream?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => upstream?.reset());

  it('a REST body without the required name is a 400 problem naming name in body, with no upstream call', async () => {
    const answer = await restCall(served!.rest, 'POST', '/v1/widgets', { count: 2 });
    const problem = expectProblemResponse(answer, 400, 'CAP_INPUT_INVALID');
    expect(problem.errors).toStrictEqual([{ field: 'name', in: 'body', message: 'is required' }]);
    expect(upstream!.requests).toHaveLength(0);
  });

  it('a REST body with a non-integer count is a 400 problem naming count, with no upstream call', async () => {
    const answer = await restCall(served!.rest, 'POST', '/v1/widgets', { name: 'gear', count: 'many' });
    const problem = expectProblemResponse(answer, 400, 'CAP_INPUT_INVALID');
    expect(problem.errors).toStrictEqual([{ field: 'count', in: 'body', message: 'must be integer' }]);
    expect(upstream!.requests).toHaveLength(0);
  });

  it('a valid REST body reaches the upstream with count as a number', async () => {
    const answer = await restCall(served!.rest, 'POST', '/v1/widgets', { name: 'gear', count: 2 });
    expect(answer.status).toBe(200);
    const recorded = upstream!.only();
    expect(recorded.headers.authorization).toBe('Bearer wdg_token_123456');
    expect(recorded.json).toStrictEqual({ name: 'gear', count: 2 });
    expect(answer.json).toStrictEqual(recorded.answered?.body);
  });

  it('a tool call without the required name is an isError result naming name, with no upstream call', async () => {
    const problem = toolProblem(await client!.callTool('create-widget', { count: 1 }));
    expect(problem.code).toBe('CAP_INPUT_INVALID');
    expect(problem.errors).toStrictEqual([{ field: 'name', message: 'is required' }]);
    expect(upstream!.requests).toHaveLength(0);
  });
});
