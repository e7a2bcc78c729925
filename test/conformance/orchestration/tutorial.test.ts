// The 11 steps of the Naftiko shipyard tutorial (test/conformance/tutorial/, copied unmodified with their shared
// files), each served against local mocks of its two APIs (tutorial-harness.ts) and driven through real clients: both
// MCP client generations with the tutorial's bearer token, plain HTTP for REST and skill routes. Every test checks what
// reached the mocks (method, path, query, headers, body) and what came back, as the tutorial files describe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultJson, resultText, type McpTestClient } from '../../helpers/mcp-clients.js';
import type { RecordedRequest } from '../../helpers/upstream.js';
import { LEGACY_VESSELS } from './shipyard-dockyard.js';
import { SHIPS, VOYAGE } from './shipyard-registry.js';
import { serveTutorial, TUTORIAL_SECRETS, type Tutorial } from './tutorial-harness.js';

// What the tutorial's output mappings make of the mock data.
const shipSummary = (s: (typeof SHIPS)[number]) => ({ imo: s.imo_number, name: s.vessel_name, type: s.vessel_type, flag: s.flag_code, status: s.operational_status });
const ALL_SHIPS = SHIPS.map(shipSummary);
const NORTHERN_STAR = ALL_SHIPS[0]!;
const NORTHERN_STAR_WITH_SPECS = { ...NORTHERN_STAR, specs: { yearBuilt: 2015, tonnage: 42000, length: 229 } };
const legacySummary = (v: (typeof LEGACY_VESSELS)[number]) => ({ vesselCode: v.vesselCode, name: v.vesselName, type: v.category, flag: v.flagState, status: v.operationalStatus });
const ALL_LEGACY = LEGACY_VESSELS.map(legacySummary);
const shipWithCrew = {
  ...NORTHERN_STAR,
  yearBuilt: 2015,
  tonnage: 42000,
  length: 229,
  crew: [
    { fullName: 'Erik Lindström', role: 'captain' },
    { fullName: 'Aiko Tanaka', role: 'cook' },
  ],
};
const VOYAGE_INPUT = {
  shipImo: 'IMO-9321483',
  departurePort: 'Oslo',
  arrivalPort: 'Singapore',
  departureDate: '2026-04-10T08:00:00Z',
  arrivalDate: '2026-05-02T14:00:00Z',
  crewIds: ['CREW-001', 'CREW-003'],
  cargoIds: ['CARGO-2024-0451'],
};
/** The mapped answer of create-voyage: scalars echoed by the mock, route and dates nested, the mock's static arrays. */
const CREATED_VOYAGE = {
  voyageId: 'VOY-2026-042',
  shipImo: 'IMO-9321483',
  route: { from: 'Oslo', to: 'Singapore' },
  dates: { departure: '2026-04-10T08:00:00Z', arrival: '2026-05-02T14:00:00Z' },
  crewIds: VOYAGE.crewIds,
  cargoIds: VOYAGE.cargoIds,
  status: 'planned',
};

