// Serves one file of the shipyard tutorial (test/conformance/tutorial/, copied unmodified) against local mocks of its
// two APIs: the Maritime Registry (namespace `registry`, JSON) and the Legacy Dockyard (namespace `legacy`, XML), each
// a recording upstream of its own, so a test can tell which API a request reached. Both MCP client generations
// connect with the tutorial's MCP bearer token when the file has an MCP adapter.
import { fileURLToPath } from 'node:url';
import { connectMcp, CLIENT_GENERATIONS, type McpTestClient } from '../../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';
import { shipyardDockyard } from './shipyard-dockyard.js';
import { shipyardRegistry } from './shipyard-registry.js';

/** From tutorial/shared/secrets.yaml, which the tutorial's binds read. */
export const TUTORIAL_SECRETS = {
  registryToken: 'dummy-token',
  registryVersion: '1.0.0-alpha2',
  dockyardKey: 'dummy-dockyard-key',
  mcpToken: 'sk-mcp-YYYYYYYYYYYY',
} as const;

export interface Tutorial {
  registry: Upstream;
  dockyard: Upstream;
  served: Served;
  clients: McpTestClient[];
  /** Forgets what both mocks recorded. */
  reset(): void;
  close(): Promise<void>;
}

export async function serveTutorial(step: string, options: { mcpToken?: boolean } = {}): Promise<Tutorial> {
  const registry = await startUpstream(shipyardRegistry);
  const dockyard = await startUpstream(shipyardDockyard);
  const file = fileURLToPath(new URL(`../tutorial/${step}`, import.meta.url));
  const served = await serveCapability(file, { env: {}, upstreamUrl: registry.url, upstreamUrls: { registry: registry.url, legacy: dockyard.url } });
  const headers = options.mcpToken === false ? undefined : { authorization: `Bearer ${TUTORIAL_SECRETS.mcpToken}` };
  const clients = served.mcp ? await Promise.all(CLIENT_GENERATIONS.map((g) => connectMcp(g, served.mcp, { headers }))) : [];
  return {
    registry,
    dockyard,
    served,
    clients,
    reset() {
      registry.reset();
      dockyard.reset();
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await served.close();
      await Promise.all([registry.close(), dockyard.close()]);
    },
  };
}
