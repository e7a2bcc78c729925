// MCP adapter: stateless Streamable HTTP at /mcp through the official SDK v2 (createMcpHandler), serving the
// 2026-07-28 revision and 2025-era clients on one endpoint. Tool listings are built at compile time; the
// per-request factory only registers two handlers. Host and Origin are checked before the SDK sees a request.
import { createMcpHandler, ProtocolError, ProtocolErrorCode, Server, type Tool } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CompiledAdapter } from '../../compile/compile.js';
import type { AdapterContext } from '../../runtime.js';
import { installInboundAuth } from '../auth/install.js';
import { createRequestGuard } from '../request-guard.js';
import { callTool } from './tools.js';

type McpAdapter = Extract<CompiledAdapter, { type: 'mcp' }>;
const SERVER_VERSION = '0.1.0';

export function createMcpServer(adapter: McpAdapter, { upstream, secrets, host, allowedHosts, logger }: AdapterContext): { app: FastifyInstance; close(): Promise<void> } {
  const listing = adapter.tools.map((t) => t.listing) as unknown as Tool[];
  const byName = new Map(adapter.tools.map((t) => [t.listing.name, t]));

  // One validator for every per-request Server, so whatever the SDK compiles is compiled once and cached.
  const jsonSchemaValidator = new AjvJsonSchemaValidator();
  const handler = createMcpHandler(() => {
    const server = new Server(
      { name: adapter.namespace, version: SERVER_VERSION },
      { capabilities: { tools: {} }, instructions: adapter.description?.trim(), jsonSchemaValidator },
    );
    server.setRequestHandler('tools/list', async () => ({ tools: listing }));
    server.setRequestHandler('tools/call', async (request) => {
      const tool = byName.get(request.params.name);
      if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `unknown tool "${request.params.name}"; tools: ${[...byName.keys()].join(', ')}`);
      return callTool(tool, request.params.arguments, upstream, secrets);
    });
    return server;
  });
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
  return { app, close: () => handler.close() };
}