const seen = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path}${r.query.size ? `?${r.query}` : ''}`);

/** The registry credentials the tutorial binds from shared/secrets.yaml (step 3 on), never the MCP token. */
function expectRegistryCredentials(requests: RecordedRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    expect(r.headers.authorization).toBe(`Bearer ${TUTORIAL_SECRETS.registryToken}`);
    expect(r.headers['registry-version']).toBe(TUTORIAL_SECRETS.registryVersion);
  }
}

/** The dockyard's API key (step 5 on); the registry's token and the MCP token never go there. */
function expectDockyardCredentials(requests: RecordedRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    expect(r.headers['x-dock-key']).toBe(TUTORIAL_SECRETS.dockyardKey);
    expect(r.headers.authorization).toBeUndefined();
  }
}

async function call(client: McpTestClient, name: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const result = await client.callTool(name, args);
  expect(result.isError ?? false, resultText(result)).toBe(false);
  return resultJson(result);
}

/** Shared checks of list-ships and get-ship, which every step from 2 on exposes. */
function registryToolChecks(get: () => Tutorial, options: { credentials: boolean; specs: boolean }): void {
  it('MCP list-ships: GET /ships without a status sends no query and maps every ship; a status becomes ?status=', async () => {
    const t = get();
    for (const client of t.clients) {
      t.reset();
      expect(await call(client, 'list-ships')).toEqual(ALL_SHIPS);
      expect(await call(client, 'list-ships', { status: 'maintenance' })).toEqual([shipSummary(SHIPS[1]!)]);
      expect(seen(t.registry.requests)).toEqual(['GET /ships', 'GET /ships?status=maintenance']);
      if (options.credentials) expectRegistryCredentials(t.registry.requests);
      else for (const r of t.registry.requests) expect(r.headers.authorization).toBeUndefined();
      expect(t.dockyard.requests).toEqual([]);
    }
  });

  it(`MCP get-ship: GET /ships/{imo_number} from the tool's imo, mapped to imo, name, type, flag, status${options.specs ? ' and nested specs' : ''}`, async () => {
    const t = get();
    for (const client of t.clients) {
      t.reset();
      expect(await call(client, 'get-ship', { imo: 'IMO-9321483' })).toEqual(options.specs ? NORTHERN_STAR_WITH_SPECS : NORTHERN_STAR);
      expect(seen(t.registry.requests)).toEqual(['GET /ships/IMO-9321483']);
      if (options.credentials) expectRegistryCredentials(t.registry.requests);
    }
  });

  it('MCP tools/list: list-ships has an optional status, get-ship requires imo', async () => {
    for (const client of get().clients) {
      const tools = await client.listTools();
      const listShips = tools.find((tool) => tool.name === 'list-ships')!;
      expect(listShips.inputSchema.properties?.status).toMatchObject({ type: 'string', description: 'Filter by operational status' });
      expect(listShips.inputSchema.required ?? []).toEqual([]);
      expect(tools.find((tool) => tool.name === 'get-ship')!.inputSchema.required).toEqual(['imo']);
    }
  });
}

function legacyToolChecks(get: () => Tutorial): void {
  it('MCP list-legacy-vessels: GET /vessels on the dockyard with X-Dock-Key, its XML mapped to vessels', async () => {
    const t = get();
    for (const client of t.clients) {
      t.reset();
      expect(await call(client, 'list-legacy-vessels')).toEqual(ALL_LEGACY);
      expect(seen(t.dockyard.requests)).toEqual(['GET /vessels']);
      expect(t.dockyard.requests[0]!.headers.accept).toMatch(/application\/xml/);
      expectDockyardCredentials(t.dockyard.requests);
      expect(t.registry.requests).toEqual([]);
    }
  });

  it('MCP list-legacy-vessels {status: laid_up}: a list of one vessel (the reference engine returns the raw XML tree: one <vessel> is not an array to Jackson)', async () => {
    const t = get();
    for (const client of t.clients) {
      t.reset();
      expect(await call(client, 'list-legacy-vessels', { status: 'laid_up' })).toEqual([legacySummary(LEGACY_VESSELS[1]!)]);
      expect(seen(t.dockyard.requests)).toEqual(['GET /vessels?status=laid_up']);
      expectDockyardCredentials(t.dockyard.requests);
    }
  });
}

function createVoyageChecks(get: () => Tutorial): void {
  it('MCP create-voyage: POST /voyages with the step-6 JSON body (arrays as arrays), the 201 answer mapped; hints as declared', async () => {
    const t = get();
    for (const client of t.clients) {
      t.reset();
      expect(await call(client, 'create-voyage', VOYAGE_INPUT)).toEqual(CREATED_VOYAGE);
      const sent = t.registry.only();
      expect(sent).toMatchObject({ method: 'POST', path: '/voyages' });
      expect(sent.headers['content-type']).toMatch(/^application\/json/);
      expect(sent.json).toEqual(VOYAGE_INPUT);
      expect(sent.answered?.status).toBe(201);
      expectRegistryCredentials([sent]);
      const tool = (await client.listTools()).find((x) => x.name === 'create-voyage')!;
      expect(tool.annotations).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
      expect(tool.inputSchema.required).toEqual(['shipImo', 'departurePort', 'arrivalPort', 'departureDate', 'arrivalDate', 'crewIds']);
    }
  });

  it('MCP create-voyage without the optional cargoIds: the body is still JSON, cargoIds null (the reference engine sends `"cargoIds": ` and invalid JSON)', async () => {
    const t = get();
    const { cargoIds: _omitted, ...withoutCargo } = VOYAGE_INPUT;
    for (const client of t.clients) {
      t.reset();
      expect(await call(client, 'create-voyage', withoutCargo)).toEqual(CREATED_VOYAGE);
      expect(t.registry.only().json).toEqual({ ...withoutCargo, cargoIds: null });
    }
  });
}

