// Seed 002 (Metronome customers): all 15 MCP tools through both client generations and all 15 REST routes
// (/v1/v1/… lowercased, {customer-id} → consumed {customer_id}), asserting the Bearer call, body forwarding and pass-through.
import { describe, expect, it } from 'vitest';
import { CLIENT_GENERATIONS } from '../../helpers/mcp-clients.js';
import { declaredRoutes, restCall, routeCallTests, toolCallTests, useSeed, type AuthExpectation, type RouteCase, type ToolCase } from '../../helpers/seed-harness.js';

const API_KEY = 'mtr_test_0c8e2b5d71a94f3e';
const auth: AuthExpectation = { header: 'Authorization', value: `Bearer ${API_KEY}` };

/** Tools whose only input is `body` (forwarded as the JSON request body): tool name → consumed path. */
const bodyTools: [tool: string, path: string, body: Record<string, unknown>][] = [
  ['archive-billing-provider-configurations-customer', '/v1/archiveCustomerBillingProviderConfigurations', { ids: ['cfg_1', 'cfg_2'] }],
  ['archive-revenue-system-configurations-customer', '/v1/archiveCustomerRevenueSystemConfigurations', { ids: ['rev_1'] }],
  ['create-customer', '/v1/customers', { name: 'Acme', ingest_aliases: ['acme'], custom_fields: { tier: 'gold' } }],
  ['archive-customer', '/v1/customers/archive', { id: 'cust_1' }],
  ['set-customer-billable-status', '/v1/customers/setBillableStatus', { customer_id: 'cust_1', billable_status: 'billable', effective_at: '2026-01-01T00:00:00Z' }],
  ['get-embeddable-customer-dashboard', '/v1/dashboards/getEmbeddableUrl', { customer_id: 'cust_1', dashboard: 'invoices', bm_group_key_overrides: [] }],
  ['fetch-billing-provider-configurations-customer', '/v1/getCustomerBillingProviderConfigurations', { customer_id: 'cust_1', include_archived: false }],
  ['fetch-revenue-system-configurations-customer', '/v1/getCustomerRevenueSystemConfigurations', { customer_id: 'cust_1', limit: 10 }],
  ['set-billing-provider-configurations-customer', '/v1/setCustomerBillingProviderConfigurations', { data: [{ customer_id: 'cust_1', billing_provider: 'stripe' }] }],
  ['set-revenue-system-configurations-customer', '/v1/setCustomerRevenueSystemConfigurations', { data: [{ customer_id: 'cust_1', provider: 'netsuite' }] }],
];

/** Tools with a `{customer_id}` in the consumed path plus a JSON body. */
const customerBodyTools: [tool: string, suffix: string, body: Record<string, unknown>][] = [
  ['create-update-customer-ingest-aliases', 'setIngestAliases', { ingest_aliases: ['acme', 'acme-eu'] }],
  ['update-customer-name', 'setName', { name: 'Acme Corp' }],
  ['update-customer-configuration', 'updateConfig', { leave_stripe_invoices_in_draft: true, salesforce_account_id: null }],
];

const tools: ToolCase[] = [
  ...bodyTools.map(([tool, path, body]): ToolCase => ({ tool, args: { body }, upstream: { method: 'POST', path, json: body }, says: 'with the body argument as the JSON body' })),
  ...customerBodyTools.map(([tool, suffix, body]): ToolCase => ({
    tool,
    args: { customer_id: 'cust 1/a', body },
    upstream: { method: 'POST', path: `/v1/customers/cust%201%2Fa/${suffix}`, json: body },
    says: 'with customer_id percent-encoded in the path and the body argument as the JSON body',
  })),
  {
    tool: 'list-customers',
    args: { ingest_alias: 'acme', customer_ids: ['c1', 'c2'], only_archived: true, salesforce_account_ids: ['sf1'] },
    upstream: { method: 'GET', path: '/v1/customers', query: { ingest_alias: 'acme', customer_ids: ['c1', 'c2'], only_archived: 'true', salesforce_account_ids: 'sf1' } },
    says: 'with arrays as repeated query keys',
  },
  { tool: 'get-customer', args: { customer_id: 'cust_1' }, upstream: { method: 'GET', path: '/v1/customers/cust_1' } },
];

