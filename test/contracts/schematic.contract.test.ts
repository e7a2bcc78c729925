// Schematic capability against Schematic's own contract (test/contracts/schematic/openapi.yaml on Prism):
// every MCP tool and REST route makes exactly its documented request, the mock accepts it, and the vendor's
// answer reaches the caller through the output mapping. Consumed operations that nothing exposes are sent
// through their compiled request templates against the same mock.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDescribedInputs, type RestCase, type ToolCase } from './support/cases.js';
import { contractSuite } from './support/suite.js';
import { consumedSender, type ConsumedSender } from './support/consumed.js';

const SPEC = fileURLToPath(new URL('./schematic/openapi.yaml', import.meta.url));
const CAPABILITY = fileURLToPath(new URL('../../capabilities/schematic.yaml', import.meta.url));
const ENV = { SCHEMATIC_API_KEY: 'test-key' };
const AUTH = { header: 'x-schematic-api-key', value: 'test-key' };

const company = { stripe_id: 'cus_N4x2k8' };
const user = { email: 'ada@example.com' };

const toolCases: ToolCase[] = [
  {
    tool: 'list-companies',
    args: { q: 'acme', ids: ['comp_1', 'comp_2'], limit: 25, offset: 0 },
    upstream: { method: 'GET', path: '/companies', query: { q: 'acme', ids: ['comp_1', 'comp_2'], limit: '25', offset: '0' } },
    mapping: '$',
  },
  {
    tool: 'upsert-company',
    args: { keys: company, name: 'Acme Corp', traits: { seats: 12, region: 'eu' } },
    upstream: { method: 'POST', path: '/companies', body: { keys: company, name: 'Acme Corp', traits: { seats: 12, region: 'eu' } } },
    mapping: '$.data',
  },
  {
    tool: 'list-users',
    args: { company_id: 'comp_1', limit: 10 },
    upstream: { method: 'GET', path: '/users', query: { company_id: 'comp_1', limit: '10' } },
    mapping: '$',
  },
  {
    tool: 'upsert-user',
    args: { keys: user, name: 'Ada Lovelace', company },
    upstream: { method: 'POST', path: '/users', body: { keys: user, name: 'Ada Lovelace', company } },
    mapping: '$.data',
  },
  {
    tool: 'track-usage-event',
    args: { event: 'api-call', company, user, quantity: 3, idempotency_key: 'evt-2026-11-22-0001' },
    upstream: {
      method: 'POST',
      path: '/events',
      body: { event_type: 'track', body: { event: 'api-call', company, user, quantity: 3 }, idempotency_key: 'evt-2026-11-22-0001' },
    },
    mapping: '$.data',
  },
  { tool: 'get-insights-summary', args: {}, upstream: { method: 'GET', path: '/insights/summary' }, mapping: '$.data' },
  {
    tool: 'get-top-features',
    args: { start_time: '2026-10-01T00:00:00Z', end_time: '2026-11-01T00:00:00Z', limit: 5 },
    upstream: { method: 'GET', path: '/insights/top-features', query: { start_time: '2026-10-01T00:00:00Z', end_time: '2026-11-01T00:00:00Z', limit: '5' } },
    mapping: '$.data',
  },
  {
    tool: 'get-plan-growth',
    args: { months: 6 },
    upstream: { method: 'GET', path: '/insights/plan-growth', query: { months: '6' } },
    mapping: '$.data',
  },
];

const restCases: RestCase[] = [
  {
    route: 'GET /v1/companies',
    query: { plan_id: 'plan_pro', with_subscription: 'true', limit: '50' },
    upstream: { method: 'GET', path: '/companies', query: { plan_id: 'plan_pro', with_subscription: 'true', limit: '50' } },
    mapping: '$',
  },
  {
    route: 'POST /v1/companies',
    body: { keys: company, name: 'Acme Corp', update_only: false },
    upstream: { method: 'POST', path: '/companies', body: { keys: company, name: 'Acme Corp', update_only: false } },
    mapping: '$.data',
  },
  {
    route: 'GET /v1/users',
    query: { q: 'ada', ids: 'user_1' },
    upstream: { method: 'GET', path: '/users', query: { q: 'ada', ids: 'user_1', limit: '100' } },
    mapping: '$',
  },
  {
    route: 'POST /v1/users',
    body: { keys: user, name: 'Ada Lovelace', traits: { role: 'admin' } },
    upstream: { method: 'POST', path: '/users', body: { keys: user, name: 'Ada Lovelace', traits: { role: 'admin' } } },
    mapping: '$.data',
  },
  {
    route: 'POST /v1/events',
    body: { event: 'report-export', company, traits: { format: 'csv' } },
    upstream: { method: 'POST', path: '/events', body: { event_type: 'track', body: { event: 'report-export', company, traits: { format: 'csv' } } } },
    mapping: '$.data',
  },
  { route: 'GET /v1/insights/summary', upstream: { method: 'GET', path: '/insights/summary' }, mapping: '$.data' },
  {
    route: 'GET /v1/insights/plan-growth',
    query: { months: '12' },
    upstream: { method: 'GET', path: '/insights/plan-growth', query: { months: '12' } },
    mapping: '$.data',
  },
  {
    route: 'GET /v1/insights/top-features',
    query: { start_time: '2026-10-01T00:00:00Z', end_time: '2026-11-01T00:00:00Z' },
    upstream: { method: 'GET', path: '/insights/top-features', query: { start_time: '2026-10-01T00:00:00Z', end_time: '2026-11-01T00:00:00Z' } },
    mapping: '$.data',
  },
];