function shipWithCrewCheck(get: () => Tutorial): void {
  it('MCP get-ship-with-crew: the ship joined with its crew names (GET /ships/{imo}, GET /crew, lookup)', async () => {
    const t = get();
    for (const client of t.clients) {
      t.reset();
      const result = await client.callTool('get-ship-with-crew', { imo: 'IMO-9321483' });
      expect(result.structuredContent).toEqual(shipWithCrew);
      expect(seen(t.registry.requests)).toEqual(['GET /ships/IMO-9321483', 'GET /crew']);
      expectRegistryCredentials(t.registry.requests);
    }
  });
}

/** Serves one step for the describe block around it. */
function serving(step: string, options?: { mcpToken?: boolean }): () => Tutorial {
  let t: Tutorial | undefined;
  beforeAll(async () => {
    t = await serveTutorial(step, options);
  });
  afterAll(() => t?.close());
  return () => t!;
}

describe('tutorial step-1-shipyard-mock.yml: get-ship answered by the capability itself', () => {
  const get = serving('step-1-shipyard-mock.yml', { mcpToken: false });

  it('MCP get-ship: the declared values with the caller imo_number, nothing sent to either API', async () => {
    const t = get();
    for (const client of t.clients) {
      const result = await client.callTool('get-ship', { imo_number: 'IMO-9321483' });
      expect(result.structuredContent).toEqual({ imo: 'IMO-9321483', name: 'Northern Star', type: 'cargo', flag: 'NO', status: 'active' });
      const tools = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(['get-ship']);
      expect(tools[0]!.inputSchema.required).toEqual(['imo_number']);
    }
    expect(t.registry.requests).toEqual([]);
    expect(t.dockyard.requests).toEqual([]);
  });
});

describe('tutorial step-2-shipyard-wiring.yml: list-ships and get-ship wired to the registry', () => {
  const get = serving('step-2-shipyard-wiring.yml', { mcpToken: false });
  registryToolChecks(get, { credentials: false, specs: false });

  it('MCP get-ship for an unknown ship: the registry 404 comes back as a tool error, not a crash', async () => {
    const t = get();
    for (const client of t.clients) {
      const result = await client.callTool('get-ship', { imo: 'IMO-0000000' });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toContain('404');
    }
  });
});

