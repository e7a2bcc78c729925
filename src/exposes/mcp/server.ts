// MCP adapter: stateless Streamable HTTP at /mcp, serving the 2026-07-28 revision and 2025-era clients on one
// endpoint. The fast path (./fast-path.ts) answers tools/call, tools/list and 2025-era ping without the SDK; every
// other request goes through the official SDK v2 (createMcpHandler), which is loaded with the adapter's server
// factory (./factory.ts) on the first such request (./sdk-loader.ts). Tool listings are built at compile time; the
// per-request factory only registers handlers. Host and Origin are checked before either path sees a request.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { McpServerFactory } from '@modelcontextprotocol/server';
import type { CompiledMcpAdapter } from '../../compile/compile.js';
import { exceedsDepth, MAX_JSON_DEPTH } from '../../invoke/json-depth.js';
import type { AdapterContext, RuntimeView } from '../../runtime.js';
import { observeRequests } from '../../observe/http-hooks.js';
import { holdObserved, observationOf, releaseObserved, type Observation } from '../../observe/observation.js';
import { installInboundAuth } from '../auth/install.js';
import { HEALTH_PATHS, mountHealthRoutes } from '../health-routes.js';
import { BODY_LIMIT_BYTES, classifyRequestError } from '../request-errors.js';
import { NO_SCHEMA_COMPILERS } from '../no-schema-compilers.js';
import { createRequestGuard } from '../request-guard.js';
import { createMcpEndpoint, type McpEndpoint } from './endpoint.js';
import { createFastPath, type FastAnswer } from './fast-path.js';
import { lazily, loadSdk } from './sdk-loader.js';

// JSON-RPC error codes for requests refused before the SDK sees them (the SDK uses the same ones).
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INTERNAL_ERROR = -32603;
const SERVER_ERROR = -32000;

export interface McpServerOptions {
  /** Answer plain tools/call, tools/list and ping without the SDK (./fast-path.ts); on unless turned off (tests compare both). */
  fastPath?: boolean;
  /** The port's SDK handler, handed from the app this one replaces on reload (a new one otherwise). */
  endpoint?: McpEndpoint;
}

