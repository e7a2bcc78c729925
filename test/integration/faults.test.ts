// Fault injection (issue 6, "tests that stay", and items 10, 12, 13): a local upstream on 127.0.0.1 that refuses,
// resets mid-body, stalls, drips, answers 5xx, garbage, deeply nested and oversized bodies, and redirects. For each
// fault: the REST status and problem code, the MCP isError code for both client generations, the runtime still
// serving the next request, no bound secret in any answer, and the runtime's own 5xx logged with its cause.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/log.js';
import { ensureFreshBuild, killRunningChildren, runCli, startServe } from '../helpers/cli.js';
import { drip, hugeBody, jsonReply, startFaultUpstream, type Fault, type FaultUpstream } from '../helpers/fault-upstream.js';
import { CLIENT_GENERATIONS, connectMcp, resultText, type ClientGeneration, type McpTestClient, type ToolCallResult } from '../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../helpers/runtime.js';

const API_KEY = 'itm_live_5ecret_9a8b7c6d';
const FIXTURE = fileURLToPath(new URL('../fixtures/hostile/items.yaml', import.meta.url));
const TIMEOUT_MS = 1500;
const CAP_BYTES = 256 * 1024;

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; in?: string; message: string }[];
  upstream?: { namespace?: string; status?: number; body?: unknown };
}

interface RestAnswer {
  status: number;
  contentType: string;
  text: string;
  headers: Headers;
}

async function rest(base: string, method: string, path: string, body?: unknown): Promise<RestAnswer> {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text(), headers: response.headers };
}

function restProblem(answer: RestAnswer, status: number, code: string): Problem {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.text) as Problem;
  expect(problem.code).toBe(code);
  expect(problem.status).toBe(status);
  return problem;
}

function toolProblem(result: ToolCallResult, status: number, code: string): Problem {
  expect(result.isError, JSON.stringify(result)).toBe(true);
  const text = resultText(result);
  expect(text.startsWith(`${code}: `)).toBe(true);
  const problem = JSON.parse(text.slice(text.indexOf('\n') + 1)) as Problem;
  expect(problem.code).toBe(code);
  expect(problem.status).toBe(status);
  return problem;
}

