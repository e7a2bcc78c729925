// Nothing the runtime keeps grows with what callers send (issue 9: flat memory over a soak). 10,000 requests with
// distinct paths, query strings, request ids, tool names and JSON-RPC methods, over REST and MCP, leave the set of
// metric series exactly as a first small batch of the same kinds left it: every label value comes from the capability
// (or from a fixed list), never from a path, an id or a name a caller made up. Structure, not bytes or time.
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const FIXTURE = new URL('../fixtures/memory/items.yaml', import.meta.url).pathname;
let upstream: Upstream;
let served: Served;
const dispatcher = new Agent({ connections: 16 });

beforeAll(async () => {
  upstream = await startUpstream((request) => ({ body: { data: { id: request.path.split('/').pop(), name: 'Widget' } } }));
  served = await serveCapability(FIXTURE, { env: { BENCH_TOKEN: 'tok-bounded' }, upstreamUrl: upstream.url });
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
  await dispatcher.close();
});

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };
const rpc = (id: number, method: string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, params });

/** The i-th request of each kind: its URL, init and the status it must get. */
function request(kind: number, i: number): { url: string; init: RequestInit; status: number } {
  const headers = { 'x-request-id': `req-${kind}-${i}` };
  switch (kind) {
    case 0: // an unknown path: 404, not a new route label
      return { url: `${served.rest}/nowhere/${i}/x`, init: { headers }, status: 404 };
    case 1: // a known route with a distinct id and query string
      return { url: `${served.rest}/v1/items/w-${i}?expand=${i}`, init: { headers }, status: 200 };
    case 2: // an unknown tool
      return { url: served.mcp, init: { method: 'POST', headers: { ...headers, ...MCP_HEADERS }, body: rpc(i, 'tools/call', { name: `no-tool-${i}`, arguments: {} }) }, status: 200 };
    case 3: // an unknown JSON-RPC method
      return { url: served.mcp, init: { method: 'POST', headers: { ...headers, ...MCP_HEADERS }, body: rpc(i, `no/method-${i}`, {}) }, status: 200 };
    default: // a known tool with a distinct argument
      return { url: served.mcp, init: { method: 'POST', headers: { ...headers, ...MCP_HEADERS }, body: rpc(i, 'tools/call', { name: 'get-item', arguments: { id: `w-${i}` } }) }, status: 200 };
  }
}

/** Sends `count` requests of each of the five kinds, 16 at a time, and checks every status. */
async function send(from: number, count: number): Promise<void> {
  const all = Array.from({ length: 5 * count }, (_, n) => request(n % 5, from + Math.floor(n / 5)));
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const { url, init, status } = all[next++]!;
      const answer = await fetch(url, { ...init, dispatcher } as RequestInit);
      await answer.arrayBuffer();
      expect(answer.status, `${init.method ?? 'GET'} ${url}`).toBe(status);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await new Promise((resolve) => setTimeout(resolve, 50)); // metrics are counted when each response closes
}

/** The runtime's own metric series (name and labels, without values). */
async function series(): Promise<string[]> {
  const text = await served.runtime.metrics.scrape();
  return text
    .split('\n')
    .filter((line) => line.startsWith('capability_'))
    .map((line) => line.slice(0, line.lastIndexOf(' ')))
    .sort();
}

describe('state bounded by the capability, not by callers', () => {
  it('10,000 requests with distinct paths, ids, tool names and methods add no metric series after the first few', async () => {
    await send(0, 20);
    const first = await series();
    expect(first.some((s) => s.startsWith('capability_requests_total{') && s.includes('operation="get-item"'))).toBe(true);
    await send(20, 2_000);
    const after = await series();
    expect(after).toEqual(first);
    expect(after.join('\n')).not.toMatch(/nowhere|no-tool-|no\/method-|w-\d|req-\d/);
  }, 240_000);
});
