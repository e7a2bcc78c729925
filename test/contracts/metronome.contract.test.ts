// Metronome capability against Metronome's own contract (test/contracts/metronome/openapi.yaml on Prism):
// every MCP tool and REST route makes exactly its documented request, the mock accepts it, and the vendor's
// answer reaches the caller through the output mapping.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectDescribedInputs, type RestCase, type ToolCase } from './support/cases.js';
import { contractSuite } from './support/suite.js';

const SPEC = fileURLToPath(new URL('./metronome/openapi.yaml', import.meta.url));
const CAPABILITY = fileURLToPath(new URL('../../capabilities/metronome.yaml', import.meta.url));
const ENV = { METRONOME_API_KEY: 'test-key' };
const AUTH = { header: 'authorization', value: 'Bearer test-key' };

const CUSTOMER = 'd7abd0cd-4ae9-4db7-8676-e986a4ebd8dc';
const BP_CONFIG = '4db51251-61de-4bfe-b9ce-495e244f3491';
const RS_CONFIG = '7e4b4e0a-6a8f-4f3a-9c1e-2b1f0d9a8c11';
const stripe = { billing_provider: 'stripe', delivery_method: 'direct_to_billing_provider', configuration: { stripe_customer_id: 'cus_N4x2k8', stripe_collection_method: 'charge_automatically' } };
const netsuite = { provider: 'netsuite', customer_id: CUSTOMER, configuration: { netsuite_customer_id: '10042' } };

const toolCases: ToolCase[] = [
  {
    tool: 'archive-billing-provider-configurations-customer',
    args: { customer_id: CUSTOMER, customer_billing_provider_configuration_ids: [BP_CONFIG] },
    upstream: { method: 'POST', path: '/v1/archiveCustomerBillingProviderConfigurations', body: { customer_id: CUSTOMER, customer_billing_provider_configuration_ids: [BP_CONFIG] } },
    mapping: '$.data',
  },
  {
    tool: 'archive-revenue-system-configurations-customer',
    args: { customer_id: CUSTOMER, customer_revenue_system_configuration_ids: [RS_CONFIG] },
    upstream: { method: 'POST', path: '/v1/archiveCustomerRevenueSystemConfigurations', body: { customer_id: CUSTOMER, customer_revenue_system_configuration_ids: [RS_CONFIG] } },
    mapping: '$.data',
  },
  {
    tool: 'list-customers',
    args: { limit: 20, only_archived: false, customer_ids: [CUSTOMER] },
    upstream: { method: 'GET', path: '/v1/customers', query: { limit: '20', customer_ids: CUSTOMER, only_archived: 'false' } },
    mapping: '$',
  },
  {
    tool: 'create-customer',
    args: { name: 'Acme Corp', ingest_aliases: ['team@acme.example'], custom_fields: { segment: 'enterprise' }, customer_billing_provider_configurations: [stripe] },
    upstream: {
      method: 'POST',
      path: '/v1/customers',
      body: { name: 'Acme Corp', ingest_aliases: ['team@acme.example'], custom_fields: { segment: 'enterprise' }, customer_billing_provider_configurations: [stripe] },
    },
    mapping: '$.data',
  },
  { tool: 'archive-customer', args: { id: CUSTOMER }, upstream: { method: 'POST', path: '/v1/customers/archive', body: { id: CUSTOMER } }, mapping: '$.data' },
  {
    tool: 'set-customer-billable-status',
    args: { customer_id: CUSTOMER, billable_status: 'unbillable', effective_at: '2026-12-01T00:00:00Z' },
    upstream: { method: 'POST', path: '/v1/customers/setBillableStatus', body: { customer_id: CUSTOMER, billable_status: 'unbillable', effective_at: '2026-12-01T00:00:00Z' } },
    mapping: '$.data',
  },
  { tool: 'get-customer', args: { customer_id: CUSTOMER }, upstream: { method: 'GET', path: `/v1/customers/${CUSTOMER}` }, mapping: '$.data' },
  {
    tool: 'create-update-customer-ingest-aliases',
    args: { customer_id: CUSTOMER, ingest_aliases: ['team@acme.example', 'acme-prod'] },
    upstream: { method: 'POST', path: `/v1/customers/${CUSTOMER}/setIngestAliases`, body: { ingest_aliases: ['team@acme.example', 'acme-prod'] } },
    mapping: '$',
  },
  {
    tool: 'update-customer-name',
    args: { customer_id: CUSTOMER, name: 'Acme Corporation' },
    upstream: { method: 'POST', path: `/v1/customers/${CUSTOMER}/setName`, body: { name: 'Acme Corporation' } },
    mapping: '$.data',
  },
  {
    tool: 'update-customer-configuration',
    args: { customer_id: CUSTOMER, salesforce_account_id: '0015500001WO1ZiAAL', leave_stripe_invoices_in_draft: true },
    upstream: { method: 'POST', path: `/v1/customers/${CUSTOMER}/updateConfig`, body: { salesforce_account_id: '0015500001WO1ZiAAL', leave_stripe_invoices_in_draft: true } },
    mapping: '$',
  },
  {
    tool: 'get-embeddable-customer-dashboard',
    args: { customer_id: CUSTOMER, dashboard: 'invoices', color_overrides: [{ name: 'Primary_medium', value: '#1D4ED8' }] },
    upstream: { method: 'POST', path: '/v1/dashboards/getEmbeddableUrl', body: { customer_id: CUSTOMER, dashboard: 'invoices', color_overrides: [{ name: 'Primary_medium', value: '#1D4ED8' }] } },
    mapping: '$.data',
  },
  {
    tool: 'fetch-billing-provider-configurations-customer',
    args: { customer_id: CUSTOMER, include_archived: true },
    upstream: { method: 'POST', path: '/v1/getCustomerBillingProviderConfigurations', body: { customer_id: CUSTOMER, include_archived: true } },
    mapping: '$',
  },
  {
    tool: 'fetch-revenue-system-configurations-customer',
    args: { customer_id: CUSTOMER, provider: 'netsuite' },
    upstream: { method: 'POST', path: '/v1/getCustomerRevenueSystemConfigurations', body: { customer_id: CUSTOMER, provider: 'netsuite' } },
    mapping: '$',
  },
  {
    tool: 'set-billing-provider-configurations-customer',
    args: { data: [{ ...stripe, customer_id: CUSTOMER }] },
    upstream: { method: 'POST', path: '/v1/setCustomerBillingProviderConfigurations', body: { data: [{ ...stripe, customer_id: CUSTOMER }] } },
    mapping: '$',
  },
  {
    tool: 'set-revenue-system-configurations-customer',
    args: { data: [netsuite] },
    upstream: { method: 'POST', path: '/v1/setCustomerRevenueSystemConfigurations', body: { data: [netsuite] } },
    mapping: '$',
  },
];