const expectNoSecret = (...texts: string[]) => {
  for (const text of texts) expect(text).not.toContain(API_KEY);
};

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('fault injection against a hostile upstream', () => {
  let upstream: FaultUpstream;
  let foreign: FaultUpstream;
  let served: Served;
  const clients = new Map<ClientGeneration, McpTestClient>();
  const logLines: string[] = [];

  beforeAll(async () => {
    upstream = await startFaultUpstream();
    foreign = await startFaultUpstream();
    const logger = createLogger({ destination: { write: (line: string) => void logLines.push(line) } });
    served = await serveCapability(FIXTURE, {
      env: { ITEMS_API_KEY: API_KEY },
      upstreamUrl: upstream.url,
      timeoutMs: TIMEOUT_MS,
      logger,
      runtime: { maxResponseBytes: CAP_BYTES },
    });
    for (const generation of CLIENT_GENERATIONS) clients.set(generation, await connectMcp(generation, served.mcp));
  });
  afterAll(async () => {
    for (const client of clients.values()) await client.close().catch(() => {});
    await served?.close();
    await upstream?.close();
    await foreign?.close();
  });
  beforeEach(() => {
    upstream.reset();
    foreign.reset();
    upstream.handle(jsonReply(200, { ok: true }));
  });

  /** The same call over REST and both MCP client generations, at once (a slow fault costs one timeout, not three). */
  async function callEverywhere(fault: Fault, path = '/v1/items', tool = 'list-items') {
    upstream.handle(fault);
    const [answer, ...results] = await Promise.all([
      rest(served.rest, 'GET', path),
      ...CLIENT_GENERATIONS.map((g) => clients.get(g)!.callTool(tool, {})),
    ]);
    return { answer: answer!, results: results as ToolCallResult[] };
  }

  async function expectFaultEverywhere(fault: Fault, status: number, code: string, path?: string, tool?: string): Promise<Problem> {
    const { answer, results } = await callEverywhere(fault, path, tool);
    const problem = restProblem(answer, status, code);
    for (const result of results) toolProblem(result, status, code);
    expectNoSecret(answer.text, [...answer.headers.values()].join('\n'), ...results.map((r) => JSON.stringify(r)));
    // The runtime is still serving: the next call succeeds.
    upstream.handle(jsonReply(200, { ok: true, after: code }));
    const next = await rest(served.rest, 'GET', '/v1/items');
    expect(next.status).toBe(200);
    expect(JSON.parse(next.text)).toStrictEqual({ ok: true, after: code });
    return problem;
  }

  it('sends the API key and a capability-runtime User-Agent upstream (item 16)', async () => {
    const answer = await rest(served.rest, 'GET', '/v1/items');
    expect(answer.status).toBe(200);
    const [request] = upstream.requests;
    expect(request?.headers['x-api-key']).toBe(API_KEY);
    expect(request?.headers['user-agent']).toMatch(/^capability-runtime\/\d+\.\d+\.\d+/);
  });

  it('a connection reset in the middle of the body is a 502 CAP_UPSTREAM_UNREACHABLE saying so', async () => {
    const reset: Fault = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"items": [1, 2, ');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const problem = await expectFaultEverywhere(reset, 502, 'CAP_UPSTREAM_UNREACHABLE');
    expect(problem.detail).toContain('broke off its response');
  });

  it('an upstream that never answers is a 504 CAP_UPSTREAM_TIMEOUT', async () => {
    const problem = await expectFaultEverywhere(() => {}, 504, 'CAP_UPSTREAM_TIMEOUT');
    expect(problem.detail).toContain(`${TIMEOUT_MS} ms`);
  });

  it('an upstream that stalls after the headers is a 504 CAP_UPSTREAM_TIMEOUT', async () => {
    await expectFaultEverywhere((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }), 504, 'CAP_UPSTREAM_TIMEOUT');
  });

  it('an upstream that drips its body a byte at a time past the deadline is a 504 CAP_UPSTREAM_TIMEOUT', async () => {
    await expectFaultEverywhere(drip(JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => i) }), 100), 504, 'CAP_UPSTREAM_TIMEOUT');
  });

  it('an upstream 503 passes through as a 503 CAP_UPSTREAM_STATUS with its body', async () => {
    const problem = await expectFaultEverywhere(jsonReply(503, { message: 'maintenance' }), 503, 'CAP_UPSTREAM_STATUS');
    expect(problem.upstream).toStrictEqual({ namespace: 'items', status: 503, body: { message: 'maintenance' } });
  });

  it('an upstream 500 quoting the key passes through with the key redacted', async () => {
    const quoting: Fault = (req, res, recorded) => jsonReply(500, { error: `bad key ${String(req.headers['x-api-key'])}` })(req, res, recorded);
    const problem = await expectFaultEverywhere(quoting, 500, 'CAP_UPSTREAM_STATUS');
    expect(problem.upstream?.body).toStrictEqual({ error: 'bad key [redacted]' });
  });

  it('garbage under a JSON content type is a 502 CAP_UPSTREAM_BODY_INVALID', async () => {
    await expectFaultEverywhere(jsonReply(200, '<html>this is not json'), 502, 'CAP_UPSTREAM_BODY_INVALID');
  });

  it('JSON nested thousands of levels deep is a 502 CAP_UPSTREAM_BODY_INVALID, not a stack overflow', async () => {
    const problem = await expectFaultEverywhere(jsonReply(200, '['.repeat(5000) + ']'.repeat(5000)), 502, 'CAP_UPSTREAM_BODY_INVALID');
    expect(problem.detail).toContain('nested deeper than 100 levels');
  });

  describe('oversized bodies (item 10)', () => {
    it('a body whose content-length exceeds the cap is a 502 CAP_UPSTREAM_TOO_LARGE, read no further', async () => {
      const problem = await expectFaultEverywhere(hugeBody(4 * CAP_BYTES, { contentLength: true }), 502, 'CAP_UPSTREAM_TOO_LARGE');
      expect(problem.detail).toContain(`larger than ${CAP_BYTES} bytes`);
    });

    it('a chunked body that grows past the cap is a 502 CAP_UPSTREAM_TOO_LARGE and the upstream is cut off', async () => {
      const total = 64 * 1024 * 1024;
      upstream.handle(hugeBody(total));
      const answer = await rest(served.rest, 'GET', '/v1/items');
      restProblem(answer, 502, 'CAP_UPSTREAM_TOO_LARGE');
      // The runtime stopped reading: the upstream could write little more than the cap plus socket buffers.
      expect(upstream.bytesWritten()).toBeLessThan(total / 4);
    });

    it('a body just under the cap is served', async () => {
      const items = 'x'.repeat(CAP_BYTES - 100);
      upstream.handle(jsonReply(200, { items }));
      const answer = await rest(served.rest, 'GET', '/v1/items');
      expect(answer.status).toBe(200);
      expect((JSON.parse(answer.text) as { items: string }).items).toHaveLength(items.length);
    });

    it('x-max-response-bytes on a consumes adapter caps that upstream alone', async () => {
      const kilobyte = { data: 'y'.repeat(1024) };
      const problem = await expectFaultEverywhere(jsonReply(200, kilobyte), 502, 'CAP_UPSTREAM_TOO_LARGE', '/v1/thumbnails', 'list-thumbnails');
      expect(problem.detail).toContain('upstream "thumbnails"');
      expect(problem.detail).toContain('larger than 512 bytes');
      upstream.handle(jsonReply(200, kilobyte));
      expect((await rest(served.rest, 'GET', '/v1/items')).status).toBe(200);
    });
  });

  describe('redirects (item 12)', () => {
    it('a same-origin 302 on a GET is followed with the same credentials', async () => {
      upstream.handle((req, res, recorded) => {
        if (recorded.path === '/items') return void res.writeHead(302, { location: '/items-v2?page=1' }).end();
        jsonReply(200, { moved: true, path: recorded.path })(req, res, recorded);
      });
      const answer = await rest(served.rest, 'GET', '/v1/items');
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toStrictEqual({ moved: true, path: '/items-v2?page=1' });
      expect(upstream.requests.map((r) => r.path)).toStrictEqual(['/items', '/items-v2?page=1']);
      expect(upstream.requests[1]?.headers['x-api-key']).toBe(API_KEY);
    });

    it('a same-origin 307 on a POST repeats the method and body', async () => {
      upstream.handle((req, res, recorded) => {
        if (recorded.path === '/items') return void res.writeHead(307, { location: `${upstream.url}/items-v2` }).end();
        jsonReply(201, { created: JSON.parse(recorded.body) as unknown })(req, res, recorded);
      });
      const answer = await rest(served.rest, 'POST', '/v1/items', { name: 'gear' });
      expect(answer.status).toBe(201);
      expect(JSON.parse(answer.text)).toStrictEqual({ created: { name: 'gear' } });
      expect(upstream.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual(['POST /items', 'POST /items-v2']);
    });

    it('a 302 on a POST is not turned into a GET: 502 CAP_UPSTREAM_REDIRECT', async () => {
      upstream.handle((_req, res) => void res.writeHead(302, { location: '/elsewhere' }).end());
      const answer = await rest(served.rest, 'POST', '/v1/items', { name: 'gear' });
      const problem = restProblem(answer, 502, 'CAP_UPSTREAM_REDIRECT');
      expect(problem.detail).toContain(`302 redirecting to ${upstream.url}/elsewhere`);
      expect(upstream.requests).toHaveLength(1);
    });

    it('a cross-origin redirect is never followed: 502 CAP_UPSTREAM_REDIRECT naming the Location, the key stays home', async () => {
      const location = `${foreign.url}/collect?key=${API_KEY}`;
      const problem = await expectFaultEverywhere((_req, res) => void res.writeHead(301, { location }).end(), 502, 'CAP_UPSTREAM_REDIRECT');
      expect(problem.detail).toContain(`301 redirecting to ${foreign.url}/collect?key=[redacted]`);
      expect(problem.detail).toContain('another origin is never followed');
      expect(foreign.requests).toHaveLength(0);
    });

    it('a redirect loop stops after 3 hops with 502 CAP_UPSTREAM_REDIRECT', async () => {
      upstream.handle((_req, res) => void res.writeHead(302, { location: '/items' }).end());
      const problem = restProblem(await rest(served.rest, 'GET', '/v1/items'), 502, 'CAP_UPSTREAM_REDIRECT');
      expect(problem.detail).toContain('more than 3 redirects');
      expect(upstream.requests).toHaveLength(4);
    });

    it('a 3xx without a Location is a 502 CAP_UPSTREAM_REDIRECT', async () => {
      const problem = await expectFaultEverywhere((_req, res) => void res.writeHead(302).end(), 502, 'CAP_UPSTREAM_REDIRECT');
      expect(problem.detail).toContain('no Location header');
    });
  });

  describe('5xx answers are logged with their cause (item 13)', () => {
    const parsed = () => logLines.map((l) => JSON.parse(l) as Record<string, unknown> & { err?: { message?: string; type?: string } });

    it('an internal error answers a generic 500 and logs the exception behind it', async () => {
      logLines.length = 0;
      upstream.handle(jsonReply(200, { items: [{ price: null }] }));
      const answer = await rest(served.rest, 'GET', '/v1/priced');
      const problem = restProblem(answer, 500, 'CAP_INTERNAL');
      expect(problem.detail).toBe('internal error while handling the call');
      const line = parsed().find((l) => l.code === 'CAP_INTERNAL');
      expect(line).toMatchObject({ level: 50, status: 500, adapter: 'items-api', route: 'GET /v1/priced' });
      expect(line?.err?.message).toContain('Cannot read properties of null');
    });

    for (const generation of CLIENT_GENERATIONS) {
      it(`an internal error in a tool call is an isError CAP_INTERNAL for the ${generation} client, logged with its cause`, async () => {
        logLines.length = 0;
        upstream.handle(jsonReply(200, { items: [{ price: null }] }));
        const problem = toolProblem(await clients.get(generation)!.callTool('list-priced', {}), 500, 'CAP_INTERNAL');
        expect(problem.detail).toBe('internal error while handling the call');
        const line = parsed().find((l) => l.code === 'CAP_INTERNAL');
        expect(line).toMatchObject({ level: 50, status: 500, adapter: 'items-mcp', tool: 'list-priced' });
        expect(line?.err?.message).toContain('Cannot read properties of null');
      });
    }

    it('a timeout and a refused redirect are each logged at error level with the upstream and cause', async () => {
      logLines.length = 0;
      await callEverywhere(() => {});
      // Failure lines (error level), not the info-level request lines that also name the code.
      const timeouts = parsed().filter((l) => l.code === 'CAP_UPSTREAM_TIMEOUT' && l.level === 50);
      expect(timeouts).toHaveLength(3); // REST and both MCP generations
      expect(timeouts.map((l) => l.adapter).sort()).toStrictEqual(['items-api', 'items-mcp', 'items-mcp']);
      expect(timeouts.find((l) => l.tool === 'list-items')).toMatchObject({ level: 50, status: 504, upstream: 'items' });
      expect(timeouts[0]?.err?.message).toBeTruthy();

      logLines.length = 0;
      upstream.handle((_req, res) => void res.writeHead(302, { location: `${foreign.url}/k/${API_KEY}` }).end());
      await rest(served.rest, 'GET', '/v1/items');
      const redirect = parsed().find((l) => l.code === 'CAP_UPSTREAM_REDIRECT' && l.level === 50);
      expect(redirect).toMatchObject({ level: 50, status: 502, upstream: 'items' });
      expect(String(redirect?.msg)).toContain(`${foreign.url}/k/[redacted]`);
    });

    it('an upstream 5xx passed through is logged at warn level', async () => {
      logLines.length = 0;
      upstream.handle(jsonReply(502, { message: 'bad gateway' }));
      await rest(served.rest, 'GET', '/v1/items');
      expect(parsed().find((l) => l.code === 'CAP_UPSTREAM_STATUS' && l.level === 40)).toMatchObject({ level: 40, status: 502, upstream: 'items' });
    });

    it('no log line ever held the key', () => {
      expectNoSecret(...logLines);
    });
  });
});