describe('tutorial step-3-shipyard-auth.yml: bound credentials upstream, a bearer token on the MCP endpoint', () => {
  const get = serving('step-3-shipyard-auth.yml');
  registryToolChecks(get, { credentials: true, specs: false });

  it('MCP without or with a wrong token: 401, nothing reaches the registry', async () => {
    const t = get();
    t.reset();
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${TUTORIAL_SECRETS.registryToken}`]) {
      const response = await fetch(t.served.mcp, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(initialize),
      });
      expect(response.status, String(authorization)).toBe(401);
      await response.body?.cancel();
    }
    expect(t.registry.requests).toEqual([]);
  });
});

describe('tutorial step-4-shipyard-output-shaping.yml: get-ship gains nested specs', () => {
  const get = serving('step-4-shipyard-output-shaping.yml');
  registryToolChecks(get, { credentials: true, specs: true });
});

describe('tutorial step-5-shipyard-multi-source.yml: the registry (JSON) and the legacy dockyard (XML, API key)', () => {
  const get = serving('step-5-shipyard-multi-source.yml');
  registryToolChecks(get, { credentials: true, specs: true });
  legacyToolChecks(get);
});

describe('tutorial step-6-shipyard-write-operations.yml: create-voyage posts a templated JSON body', () => {
  const get = serving('step-6-shipyard-write-operations.yml');
  registryToolChecks(get, { credentials: true, specs: true });
  legacyToolChecks(get);
  createVoyageChecks(get);
});

describe('tutorial step-7-shipyard-orchestrated-lookup.yml: get-ship-with-crew through steps', () => {
  const get = serving('step-7-shipyard-orchestrated-lookup.yml');
  shipWithCrewCheck(get);
  createVoyageChecks(get);

  it('REST GET /ships/IMO-9321483/crew runs the same steps; GET /ships/{imo} (single-brace route) the single call', async () => {
    const t = get();
    t.reset();
    const crew = await fetch(`${t.served.urlOf('shipyard-api')}/ships/IMO-9321483/crew`);
    expect(crew.status).toBe(200);
    expect(await crew.json()).toEqual(shipWithCrew);
    const ship = await fetch(`${t.served.urlOf('shipyard-api')}/ships/IMO-9321483`);
    expect(ship.status).toBe(200);
    expect(await ship.json()).toEqual(NORTHERN_STAR_WITH_SPECS);
    expect(seen(t.registry.requests)).toEqual(['GET /ships/IMO-9321483', 'GET /crew', 'GET /ships/IMO-9321483']);
    expectRegistryCredentials(t.registry.requests);
  });
});

describe('tutorial step-8-shipyard-skill-groups.yml: the tools grouped as skills', () => {
  const get = serving('step-8-shipyard-skill-groups.yml');

  it('skills: GET /skills lists fleet-ops and voyage-ops with their tools', async () => {
    const response = await fetch(get().served.urlOf('shipyard-skills'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      count: 2,
      skills: [
        { name: 'fleet-ops', description: 'Fleet management — list, search, and inspect ships across all registries', tools: ['list-ships', 'get-ship', 'list-legacy-vessels', 'get-ship-with-crew'] },
        { name: 'voyage-ops', description: 'Voyage planning — create and manage voyages', tools: ['create-voyage'] },
      ],
    });
  });

  it('skills: GET /skills/voyage-ops derives create-voyage from the MCP tool of shipyard-tools', async () => {
    const response = await fetch(`${get().served.urlOf('shipyard-skills')}/voyage-ops`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      name: 'voyage-ops',
      tools: [{ name: 'create-voyage', type: 'derived', invocationRef: { targetNamespace: 'shipyard-tools', action: 'create-voyage', mode: 'mcp' } }],
    });
  });

  registryToolChecks(get, { credentials: true, specs: true });
  legacyToolChecks(get);
  createVoyageChecks(get);
  shipWithCrewCheck(get);
});

describe('tutorial step-9-shipyard-aggregates.yml: get-ship-with-crew behind an aggregate ref', () => {
  const get = serving('step-9-shipyard-aggregates.yml');
  shipWithCrewCheck(get);

  it('MCP: hints derived from the function semantics (safe, idempotent), the input schema from the function', async () => {
    for (const client of get().clients) {
      const tool = (await client.listTools()).find((t) => t.name === 'get-ship-with-crew')!;
      expect(tool.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });
      expect(tool.inputSchema.required).toEqual(['imo']);
    }
  });
});

describe('tutorial step-10-shipyard-rest-adapter.yml: the same operations as REST routes', () => {
  const get = serving('step-10-shipyard-rest-adapter.yml');
  const rest = () => get().served.urlOf('shipyard-api');

  async function getJson(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${rest()}${path}`);
    return { status: response.status, body: await response.json() };
  }

  it('REST GET /ships and /ships?status=active: the registry list, filtered by the query', async () => {
    const t = get();
    t.reset();
    expect(await getJson('/ships')).toEqual({ status: 200, body: ALL_SHIPS });
    expect(await getJson('/ships?status=active')).toEqual({ status: 200, body: [NORTHERN_STAR] });
    expect(seen(t.registry.requests)).toEqual(['GET /ships', 'GET /ships?status=active']);
    expectRegistryCredentials(t.registry.requests);
  });

  it('REST GET /ships/IMO-9321483: the path variable becomes the registry path, specs nested', async () => {
    const t = get();
    t.reset();
    expect(await getJson('/ships/IMO-9321483')).toEqual({ status: 200, body: NORTHERN_STAR_WITH_SPECS });
    expect(seen(t.registry.requests)).toEqual(['GET /ships/IMO-9321483']);
  });

  it('REST GET /ships/IMO-9321483/crew: the aggregate function behind ref (ship, crew list, lookup)', async () => {
    const t = get();
    t.reset();
    expect(await getJson('/ships/IMO-9321483/crew')).toEqual({ status: 200, body: shipWithCrew });
    expect(seen(t.registry.requests)).toEqual(['GET /ships/IMO-9321483', 'GET /crew']);
    expectRegistryCredentials(t.registry.requests);
  });

  it('REST GET /legacy/vessels (and ?status=laid_up, a list of one): the dockyard XML mapped', async () => {
    const t = get();
    t.reset();
    expect(await getJson('/legacy/vessels')).toEqual({ status: 200, body: ALL_LEGACY });
    expect(await getJson('/legacy/vessels?status=laid_up')).toEqual({ status: 200, body: [legacySummary(LEGACY_VESSELS[1]!)] });
    expect(seen(t.dockyard.requests)).toEqual(['GET /vessels', 'GET /vessels?status=laid_up']);
    expectDockyardCredentials(t.dockyard.requests);
  });

  it('REST POST /voyages: body fields become the registry body, the upstream 201 passes through with the mapped voyage', async () => {
    const t = get();
    t.reset();
    const response = await fetch(`${rest()}/voyages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(VOYAGE_INPUT) });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual(CREATED_VOYAGE);
    const sent = t.registry.only();
    expect(sent).toMatchObject({ method: 'POST', path: '/voyages' });
    expect(sent.json).toEqual(VOYAGE_INPUT);
    expectRegistryCredentials([sent]);
  });

  it('REST POST /voyages without the optional cargoIds: cargoIds is null upstream (the reference engine gives a body input missing from the request the whole body)', async () => {
    const t = get();
    t.reset();
    const { cargoIds: _omitted, ...withoutCargo } = VOYAGE_INPUT;
    const response = await fetch(`${rest()}/voyages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(withoutCargo) });
    expect(response.status).toBe(201);
    expect(t.registry.only().json).toEqual({ ...withoutCargo, cargoIds: null });
  });

  it('REST POST /ships: a method the resource has no operation for is 405 naming the allowed one (case 14; the reference engine answers 404)', async () => {
    const response = await fetch(`${rest()}/ships`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('GET');
    await response.body?.cancel();
  });

  shipWithCrewCheck(get);
  legacyToolChecks(get);

  it('skills: the catalog still lists both skill groups beside the REST adapter', async () => {
    const catalog = (await (await fetch(get().served.urlOf('shipyard-skills'))).json()) as { skills: { name: string }[] };
    expect(catalog.skills.map((s) => s.name)).toEqual(['fleet-ops', 'voyage-ops']);
  });
});

