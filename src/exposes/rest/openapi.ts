// A REST adapter's routes as an OpenAPI 3.1 document, built from the compiled graph: paths and methods, parameters
// and request bodies from each operation's input schema, response schemas where the outputs are known, problem+json
// failures, and the adapter's inbound authentication as a security scheme. Built once per load; `capability openapi`
// prints the same document the adapter serves at /docs/json.
import type { CompiledAdapter, CompiledRoute } from '../../compile/compile.js';
import type { InboundAuth } from '../../compile/inbound-auth.js';

type RestAdapter = Extract<CompiledAdapter, { type: 'rest' }>;
type Json = Record<string, unknown>;

export interface OpenApiInfo {
  /** The capability's `info.label`. */
  title: string;
  description?: string;
}

/** Where the docs are served on a REST adapter (the JSON document at `${DOCS_PREFIX}/json`). */
export const DOCS_PREFIX = '/docs';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const SCHEME = 'inboundAuth';

export function buildOpenApi(adapter: RestAdapter, info: OpenApiInfo): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const usedIds = new Set<string>();
  for (const route of adapter.routes) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    const method = route.method.toLowerCase();
    if (item[method]) continue; // a later duplicate is unreachable (the server serves the first)
    item[method] = operation(route, uniqueId(route, usedIds));
  }
  const document: Json = {
    openapi: '3.1.0',
    info: { title: info.title, version: '1.0.0', ...(info.description ? { description: info.description } : {}), 'x-adapter': adapter.namespace },
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA },
      ...(adapter.auth ? { securitySchemes: { [SCHEME]: securityScheme(adapter.auth, adapter.namespace) } } : {}),
    },
  };
  if (adapter.auth) document.security = [{ [SCHEME]: adapter.auth.type === 'oauth2' ? [...adapter.auth.scopes] : [] }];
  return document;
}

/** `/v1/customers/{{customer-id}}` → `/v1/customers/{customer-id}`. */
const openApiPath = (path: string): string => path.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, '{$1}');

const pathVariables = (path: string): string[] => [...openApiPath(path).matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!);

function uniqueId(route: CompiledRoute, used: Set<string>): string | undefined {
  if (!route.operationName) return undefined;
  let id = route.operationName;
  for (let n = 2; used.has(id); n++) id = `${route.operationName}-${n}`;
  used.add(id);
  return id;
}

function operation(route: CompiledRoute, operationId: string | undefined): Json {
  const { invoker } = route;
  const schema = invoker.inputSchema;
  const required = new Set(schema.required ?? []);
  const variables = pathVariables(route.path);
  // Declared inputs say where each goes; implicit ones (naftiko-semantics §8.6) are route variables, then the query of
  // a GET/DELETE or the JSON body of a POST/PUT/PATCH.
  const located: { name: string; in: string }[] = invoker.declaredInputs ? [...invoker.declaredInputs] : Object.keys(schema.properties).map((name) => ({ name, in: variables.includes(name) ? 'path' : BODY_METHODS.has(route.method) ? 'body' : 'query' }));
  for (const name of variables) if (!located.some((i) => i.name === name)) located.push({ name, in: 'path' });

  const parameters: Json[] = [];
  const bodyProperties: Record<string, unknown> = {};
  const bodyRequired: string[] = [];
  for (const input of located) {
    const property = schema.properties[input.name] ?? { type: 'string' };
    if (input.in === 'body') {
      bodyProperties[input.name] = property;
      if (required.has(input.name)) bodyRequired.push(input.name);
      continue;
    }
    const { description, ...propertySchema } = property as { description?: string };
    parameters.push({
      name: input.name,
      in: input.in,
      ...(input.in === 'path' || required.has(input.name) ? { required: true } : {}),
      ...(description ? { description } : {}),
      schema: Object.keys(propertySchema).length ? propertySchema : { type: 'string' },
    });
  }
  const op: Json = {};
  if (operationId) op.operationId = operationId;
  if (invoker.title ?? invoker.description) op.summary = invoker.title ?? invoker.description;
  if (invoker.description && invoker.title) op.description = invoker.description;
  if (parameters.length) op.parameters = parameters;
  if (Object.keys(bodyProperties).length) {
    const body: Json = { type: 'object', properties: bodyProperties };
    if (bodyRequired.length) body.required = bodyRequired;
    op.requestBody = { required: bodyRequired.length > 0, content: { 'application/json': { schema: body } } };
  }
  op.responses = {
    ...(invoker.plan.kind === 'mock' && !route.outputSchema
      ? { '2XX': { description: 'The mapped result (204 when there is none)', content: { 'application/json': { schema: {} } } } }
      : { '2XX': { description: invoker.call ? `The mapped answer of ${invoker.call}` : 'The mapped result', content: { 'application/json': { schema: route.outputSchema ?? {} } } } }),
    default: { description: 'A problem (RFC 9457): invalid input, upstream failure, authentication', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
  };
  return op;
}

function securityScheme(auth: InboundAuth, namespace: string): Json {
  switch (auth.type) {
    case 'bearer':
      return { type: 'http', scheme: 'bearer' };
    case 'basic':
      return { type: 'http', scheme: 'basic' };
    case 'apikey':
      return { type: 'apiKey', name: auth.key, in: auth.placement };
    case 'oauth2':
      // A resource server: it checks JWT access tokens from the issuer; how to get one is the issuer's business.
      return {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `OAuth 2.1 access token for ${auth.resource} issued by ${auth.issuer}${auth.scopes.length ? ` with scopes ${auth.scopes.join(', ')}` : ''} (${namespace})`,
      };
  }
}

const PROBLEM_SCHEMA: Json = {
  type: 'object',
  description: 'RFC 9457 problem details; `code` is a CAP_* code (docs/errors.md)',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, in: { type: 'string' }, message: { type: 'string' } } } },
    upstream: { type: 'object', properties: { namespace: { type: 'string' }, status: { type: 'integer' }, body: {} } },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
};
