// MCP adapter: stateless Streamable HTTP at /mcp through the official SDK v2 (createMcpHandler), serving the
// 2026-07-28 revision and 2025-era clients on one endpoint. Tool listings are built at compile time; the
// per-request factory (./factory.ts) only registers handlers. Host and Origin are checked before the SDK sees a request.
import { createMcpHandler } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CompiledMcpAdapter } from '../../compile/compile.js';
import type { AdapterContext } from '../../runtime.js';
import { installInboundAuth } from '../auth/install.js';
import { createRequestGuard } from '../request-guard.js';
import { createServerFactory } from './factory.js';

export function createMcpServer(adapter: CompiledMcpAdapter, context: AdapterContext): { app: FastifyInstance; close(): Promise<void>; announceToolsChanged(): void } {
  const { host, allowedHosts, logger } = context;
  const handler = createMcpHandler(createServerFactory(adapter, context));
  const serve = toNodeHandler(handler);

  const app = Fastify({ logger: false, return503OnClosing: true });
  // DNS-rebinding and cross-site protection (MCP Streamable HTTP security rules): refused as a JSON-RPC error.
  app.addHook(
    'onRequest',
    createRequestGuard({ host, allowedHosts }, (reply, refusal) => reply.code(refusal.status).send({ jsonrpc: '2.0', error: { code: -32000, message: refusal.message }, id: null })),
  );
  // Every method (POST, GET, DELETE) is authenticated before the SDK sees the request.
  installInboundAuth(app, adapter.auth, {
    adapter: adapter.namespace,
    logger,
    resourcePaths: ['/mcp'],
    refuse: (reply, failure) => reply.code(failure.status).send({ jsonrpc: '2.0', error: { code: -32001, message: `${failure.code}: ${failure.message}` }, id: null }),
  });
  app.all('/mcp', async (req, reply) => {
    reply.hijack();
    await serve(req.raw, reply.raw, req.body);
  });
  // Open `subscriptions/listen` streams (2026-07-28) hear `notifications/tools/list_changed`; used by reload.
  return { app, close: () => handler.close(), announceToolsChanged: () => handler.notify.toolsChanged() };
}
