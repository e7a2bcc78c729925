// Aggregates and `ref` conformance (naftiko-semantics §6.3, §7 cases 37–39): a tool or REST operation that refs a
// function inherits its name, description, input schema and hints, and runs its call, steps or mock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../../src/prepare.js';
import { resultJson } from '../../helpers/mcp-clients.js';
import { fixture, serveFixture, type Conformance } from './harness.js';

describe('case 37: aggregate-basic.yaml — ref inherits name, description, input schema and hints', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('aggregate-basic.yaml', () => ({ body: { forecast: 'sunny', location: 'ignored' } }), { basePath: '/v1' });
  });
  afterAll(() => c?.close());

  it('case 37: tools/list shows the explicit description, the inherited one, the function input schema and derived hints', async () => {
    for (const client of c.clients) {
      const tools = await client.listTools();
      const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
      const inputSchema = { type: 'object', properties: { location: { type: 'string', description: 'City or coordinates' } }, required: ['location'] };
      // safe: true → readOnlyHint true and destructiveHint false; idempotent copied; openWorld never derived.
      const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true };
      expect(byName['get-forecast']).toMatchObject({ description: 'Get the weather forecast.', inputSchema, annotations });
      expect(byName['get-forecast-inherited']).toMatchObject({ description: 'Fetch current weather forecast for a location.', inputSchema, annotations });
      expect(byName['get-forecast']!.annotations).not.toHaveProperty('openWorldHint');
    }
  });

  it('case 37: calling the tool runs the function call and its output mapping ($.forecast)', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const result = await client.callTool('get-forecast-inherited', { location: 'Oslo' });
      expect(resultJson(result)).toBe('sunny');
      expect(c.upstream.only().path).toBe('/v1/forecast');
    }
  });

  it('case 37: the REST operations that ref the function (GET with its own path input, POST inheriting the inputs)', async () => {
    c.upstream.reset();
    const get = await fetch(`${c.served.rest}/forecast/Oslo`);
    expect(get.status).toBe(200);
    expect(await get.json()).toBe('sunny');
    const post = await fetch(`${c.served.rest}/forecast/Oslo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ location: 'Oslo' }) });
    expect(post.status).toBe(200);
    expect(await post.json()).toBe('sunny');
    expect(c.upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/forecast', 'GET /v1/forecast']);
  });

  it('case 37: an unknown ref fails at load, naming it and the refs that exist (aggregate-invalid-ref.yaml)', async () => {
    const prepared = await prepareCapabilities([fixture('aggregate-invalid-ref.yaml')], { env: {} });
    expect(prepared.ok).toBe(false);
    const error = prepared.diagnostics.find((d) => d.code === 'CAP_RULE_UNKNOWN_REF')!;
    expect(error).toMatchObject({ severity: 'error', message: 'ref "unknown.nonexistent" names no aggregate function', hint: 'available refs: data.read-items', pointer: '/capability/exposes/0/tools/0/ref' });
    expect(error.line).toBe(33); // the `ref:` line of the copied fixture
  });
});

describe('case 38: aggregate-shared-mock.yaml — one mock function behind a tool and a REST route', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('aggregate-shared-mock.yaml');
  });
  afterAll(() => c?.close());

  const greeting = { message: 'Hello, Nina!', source: 'aggregate-mock' };

  it('case 38: GET /hello?name=Nina → the mock rendered over the input, nothing sent upstream', async () => {
    const response = await fetch(`${c.served.rest}/hello?name=Nina`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(greeting);
    expect(c.upstream.requests).toEqual([]);
  });

  it('case 38: tools/call hello {name: Nina} → the same payload, both client generations', async () => {
    for (const client of c.clients) {
      const result = await client.callTool('hello', { name: 'Nina' });
      expect(result.structuredContent).toEqual(greeting);
    }
    expect(c.upstream.requests).toEqual([]);
  });
});

describe('case 39: aggregate namespace references in steps, hint merging, duplicate functions', () => {
  let steps: Conformance;
  let hints: Conformance;
  beforeAll(async () => {
    steps = await serveFixture('aggregate-step-with-namespace.yaml', (r) => ({ body: { voyageId: decodeURIComponent(r.path.split('/')[2]!), status: 'planned' } }));
    hints = await serveFixture('aggregate-hints-override.yaml');
  });
  afterAll(async () => {
    await steps?.close();
    await hints?.close();
  });

  it('case 39: `shipyard.voyage-id` in a function step is the caller argument (aggregate namespace)', async () => {
    for (const client of steps.clients) {
      steps.upstream.reset();
      const result = await client.callTool('get-voyage-manifest', { 'voyage-id': 'VOY-2026-042' });
      expect(steps.upstream.only().path).toBe('/voyages/VOY-2026-042');
      expect(result.structuredContent).toEqual({ 'voyage-id': 'VOY-2026-042' });
    }
  });

  it('case 39: hints derived from semantics, explicit hints winning per field, none for a tool without ref', async () => {
    for (const client of hints.clients) {
      const byName = Object.fromEntries((await client.listTools()).map((t) => [t.name, t.annotations]));
      expect(byName['read-items']).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });
      expect(byName['read-items-open']).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true });
      expect(byName['delete-item']).toEqual({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false });
      expect(byName['plain-tool']).toBeUndefined();
    }
  });

  it('case 39: a function declared twice fails at load, naming it', async () => {
    const prepared = await prepareCapabilities([fixture('aggregate-duplicate-function.yaml')], { env: {} });
    expect(prepared.ok).toBe(false);
    expect(prepared.diagnostics.find((d) => d.severity === 'error')).toMatchObject({
      code: 'CAP_RULE_DUPLICATE_FUNCTION',
      message: 'aggregate function "data.read-items" is declared more than once',
      pointer: '/capability/aggregates/0/functions/1/name',
    });
  });
});
