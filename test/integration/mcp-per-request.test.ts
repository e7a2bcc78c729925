// What one request costs the runtime in promises (issue 9, the MCP hot path), checked by structure, not time: the
// real CLI serves a capability whose REST route and MCP tool do the same upstream call, and an async_hooks counter
// loaded into that process (test/helpers/async-count/) counts the promises each kind of request creates. The MCP
// fast path answers tools/call through a callback, so beyond the REST route it costs one async function for the
// tool call and nothing more; before, four promise layers (fast path, result text, observation, tool run) made a
// call cost 7 promises more than REST, each with a microtask and the async-context hooks, on every request.
import { readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, ROOT, startServe, type ServeProcess } from '../helpers/cli.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';
import { revisionHeaders, withMeta, type Revision } from '../conformance/mcp/rpc.js';
import { CLIENT_GENERATIONS, connectMcp } from '../helpers/mcp-clients.js';

const REGISTER = join(ROOT, 'test', 'helpers', 'async-count', 'register.mjs');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'perf', 'one-call.yaml');
const TOKEN = 'per-request-token-9c2e';
const REQUESTS = 40;

let upstream: Upstream;
let serve: ServeProcess;
let countFile: string;
let restUrl: string;
let mcpUrl: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Asks the served process for its counts since the last snapshot (SIGUSR2) and waits for them. */
async function snapshot(): Promise<Record<string, number>> {
  const before = (await readFile(countFile, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  serve.signal('SIGUSR2');
  for (let i = 0; i < 500; i++) {
    const lines = (await readFile(countFile, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    if (lines.length > before) return JSON.parse(lines[lines.length - 1]!) as Record<string, number>;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no counts from the served process');
}

/** Promises the server created per request over `REQUESTS` sequential requests (after a warm-up). */
async function promisesPerRequest(send: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 10; i++) await send();
  await snapshot();
  for (let i = 0; i < REQUESTS; i++) await send();
  return ((await snapshot()).PROMISE ?? 0) / REQUESTS;
}

const rest = async () => {
  const response = await fetch(`${restUrl}/v1/items/w-1`);
  expect(await response.json()).toEqual({ id: 'w-1', name: 'Widget' });
};

const mcp = (revision: Revision) => async () => {
  const params = { name: 'get-item', arguments: { id: 'w-1' } };
  const response = await fetch(mcpUrl, { method: 'POST', headers: revisionHeaders(revision, 'tools/call', params), body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: withMeta(revision, params) }) });
  const text = await response.text();
  const message = JSON.parse(text.startsWith('{') ? text : text.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as { result?: { structuredContent?: unknown } };
  expect(message.result?.structuredContent).toEqual({ id: 'w-1', name: 'Widget' });
};

beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream((request) => (request.headers.authorization === `Bearer ${TOKEN}` ? { body: { data: { id: 'w-1', name: 'Widget' } } } : { status: 401, body: {} }));
  countFile = join(mkdtempSync(join(tmpdir(), 'cap-async-count-')), 'counts.jsonl');
  const [restPort, mcpPort] = [await freePort(), await freePort()];
  serve = await startServe([FIXTURE, '--port', `one-rest=${restPort}`, '--port', `one-mcp=${mcpPort}`, '--upstream', `items-api=${upstream.url}`], 2, {
    env: { ITEM_TOKEN: TOKEN, NODE_OPTIONS: `--import=${REGISTER}`, CAPABILITY_ASYNC_COUNT: countFile },
    timeoutMs: 60_000,
  });
  restUrl = `http://127.0.0.1:${restPort}`;
  mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
}, 120_000);

afterAll(async () => {
  await serve?.stop();
  killRunningChildren();
  await upstream?.close();
});

describe('promises per request', () => {
  it('an MCP tools/call on the fast path creates at most two promises more than the REST route doing the same call', async () => {
    const restPromises = await promisesPerRequest(rest);
    expect(restPromises).toBeGreaterThan(0); // the counter saw the requests
    for (const revision of ['2025-06-18', '2026-07-28'] as const) {
      const mcpPromises = await promisesPerRequest(mcp(revision));
      expect(mcpPromises, `${revision}: ${mcpPromises} promises per tools/call, REST ${restPromises}`).toBeLessThanOrEqual(restPromises + 2);
    }
    expect(upstream.requests.length).toBe(3 * (10 + REQUESTS));
  }, 60_000);
});

describe('async-context stores', () => {
  it('are on only while a request the SDK answers needs them: afterwards fast-path calls and REST routes run without their hooks', async () => {
    // Requests the SDK answers (initialize, the 2026-07-28 discovery, a tools/call with an unknown tool) enter the stores.
    for (const generation of CLIENT_GENERATIONS) {
      const client = await connectMcp(generation, mcpUrl);
      expect((await client.listTools()).map((t) => t.name)).toEqual(['get-item']);
      await expect(client.callTool('no-such-tool')).rejects.toThrow(/no-such-tool|get-item/);
      await client.close();
    }
    await rest();
    await mcp('2025-06-18')();
    await mcp('2026-07-28')();
    const counts = await snapshot();
    expect(counts.storesEntered).toBeGreaterThan(0); // the SDK's requests did enter them
    expect(counts.storesOn).toBe(0);
  }, 60_000);
});
