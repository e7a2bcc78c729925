// The Fastify app of an HTTP adapter that answers problem+json (REST, skill, control): the Host/Origin guard and then
// inbound authentication run first on every request, and every failure is sent (and, when 5xx, logged) in one place.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { InboundAuth } from '../compile/inbound-auth.js';
import { asCapError, CapError } from '../errors/cap-error.js';
import type { AdapterType } from '../compile/compile.js';
import { observeRequests } from '../observe/http-hooks.js';
import { noteFailure, observationOf } from '../observe/observation.js';
import type { AdapterContext } from '../runtime.js';
import { installInboundAuth } from './auth/install.js';
import { NO_SCHEMA_COMPILERS } from './no-schema-compilers.js';
import { createRequestGuard } from './request-guard.js';
import { logFailure, problemOf } from './respond.js';

export type SendProblem = (req: FastifyRequest, reply: FastifyReply, err: unknown) => FastifyReply;

export function createProblemApp(
  adapter: { namespace: string; type: AdapterType; auth?: InboundAuth },
  { host, allowedHosts, logger, secrets, observer }: AdapterContext,
  options: FastifyServerOptions = {},
  /** GET paths left out of inbound authentication (the runtime's health probes on this port). */
  publicPaths: readonly string[] = [],
): { app: FastifyInstance; sendProblem: SendProblem } {
  const app = Fastify({ logger: false, schemaController: NO_SCHEMA_COMPILERS, ...options });
  const sendProblem: SendProblem = (req, reply, err) => {
    const failure = asCapError(err);
    logFailure(logger, failure, { adapter: adapter.namespace, route: `${req.method} ${req.url.split('?')[0]}`, reqId: observationOf(req)?.id });
    const { problem, text } = problemOf(failure, secrets);
    if (failure.data.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.data.retryAfterSeconds));
    noteFailure(problem.status, problem.code, req);
    return reply.code(problem.status).type('application/problem+json').send(text);
  };
  // Request id, log line, metrics and trace span: installed first, so refused requests are seen too.
  observeRequests(app, adapter, observer);
  app.addHook('onRequest', createRequestGuard({ host, allowedHosts }, (reply, refusal) => sendProblem(reply.request, reply, new CapError(refusal.code, refusal.message))));
  // After the guard, before routing, body parsing and input gathering (the credential is removed on success).
  installInboundAuth(app, adapter.auth, { adapter: adapter.namespace, logger, publicPaths, refuse: (reply, failure) => sendProblem(reply.request, reply, new CapError(failure.code, failure.message)) });
  return { app, sendProblem };
}
