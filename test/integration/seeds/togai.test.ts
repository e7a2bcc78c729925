// Seed 004 (Togai): all 10 MCP tools through both client generations and all 11 REST routes, asserting the Bearer
// call, typed bodies (events an array) and the pass-through result; get-customer honestly calls /customers without the id.
import { describe, expect, it } from 'vitest';
import { CLIENT_GENERATIONS } from '../../helpers/mcp-clients.js';
import type { RecordedRequest } from '../../helpers/upstream.js';
import { declaredRoutes, routeCallTests, toolCallTests, useSeed, type AuthExpectation, type RouteCase, type ToolCase } from '../../helpers/seed-harness.js';

const TOKEN = 'togai_test_tok_5e6f7a8b9c';
const auth: AuthExpectation = { header: 'Authorization', value: `Bearer ${TOKEN}` };

const events = [
  { schemaName: 'api_calls', id: 'evt-1', timestamp: '2026-11-22T10:00:00Z', accountId: 'acc-1', attributes: [{ name: 'calls', value: 1 }], dimensions: { region: 'eu' } },
  { schemaName: 'api_calls', id: 'evt-2', timestamp: '2026-11-22T10:01:00Z', accountId: 'acc-1', attributes: [{ name: 'calls', value: 2 }], dimensions: {} },
];

/** The seed's get-customer resource path `/customers` has no {customerId}: the id goes nowhere. */
const customerIdIsNotSent = (r: RecordedRequest) => {
  expect(r.path).not.toContain('cust-1');
  expect(r.query.toString()).toBe('');
  expect(r.bodyText).toBe('');
};

const tools: ToolCase[] = [
  { tool: 'list-customers', args: { nextToken: 'tok-2' }, upstream: { method: 'GET', path: '/customers', query: { nextToken: 'tok-2' } } },
  {
    tool: 'create-customer',
    args: { name: 'Acme', id: 'cust-1', primaryEmail: 'billing@acme.test' },
    upstream: { method: 'POST', path: '/customers', json: { name: 'Acme', id: 'cust-1', primaryEmail: 'billing@acme.test' } },
  },
  {
    tool: 'get-customer',
    args: { customerId: 'cust-1' },
    upstream: { method: 'GET', path: '/customers' },
    says: '(the seed\'s path has no {customerId}, so the id is not sent)',
    check: customerIdIsNotSent,
  },
  { tool: 'list-accounts', args: { customerId: 'cust-1' }, upstream: { method: 'GET', path: '/customers/cust-1/accounts' } },
  {
    tool: 'ingest-events',
    args: { events },
    upstream: { method: 'POST', path: '/ingest', json: { events } },
    says: 'with events as a JSON array',
    check: (r) => expect(Array.isArray((r.json as { events: unknown }).events)).toBe(true),
  },
  { tool: 'list-price-plans', args: {}, upstream: { method: 'GET', path: '/price-plans' } },
  {
    tool: 'create-price-plan',
    args: { name: 'Pro', type: 'BILLING' },
    upstream: { method: 'POST', path: '/price-plans', json: { name: 'Pro', type: 'BILLING' } },
  },
  { tool: 'list-invoices', args: { accountId: 'acc-1' }, upstream: { method: 'GET', path: '/accounts/acc-1/invoices' } },
  {
    tool: 'grant-credit',
    args: { accountId: 'acc-1', creditAmount: 100, effectiveFrom: '2026-01-01' },
    upstream: { method: 'POST', path: '/accounts/acc-1/credits', json: { effectiveFrom: '2026-01-01', creditAmount: 100 } },
    says: 'with creditAmount as a number',
  },
  { tool: 'list-usage-meters', args: { eventSchemaName: 'api_calls' }, upstream: { method: 'GET', path: '/event-schema/api_calls/usage-meters' } },
];