describe('fault injection: an upstream that refuses connections', () => {
  let served: Served;
  const clients = new Map<ClientGeneration, McpTestClient>();
  beforeAll(async () => {
    served = await serveCapability(FIXTURE, { env: { ITEMS_API_KEY: API_KEY }, upstreamUrl: `http://127.0.0.1:${await closedPort()}` });
    for (const generation of CLIENT_GENERATIONS) clients.set(generation, await connectMcp(generation, served.mcp));
  });
  afterAll(async () => {
    for (const client of clients.values()) await client.close().catch(() => {});
    await served?.close();
  });

  it('is a 502 CAP_UPSTREAM_UNREACHABLE on REST and MCP, twice in a row, without the key', async () => {
    for (let round = 0; round < 2; round++) {
      const answer = await rest(served.rest, 'GET', '/v1/items');
      const problem = restProblem(answer, 502, 'CAP_UPSTREAM_UNREACHABLE');
      expect(problem.detail).toContain('ECONNREFUSED');
      expectNoSecret(answer.text);
      for (const generation of CLIENT_GENERATIONS) {
        const result = await clients.get(generation)!.callTool('list-items', {});
        toolProblem(result, 502, 'CAP_UPSTREAM_UNREACHABLE');
        expectNoSecret(JSON.stringify(result));
      }
    }
  });
});

