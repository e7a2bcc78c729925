// Shared machinery of the seed tests: serve one seed against a recording upstream, connect both MCP client
// generations, and turn tables of tool calls / REST requests into tests that assert what crossed the wire.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { CLIENT_GENERATIONS, connectMcp, type ClientGeneration, type McpTestClient, type ToolCallResult } from './mcp-clients.js';
import { serveCapability, seedFile, type Served } from './runtime.js';
import { startUpstream, type RecordedRequest, type Upstream, type UpstreamReply } from './upstream.js';

export type SeedName = 'schematic' | 'metronome' | 'stigg' | 'togai';

/** What one exposed call must make the upstream receive. */
export interface ExpectedUpstreamCall {
  method: string;
  /** Path as received by the upstream (percent-encoding included). */
  path: string;
  /** Exact query; repeated keys as arrays. Defaults to no query at all. */
  query?: Record<string, string | string[]>;
  /** Exact JSON body (JSON types matter). Undefined means: no body at all. */
  json?: unknown;
}

export interface ToolCase {
  tool: string;
  args: Record<string, unknown>;
  upstream: ExpectedUpstreamCall;
  /** Extra words for the test name, e.g. "with keys as a JSON object". */
  says?: string;
  /** Extra checks on the recorded request. */
  check?: (request: RecordedRequest) => void;
}

export interface RouteCase {
  /** The route as declared, `METHOD /path/{var}`: used to prove every route is exercised. */
  route: string;
  method: string;
  /** Concrete URL path (and query) to request on the REST adapter. */
  url: string;
  /** JSON request body, if any. */
  body?: unknown;
  upstream: ExpectedUpstreamCall;
  says?: string;
  check?: (request: RecordedRequest) => void;
}

export interface AuthExpectation {
  /** Header name as the API documents it, e.g. `X-Schematic-Api-Key`. */
  header: string;
  /** Exact header value, e.g. `Bearer mk_test_…`. */
  value: string;
}

export interface SeedContext {
  readonly upstream: Upstream;
  readonly served: Served;
  client(generation: ClientGeneration): McpTestClient;
}

let replyCounter = 0;

/**
 * The test upstream's answer: distinct per request and rich in JSON types, so that pass-through is provable
 * (a canned or re-typed body would not be equal).
 */
export function richReply(request: RecordedRequest): UpstreamReply {
  replyCounter += 1;
  return {
    status: 200,
    body: {
      ok: true,
      echo: `${request.method} ${request.path}`,
      replyId: `reply-${replyCounter}`,
      count: replyCounter,
      ratio: 0.25,
      flags: [true, false],
      nested: { list: ['a', 1, { deep: null }], empty: {} },
      nothing: null,
    },
  };
}

/** Serves a seed for the whole test file and connects both client generations; all closed in afterAll. */
export function useSeed(seed: SeedName, env: Record<string, string>): SeedContext {
  let upstream: Upstream | undefined;
  let served: Served | undefined;
  const clients = new Map<ClientGeneration, McpTestClient>();

  beforeAll(async () => {
    upstream = await startUpstream(richReply);
    served = await serveCapability(seedFile(seed), { env, upstreamUrl: upstream.url });
    for (const generation of CLIENT_GENERATIONS) clients.set(generation, await connectMcp(generation, served.mcp));
  });
  afterAll(async () => {
    for (const client of clients.values()) await client.close().catch(() => {});
    await served?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    upstream?.reset();
    upstream?.handle(richReply);
  });

  return {
    get upstream() {
      return upstream!;
    },
    get served() {
      return served!;
    },
    client(generation) {
      const client = clients.get(generation);
      if (!client) throw new Error(`no ${generation} client connected`);
      return client;
    },
  };
}