const routes: RouteCase[] = [
  { route: 'GET /v1/customers', method: 'GET', url: '/v1/customers?nextToken=tok-2', upstream: { method: 'GET', path: '/customers', query: { nextToken: 'tok-2' } } },
  {
    route: 'POST /v1/customers',
    method: 'POST',
    url: '/v1/customers',
    body: { name: 'Acme', id: 'cust-1', primaryEmail: 'billing@acme.test' },
    upstream: { method: 'POST', path: '/customers', json: { name: 'Acme', id: 'cust-1', primaryEmail: 'billing@acme.test' } },
  },
  {
    route: 'GET /v1/customers/{customerId}',
    method: 'GET',
    url: '/v1/customers/cust-1',
    upstream: { method: 'GET', path: '/customers' },
    says: '(the seed\'s path has no {customerId}, so the id is not sent)',
    check: customerIdIsNotSent,
  },
  { route: 'GET /v1/customers/{customerId}/accounts', method: 'GET', url: '/v1/customers/cust-1/accounts', upstream: { method: 'GET', path: '/customers/cust-1/accounts' } },
  {
    route: 'POST /v1/customers/{customerId}/accounts',
    method: 'POST',
    url: '/v1/customers/cust-1/accounts',
    body: { id: 'acc-1', name: 'Main account' },
    upstream: { method: 'POST', path: '/customers/cust-1/accounts', json: { id: 'acc-1', name: 'Main account' } },
  },
  {
    route: 'POST /v1/events',
    method: 'POST',
    url: '/v1/events',
    body: { events },
    upstream: { method: 'POST', path: '/ingest', json: { events } },
    says: 'with events as a JSON array',
  },
  { route: 'GET /v1/price-plans', method: 'GET', url: '/v1/price-plans', upstream: { method: 'GET', path: '/price-plans' } },
  {
    route: 'POST /v1/price-plans',
    method: 'POST',
    url: '/v1/price-plans',
    body: { name: 'Pro', type: 'BILLING' },
    upstream: { method: 'POST', path: '/price-plans', json: { name: 'Pro', type: 'BILLING' } },
  },
  { route: 'GET /v1/accounts/{accountId}/invoices', method: 'GET', url: '/v1/accounts/acc-1/invoices', upstream: { method: 'GET', path: '/accounts/acc-1/invoices' } },
  { route: 'GET /v1/accounts/{accountId}/credits', method: 'GET', url: '/v1/accounts/acc-1/credits', upstream: { method: 'GET', path: '/accounts/acc-1/credits' } },
  {
    route: 'POST /v1/accounts/{accountId}/credits',
    method: 'POST',
    url: '/v1/accounts/acc-1/credits',
    body: { creditAmount: 250.5, effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' },
    upstream: { method: 'POST', path: '/accounts/acc-1/credits', json: { effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31', creditAmount: 250.5 } },
    says: 'with creditAmount as a number',
  },
];

describe('togai seed', () => {
  const ctx = useSeed('togai', { TOGAI_API_TOKEN: TOKEN });

  describe('tools/list', () => {
    for (const generation of CLIENT_GENERATIONS) {
      it(`the ${generation} client lists the 10 tools with annotations for exactly the hints the file sets`, async () => {
        const client = ctx.client(generation);
        expect(client.protocolVersion).toMatch(generation === '2025' ? /^2025-/ : /^2026-07-28$/);
        const listed = await client.listTools();
        const reader = { readOnlyHint: true, openWorldHint: false };
        const writer = { readOnlyHint: false, destructiveHint: false, idempotentHint: false };
        expect(Object.fromEntries(listed.map((t) => [t.name, t.annotations]))).toStrictEqual({
          'list-customers': reader,
          'create-customer': writer,
          'get-customer': reader,
          'list-accounts': reader,
          'ingest-events': writer,
          'list-price-plans': reader,
          'create-price-plan': writer,
          'list-invoices': reader,
          'grant-credit': writer,
          'list-usage-meters': reader,
        });
      });

      it(`the ${generation} client sees get-customer take customerId and the path-based tools require theirs`, async () => {
        const listed = await ctx.client(generation).listTools();
        const schema = (name: string) => listed.find((t) => t.name === name)!.inputSchema;
        expect(Object.keys(schema('get-customer').properties ?? {})).toStrictEqual(['customerId']);
        expect(schema('list-accounts').required).toStrictEqual(['customerId']);
        expect(schema('list-accounts').properties?.customerId).toStrictEqual({ type: 'string', description: 'Customer ID' });
        expect(schema('list-invoices').required).toStrictEqual(['accountId']);
        expect(schema('list-usage-meters').required).toStrictEqual(['eventSchemaName']);
        expect(schema('list-customers').properties?.nextToken?.type).toBe('string');
        expect(Object.keys(schema('grant-credit').properties ?? {}).sort()).toStrictEqual(['accountId', 'creditAmount', 'effectiveFrom', 'effectiveTo']);
      });
    }
  });

  describe('tools/call', () => {
    toolCallTests(ctx, auth, tools);

    it('loading the seed warns that get-customer\'s path parameter customerId is not in its path', () => {
      const warning = ctx.served.prepared.diagnostics.find((d) => d.code === 'CAP_RULE_PATH_PARAMETER_UNUSED');
      expect(warning?.severity).toBe('warning');
      expect(warning?.message).toBe('path parameter "customerId" does not appear in the path /customers; its value is not sent');
    });
  });

  describe('REST', () => {
    it('the cases below cover every REST route', () => {
      expect(routes.map((c) => c.route).sort()).toStrictEqual(declaredRoutes(ctx).sort());
    });
    routeCallTests(ctx, auth, routes);
  });
});
