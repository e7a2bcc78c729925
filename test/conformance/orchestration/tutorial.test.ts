// The shipyard tutorial's orchestration steps, served unmodified (tutorial/ holds copies with their shared files):
// step 7 (steps with a lookup), step 9 (the same logic as an aggregate function behind `ref`) and step 11 (the
// voyage manifest: projected list, array lookups, dotted targets), against a local
// mock of the Maritime Registry API, through MCP (both generations, with the tutorial's bearer token) and REST.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFixture, type Conformance } from './harness.js';
import { shipyardRegistry } from './shipyard-registry.js';

// From tutorial/shared/secrets.yaml, which the tutorial's binds read.
const MCP_TOKEN = 'sk-mcp-YYYYYYYYYYYY';
const shipWithCrew = {
  imo: 'IMO-9321483',
  name: 'Northern Star',
  type: 'cargo',
  flag: 'NO',
  status: 'active',
  yearBuilt: 2015,
  tonnage: 42000,
  length: 229,
  crew: [
    { fullName: 'Erik Lindström', role: 'captain' },
    { fullName: 'Aiko Tanaka', role: 'cook' },
  ],
};

for (const step of ['step-7-shipyard-orchestrated-lookup.yml', 'step-9-shipyard-aggregates.yml']) {
  describe(`tutorial ${step}: get-ship-with-crew`, () => {
    let c: Conformance;
    beforeAll(async () => {
      c = await serveFixture(`tutorial/${step}`, shipyardRegistry, { mcpHeaders: { authorization: `Bearer ${MCP_TOKEN}` } });
    });
    afterAll(() => c?.close());

    it('MCP: the ship joined with its crew names, the registry called with the tutorial credentials', async () => {
      for (const client of c.clients) {
        c.upstream.reset();
        const result = await client.callTool('get-ship-with-crew', { imo: 'IMO-9321483' });
        expect(result.structuredContent).toEqual(shipWithCrew);
        expect(c.upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /ships/IMO-9321483', 'GET /crew']);
        for (const r of c.upstream.requests) {
          expect(r.headers.authorization).toBe('Bearer dummy-token');
          expect(r.headers['registry-version']).toBe('1.0.0-alpha2');
        }
      }
    });

    if (step.startsWith('step-9')) {
      it('MCP: hints derived from the function semantics (safe, idempotent)', async () => {
        for (const client of c.clients) {
          const tool = (await client.listTools()).find((t) => t.name === 'get-ship-with-crew')!;
          expect(tool.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });
          expect(tool.inputSchema.required).toEqual(['imo']);
        }
      });
    } else {
      it('REST: GET /ships/IMO-9321483/crew runs the same steps', async () => {
        c.upstream.reset();
        const response = await fetch(`${c.served.rest}/ships/IMO-9321483/crew`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual(shipWithCrew);
        expect(c.upstream.requests.map((r) => r.path)).toEqual(['/ships/IMO-9321483', '/crew']);
      });
    }
  });
}

describe('tutorial step-11-shipyard-fleet-manifest.yml: get-voyage-manifest', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('tutorial/step-11-shipyard-fleet-manifest.yml', shipyardRegistry, { mcpHeaders: { authorization: `Bearer ${MCP_TOKEN}` } });
  });
  afterAll(() => c?.close());

  it('MCP: voyage, ship (matched on the projected imo-number), crew and cargo in one manifest', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const result = await client.callTool('get-voyage-manifest', { voyageId: 'VOY-2026-042' });
      expect(result.structuredContent).toEqual({
        voyageId: 'VOY-2026-042',
        status: 'planned',
        route: { from: 'Oslo', to: 'Singapore' },
        ship: { name: 'Northern Star', type: 'cargo', flag: 'NO' },
        crew: shipWithCrew.crew,
        cargo: [{ type: 'container', description: 'Electronics components', weight: 12.5, hazardous: false }],
      });
      expect(c.upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /voyages/VOY-2026-042', 'GET /ships', 'GET /crew', 'GET /cargo']);
    }
  });
});
