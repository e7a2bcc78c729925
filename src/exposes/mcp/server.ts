// MCP adapter: stateless Streamable HTTP at /mcp through the official SDK v2 (createMcpHandler), serving the
// 2026-07-28 revision and 2025-era clients on one endpoint. Tool listings are built at compile time; the
// per-request factory only registers two handlers. Host and Origin are checked before the SDK sees a request.
import { createMcpHandler, ProtocolError, ProtocolErrorCode, Server, type Tool } from '@modelcontextprotocol/server';
import { hostHeaderValidation, originValidation } from '@modelcontextprotocol/fastify';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CompiledAdapter } from '../../compile/compile.js';
import type { AdapterContext } from '../../runtime.js';
import { callTool } from './tools.js';

type McpAdapter = Extract<CompiledAdapter, { type: 'mcp' }>;
const LOCAL_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];
const SERVER_VERSION = '0.1.0';

export function createMcpServer(adapter: McpAdapter, { upstream, secrets, host }: AdapterContext): { app: FastifyInstance; close(): Promise<void> } {
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
  // DNS-rebinding protection: a foreign Host or Origin gets 403 (MCP Streamable HTTP security rules).
  const allowed = isWildcard(host) ? LOCAL_HOSTNAMES : [...new Set([...LOCAL_HOSTNAMES, bracketed(host)])];
  if (!isWildcard(host)) app.addHook('onRequest', hostHeaderValidation(allowed));
  app.addHook('onRequest', originValidation(allowed));
  app.all('/mcp', async (req, reply) => {
    reply.hijack();
    await serve(req.raw, reply.raw, req.body);
  });
  return { app, close: () => handler.close() };
}

const isWildcard = (host: string): boolean => host === '0.0.0.0' || host === '::';
const bracketed = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
