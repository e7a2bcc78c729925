// Mounts a REST adapter's OpenAPI document and a Swagger UI page at /docs (@fastify/swagger in static mode serves
// the document built from the graph as it is; @fastify/swagger-ui the page, /docs/json and /docs/yaml). The routes
// are registered on the adapter's app, so the Host/Origin guard and inbound authentication run on them too.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CompiledAdapter } from '../../compile/compile.js';
import type { Logger } from '../../observe/log.js';
import { buildOpenApi, DOCS_PREFIX, type OpenApiInfo } from './openapi.js';

type RestAdapter = Extract<CompiledAdapter, { type: 'rest' }>;

/** The capability's route that uses the docs prefix, if any of the capability would be shadowed by (or shadow) the docs routes. */
export function docsCollide(adapter: RestAdapter): string | undefined {
  const paths = [...adapter.routes.map((r) => r.path), ...adapter.forwards.map((f) => f.path)];
  return paths.find((p) => p === DOCS_PREFIX || p.startsWith(`${DOCS_PREFIX}/`));
}

export function mountDocs(app: FastifyInstance, adapter: RestAdapter, info: OpenApiInfo, logger: Logger): void {
  const clash = docsCollide(adapter);
  if (clash) {
    logger.warn({ adapter: adapter.namespace, route: clash }, `OpenAPI docs not served on ${adapter.namespace}: the capability's route ${clash} uses ${DOCS_PREFIX}`);
    return;
  }
  const document = buildOpenApi(adapter, info);
  // The docs plugins (and the files they read) load on the first /docs request, not at start-up (issue 9): they
  // live in an inner app of their own, which the adapter's routes below hand each request to.
  let docsApp: Promise<FastifyInstance> | undefined;
  const serveDocs = async (request: FastifyRequest, reply: FastifyReply) => {
    docsApp ??= createDocsApp(document).catch((err: unknown) => {
      docsApp = undefined; // tried again on the next request
      throw err;
    });
    const answer = await (await docsApp).inject({ method: request.method as 'GET', url: request.url, headers: request.headers });
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !NOT_FORWARDED.has(name)) reply.header(name, value);
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  app.get(DOCS_PREFIX, serveDocs);
  app.get(`${DOCS_PREFIX}/*`, serveDocs);
}

/** Headers of the inner answer that belong to its own (injected) connection. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

/** @fastify/swagger in static mode serves the document as it is; @fastify/swagger-ui the page, /docs/json and /docs/yaml. */
async function createDocsApp(document: unknown): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swagger }, { default: swaggerUi }] = await Promise.all([import('fastify'), import('@fastify/swagger'), import('@fastify/swagger-ui')]);
  const docs = Fastify({ logger: false });
  await docs.register(swagger, { mode: 'static', specification: { document: document as never } });
  await docs.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  await docs.ready();
  return docs;
}
