// Orchestration conformance (naftiko-semantics §4.5, §7 cases 23–27): steps run inside the one invoke path, over
// real sockets, through REST (fetch) and MCP (both client generations), against a recording upstream.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { JSONPath } from 'jsonpath-plus';
import mustache from 'mustache';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareCapabilities } from '../../../src/prepare.js';
import { resultJson, resultText } from '../../helpers/mcp-clients.js';
import type { RecordedRequest } from '../../helpers/upstream.js';
import { fixture, serveFixture, type Conformance } from './harness.js';
import { shipyardRegistry } from './shipyard-registry.js';

const paths = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path}`);

describe('tutorial steps 7, 9 and 11: orchestrated lookups over the Maritime Registry mock', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('shipyard-fleet-manifest.yaml', shipyardRegistry);
  });
  afterAll(() => c?.close());

  const crew = [
    { fullName: 'Erik Lindström', role: 'captain' },
    { fullName: 'Aiko Tanaka', role: 'cook' },
  ];

  it('get-ship-with-crew (step 7): a ship call, the crew list, and a lookup of each assigned crew id', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const result = await client.callTool('get-ship-with-crew', { imo: 'IMO-9321483' });
      expect(result.isError ?? false).toBe(false);
      expect(result.structuredContent).toEqual({
        imo: 'IMO-9321483',
        name: 'Northern Star',
        type: 'cargo',
        flag: 'NO',
        status: 'active',
        yearBuilt: 2015,
        tonnage: 42000,
        length: 229,
        crew,
      });
      expect(paths(c.upstream.requests)).toEqual(['GET /ships/IMO-9321483', 'GET /crew']);
    }
  });

  it('get-ship-with-crew-ref (step 9): the aggregate function behind a ref, its description, input schema and derived hints', async () => {
    for (const client of c.clients) {
      const listed = (await client.listTools()).find((t) => t.name === 'get-ship-with-crew-ref')!;
      expect(listed).toMatchObject({
        description: 'Resolve crew member names and roles for a given ship',
        inputSchema: { properties: { imo: { type: 'string', description: 'IMO number of the ship' } }, required: ['imo'] },
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
      });
      c.upstream.reset();
      const result = await client.callTool('get-ship-with-crew-ref', { imo: 'IMO-9321483' });
      expect(result.structuredContent).toEqual({ imo: 'IMO-9321483', name: 'Northern Star', crew });
      expect(paths(c.upstream.requests)).toEqual(['GET /ships/IMO-9321483', 'GET /crew']);
    }
    c.upstream.reset();
    const response = await fetch(`${c.served.rest}/ref/ships/IMO-9321483/crew`);
    expect(await response.json()).toEqual({ imo: 'IMO-9321483', name: 'Northern Star', crew });
  });

  it('the same steps on a REST route, with the route variable passed by namespace reference', async () => {
    c.upstream.reset();
    const response = await fetch(`${c.served.rest}/ships/IMO-9321483/crew`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ imo: 'IMO-9321483', name: 'Northern Star', crew });
    expect(paths(c.upstream.requests)).toEqual(['GET /ships/IMO-9321483', 'GET /crew']);
  });

  it('get-voyage-manifest (step 11): three lookups, an array lookup value, dotted targets and a projected list', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const result = await client.callTool('get-voyage-manifest', { voyageId: 'VOY-2026-042' });
      const manifest = result.structuredContent!;
      expect(manifest).toMatchObject({
        voyageId: 'VOY-2026-042',
        status: 'planned',
        route: { from: 'Oslo', to: 'Singapore' },
        ship: { name: 'Northern Star', type: 'cargo', flag: 'NO' },
        crew,
        cargo: [{ type: 'container', description: 'Electronics components', weight: 12.5, hazardous: false }],
      });
      expect(paths(c.upstream.requests)).toEqual(['GET /voyages/VOY-2026-042', 'GET /ships', 'GET /crew', 'GET /cargo']);
    }
  });

  it('runs steps, lookups and mappings without compiling anything per request', async () => {
    const spies = [vi.spyOn(Ajv2020.prototype, 'compile'), vi.spyOn(mustache, 'parse'), vi.spyOn(JSONPath, 'toPathArray')];
    try {
      for (const client of c.clients) await client.callTool('get-voyage-manifest', { voyageId: 'VOY-2026-042' });
      expect((await fetch(`${c.served.rest}/ships/IMO-9321483/crew`)).status).toBe(200);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });

  it('a failing step is named in the error, on REST and MCP alike', async () => {
    const response = await fetch(`${c.served.rest}/ships/IMO-0000000/crew`);
    expect(response.status).toBe(404);
    const problem = (await response.json()) as { code: string; detail: string };
    expect(problem.code).toBe('CAP_UPSTREAM_STATUS');
    expect(problem.detail).toMatch(/^step "get-ship": upstream "registry" answered 404/);
    for (const client of c.clients) {
      const result = await client.callTool('get-ship-with-crew', { imo: 'IMO-0000000' });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(/^CAP_UPSTREAM_STATUS: step "get-ship": upstream "registry" answered 404/);
    }
  });
});

describe('case 23: a lookup with a template value, call-step templates over inputs and step outputs', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture(
      'case-23-steps-lookup-templates.yaml',
      (r) => {
        if (r.path === '/v1/users') return { body: [{ id: 'u-1', email: 'alice@example.com' }, { id: 'u-2', email: 'bob@example.com' }] };
        if (r.path === '/v1/profiles/u-1') return { body: { profile: { region: 'eu' } } };
        if (r.path === '/v1/echo/eu') return { body: { ok: true } };
        return { status: 404, body: { error: r.path } };
      },
      { basePath: '/v1' },
    );
  });
  afterAll(() => c?.close());

  const expected = { user: { id: 'u-2', email: 'bob@example.com' }, region: 'eu', echoed: true };

  it('case 23: lookup output {id: u-2, …}, fetch-profile output {region: eu}, /echo/eu called (REST)', async () => {
    c.upstream.reset();
    const response = await fetch(`${c.served.rest}/workflow?targetEmail=bob@example.com&requestingUserId=u-1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expected);
    expect(paths(c.upstream.requests)).toEqual(['GET /v1/users', 'GET /v1/profiles/u-1', 'GET /v1/echo/eu']);
  });

  it('case 23: the same steps as an MCP tool, both client generations', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const result = await client.callTool('workflow', { targetEmail: 'bob@example.com', requestingUserId: 'u-1' });
      expect(result.structuredContent).toEqual(expected);
      expect(paths(c.upstream.requests)).toEqual(['GET /v1/users', 'GET /v1/profiles/u-1', 'GET /v1/echo/eu']);
    }
  });
});

