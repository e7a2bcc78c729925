// What an MCP adapter says about itself in the handshake (2025-era `initialize`, 2026-07-28 `server/discover`):
// its capabilities and instructions. One definition for the SDK's servers (./factory.ts) and the fast path
// (./fast-path.ts), which answers the handshake of adapters without the Skills extension on its own.
import type { CompiledMcpAdapter } from '../../compile/compile.js';

export interface ServerCapabilities {
  // listChanged: a reload announces a new tool list (McpAdapterServer.announceToolsChanged).
  tools: { listChanged: true };
  resources?: Record<string, never>;
  prompts?: Record<string, never>;
}

/** Resources and prompts are advertised only when the adapter declares them (naftiko-semantics §5.2). */
export function serverCapabilities(adapter: CompiledMcpAdapter): ServerCapabilities {
  return {
    tools: { listChanged: true },
    ...(adapter.resources.length > 0 ? { resources: {} } : {}),
    ...(adapter.prompts.length > 0 ? { prompts: {} } : {}),
  };
}

/** The adapter's description, as the server's instructions to the model. */
export const serverInstructions = (adapter: CompiledMcpAdapter): string | undefined => adapter.description?.trim();
