// Fastify hooks that observe every request of an adapter: the request id (echoed in `x-request-id`), one log line,
// the request metrics and, when tracing is on, the server span. They only watch: no hook changes what is answered.
// The handler runs inside the request's observation, so the MCP tool path and the upstream client can add to it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdapterType } from '../compile/compile.js';
import { attachObservation, holdObserved, observationOf, releaseObserved, type Observation } from './observation.js';
import { boundGauge } from './metric-series.js';
import type { Observer } from './observer.js';
import { recordRequest } from './record.js';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.js';
import type { TraceCarrier } from './tracing.js';

/** A route's own name for what it runs (set as Fastify route `config` by the REST adapter). */
export interface ObservedRouteConfig {
  operation?: string;
  route?: string;
}

// MCP methods are counted by name only when they are MCP's own: a client cannot mint new metric series.
const MCP_METHODS = new Set([
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'subscriptions/listen',
  'server/discover',
  'notifications/initialized',
  'notifications/cancelled',
]);

export function observeRequests(app: FastifyInstance, adapter: { namespace: string; type: AdapterType }, observer: Observer | undefined): void {
  if (!observer) return;
  const { metrics, tracing } = observer;
  const kind = adapter.type;
  const inFlight = boundGauge(metrics.inFlight, { adapter: adapter.namespace });
  const hijacks = kind === 'mcp';

  // First hook of the app, before the Host/Origin guard and authentication, so refused requests are seen too.
  app.addHook('onRequest', (req, reply, done) => {
    const header = req.headers[REQUEST_ID_HEADER];
    const id = requestIdOf(header);
    const observation: Observation = { id, idFromCaller: id === header, start: process.hrtime.bigint(), startedAt: Date.now() };
    attachObservation(req, observation);
    // MCP hijacks its replies, so there it goes on the raw response. Elsewhere Fastify writes it with the other
    // headers: a header set on the raw response sends Node's writeHead down its slow path (every header set again).
    if (hijacks) reply.raw.setHeader(REQUEST_ID_HEADER, id);
    else reply.header(REQUEST_ID_HEADER, id);
    inFlight.inc();
    // 'close' comes after the last byte or when the caller goes away: every request is finished exactly once (a
    // response emits it once, so `on` rather than `once`, which wraps the listener on every request).
    reply.raw.on('close', () => finish(req, reply, observation));
    done();
  });

  // The body is parsed by now (MCP: the JSON-RPC method, the tool and `params._meta`); the handler runs observed.
  // REST hands the observation to invoke() itself, so without traces it needs no hook here and no AsyncLocalStorage
  // context (whose hooks would run for every promise of the process). MCP holds the context itself, only for the
  // requests its fast path does not answer (src/exposes/mcp/server.ts).
  if (kind === 'rest' && !tracing) return;
  app.addHook('preHandler', (req, _reply, done) => {
    const observation = observationOf(req);
    if (!observation) return done();
    let carrier: TraceCarrier = req.headers;
    if (kind === 'mcp') {
      const message = (Array.isArray(req.body) ? req.body[0] : req.body) as { method?: unknown; params?: { _meta?: TraceCarrier } } | null | undefined;
      if (typeof message?.method === 'string') observation.rpc = MCP_METHODS.has(message.method) ? message.method : 'other';
      // MCP 2026-07-28 carries the W3C trace context in params._meta; it wins over the HTTP headers.
      const meta = message?.params?._meta;
      if (meta && typeof meta === 'object' && typeof meta.traceparent === 'string') carrier = meta;
    }
    if (tracing) observation.span = tracing.startServer(carrier, observation.startedAt, kind);
    if (kind === 'rest' || kind === 'mcp') return done();
    holdObserved(observation, done);
  });

  function finish(req: FastifyRequest, reply: FastifyReply, observation: Observation): void {
    inFlight.dec();
    releaseObserved(observation);
    if (observation.route !== undefined && !tracing) {
      // A REST route named itself when it ran: Fastify's route options (a getter that builds an object) are not needed.
      recordRequest(observer!, adapter, observation, { method: req.method, route: observation.route, httpStatus: reply.raw.statusCode, aborted: !reply.raw.writableFinished, carrier: req.headers });
      return;
    }
    const options = req.routeOptions; // a getter that builds an object: read once
    const config = options.config as ObservedRouteConfig | undefined;
    const pattern = options.url;
    const route = config?.route ?? (pattern ? `${req.method} ${pattern}` : undefined);
    recordRequest(observer!, adapter, observation, {
      method: req.method,
      route,
      path: route ? undefined : pathOf(req.url),
      // Only spans use the pattern alone.
      pattern: !tracing ? undefined : config?.route ? config.route.slice(config.route.indexOf(' ') + 1) : pattern,
      operation: config?.operation,
      httpStatus: reply.raw.statusCode,
      aborted: !reply.raw.writableFinished,
      carrier: req.headers,
    });
  }
}

/** The path without its query (it may carry a caller's credentials), cut to a readable length. */
const pathOf = (url: string): string => {
  const path = url.split('?')[0] ?? '';
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
};