describe('case 24: lookup projection rules and errors', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('case-24-lookup-rules.yaml', (r) => {
      if (r.path === '/users') return { body: [{ id: 'u-1', email: 'a@example.com', role: 'admin' }] };
      if (r.path === '/notes') return { body: 'plain text', headers: { 'content-type': 'text/plain' } };
      return { status: 404 };
    });
  });
  afterAll(() => c?.close());

  it('case 24: a match keeps only the listed fields; no match gives null', async () => {
    for (const client of c.clients) {
      expect(resultJson(await client.callTool('find', { email: 'a@example.com' }))).toEqual({ found: { id: 'u-1' } });
      expect(resultJson(await client.callTool('find', { email: 'nobody@example.com' }))).toEqual({ found: null });
    }
  });

  it('case 24: a lookup in a step that returned no JSON is CAP_STEP_OUTPUT_MISSING naming both steps', async () => {
    for (const client of c.clients) {
      const result = await client.callTool('find-in-text', {});
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(/^CAP_STEP_OUTPUT_MISSING: step "note": step "notes" returned no JSON output/);
    }
  });

  it('case 24: a lookup whose index names no earlier step is refused at load time, naming it (the reference fails per request)', async () => {
    const prepared = await prepareCapabilities([fixture('case-24-lookup-missing-index.yaml')], { env: {} });
    expect(prepared.ok).toBe(false);
    const error = prepared.diagnostics.find((d) => d.severity === 'error')!;
    expect(error.message).toBe('lookup step "find" searches step "does-not-exist", which is not an earlier step (earlier: users)');
    expect(error).toMatchObject({ pointer: '/capability/exposes/0/tools/0/steps/1/index', line: 19 });
  });
});

