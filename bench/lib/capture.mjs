// Captures the exact `tools/call` request the official SDK clients send (headers and JSON body), so the load
// generator replays what a real client puts on the wire: the 2025-era client (@modelcontextprotocol/sdk v1,
// after its initialize handshake) and the 2026-07-28 client (@modelcontextprotocol/client v2, pinned; stateless,
// the revision in its headers and `_meta`). Both run against a live endpoint so the call really succeeds.
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';

const CLIENT_INFO = { name: 'capability-runtime-bench', version: '0.0.0' };
// Set by the HTTP layer (autocannon computes its own length and host); the rest is replayed as sent.
const DROP = new Set(['content-length', 'host', 'connection']);

/** A fetch that records each request's headers and body, then sends it on. */
function recordingFetch(seen) {
  return async (url, init = {}) => {
    const headers = {};
    new Headers(init.headers).forEach((value, key) => {
      if (!DROP.has(key)) headers[key] = value;
    });
    seen.push({ method: init.method ?? 'GET', headers, body: typeof init.body === 'string' ? init.body : undefined });
    return fetch(url, init);
  };
}

function requestOf(seen, rpcMethod) {
  const call = seen.find((r) => r.body && JSON.parse(r.body).method === rpcMethod);
  if (!call) throw new Error(`the client sent no ${rpcMethod} (saw ${seen.map((r) => r.body && JSON.parse(r.body).method).join(', ')})`);
  return { ...call, rpcId: JSON.parse(call.body).id };
}

/**
 * The request a client of `generation` ('2025' | '2026-07-28') sends to `url` for `rpcMethod` when `act(client)`
 * runs, as { method, headers, body, rpcId }. For 2025 the protocol version header is set to `legacyVersion` (the
 * stateless server needs nothing else from the handshake), whatever revision the client negotiated.
 */
export async function captureRequest(generation, url, rpcMethod, act, legacyVersion = '2025-06-18') {
  const seen = [];
  if (generation === '2025') {
    const client = new LegacyClient(CLIENT_INFO);
    await client.connect(new LegacyTransport(new URL(url), { fetch: recordingFetch(seen) }));
    await act(client);
    await client.close();
    const request = requestOf(seen, rpcMethod);
    return { ...request, headers: { ...request.headers, 'mcp-protocol-version': legacyVersion } };
  }
  const client = new ModernClient(CLIENT_INFO, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new ModernTransport(new URL(url), { fetch: recordingFetch(seen) }));
  await act(client);
  await client.close();
  return requestOf(seen, rpcMethod);
}

export const captureToolCall = (generation, url, name, args) => captureRequest(generation, url, 'tools/call', (c) => c.callTool({ name, arguments: args }));
export const captureToolsList = (generation, url) => captureRequest(generation, url, 'tools/list', (c) => c.listTools());