const restCases: RestCase[] = [
  {
    route: 'POST /v1/archiveCustomerBillingProviderConfigurations',
    body: { customer_id: CUSTOMER, customer_billing_provider_configuration_ids: [BP_CONFIG] },
    upstream: { method: 'POST', path: '/v1/archiveCustomerBillingProviderConfigurations', body: { customer_id: CUSTOMER, customer_billing_provider_configuration_ids: [BP_CONFIG] } },
    mapping: '$.data',
  },
  {
    route: 'POST /v1/archiveCustomerRevenueSystemConfigurations',
    body: { customer_id: CUSTOMER, customer_revenue_system_configuration_ids: [RS_CONFIG] },
    upstream: { method: 'POST', path: '/v1/archiveCustomerRevenueSystemConfigurations', body: { customer_id: CUSTOMER, customer_revenue_system_configuration_ids: [RS_CONFIG] } },
    mapping: '$.data',
  },
  {
    route: 'GET /v1/customers',
    query: { ingest_alias: 'team@acme.example', next_page: 'eyJvZmZzZXQiOjIwfQ' },
    upstream: { method: 'GET', path: '/v1/customers', query: { next_page: 'eyJvZmZzZXQiOjIwfQ', ingest_alias: 'team@acme.example', limit: '100' }, pages: { items: 'data', cursor: 'next_page' } },
    mapping: '$',
  },
  {
    route: 'POST /v1/customers',
    body: { name: 'Globex', ingest_aliases: ['globex-prod'] },
    upstream: { method: 'POST', path: '/v1/customers', body: { name: 'Globex', ingest_aliases: ['globex-prod'] } },
    mapping: '$.data',
  },
  {
    route: 'POST /v1/customers/archive',
    body: { id: CUSTOMER },
    upstream: { method: 'POST', path: '/v1/customers/archive', body: { id: CUSTOMER } },
    mapping: '$.data',
  },
  {
    route: 'POST /v1/customers/setBillableStatus',
    body: { customer_id: CUSTOMER, billable_status: 'billable', effective_at: '2026-12-01T00:00:00Z' },
    upstream: { method: 'POST', path: '/v1/customers/setBillableStatus', body: { customer_id: CUSTOMER, billable_status: 'billable', effective_at: '2026-12-01T00:00:00Z' } },
    mapping: '$.data',
  },
  {
    route: 'GET /v1/customers/{customer_id}',
    path: `/v1/customers/${CUSTOMER}`,
    upstream: { method: 'GET', path: `/v1/customers/${CUSTOMER}` },
    mapping: '$.data',
  },
  {
    route: 'POST /v1/customers/{customer_id}/setIngestAliases',
    path: `/v1/customers/${CUSTOMER}/setIngestAliases`,
    body: { ingest_aliases: ['acme-prod'] },
    upstream: { method: 'POST', path: `/v1/customers/${CUSTOMER}/setIngestAliases`, body: { ingest_aliases: ['acme-prod'] } },
    mapping: '$',
  },
  {
    route: 'POST /v1/customers/{customer_id}/setName',
    path: `/v1/customers/${CUSTOMER}/setName`,
    body: { name: 'Acme Corporation' },
    upstream: { method: 'POST', path: `/v1/customers/${CUSTOMER}/setName`, body: { name: 'Acme Corporation' } },
    mapping: '$.data',
  },
  {
    route: 'POST /v1/customers/{customer_id}/updateConfig',
    path: `/v1/customers/${CUSTOMER}/updateConfig`,
    body: { leave_stripe_invoices_in_draft: false },
    upstream: { method: 'POST', path: `/v1/customers/${CUSTOMER}/updateConfig`, body: { leave_stripe_invoices_in_draft: false } },
    mapping: '$',
  },
  {
    route: 'POST /v1/dashboards/getEmbeddableUrl',
    body: { customer_id: CUSTOMER, dashboard: 'usage', dashboard_options: [{ key: 'show_zero_usage_line_items', value: 'false' }] },
    upstream: { method: 'POST', path: '/v1/dashboards/getEmbeddableUrl', body: { customer_id: CUSTOMER, dashboard: 'usage', dashboard_options: [{ key: 'show_zero_usage_line_items', value: 'false' }] } },
    mapping: '$.data',
  },
  {
    route: 'POST /v1/getCustomerBillingProviderConfigurations',
    body: { customer_id: CUSTOMER },
    upstream: { method: 'POST', path: '/v1/getCustomerBillingProviderConfigurations', body: { customer_id: CUSTOMER } },
    mapping: '$',
  },
  {
    route: 'POST /v1/getCustomerRevenueSystemConfigurations',
    body: { customer_id: CUSTOMER, include_archived: false },
    upstream: { method: 'POST', path: '/v1/getCustomerRevenueSystemConfigurations', body: { customer_id: CUSTOMER, include_archived: false } },
    mapping: '$',
  },
  {
    route: 'POST /v1/setCustomerBillingProviderConfigurations',
    body: { data: [{ ...stripe, customer_id: CUSTOMER }] },
    upstream: { method: 'POST', path: '/v1/setCustomerBillingProviderConfigurations', body: { data: [{ ...stripe, customer_id: CUSTOMER }] } },
    mapping: '$',
  },
  {
    route: 'POST /v1/setCustomerRevenueSystemConfigurations',
    body: { data: [netsuite] },
    upstream: { method: 'POST', path: '/v1/setCustomerRevenueSystemConfigurations', body: { data: [netsuite] } },
    mapping: '$',
  },
];

