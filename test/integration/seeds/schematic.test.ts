// Seed 000 (Schematic): every MCP tool through both client generations and every REST route over plain HTTP,
// asserting the upstream request (method, path, query, X-Schematic-Api-Key, typed JSON body) and the pass-through result.
import { describe, expect, it } from 'vitest';
import { CLIENT_GENERATIONS } from '../../helpers/mcp-clients.js';
import { declaredRoutes, restCall, routeCallTests, toolCallTests, useSeed, type AuthExpectation, type RouteCase, type ToolCase } from '../../helpers/seed-harness.js';

const API_KEY = 'sch_test_4f1d2c9a8b7e6';
const auth: AuthExpectation = { header: 'X-Schematic-Api-Key', value: API_KEY };

const company = { keys: { stripe_id: 'cus_1' }, name: 'Acme' };

const tools: ToolCase[] = [
  {
    tool: 'list-companies',
    args: { limit: 5, offset: 10 },
    upstream: { method: 'GET', path: '/companies', query: { limit: '5', offset: '10' } },
  },
  {
    tool: 'upsert-company',
    args: company,
    upstream: { method: 'POST', path: '/companies', json: { keys: { stripe_id: 'cus_1' }, name: 'Acme' } },
    says: 'with keys as a JSON object and no traits',
    check: (r) => expect(typeof (r.json as { keys: unknown }).keys).toBe('object'),
  },
  {
    tool: 'list-users',
    args: { limit: 3 },
    upstream: { method: 'GET', path: '/users', query: { limit: '3' } },
  },
  {
    tool: 'upsert-user',
    args: { keys: { email: 'ada@example.test' }, name: 'Ada', company: { stripe_id: 'cus_1' } },
    upstream: { method: 'POST', path: '/users', json: { keys: { email: 'ada@example.test' }, name: 'Ada', company: { stripe_id: 'cus_1' } } },
    says: 'with keys and company as JSON objects',
  },
  {
    tool: 'track-usage-event',
    args: { event_type: 'track', name: 'api-call', company: { id: 'co_1' }, traits: { count: 3, billable: true } },
    upstream: { method: 'POST', path: '/events', json: { event_type: 'track', name: 'api-call', company: { id: 'co_1' }, traits: { count: 3, billable: true } } },
    says: 'with typed traits and no user',
  },
  { tool: 'get-insights-summary', args: {}, upstream: { method: 'GET', path: '/insights' } },
  { tool: 'get-top-features', args: {}, upstream: { method: 'GET', path: '/insights' } },
  { tool: 'get-plan-growth', args: {}, upstream: { method: 'GET', path: '/insights' } },
];

const routes: RouteCase[] = [
  {
    route: 'GET /v1/companies',
    method: 'GET',
    url: '/v1/companies?limit=5&offset=10',
    upstream: { method: 'GET', path: '/companies', query: { limit: '5', offset: '10' } },
    says: '(query passed on as implicit input)',
  },
  {
    route: 'POST /v1/companies',
    method: 'POST',
    url: '/v1/companies',
    body: company,
    upstream: { method: 'POST', path: '/companies', json: { keys: { stripe_id: 'cus_1' }, name: 'Acme' } },
    says: 'with keys as a JSON object',
    check: (r) => expect((r.json as { keys: unknown }).keys).toStrictEqual({ stripe_id: 'cus_1' }),
  },
  {
    route: 'GET /v1/users',
    method: 'GET',
    url: '/v1/users?limit=2',
    upstream: { method: 'GET', path: '/users', query: { limit: '2' } },
  },
  {
    route: 'POST /v1/users',
    method: 'POST',
    url: '/v1/users',
    body: { keys: { email: 'ada@example.test' }, name: 'Ada', company: { stripe_id: 'cus_1' } },
    upstream: { method: 'POST', path: '/users', json: { keys: { email: 'ada@example.test' }, name: 'Ada', company: { stripe_id: 'cus_1' } } },
  },
  {
    route: 'POST /v1/events',
    method: 'POST',
    url: '/v1/events',
    body: { event_type: 'track', name: 'api-call', company: { id: 'co_1' }, user: { id: 'u_1' }, traits: { count: 3 } },
    upstream: { method: 'POST', path: '/events', json: { event_type: 'track', name: 'api-call', company: { id: 'co_1' }, user: { id: 'u_1' }, traits: { count: 3 } } },
  },
  {
    route: 'GET /v1/insights',
    method: 'GET',
    url: '/v1/insights',
    upstream: { method: 'GET', path: '/insights' },
    says: '(get-insights-summary, the first of three GET operations)',
  },
];

