// Control adapter: the management plane on its own port (health, status; metrics and reload plug into the
// endpoint registry). Same Host/Origin guard and problem+json errors as the REST adapter.
import type { FastifyInstance } from 'fastify';
import type { CompiledControlAdapter } from '../../compile/control.js';
import { CapError } from '../../errors/cap-error.js';
import type { AdapterContext, RuntimeView } from '../../runtime.js';
import { createProblemApp } from '../problem-app.js';
import { controlEndpoints, type ControlEndpoint } from './endpoints.js';
import type { ControlView } from './health.js';

export function createControlServer(
  adapter: CompiledControlAdapter,
  context: AdapterContext,
  runtime: RuntimeView,
  extra?: Readonly<Record<string, ControlEndpoint['handle']>>,
): FastifyInstance {
  // Not `return503OnClosing`: the runtime closes this adapter last, so probes see "not ready" while others drain.
  const { app, sendProblem } = createProblemApp(adapter, context);
  app.setErrorHandler((err, req, reply) => sendProblem(req, reply, err));
  app.setNotFoundHandler((req, reply) => sendProblem(reply.request, reply, new CapError('CAP_ROUTE_NOT_FOUND', `no control endpoint ${req.method} ${req.url.split('?')[0]}`)));

  const view: ControlView = { runtime, adapter };
  for (const endpoint of controlEndpoints(extra)) {
    const name = `${endpoint.method} ${endpoint.url.replace(':traceId', '{traceId}')}`;
    app.route({
      method: endpoint.method,
      url: endpoint.url,
      handler: async (_req, reply) => {
        if (!adapter.features[endpoint.feature]) {
          return sendProblem(reply.request, reply, new CapError('CAP_ROUTE_NOT_FOUND', `${name} is not enabled on this control adapter (${endpoint.flag} is off)`));
        }
        if (!endpoint.handle) {
          return sendProblem(reply.request, reply, new CapError('CAP_CONTROL_UNAVAILABLE', `${name} is enabled (${endpoint.flag}) but this runtime does not provide it yet`));
        }
        const answer = await endpoint.handle(view);
        if (answer.contentType) return reply.code(answer.status).header('cache-control', 'no-store').type(answer.contentType).send(String(answer.body));
        return reply.code(answer.status).header('cache-control', 'no-store').type('application/json').send(JSON.stringify(answer.body));
      },
    });
  }
  return app;
}