it('a script step is refused at load with CAP_COMPILE_UNSUPPORTED, pointing at it', async () => {
  const prepared = await prepareCapabilities([fixture('script-step.yaml')], { env: {} });
  expect(prepared.ok).toBe(false);
  expect(prepared.diagnostics.find((d) => d.severity === 'error')).toMatchObject({
    code: 'CAP_COMPILE_UNSUPPORTED',
    message: 'step "enrich" has type "script", which this runtime does not run yet; use call or lookup steps',
    pointer: '/capability/exposes/0/tools/0/steps/1/type',
  });
});

describe('case 25: array step outputs keep their elements and gain projected fields; dotted targets nest', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('shipyard-fleet-manifest.yaml', shipyardRegistry);
  });
  afterAll(() => c?.close());

  it('case 25: list-ships elements keep imo_number, vessel_name… and gain imo-number; route.from/route.to build `route`', async () => {
    for (const client of c.clients) {
      const manifest = (await client.callTool('get-voyage-manifest', { voyageId: 'VOY-2026-042' })).structuredContent!;
      expect(manifest.ships).toEqual([
        { imo_number: 'IMO-9321483', vessel_name: 'Northern Star', vessel_type: 'cargo', flag_code: 'NO', operational_status: 'active', 'imo-number': 'IMO-9321483' },
        { imo_number: 'IMO-9456781', vessel_name: 'Pacific Dawn', vessel_type: 'tanker', flag_code: 'SG', operational_status: 'maintenance', 'imo-number': 'IMO-9456781' },
      ]);
      expect(manifest.route).toEqual({ from: 'Oslo', to: 'Singapore' });
      // The lookup matched on the projected field, which only exists because of the projection.
      expect(manifest.ship).toEqual({ name: 'Northern Star', type: 'cargo', flag: 'NO' });
    }
  });
});

describe('case 26: with values (namespace reference, unresolved reference, number, template, foreign namespace)', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('case-26-with-values.yaml', (r) => ({ body: { query: r.queryRecord } }));
  });
  afterAll(() => c?.close());

  // ref → the argument; absent → unset, so the argument `absent` survives; n → "5"; t → rendered; lit → literal.
  const expected = { ref: 'P', absent: 'kept', n: '5', t: 'X-suffix', lit: 'other-ns.param' };

  it('case 26: in a single call', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      await client.callTool('merge', { param: 'P', absent: 'kept', x: 'X' });
      expect(c.upstream.only().queryRecord).toEqual(expected);
    }
  });

  it('case 26: in a call step', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const result = await client.callTool('merge-in-step', { param: 'P', absent: 'kept', x: 'X' });
      expect(c.upstream.only().queryRecord).toEqual(expected);
      expect(result.structuredContent).toEqual({ sent: expected });
    }
  });
});

describe('case 27: a namespace reference in a step `with` is the caller argument', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('mcp-step-with-namespace-capability.yaml', (r) => ({ body: { voyageId: decodeURIComponent(r.path.split('/')[2]!) } }));
  });
  afterAll(() => c?.close());

  it('case 27: shipyard-tools.voyageId + {voyageId: VOY-2026-042} → step parameter VOY-2026-042, not the literal', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const result = await client.callTool('get-voyage-manifest', { voyageId: 'VOY-2026-042' });
      expect(c.upstream.only().path).toBe('/voyages/VOY-2026-042');
      expect(result.structuredContent).toEqual({ voyageId: 'VOY-2026-042' });
    }
  });
});

describe('an MCP dynamic resource that runs steps', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('mcp-resource-orchestrated.yaml', shipyardRegistry);
  });
  afterAll(() => c?.close());

  it('resources/read runs the steps and the lookup, like a tool call', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const read = await client.readResource('ships://crew/captain');
      expect(JSON.parse(read.contents[0]!.text!)).toEqual({ captain: 'Erik Lindström' });
      expect(paths(c.upstream.requests)).toEqual(['GET /crew']);
    }
  });
});
