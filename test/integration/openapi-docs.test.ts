// OpenAPI 3.1 for REST adapters: each REST adapter serves its document at /docs/json (and a Swagger UI page at
// /docs) built from the compiled graph; the document is valid OpenAPI 3.1 (checked against the official schema by
// @seriousme/openapi-schema-validator), matches the routes, and equals what `capability openapi` prints. The docs
// routes pass the Host/Origin guard and inbound authentication like every route; --no-docs and a capability route
// under /docs turn them off.
import { Validator } from '@seriousme/openapi-schema-validator';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/log.js';
import { ensureFreshBuild, killRunningChildren, ROOT, runCli, startServe } from '../helpers/cli.js';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const ORDERS = join(ROOT, 'test/fixtures/dx/orders.yaml');
const TOKEN = 'docs_tok_16180339';

const GUARDED = `naftiko: "1.0.0-alpha2"
x-dialect: runtime-extensions
info: { label: Guarded, description: A REST adapter behind a bearer token and one whose route uses /docs }
binds:
  - namespace: env
    keys: { DOCS_TOKEN: DOCS_TOKEN }
capability:
  exposes:
    - type: rest
      port: 8391
      namespace: guarded-api
      authentication: { type: bearer, token: "{{DOCS_TOKEN}}" }
      resources:
        - path: /hello
          description: Hello
          operations:
            - { method: GET, name: hello, description: Says hello, outputParameters: [{ type: object, properties: { message: { type: string, value: hello } } }] }
    - type: rest
      port: 8392
      namespace: own-docs-api
      resources:
        - path: /docs/{{page}}
          description: The capability's own docs
          operations:
            - { method: GET, name: page, description: A page, outputParameters: [{ type: object, properties: { page: { type: string, value: "{{page}}" } } }] }
`;

let upstream: Upstream;
let orders: Served;
let guarded: Served;
let guardedFile: string;
const logLines: string[] = [];

beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream();
  orders = await serveCapability(ORDERS, { env: { SHOP_TOKEN: 'x' }, upstreamUrl: upstream.url });
  guardedFile = join(await mkdtemp(join(tmpdir(), 'cap-docs-')), 'guarded.yaml');
  await writeFile(guardedFile, GUARDED);
  const logger = createLogger({ destination: new Writable({ write: (chunk, _e, done) => (logLines.push(String(chunk)), done()) }) as never });
  guarded = await serveCapability(guardedFile, { env: { DOCS_TOKEN: TOKEN }, upstreamUrl: upstream.url, logger });
}, 180_000);
afterAll(async () => {
  killRunningChildren();
  await orders?.close();
  await guarded?.close();
  await upstream?.close();
});

describe('OpenAPI docs on a REST adapter', { timeout: 90_000 }, () => {
  it('serves a valid OpenAPI 3.1 document at /docs/json whose paths and methods are the adapter routes', async () => {
    const response = await fetch(`${orders.rest}/docs/json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { operationId?: string; parameters?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>> };
    const verdict = await new Validator().validate(document as never);
    expect(verdict.errors ?? []).toStrictEqual([]);
    expect(verdict.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    const routes = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toStrictEqual(['GET /v1/orders/{id}', 'POST /v1/orders'].sort());
    expect(document.paths['/v1/orders/{id}']!.get!.parameters).toStrictEqual([{ name: 'id', in: 'path', required: true, description: 'Order id', schema: { type: 'string' } }]);
    expect(document.paths['/v1/orders/{id}']!.get!.responses['2XX']).toMatchObject({
      content: { 'application/json': { schema: { type: 'object', properties: { id: { type: ['string', 'null'] } }, required: ['id'] } } },
    });
    expect(document.paths['/v1/orders']!.post!.operationId).toBe('create-order');
    // Implicit inputs of a POST are its JSON body's fields, as the route reads them.
    expect(document.paths['/v1/orders']!.post!.requestBody).toMatchObject({ content: { 'application/json': { schema: { type: 'object', properties: { sku: {}, quantity: {} } } } } });
  });

  it('serves the same document as YAML and a docs page at /docs', async () => {
    const json = await (await fetch(`${orders.rest}/docs/json`)).json();
    const yaml = await fetch(`${orders.rest}/docs/yaml`);
    expect(yaml.status).toBe(200);
    expect(parse(await yaml.text())).toStrictEqual(json);
    const page = await fetch(`${orders.rest}/docs`, { redirect: 'follow' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('swagger-ui');
  });

  it('`capability openapi` prints exactly the served document (JSON, and YAML with --yaml)', async () => {
    const served = await (await fetch(`${orders.rest}/docs/json`)).json();
    const json = await runCli(['openapi', ORDERS]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toStrictEqual(served);
    const yaml = await runCli(['openapi', ORDERS, '--yaml']);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toStrictEqual(served);
  });

  it('puts the docs behind the Host/Origin guard and the adapter authentication, and lists the scheme', async () => {
    const base = guarded.urlOf('guarded-api');
    expect((await fetch(`${base}/docs/json`)).status).toBe(401);
    expect((await fetch(`${base}/docs`)).status).toBe(401);
    const ok = await fetch(`${base}/docs/json`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    const document = (await ok.json()) as Record<string, unknown>;
    expect(document.components).toMatchObject({ securitySchemes: { inboundAuth: { type: 'http', scheme: 'bearer' } } });
    expect(document.security).toStrictEqual([{ inboundAuth: [] }]);
    expect((await new Validator().validate(document as never)).valid).toBe(true);
    expect((await fetch(`${orders.rest}/docs/json`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
  });

  it('leaves /docs to a capability route that uses it, with a warning', async () => {
    const base = guarded.urlOf('own-docs-api');
    const page = await fetch(`${base}/docs/json`);
    expect(page.status).toBe(200);
    expect(await page.json()).toStrictEqual({ page: 'json' });
    expect(logLines.join('')).toContain('OpenAPI docs not served on own-docs-api: the capability\'s route /docs/{{page}} uses /docs');
    const printed = await runCli(['openapi', guardedFile, '--adapter', 'own-docs-api']);
    expect(printed.code).toBe(0);
    expect(Object.keys(JSON.parse(printed.stdout).paths)).toStrictEqual(['/docs/{page}']);
    const several = await runCli(['openapi', guardedFile]);
    expect(several.code).toBe(1);
    expect(several.stderr).toContain('several REST adapters (guarded-api, own-docs-api); pick one with --adapter');
  });

  it('`serve --no-docs` serves the routes without the docs', async () => {
    const serve = await startServe([ORDERS, '--no-docs', '--port', 'orders-api=0', '--port', 'orders-mcp=0', '--upstream', `shop=${upstream.url}`], 2, { env: { SHOP_TOKEN: 'x' } });
    try {
      const rest = /^rest\s+orders-api\s+(\S+)/m.exec(serve.lines.join('\n'))![1]!;
      expect((await fetch(`${rest}/docs/json`)).status).toBe(404);
      expect((await fetch(`${rest}/v1/orders/o1`)).status).toBe(200);
    } finally {
      await serve.stop();
    }
  });

  it('serves no docs with docs: false (serve --no-docs)', async () => {
    const served = await serveCapability(ORDERS, { env: { SHOP_TOKEN: 'x' }, upstreamUrl: upstream.url, runtime: { docs: false } });
    try {
      expect((await fetch(`${served.rest}/docs/json`)).status).toBe(404);
      expect((await fetch(`${served.rest}/docs`)).status).toBe(404);
    } finally {
      await served.close();
    }
  });
});