/** Consumed operations no tool or route calls, with the request each must produce. */
const consumedCases: { operation: string; params: Record<string, unknown>; method: string; path: string; status: number }[] = [
  { operation: 'list-flags', params: { q: 'beta', limit: 10 }, method: 'GET', path: '/flags?q=beta&limit=10', status: 200 },
  {
    operation: 'create-flag',
    params: { key: 'beta-dashboard', name: 'Beta dashboard', description: 'New dashboard', default_value: false },
    method: 'POST',
    path: '/flags',
    status: 201,
  },
  { operation: 'check-flag', params: { key: 'beta-dashboard', company, user }, method: 'POST', path: '/flags/beta-dashboard/check', status: 200 },
  { operation: 'check-flags', params: { company }, method: 'POST', path: '/flags/check', status: 201 },
  { operation: 'check-flags-bulk', params: { contexts: [{ company }, { company: { stripe_id: 'cus_2' }, user }] }, method: 'POST', path: '/flags/check-bulk', status: 201 },
  { operation: 'list-features', params: { feature_type: ['event'], limit: 5 }, method: 'GET', path: '/features?feature_type=event&limit=5', status: 200 },
  { operation: 'create-feature', params: { name: 'API calls', description: 'Metered API calls', feature_type: 'event', event_subtype: 'api-call' }, method: 'POST', path: '/features', status: 201 },
  { operation: 'list-plans', params: { plan_type: 'plan' }, method: 'GET', path: '/plans?plan_type=plan', status: 200 },
  { operation: 'create-plan', params: { name: 'Pro', plan_type: 'plan', description: 'For growing teams' }, method: 'POST', path: '/plans', status: 201 },
  { operation: 'list-plan-entitlements', params: { plan_id: 'plan_pro' }, method: 'GET', path: '/plan-entitlements?plan_id=plan_pro', status: 200 },
  {
    operation: 'create-plan-entitlement',
    params: { plan_id: 'plan_pro', feature_id: 'feat_api', value_type: 'numeric', value_numeric: 10000, metric_period: 'current_month' },
    method: 'POST',
    path: '/plan-entitlements',
    status: 201,
  },
  { operation: 'list-webhooks', params: { limit: 20 }, method: 'GET', path: '/webhooks?limit=20', status: 200 },
  {
    operation: 'create-webhook',
    params: { name: 'CRM sync', url: 'https://hooks.example.com/schematic', request_types: ['company.updated', 'company.plan_changed'] },
    method: 'POST',
    path: '/webhooks',
    status: 201,
  },
];

describe('Schematic capability against the Schematic contract (Prism)', () => {
  const bench = contractSuite({ spec: SPEC, capability: CAPABILITY, env: ENV, upstream: 'schematic' }, toolCases, restCases, AUTH);

  it('declares typed, described inputs; upsert-company needs keys, an object of string to string', async () => {
    const tools = await bench().listTools();
    tools.forEach(expectDescribedInputs);
    const upsert = tools.find((t) => t.name === 'upsert-company')!;
    expect(upsert.inputSchema.required).toEqual(['keys']);
    expect(upsert.inputSchema.properties!.keys).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
    expect(tools.find((t) => t.name === 'get-top-features')!.inputSchema.required).toEqual(['start_time', 'end_time']);
    expect(tools.find((t) => t.name === 'track-usage-event')!.inputSchema.required).toEqual(['event']);
  });

  it('refuses a tool call without a required argument, naming it, before any upstream call', async () => {
    bench().reset();
    const result = await bench().callTool('upsert-company', { name: 'Acme Corp' });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/^CAP_INPUT_INVALID: .*\bkeys\b.*is required/);
    expect(bench().exchanges()).toEqual([]);
  });

  it('refuses a REST request without a required query parameter, naming it, before any upstream call', async () => {
    bench().reset();
    const answer = await bench().rest('GET', '/v1/insights/top-features', { query: { start_time: '2026-10-01T00:00:00Z' } });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/end_time/);
    expect(bench().exchanges()).toEqual([]);
  });

  describe('consumed operations no tool or route exposes', () => {
    let sender: ConsumedSender;

    beforeAll(async () => {
      sender = await consumedSender(CAPABILITY, ENV, new Map([['schematic', bench().proxy.url]]));
    });

    afterAll(async () => {
      await sender?.close();
    });

    it('has a case for every consumed operation that is not exposed', () => {
      const exposed = new Set(['list-companies', 'upsert-company', 'list-users', 'upsert-user', 'create-event', 'get-insights-summary', 'get-plan-growth', 'get-top-features']);
      const unexposed = sender.operations.map((o) => o.replace(/^schematic\./, '')).filter((o) => !exposed.has(o));
      expect(unexposed.sort()).toEqual(consumedCases.map((c) => c.operation).sort());
    });

    it.each(consumedCases.map((c) => [c.operation, c] as const))('%s', async (_name, c) => {
      bench().reset();
      const response = await sender.send(`schematic.${c.operation}`, c.params);
      expect(bench().rejections()).toEqual([]);
      const [exchange] = bench().exchanges();
      const query = new URLSearchParams(Object.entries(exchange!.query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x])));
      expect(`${exchange!.method} ${exchange!.path}${query.size ? `?${query}` : ''}`).toBe(`${c.method} ${c.path}`);
      expect(bench().exchanges()).toHaveLength(1);
      expect(response.status).toBe(c.status);
    });
  });
});