/** Asserts one recorded upstream request: method, path, exact query, auth header, exact JSON body (or none). */
export function expectUpstreamCall(recorded: RecordedRequest, expected: ExpectedUpstreamCall, auth: AuthExpectation): void {
  expect(recorded.method).toBe(expected.method);
  expect(recorded.path).toBe(expected.path);
  expect(recorded.queryRecord).toStrictEqual(expected.query ?? {});
  expect(recorded.headers[auth.header.toLowerCase()]).toBe(auth.value);
  if (expected.json === undefined) {
    expect(recorded.bodyText).toBe('');
    expect(recorded.headers['content-type']).toBeUndefined();
  } else {
    expect(recorded.headers['content-type']).toBe('application/json');
    expect(recorded.json).toStrictEqual(expected.json);
  }
}

/** A successful tool result: one JSON text block and structuredContent, both equal to what the upstream sent. */
export function expectToolPassThrough(result: ToolCallResult, recorded: RecordedRequest): void {
  expect(result.isError ?? false).toBe(false);
  const sent = recorded.answered?.body;
  expect(sent).toBeDefined();
  expect(result.content).toHaveLength(1);
  expect(result.content[0]!.type).toBe('text');
  expect(JSON.parse(result.content[0]!.text!)).toStrictEqual(sent);
  expect(result.structuredContent).toStrictEqual(sent);
}

export interface RestAnswer {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
  headers: Headers;
}

/** One plain HTTP request to a REST adapter (global fetch, i.e. undici). */
export async function restCall(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestAnswer> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json, headers: response.headers };
}

/** A successful REST answer: the upstream status and exactly the upstream JSON. */
export function expectRestPassThrough(answer: RestAnswer, recorded: RecordedRequest): void {
  expect(answer.status).toBe(recorded.answered?.status);
  expect(answer.contentType).toMatch(/^application\/json\b/);
  expect(answer.json).toStrictEqual(recorded.answered?.body);
}

const describeCall = (u: ExpectedUpstreamCall) => {
  const pairs = Object.entries(u.query ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]));
  const query = pairs.length ? `?${new URLSearchParams(pairs).toString()}` : '';
  return `${u.method} ${u.path}${query}`;
};

/** One test per tool case and client generation. */
export function toolCallTests(ctx: SeedContext, auth: AuthExpectation, cases: readonly ToolCase[]): void {
  it('the cases below cover every listed tool', async () => {
    const listed = await ctx.client('2025').listTools();
    expect(cases.map((c) => c.tool).sort()).toStrictEqual(listed.map((t) => t.name).sort());
  });
  for (const generation of CLIENT_GENERATIONS) {
    for (const c of cases) {
      it(`tool ${c.tool} called by the ${generation} client sends ${describeCall(c.upstream)}${c.says ? ` ${c.says}` : ''} and returns the upstream JSON`, async () => {
        const result = await ctx.client(generation).callTool(c.tool, c.args);
        const recorded = ctx.upstream.only();
        expectUpstreamCall(recorded, c.upstream, auth);
        c.check?.(recorded);
        expectToolPassThrough(result, recorded);
      });
    }
  }
}

/** One test per REST route case. */
export function routeCallTests(ctx: SeedContext, auth: AuthExpectation, cases: readonly RouteCase[]): void {
  for (const c of cases) {
    it(`REST ${c.method} ${c.url} sends ${describeCall(c.upstream)}${c.says ? ` ${c.says}` : ''} and answers with the upstream JSON`, async () => {
      const answer = await restCall(ctx.served.rest, c.method, c.url, c.body);
      const recorded = ctx.upstream.only();
      expectUpstreamCall(recorded, c.upstream, auth);
      c.check?.(recorded);
      expectRestPassThrough(answer, recorded);
    });
  }
}

/** The compiled REST routes of the served seed, as `METHOD /path` (duplicates included). */
export function declaredRoutes(ctx: SeedContext): string[] {
  const adapter = ctx.served.prepared.capabilities[0]!.adapters.find((a) => a.type === 'rest');
  return adapter && adapter.type === 'rest' ? adapter.routes.map((r) => `${r.method} ${r.path}`) : [];
}