describe('tutorial step-11-shipyard-fleet-manifest.yml: get-voyage-manifest', () => {
  const get = serving('step-11-shipyard-fleet-manifest.yml');

  it('MCP: voyage, ship (matched on the projected imo-number), crew and cargo in one manifest', async () => {
    const t = get();
    for (const client of t.clients) {
      t.reset();
      const result = await client.callTool('get-voyage-manifest', { voyageId: 'VOY-2026-042' });
      expect(result.structuredContent).toEqual({
        voyageId: 'VOY-2026-042',
        status: 'planned',
        route: { from: 'Oslo', to: 'Singapore' },
        ship: { name: 'Northern Star', type: 'cargo', flag: 'NO' },
        crew: shipWithCrew.crew,
        cargo: [{ type: 'container', description: 'Electronics components', weight: 12.5, hazardous: false }],
      });
      expect(seen(t.registry.requests)).toEqual(['GET /voyages/VOY-2026-042', 'GET /ships', 'GET /crew', 'GET /cargo']);
    }
  });

  it('the step-11 shared file writes `token: "REGISTRY_TOKEN"` without braces: that text is sent as written (as the reference engine does), never the bound secret', async () => {
    const t = get();
    t.reset();
    await call(t.clients[0]!, 'get-voyage-manifest', { voyageId: 'VOY-2026-042' });
    for (const r of t.registry.requests) {
      expect(r.headers.authorization).toBe('Bearer REGISTRY_TOKEN');
      expect(r.headers['registry-version']).toBe('REGISTRY_VERSION');
    }
    // …and the load said so, at the shared file's lines, with the braces to add.
    const warnings = t.served.prepared.diagnostics.filter((d) => d.code === 'CAP_RULE_BIND_NAME_LITERAL');
    expect(warnings.map((d) => [d.severity, d.file.endsWith('shared/step11-registry-consumes.yml'), d.line, d.hint])).toEqual([
      ['warning', true, 9, 'write "{{REGISTRY_TOKEN}}" to send the value of the bound variable'],
      ['warning', true, 13, 'write "{{REGISTRY_VERSION}}" to send the value of the bound variable'],
    ]);
  });
});