/** REST POST routes: exposed path → consumed path; each forwards the whole JSON request body (`with: body: rest.body`). */
const bodyRoutes: [exposed: string, consumed: string, body: unknown][] = [
  ['/v1/v1/archivecustomerbillingproviderconfigurations', '/v1/archiveCustomerBillingProviderConfigurations', { ids: ['cfg_1'] }],
  ['/v1/v1/archivecustomerrevenuesystemconfigurations', '/v1/archiveCustomerRevenueSystemConfigurations', { ids: ['rev_1'] }],
  ['/v1/v1/customers', '/v1/customers', { name: 'Acme', external_id: 'acme-1', custom_fields: { tier: 'gold' } }],
  ['/v1/v1/customers/archive', '/v1/customers/archive', { id: 'cust_1' }],
  ['/v1/v1/customers/setbillablestatus', '/v1/customers/setBillableStatus', { customer_id: 'cust_1', billable_status: 'unbillable' }],
  ['/v1/v1/dashboards/getembeddableurl', '/v1/dashboards/getEmbeddableUrl', { customer_id: 'cust_1', dashboard: 'usage', color_overrides: [{ name: 'Gray_dark', value: '#ff0000' }] }],
  ['/v1/v1/getcustomerbillingproviderconfigurations', '/v1/getCustomerBillingProviderConfigurations', { customer_id: 'cust_1', include_archived: true }],
  ['/v1/v1/getcustomerrevenuesystemconfigurations', '/v1/getCustomerRevenueSystemConfigurations', { customer_id: 'cust_1' }],
  ['/v1/v1/setcustomerbillingproviderconfigurations', '/v1/setCustomerBillingProviderConfigurations', { data: [{ customer_id: 'cust_1', configuration: { leave_stripe_invoices_in_draft: false } }] }],
  ['/v1/v1/setcustomerrevenuesystemconfigurations', '/v1/setCustomerRevenueSystemConfigurations', { data: [{ customer_id: 'cust_1', revenue_system: 'netsuite' }] }],
];

const customerRoutes: [exposedSuffix: string, consumedSuffix: string, body: unknown][] = [
  ['setingestaliases', 'setIngestAliases', { ingest_aliases: ['acme'] }],
  ['setname', 'setName', { name: 'Acme Corp' }],
  ['updateconfig', 'updateConfig', { leave_stripe_invoices_in_draft: false, salesforce_account_id: '0015' }],
];

const routes: RouteCase[] = [
  ...bodyRoutes.map(([exposed, consumed, body]): RouteCase => ({
    route: `POST ${exposed}`,
    method: 'POST',
    url: exposed,
    body,
    upstream: { method: 'POST', path: consumed, json: body },
    says: 'forwarding the whole JSON request body',
  })),
  ...customerRoutes.map(([exposedSuffix, consumedSuffix, body]): RouteCase => ({
    route: `POST /v1/v1/customers/{customer-id}/${exposedSuffix}`,
    method: 'POST',
    url: `/v1/v1/customers/cust_1/${exposedSuffix}`,
    body,
    upstream: { method: 'POST', path: `/v1/customers/cust_1/${consumedSuffix}`, json: body },
    says: 'mapping {customer-id} to {customer_id} and forwarding the whole JSON request body',
  })),
  {
    route: 'GET /v1/v1/customers',
    method: 'GET',
    url: '/v1/v1/customers?ingest_alias=acme&customer_ids=c1&customer_ids=c2&only_archived=true&salesforce_account_ids=sf1',
    upstream: { method: 'GET', path: '/v1/customers', query: { ingest_alias: 'acme', customer_ids: ['c1', 'c2'], only_archived: 'true', salesforce_account_ids: 'sf1' } },
    says: 'keeping repeated query keys',
  },
  {
    route: 'GET /v1/v1/customers/{customer-id}',
    method: 'GET',
    url: '/v1/v1/customers/cust_1',
    upstream: { method: 'GET', path: '/v1/customers/cust_1' },
    says: 'mapping {customer-id} to {customer_id}',
  },
];