describe('schematic seed', () => {
  const ctx = useSeed('schematic', { SCHEMATIC_API_KEY: API_KEY });

  describe('tools/list', () => {
    for (const generation of CLIENT_GENERATIONS) {
      it(`the ${generation} client negotiates its protocol revision and lists the 8 tools in file order`, async () => {
        const client = ctx.client(generation);
        expect(client.protocolVersion).toMatch(generation === '2025' ? /^2025-/ : /^2026-07-28$/);
        const listed = await client.listTools();
        expect(listed.map((t) => t.name)).toStrictEqual([
          'list-companies',
          'upsert-company',
          'list-users',
          'upsert-user',
          'track-usage-event',
          'get-insights-summary',
          'get-top-features',
          'get-plan-growth',
        ]);
      });

      it(`the ${generation} client sees annotations for exactly the hints the file sets`, async () => {
        const listed = await ctx.client(generation).listTools();
        const annotations = Object.fromEntries(listed.map((t) => [t.name, t.annotations]));
        const readOnlyOpenWorld = { readOnlyHint: true, openWorldHint: true };
        expect(annotations).toStrictEqual({
          'list-companies': readOnlyOpenWorld,
          'upsert-company': { readOnlyHint: false },
          'list-users': readOnlyOpenWorld,
          'upsert-user': { readOnlyHint: false },
          'track-usage-event': { readOnlyHint: false },
          'get-insights-summary': readOnlyOpenWorld,
          'get-top-features': readOnlyOpenWorld,
          'get-plan-growth': readOnlyOpenWorld,
        });
      });

      it(`the ${generation} client sees input schemas derived from the consumed operations`, async () => {
        const listed = await ctx.client(generation).listTools();
        const schema = (name: string) => listed.find((t) => t.name === name)!.inputSchema;
        expect(schema('list-companies').type).toBe('object');
        expect(schema('list-companies').properties?.limit?.type).toBe('integer');
        expect(schema('list-companies').properties?.offset?.type).toBe('integer');
        expect(schema('list-companies').required).toBeUndefined();
        expect(Object.keys(schema('upsert-company').properties ?? {})).toStrictEqual(['keys', 'name', 'traits']);
        expect(Object.keys(schema('track-usage-event').properties ?? {})).toStrictEqual(['event_type', 'name', 'company', 'user', 'traits']);
        expect(schema('list-users').properties?.limit?.type).toBe('integer');
        expect(schema('get-insights-summary').properties).toStrictEqual({});
      });
    }
  });

  describe('tools/call', () => {
    toolCallTests(ctx, auth, tools);

    it('list-companies rejects a string limit from an MCP client without calling the upstream', async () => {
      const result = await ctx.client('2026-07-28').callTool('list-companies', { limit: '5' });
      expect(result.isError).toBe(true);
      expect(result.content[0]!.text).toContain('limit');
      expect(ctx.upstream.requests).toHaveLength(0);
    });
  });

  describe('REST', () => {
    it('the cases below cover every distinct REST route', () => {
      expect(routes.map((c) => c.route).sort()).toStrictEqual([...new Set(declaredRoutes(ctx))].sort());
    });
    routeCallTests(ctx, auth, routes);

    it('GET /v1/insights is declared three times and only get-insights-summary is reachable (load warns about the other two)', async () => {
      expect(declaredRoutes(ctx).filter((r) => r === 'GET /v1/insights')).toHaveLength(3);
      const warnings = ctx.served.prepared.diagnostics.filter((d) => d.code === 'CAP_RULE_UNREACHABLE_OPERATION').map((d) => d.message);
      expect(warnings).toStrictEqual([
        'GET /v1/insights is already handled by "get-insights-summary"; "get-plan-growth" is unreachable',
        'GET /v1/insights is already handled by "get-insights-summary"; "get-top-features" is unreachable',
      ]);
      const answer = await restCall(ctx.served.rest, 'GET', '/v1/insights');
      expect(answer.status).toBe(200);
      expect(ctx.upstream.only().path).toBe('/insights');
    });
  });
});
