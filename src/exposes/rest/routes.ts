// REST adapter: mounts a compiled REST adapter's routes on Fastify. It only translates HTTP ⇄ invoke();
// errors become RFC 9457 application/problem+json.
import type {
  FastifyInstance,
  FastifyRequest,
  preHandlerHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
} from 'fastify';
import type { CompiledAdapter, CompiledRoute } from '../../compile/compile.js';
import type { CompiledForward } from '../../compile/forward.js';
import { CapError } from '../../errors/cap-error.js';
import { forwardRequest } from '../../invoke/forward.js';
import { invoke } from '../../invoke/invoke.js';
import { exceedsDepth, MAX_JSON_DEPTH } from '../../invoke/json-depth.js';
import type { ObservedRouteConfig } from '../../observe/http-hooks.js';
import { observationOf } from '../../observe/observation.js';
import type { AdapterContext } from '../../runtime.js';
import { BODY_LIMIT_BYTES, classifyRequestError } from '../request-errors.js';
import { redact, resultText } from '../respond.js';
import { HEALTH_PATHS, healthPathsTaken, mountHealthRoutes } from '../health-routes.js';
import { createProblemApp } from '../problem-app.js';
import { mountDocs } from './docs.js';
import type { OpenApiInfo } from './openapi.js';

type RestAdapter = Extract<CompiledAdapter, { type: 'rest' }>;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** `docs`: serve the OpenAPI document and a docs page at /docs under this title (see docs.ts). */
export function createRestServer(adapter: RestAdapter, context: AdapterContext, docs?: OpenApiInfo): FastifyInstance {
  const { upstream, secrets, logger } = context;
  // The runtime's health probes, except on a path the capability's own routes answer (the capability wins).
  const taken = healthPathsTaken([...adapter.routes, ...(adapter.forwards ?? [])].map((r) => toFastifyPath(r.path).url));
  if (taken.length) logger.warn({ adapter: adapter.namespace, paths: taken }, `the capability's own route answers ${taken.join(' and ')} on this port, not the runtime's health probe`);
  const healthPaths = HEALTH_PATHS.filter((p) => !taken.includes(p));
  const { app, sendProblem } = createProblemApp(adapter, context, { return503OnClosing: true, bodyLimit: BODY_LIMIT_BYTES }, healthPaths);
  mountHealthRoutes(app, healthPaths, context.ready);
  if (docs) mountDocs(app, adapter, docs, logger);
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof CapError) return sendProblem(req, reply, err);
    // Fastify's own request errors (bad JSON, unsupported media type, body too large).
    const { kind, message } = classifyRequestError(err, req.headers['content-type']);
    if (kind === 'internal') return sendProblem(req, reply, err);
    if (kind === 'too-large') return sendProblem(req, reply, new CapError('CAP_INPUT_TOO_LARGE', message));
    if (kind === 'media-type') return sendProblem(req, reply, new CapError('CAP_INPUT_MEDIA_TYPE', message));
    return sendProblem(req, reply, new CapError('CAP_INPUT_INVALID', message, { errors: [{ field: 'body', in: 'body', message: err.message }] }));
  });
  app.setNotFoundHandler((req, reply) => sendProblem(req, reply, new CapError('CAP_ROUTE_NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`)));

  const byPath = new Map<string, { routes: CompiledRoute[]; forward?: CompiledForward }>();
  const entry = (path: string) => byPath.get(path) ?? byPath.set(path, { routes: [] }).get(path)!;
  for (const route of adapter.routes) entry(route.path).routes.push(route);
  for (const { path, forward } of adapter.forwards ?? []) entry(path).forward = forward;
  for (const [path, { routes, forward }] of byPath) {
    const { url, variables } = toFastifyPath(path);
    const handled = new Set<string>();
    for (const route of routes) {
      if (handled.has(route.method)) continue; // later duplicates are unreachable (validate warns)
      handled.add(route.method);
      const gather = compileInputGatherer(route, variables);
      const shown = `${route.method} ${shownPath(path)}`;
      const operation = route.invoker.name;
      app.route({
        method: route.method,
        url,
        // GET has no body (Fastify does not parse one): the depth check runs only where a body can come.
        preHandler: route.method === 'GET' ? [] : [refuseDeepBodies],
        config: { operation, route: shown } satisfies ObservedRouteConfig,
        handler: async (req, reply) => {
          const observation = observationOf(req);
          if (observation) {
            observation.route = shown;
            observation.operation = operation;
          }
          const result = await invoke(route.invoker, gather(req), upstream, observation);
          const text = resultText(result.value, secrets);
          if (text === '') return reply.code(result.status === 200 ? 204 : result.status).send();
          return reply.code(result.status).type('application/json').send(text);
        },
      });
    }
    const allow = [...handled].join(', ');
    const others = METHODS.filter((m) => !handled.has(m));
    if (others.length && forward) {
      // Forwarded bodies go on as they came, so this route reads them as text instead of parsing JSON.
      void app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
        scope.route({
          method: others,
          url,
          config: { operation: 'forward', route: `* ${shownPath(path)}` } satisfies ObservedRouteConfig,
          handler: async (req, reply) => {
            const rest = variables.find((v) => v.name === 'path');
            const params = req.params as Record<string, string>;
            const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
            const body = typeof req.body === 'string' && req.body.length > 0 ? req.body : undefined;
            const answer = await forwardRequest(forward, { method: req.method, path: rest ? (params[rest.key] ?? '') : '', query, headers: req.headers, body }, upstream, observationOf(req));
            reply.code(answer.status);
            if (answer.contentType) reply.header('content-type', answer.contentType);
            // A Buffer, so that Fastify sends the upstream media type as it is (no charset added).
            return reply.send(answer.text === '' ? undefined : Buffer.from(redact(answer.text, secrets)));
          },
        });
      });
    } else if (others.length) {
      app.route({
        method: others,
        url,
        handler: async (req, reply) => {
          reply.header('allow', allow);
          return sendProblem(req, reply, new CapError('CAP_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; allowed: ${allow}`));
        },
      });
    }
  }
  return app;
}

/**
 * Deeply nested bodies would overflow the stack in validation and redaction: refused like any other bad input.
 * A callback hook: no promise per request.
 */
const refuseDeepBodies: preHandlerHookHandler<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, RouteGenericInterface, ObservedRouteConfig> = (
  req,
  _reply,
  done,
) => {
  if (req.body === undefined || !exceedsDepth(req.body)) return done();
  const message = `is nested deeper than ${MAX_JSON_DEPTH} levels`;
  done(new CapError('CAP_INPUT_INVALID', `request body ${message}`, { errors: [{ field: 'body', in: 'body', message }] }));
};

/** `/ships/{{imo}}` → `/ships/{imo}`: the route as logs, metrics and traces name it. */
const shownPath = (path: string): string => path.replace(/\{\{?\s*([^{}\s]+)\s*\}?\}/g, '{$1}');

interface RouteVariable {
  name: string;
  /** The Fastify parameter holding its value. */
  key: string;
}

/**
 * `/v1/customers/{customer-id}` → `/v1/customers/:p0` (names like `customer-id` are not valid Fastify params).
 * A trailing variable named `path` matches the rest of the path, slashes included (naftiko-semantics §4.1, forward).
 */
function toFastifyPath(path: string): { url: string; variables: RouteVariable[] } {
  const variables: RouteVariable[] = [];
  const url = path.replace(/\{\{?\s*([^{}\s]+)\s*\}?\}/g, (match: string, name: string, offset: number) => {
    if (name === 'path' && /^\/?$/.test(path.slice(offset + match.length))) {
      variables.push({ name, key: '*' });
      return '*';
    }
    return `:p${variables.push({ name, key: `p${variables.length}` }) - 1}`;
  });
  return { url, variables };
}

/** How a route reads its inputs from a request, decided once per route. */
function compileInputGatherer(route: CompiledRoute, variables: readonly RouteVariable[]): (req: FastifyRequest) => Record<string, unknown> {
  const declared = route.invoker.restInputs;
  if (!declared) {
    // Implicit inputs (naftiko-semantics §8.6 item 4): body fields, the whole body as `body`, query, route variables.
    // Route variables win under their kebab/snake twin too: `{customer-id}` must not lose to a `customer_id` query/body field.
    const names = new Set(variables.map((v) => v.name));
    const twins = variables.flatMap(({ name, key }) => {
      const twin = name.includes('-') ? name.replace(/-/g, '_') : name.includes('_') ? name.replace(/_/g, '-') : undefined;
      return twin !== undefined && !names.has(twin) ? [{ twin, key }] : [];
    });
    return (req) => {
      const params = req.params as Record<string, string>;
      const body = req.body;
      const input: Record<string, unknown> = isFields(body) ? { ...body } : {};
      if (body !== undefined) input.body = body;
      Object.assign(input, req.query as Record<string, unknown>);
      for (const { twin, key } of twins) input[twin] = params[key];
      for (const { name, key } of variables) input[name] = params[key];
      return input;
    };
  }
  const readers = declared.map(({ name, in: where, constant, select, wholeBody }) => {
    const variable = variables.find((v) => v.name === name);
    const header = name.toLowerCase();
    const read: (req: FastifyRequest) => unknown =
      constant !== undefined
        ? () => constant
        : where === 'path'
          ? (req) => (variable ? (req.params as Record<string, string>)[variable.key] : undefined)
          : where === 'query'
            ? (req) => (req.query as Record<string, unknown>)[name]
            : where === 'header'
              ? (req) => req.headers[header]
              : where === 'cookie'
                ? (req) => cookie(req, name)
                : select
                  ? (req) => select(req.body) ?? undefined
                  : (req) => (isFields(req.body) && name in req.body ? req.body[name] : wholeBody ? req.body : undefined);
    return { name, read };
  });
  return (req) => {
    const input: Record<string, unknown> = {};
    for (const { name, read } of readers) {
      const value = read(req);
      if (value !== undefined) input[name] = value;
    }
    return input;
  };
}

const isFields = (body: unknown): body is Record<string, unknown> => body !== null && typeof body === 'object' && !Array.isArray(body);

function cookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}