describe('Metronome capability against the Metronome contract (Prism)', () => {
  const bench = contractSuite({ spec: SPEC, capability: CAPABILITY, env: ENV, upstream: 'metronome-customers' }, toolCases, restCases, AUTH);

  it('declares typed, described inputs with the contract required fields', async () => {
    const tools = await bench().listTools();
    tools.forEach(expectDescribedInputs);
    const byName = new Map(tools.map((t) => [t.name, t.inputSchema]));
    expect(byName.get('create-customer')!.required).toEqual(['name']);
    expect(byName.get('set-customer-billable-status')!.required).toEqual(['customer_id', 'billable_status', 'effective_at']);
    expect(byName.get('get-customer')!.properties!.customer_id).toMatchObject({ type: 'string', format: 'uuid' });
    expect(byName.get('list-customers')!.required).toBeUndefined();
  });

  it('refuses a tool call without a required argument, naming it, before any upstream call', async () => {
    bench().reset();
    const result = await bench().callTool('update-customer-name', { customer_id: CUSTOMER });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/^CAP_INPUT_INVALID: .*\bname\b.*is required/);
    expect(bench().exchanges()).toEqual([]);
  });

  it('refuses a customer ID that is not a UUID before any upstream call', async () => {
    bench().reset();
    const answer = await bench().rest('GET', '/v1/customers/acme');
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/customer_id/);
    expect(bench().exchanges()).toEqual([]);
  });
});