export function createMcpServer(
  adapter: CompiledMcpAdapter,
  context: AdapterContext,
  runtime?: RuntimeView,
  options: McpServerOptions = {},
): { app: FastifyInstance; endpoint: McpEndpoint; close(): Promise<void>; drain(): void; announceToolsChanged(): void } {
  const { host, allowedHosts, logger } = context;
  // The capability's skills (Skills extension). They are served as skill:// resources, so not on an adapter that
  // declares resources of its own (one resources/* handler per server).
  const skills = adapter.skills?.length && runtime ? adapter.skills : undefined;
  if (skills && adapter.resources.length > 0) {
    logger.warn({ adapter: adapter.namespace }, 'skills are not offered over MCP on an adapter that declares its own resources');
  }
  const endpoint = options.endpoint ?? createMcpEndpoint();
  // Built with the SDK, on this app's first request that needs it.
  const factory = lazily(async (): Promise<McpServerFactory> => {
    const sdk = await loadSdk();
    const extension =
      skills && adapter.resources.length === 0 ? sdk.createSkillsExtension(skills, () => new Map(runtime!.adapters().map((a) => [a.namespace, a.url])), logger) : undefined;
    return sdk.createServerFactory(adapter, context, extension);
  });
  // The Skills extension changes nothing the fast path answers (tools/*, ping) but the handshake, which the SDK's
  // McpServer then answers; its skills/* and skill:// requests go to it like every other method
  // (test/conformance/mcp/fast-path.test.ts compares both).
  const fastPath = options.fastPath === false ? undefined : createFastPath(adapter, { upstream: context.upstream, secrets: context.secrets, logger, adapter: adapter.namespace }, !skills);

  const app = Fastify({ logger: false, return503OnClosing: true, bodyLimit: BODY_LIMIT_BYTES, schemaController: NO_SCHEMA_COMPILERS });
  observeRequests(app, adapter, context.observer);
  const rpcError = (reply: FastifyReply, status: number, code: number, message: string) =>
    reply.code(status).type('application/json').send({ jsonrpc: '2.0', error: { code, message }, id: null });
  // DNS-rebinding and cross-site protection (MCP Streamable HTTP security rules): refused as a JSON-RPC error.
  app.addHook('onRequest', createRequestGuard({ host, allowedHosts }, (reply, refusal) => rpcError(reply, refusal.status, SERVER_ERROR, refusal.message)));
  // Every method (POST, GET, DELETE) is authenticated before the SDK sees the request.
  installInboundAuth(app, adapter.auth, {
    adapter: adapter.namespace,
    logger,
    resourcePaths: ['/mcp'],
    publicPaths: HEALTH_PATHS,
    refuse: (reply, failure) => reply.code(failure.status).send({ jsonrpc: '2.0', error: { code: -32001, message: `${failure.code}: ${failure.message}` }, id: null }),
  });
  // Body errors Fastify finds before the SDK runs: answered as JSON-RPC errors, like the SDK answers its own.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const { kind, status, message } = classifyRequestError(err, req.headers['content-type']);
    if (kind === 'parse') return rpcError(reply, 400, PARSE_ERROR, `Parse error: ${message}`);
    if (kind === 'media-type') return rpcError(reply, 415, SERVER_ERROR, `Unsupported Media Type: ${message}`);
    if (kind === 'too-large') return rpcError(reply, 413, INVALID_REQUEST, `Invalid Request: ${message}`);
    if (kind === 'invalid') return rpcError(reply, status, INVALID_REQUEST, `Invalid Request: ${message}`);
    logger.error({ adapter: adapter.namespace, code: 'CAP_INTERNAL', status: 500, err }, 'internal error on the MCP endpoint');
    return rpcError(reply, 500, INTERNAL_ERROR, 'Internal error');
  });
  mountHealthRoutes(app, HEALTH_PATHS, context.ready);
  // Not an async function: a request the fast path takes is answered through its callback, with no promise here.
  app.all('/mcp', (req, reply) => {
    // Nesting beyond the limit would overflow the stack in the SDK's schema checks: refused as an invalid request.
    if (exceedsDepth(req.body)) {
      rpcError(reply, 400, INVALID_REQUEST, `Invalid Request: the message is nested deeper than ${MAX_JSON_DEPTH} levels`);
      return;
    }
    // A 2025-era client's GET stream for server messages (list_changed after a reload): held open by the endpoint.
    if (endpoint.streams.wants(req.method, req.headers)) {
      reply.hijack();
      endpoint.streams.open(req.raw, reply.raw);
      return;
    }
    const respond = (answer: FastAnswer | Error) => {
      // An error goes to the error handler above (a JSON-RPC internal error). The body is a Buffer, so that Fastify
      // sends the content-type as the SDK does (no charset added).
      if (answer instanceof Error) reply.send(answer);
      else if (answer.body === '') reply.code(answer.status).send(); // an accepted notification: no body, no content type
      else reply.code(answer.status).headers(answer.headers).send(Buffer.from(answer.body));
    };
    const observation = observationOf(req);
    if (fastPath?.(req.method, req.headers, req.body, respond, observation)) return;
    return serveThroughSdk(req, reply, observation);
  });
  // The SDK's handlers find the request's observation in the async context, held only while the SDK serves it.
  async function serveThroughSdk(req: FastifyRequest, reply: FastifyReply, observation: Observation | undefined): Promise<void> {
    reply.hijack();
    try {
      await (observation ? holdObserved(observation, () => endpoint.serve(factory, req.raw, reply.raw, req.body)) : endpoint.serve(factory, req.raw, reply.raw, req.body));
    } catch (err) {
      logger.error({ adapter: adapter.namespace, code: 'CAP_INTERNAL', status: 500, err }, 'internal error on the MCP endpoint');
      if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' });
      reply.raw.end(JSON.stringify({ jsonrpc: '2.0', error: { code: INTERNAL_ERROR, message: 'Internal error' }, id: null }));
    } finally {
      if (observation) releaseObserved(observation);
    }
  }
  // Open `subscriptions/listen` streams (2026-07-28) and 2025-era GET streams hear `notifications/tools/list_changed`
  // (used by reload); a drain ends both so that they do not hold the port open until the drain timeout.
  return { app, endpoint, close: () => endpoint.close(), drain: () => endpoint.endStreams(), announceToolsChanged: () => endpoint.announceToolsChanged() };
}
