// Mounts a REST adapter's OpenAPI document and a Swagger UI page at /docs (@fastify/swagger in static mode serves
// the document built from the graph as it is; @fastify/swagger-ui the page, /docs/json and /docs/yaml). The routes
// are registered on the adapter's app, so the Host/Origin guard and inbound authentication run on them too.
import type { FastifyInstance } from 'fastify';
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
  // Loaded when a REST adapter starts, so that `validate` and `list` never load the docs plugins.
  void app.register(async (scope) => {
    const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([import('@fastify/swagger'), import('@fastify/swagger-ui')]);
    await scope.register(swagger, { mode: 'static', specification: { document: document as never } });
    await scope.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  });
}
