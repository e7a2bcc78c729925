// Serves one conformance capability against a recording upstream, with both MCP client generations connected.
import { fileURLToPath } from 'node:url';
import { connectMcp, CLIENT_GENERATIONS, type McpTestClient } from '../../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream, type UpstreamHandler } from '../../helpers/upstream.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

export interface Conformance {
  upstream: Upstream;
  served: Served;
  /** One connected client per MCP generation (empty when the capability has no MCP adapter). */
  clients: McpTestClient[];
  close(): Promise<void>;
}

/** `basePath` keeps the path part of the consumed base URIs (e.g. `/v1`) when they are pointed at the upstream. */
export async function serveFixture(name: string, handler?: UpstreamHandler, options: { env?: Record<string, string>; basePath?: string; mcpHeaders?: Record<string, string> } = {}): Promise<Conformance> {
  const upstream = await startUpstream(handler);
  const served = await serveCapability(fixture(name), { env: options.env ?? {}, upstreamUrl: upstream.url + (options.basePath ?? '') });
  const clients = served.mcp ? await Promise.all(CLIENT_GENERATIONS.map((g) => connectMcp(g, served.mcp, { headers: options.mcpHeaders }))) : [];
  return {
    upstream,
    served,
    clients,
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await served.close();
      await upstream.close();
    },
  };
}
