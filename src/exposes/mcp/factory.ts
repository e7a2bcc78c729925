// The MCP server factory shared by the HTTP (createMcpHandler, one instance per request) and stdio (serveStdio, one
// per connection) transports. Everything it serves was built at load time; the factory only registers handlers.
// What the servers advertise (capabilities, instructions) comes from ./server-identity.ts, shared with the fast path.
import { McpServer, ProtocolError, ProtocolErrorCode, Server, type StandardSchemaV1, type Tool } from '@modelcontextprotocol/server';
import type { SkillsExtension } from '@modelcontextprotocol/server/ext/skills';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import type { CompiledMcpAdapter } from '../../compile/compile.js';
import type { AdapterContext } from '../../runtime.js';
import { VERSION } from '../../version.js';
import { InvalidCursorError, paginate as paginateList } from './pagination.js';
import { getPrompt } from './prompts.js';
import { listResources, readResource, templateListings } from './resources.js';
import { serverCapabilities, serverInstructions, type ServerCapabilities } from './server-identity.js';
import { callTool } from './tools.js';

/** A Standard Schema that accepts any params object: the handler validates them and answers -32602 itself. */
const ANY_PARAMS: StandardSchemaV1<Record<string, unknown>> = {
  '~standard': { version: 1, vendor: 'capability-runtime', validate: (value) => ({ value: (value ?? {}) as Record<string, unknown> }) },
};

/** A page of a list; a cursor we did not issue is -32602 Invalid params. */
function paginate<T>(items: readonly T[], list: string, cursor: string | undefined): { page: T[]; nextCursor?: string } {
  try {
    return paginateList(items, list, cursor);
  } catch (err) {
    throw err instanceof InvalidCursorError ? new ProtocolError(ProtocolErrorCode.InvalidParams, err.message) : err;
  }
}

/** With `skills`, the server is the SDK's McpServer (the Skills extension attaches to it) wrapping the same handlers. */
export function createServerFactory(adapter: CompiledMcpAdapter, context: Pick<AdapterContext, 'upstream' | 'secrets' | 'logger'>): () => Server;
export function createServerFactory(adapter: CompiledMcpAdapter, context: Pick<AdapterContext, 'upstream' | 'secrets' | 'logger'>, skills?: SkillsExtension): () => Server | McpServer;
export function createServerFactory(adapter: CompiledMcpAdapter, context: Pick<AdapterContext, 'upstream' | 'secrets' | 'logger'>, skills?: SkillsExtension): () => Server | McpServer {
  const { capabilities, install } = createServerHandlers(adapter, context);
  // One validator for every per-request Server, so whatever the SDK compiles is compiled once and cached.
  const jsonSchemaValidator = new AjvJsonSchemaValidator();
  const instructions = serverInstructions(adapter);

  return () => {
    const info = { name: adapter.namespace, version: VERSION };
    const mcp = skills ? new McpServer(info, { capabilities: {}, instructions, jsonSchemaValidator }) : undefined;
    const server = mcp?.server ?? new Server(info, { capabilities, instructions, jsonSchemaValidator });
    if (mcp) server.registerCapabilities(capabilities);
    install(server);
    if (mcp) {
      skills!.attach(mcp);
      return mcp;
    }
    return server;
  };
}

export interface ServerHandlers {
  /** What a server serving these handlers advertises. */
  capabilities: ServerCapabilities;
  /** Registers (or replaces: a stdio reload swaps the graph of a connected server) the adapter's request handlers. */
  install(server: Server): void;
}

/** The request handlers of one compiled adapter, built once. */
export function createServerHandlers(adapter: CompiledMcpAdapter, { upstream, secrets, logger }: Pick<AdapterContext, 'upstream' | 'secrets' | 'logger'>): ServerHandlers {
  const tools = adapter.tools.map((t) => t.listing) as unknown as Tool[];
  const toolsByName = new Map(adapter.tools.map((t) => [t.listing.name, t]));
  const promptsByName = new Map(adapter.prompts.map((p) => [p.listing.name, p]));
  const prompts = adapter.prompts.map((p) => p.listing);
  const templates = templateListings(adapter.resources);
  const hasResources = adapter.resources.length > 0;
  const hasPrompts = adapter.prompts.length > 0;
  const capabilities = serverCapabilities(adapter);
  const toolContext = { upstream, secrets, logger, adapter: adapter.namespace };

  const install = (server: Server) => {
    server.setRequestHandler('tools/list', async (request) => {
      const { page, nextCursor } = paginate(tools, 'tools', request.params?.cursor);
      return nextCursor ? { tools: page, nextCursor } : { tools: page };
    });
    server.setRequestHandler('tools/call', async (request) => {
      const tool = toolsByName.get(request.params.name);
      if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `unknown tool "${request.params.name}"; tools: ${[...toolsByName.keys()].join(', ')}`);
      return callTool(tool, request.params.arguments, toolContext);
    });
    if (hasResources) {
      server.setRequestHandler('resources/list', async (request) => {
        const { page, nextCursor } = paginate(await listResources(adapter.resources), 'resources', request.params?.cursor);
        return nextCursor ? { resources: page, nextCursor } : { resources: page };
      });
      server.setRequestHandler('resources/templates/list', async (request) => {
        const { page, nextCursor } = paginate(templates, 'resourceTemplates', request.params?.cursor);
        return nextCursor ? { resourceTemplates: page, nextCursor } : { resourceTemplates: page };
      });
      // Params are checked by readResource, so a missing `uri` is -32602 Invalid params (the SDK's own check says -32603).
      server.setRequestHandler('resources/read', { params: ANY_PARAMS }, async (params) => readResource(adapter.resources, (params as { uri?: unknown }).uri, { upstream, secrets }));
    }
    if (hasPrompts) {
      server.setRequestHandler('prompts/list', async (request) => {
        const { page, nextCursor } = paginate(prompts, 'prompts', request.params?.cursor);
        return nextCursor ? { prompts: page, nextCursor } : { prompts: page };
      });
      server.setRequestHandler('prompts/get', { params: ANY_PARAMS }, async (params) => {
        const { name, arguments: args } = params as { name?: unknown; arguments?: unknown };
        return getPrompt(promptsByName, name, args);
      });
    }
  };
  return { capabilities, install };
}
