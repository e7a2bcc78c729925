// Control adapter: the management plane on its own port (health, status; metrics and reload plug into the
// endpoint registry). Same Host/Origin guard and problem+json errors as the REST adapter.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { CompiledControlAdapter } from '../../compile/control.js';
import { CapError } from '../../errors/cap-error.js';
import type { AdapterContext, RuntimeView } from '../../runtime.js';
import { installInboundAuth } from '../auth/install.js';
import { createRequestGuard } from '../request-guard.js';
import { problemOf } from '../respond.js';
import { controlEndpoints, type ControlEndpoint } from './endpoints.js';
import type { ControlView } from './health.js';

export function createControlServer(
  adapter: CompiledControlAdapter,
  { host, allowedHosts, logger, secrets }: AdapterContext,
  runtime: RuntimeView,
  extra?: Readonly<Record<string, ControlEndpoint['handle']>>,
): FastifyInstance {
  // Not `return503OnClosing`: the runtime closes this adapter last, so probes see "not ready" while others drain.
  const app = Fastify({ logger: false });
  const sendProblem = (reply: FastifyReply, err: unknown) => {
    const { problem, text } = problemOf(err, secrets);
    return reply.code(problem.status).type('application/problem+json').send(text);
  };
  app.addHook('onRequest', createRequestGuard({ host, allowedHosts }, (reply, refusal) => sendProblem(reply, new CapError(refusal.code, refusal.message))));
  installInboundAuth(app, adapter.auth, { adapter: adapter.namespace, logger, refuse: (reply, failure) => sendProblem(reply, new CapError(failure.code, failure.message)) });
  app.setErrorHandler((err, _req, reply) => sendProblem(reply, err));
  app.setNotFoundHandler((req, reply) => sendProblem(reply, new CapError('CAP_ROUTE_NOT_FOUND', `no control endpoint ${req.method} ${req.url.split('?')[0]}`)));

  const view: ControlView = { runtime, adapter };
  for (const endpoint of controlEndpoints(extra)) {
    const name = `${endpoint.method} ${endpoint.url.replace(':traceId', '{traceId}')}`;
    app.route({
      method: endpoint.method,
      url: endpoint.url,
      handler: async (_req, reply) => {
        if (!adapter.features[endpoint.feature]) {
          return sendProblem(reply, new CapError('CAP_ROUTE_NOT_FOUND', `${name} is not enabled on this control adapter (${endpoint.flag} is off)`));
        }
        if (!endpoint.handle) {
          return sendProblem(reply, new CapError('CAP_CONTROL_UNAVAILABLE', `${name} is enabled (${endpoint.flag}) but this runtime does not provide it yet`));
        }
        const answer = await endpoint.handle(view);
        return reply.code(answer.status).header('cache-control', 'no-store').type('application/json').send(JSON.stringify(answer.body));
      },
    });
  }
  return app;
}