describe('a 100 MB upstream body with the default cap (item 10)', () => {
  let upstream: FaultUpstream;
  let served: Served;
  beforeAll(async () => {
    upstream = await startFaultUpstream();
    served = await serveCapability(FIXTURE, { env: { ITEMS_API_KEY: API_KEY }, upstreamUrl: upstream.url });
  });
  afterAll(async () => {
    await served?.close();
    await upstream?.close();
  });

  it('is refused with 502 CAP_UPSTREAM_TOO_LARGE while resident memory grows by far less than the body', async () => {
    const total = 100 * 1024 * 1024;
    upstream.handle(hugeBody(total));
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const answer = await rest(served.rest, 'GET', '/v1/items');
      const problem = restProblem(answer, 502, 'CAP_UPSTREAM_TOO_LARGE');
      expect(problem.detail).toContain(`larger than ${8 * 1024 * 1024} bytes`);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    // Before the cap the whole body was buffered (RSS +1 GB at peak); now at most the 8 MiB cap is held.
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
    expect(upstream.bytesWritten()).toBeLessThan(total / 4);
  });
});

describe('the --max-response-bytes flag of the real CLI', () => {
  let upstream: FaultUpstream;
  beforeAll(async () => {
    await ensureFreshBuild();
    upstream = await startFaultUpstream(jsonReply(200, { data: 'z'.repeat(2000) }));
  });
  afterAll(async () => {
    killRunningChildren();
    await upstream?.close();
  });

  it('caps every upstream response of the served capability', async () => {
    const serve = await startServe(
      [FIXTURE, '--upstream', `items=${upstream.url}`, '--upstream', `thumbnails=${upstream.url}`, '--port', 'items-api=0', '--port', 'items-mcp=0', '--max-response-bytes', '1000'],
      2,
      { env: { ITEMS_API_KEY: API_KEY } },
    );
    const url = serve.lines.find((l) => l.startsWith('rest'))!.split(/\s+/)[2]!;
    const problem = restProblem(await rest(url, 'GET', '/v1/items'), 502, 'CAP_UPSTREAM_TOO_LARGE');
    expect(problem.detail).toContain('larger than 1000 bytes');
    const stopped = await serve.stop();
    expect(stopped.code).toBe(0);
    expectNoSecret(stopped.stdout, stopped.stderr);
    expect(stopped.stderr).toContain('CAP_UPSTREAM_TOO_LARGE');
  });

  it('refuses a value that is not a positive integer with a usage error', async () => {
    const result = await runCli(['serve', FIXTURE, '--max-response-bytes', '0'], { env: { ITEMS_API_KEY: API_KEY } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--max-response-bytes must be a positive integer (bytes), got "0"');
  });
});