describe('metronome seed', () => {
  const ctx = useSeed('metronome', { METRONOME_API_KEY: API_KEY });

  describe('tools/list', () => {
    for (const generation of CLIENT_GENERATIONS) {
      it(`the ${generation} client lists the 15 tools with their hints as annotations`, async () => {
        const client = ctx.client(generation);
        expect(client.protocolVersion).toMatch(generation === '2025' ? /^2025-/ : /^2026-07-28$/);
        const listed = await client.listTools();
        expect(listed).toHaveLength(15);
        const readOnly = new Set(['list-customers', 'get-customer', 'get-embeddable-customer-dashboard', 'fetch-billing-provider-configurations-customer', 'fetch-revenue-system-configurations-customer']);
        const idempotent = new Set(['list-customers', 'get-customer']);
        for (const tool of listed) {
          expect(tool.annotations, tool.name).toStrictEqual({ readOnlyHint: readOnly.has(tool.name), destructiveHint: false, idempotentHint: idempotent.has(tool.name) });
        }
      });

      it(`the ${generation} client sees get-customer require customer_id and the body tools take a body object`, async () => {
        const listed = await ctx.client(generation).listTools();
        const schema = (name: string) => listed.find((t) => t.name === name)!.inputSchema;
        expect(schema('get-customer').required).toStrictEqual(['customer_id']);
        expect(Object.keys(schema('get-customer').properties ?? {})).toStrictEqual(['customer_id']);
        expect(schema('update-customer-name').required).toStrictEqual(['customer_id']);
        expect(schema('create-customer').properties?.body?.type).toBe('object');
        expect(schema('create-customer').required).toBeUndefined();
        const list = schema('list-customers').properties ?? {};
        expect({ ingest_alias: list.ingest_alias?.type, customer_ids: list.customer_ids?.type, only_archived: list.only_archived?.type, salesforce_account_ids: list.salesforce_account_ids?.type }).toStrictEqual({
          ingest_alias: 'string',
          customer_ids: 'array',
          only_archived: 'boolean',
          salesforce_account_ids: 'array',
        });
      });
    }
  });

  describe('tools/call', () => {
    toolCallTests(ctx, auth, tools);
  });

  describe('REST', () => {
    it('the cases below cover every REST route', () => {
      expect(routes.map((c) => c.route).sort()).toStrictEqual(declaredRoutes(ctx).sort());
      expect(declaredRoutes(ctx)).toHaveLength(15);
    });
    routeCallTests(ctx, auth, routes);

    it('REST route variable {customer-id} wins over a customer_id query parameter or body field', async () => {
      await restCall(ctx.served.rest, 'GET', '/v1/v1/customers/cust_1?customer_id=cust_other');
      expect(ctx.upstream.only().path).toBe('/v1/customers/cust_1');
      ctx.upstream.reset();
      await restCall(ctx.served.rest, 'POST', '/v1/v1/customers/cust_1/setname', { name: 'Acme', customer_id: 'cust_other' });
      const recorded = ctx.upstream.only();
      expect(recorded.path).toBe('/v1/customers/cust_1/setName');
      expect(recorded.json).toStrictEqual({ name: 'Acme', customer_id: 'cust_other' });
    });

    it('REST POST without a request body sends the POST upstream without a body', async () => {
      const answer = await restCall(ctx.served.rest, 'POST', '/v1/v1/customers/archive');
      expect(answer.status).toBe(200);
      const recorded = ctx.upstream.only();
      expect(recorded.method).toBe('POST');
      expect(recorded.path).toBe('/v1/customers/archive');
      expect(recorded.bodyText).toBe('');
      expect(recorded.headers.authorization).toBe(`Bearer ${API_KEY}`);
    });
  });
});
