// Togai capability against Togai's current contract (test/contracts/togai/openapi.yaml on Prism): every MCP
// tool and REST route makes exactly its documented request, the mock accepts it, and the vendor's answer
// reaches the caller through the output mapping.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectDescribedInputs, type RestCase, type ToolCase } from './support/cases.js';
import { contractSuite } from './support/suite.js';

const SPEC = fileURLToPath(new URL('./togai/openapi.yaml', import.meta.url));
const CAPABILITY = fileURLToPath(new URL('../../capabilities/togai.yaml', import.meta.url));
const ENV = { TOGAI_API_TOKEN: 'test-key' };
const AUTH = { header: 'authorization', value: 'Bearer test-key' };

const event = (id: string, calls: string) => ({
  id,
  schemaName: 'api_calls',
  timestamp: '2026-11-22T10:00:00Z',
  accountId: 'ACC001',
  attributes: [{ name: 'calls', value: calls }],
  dimensions: { region: 'eu-west-1' },
});
const address = { line1: '2281 Broadway Street', city: 'Florence', state: 'South Carolina', postalCode: '29501', country: 'US' };
const pricingCycleConfig = { interval: 'MONTHLY', gracePeriod: 3 };
const usageRateCards = [
  {
    usageMeterId: 'um.1znQx9jiIXw',
    ratePlan: { pricingModel: 'TIERED', slabs: [{ order: 1, startAfter: 0, priceType: 'PER_UNIT' }] },
    rateValues: [{ currency: 'USD', slabRates: [{ order: 1, rate: 0.002 }] }],
  },
];

const toolCases: ToolCase[] = [
  {
    tool: 'list-customers',
    args: { pageSize: 10 },
    upstream: { method: 'GET', path: '/customers', query: { pageSize: '10' } },
    mapping: '$',
  },
  {
    tool: 'create-customer',
    args: { id: 'ACME', name: 'ACME Enterprise', primaryEmail: 'billing@acme.example', address },
    upstream: { method: 'POST', path: '/customers', body: { id: 'ACME', name: 'ACME Enterprise', primaryEmail: 'billing@acme.example', address } },
    mapping: '$',
  },
  { tool: 'get-customer', args: { customerId: 'ACME' }, upstream: { method: 'GET', path: '/customers/ACME' }, mapping: '$' },
  {
    tool: 'list-accounts',
    args: { nextToken: 'eyJwYWdlU2l6ZSI6IDEwfQ==' },
    upstream: { method: 'GET', path: '/accounts', query: { nextToken: 'eyJwYWdlU2l6ZSI6IDEwfQ==', pageSize: '50' }, pages: { items: 'data', cursor: 'nextToken' } },
    mapping: '$',
  },
  {
    tool: 'ingest-events',
    args: { events: [event('evt-0001', '1'), event('evt-0002', '12.5')] },
    upstream: { method: 'POST', path: '/ingestBatch', body: { events: [event('evt-0001', '1'), event('evt-0002', '12.5')] } },
    mapping: '$',
  },
  { tool: 'list-price-plans', args: {}, upstream: { method: 'GET', path: '/price_plans', query: { pageSize: '50' }, pages: { items: 'data', cursor: 'nextToken' } }, mapping: '$' },
  {
    tool: 'create-price-plan',
    args: { name: 'Growth', type: 'BILLING', description: 'Usage-based growth plan', supportedCurrencies: ['USD'], pricingCycleConfig, usageRateCards },
    upstream: {
      method: 'POST',
      path: '/price_plans',
      body: { name: 'Growth', type: 'BILLING', description: 'Usage-based growth plan', pricePlanDetails: { supportedCurrencies: ['USD'], pricingCycleConfig, usageRateCards } },
    },
    mapping: '$',
  },
  {
    tool: 'list-invoices',
    args: { accountId: 'ACC001', status: 'DUE', start_time: 1761955200000 },
    upstream: { method: 'GET', path: '/invoices', query: { owner_id: 'ACC001', status: 'DUE', start_time: '1761955200000', pageSize: '50' }, pages: { items: 'data', cursor: 'nextToken' } },
    mapping: '$',
  },
  {
    tool: 'grant-credit',
    args: { accountId: 'ACC001', purpose: 'PREPAID_CREDIT', effectiveFrom: '2026-12-01', effectiveUntil: '2027-11-30', creditAmount: 500, priority: 1 },
    upstream: {
      method: 'POST',
      path: '/credits',
      body: { creditRequests: [{ accountId: 'ACC001', purpose: 'PREPAID_CREDIT', effectiveFrom: '2026-12-01', effectiveUntil: '2027-11-30', creditAmount: 500, priority: 1 }] },
    },
    mapping: '$',
  },
  {
    tool: 'list-usage-meters',
    args: { status: 'ACTIVE', aggregations: 'SUM' },
    upstream: { method: 'GET', path: '/usage_meters', query: { status: 'ACTIVE', aggregations: 'SUM', pageSize: '50' }, pages: { items: 'data', cursor: 'nextToken' } },
    mapping: '$',
  },
];

const restCases: RestCase[] = [
  { route: 'GET /v1/customers', upstream: { method: 'GET', path: '/customers', query: { pageSize: '50' }, pages: { items: 'data', cursor: 'nextToken' } }, mapping: '$' },
  {
    route: 'POST /v1/customers',
    body: { id: 'GLOBEX', name: 'Globex Corp', primaryEmail: 'ap@globex.example', address: {} },
    upstream: { method: 'POST', path: '/customers', body: { id: 'GLOBEX', name: 'Globex Corp', primaryEmail: 'ap@globex.example', address: {} } },
    mapping: '$',
  },
  { route: 'GET /v1/customers/{customerId}', path: '/v1/customers/GLOBEX', upstream: { method: 'GET', path: '/customers/GLOBEX' }, mapping: '$' },
  {
    route: 'GET /v1/accounts',
    query: { pageSize: '25' },
    upstream: { method: 'GET', path: '/accounts', query: { pageSize: '25' } },
    mapping: '$',
  },
  {
    route: 'POST /v1/customers/{customerId}/accounts',
    path: '/v1/customers/GLOBEX/accounts',
    body: { id: 'GLOBEX-EU', name: 'Globex Europe', invoiceCurrency: 'EUR', aliases: ['globex-eu'] },
    upstream: { method: 'POST', path: '/accounts', body: { id: 'GLOBEX-EU', name: 'Globex Europe', customerId: 'GLOBEX', invoiceCurrency: 'EUR', aliases: ['globex-eu'] } },
    mapping: '$',
  },
  {
    route: 'POST /v1/events',
    body: { events: [{ ...event('evt-0003', '3'), dimensions: {} }] },
    upstream: { method: 'POST', path: '/ingestBatch', body: { events: [{ ...event('evt-0003', '3'), dimensions: {} }] } },
    mapping: '$',
  },
  {
    route: 'GET /v1/price-plans',
    query: { pageSize: '5' },
    upstream: { method: 'GET', path: '/price_plans', query: { pageSize: '5' } },
    mapping: '$',
  },
  {
    route: 'POST /v1/price-plans',
    query: { dry_run: 'true' },
    body: { name: 'Starter', supportedCurrencies: ['USD', 'EUR'] },
    upstream: { method: 'POST', path: '/price_plans', query: { dry_run: 'true' }, body: { name: 'Starter', pricePlanDetails: { supportedCurrencies: ['USD', 'EUR'] } } },
    mapping: '$',
  },
  {
    route: 'GET /v1/accounts/{accountId}/invoices',
    path: '/v1/accounts/GLOBEX-EU/invoices',
    query: { status: 'PAID' },
    upstream: { method: 'GET', path: '/invoices', query: { owner_id: 'GLOBEX-EU', status: 'PAID', pageSize: '50' }, pages: { items: 'data', cursor: 'nextToken' } },
    mapping: '$',
  },
  {
    route: 'GET /v1/accounts/{accountId}/credits',
    path: '/v1/accounts/GLOBEX-EU/credits',
    upstream: { method: 'GET', path: '/credits', query: { account_id: 'GLOBEX-EU', pageSize: '50' }, pages: { items: 'data', cursor: 'nextToken' } },
    mapping: '$',
  },
  {
    route: 'POST /v1/accounts/{accountId}/credits',
    path: '/v1/accounts/GLOBEX-EU/credits',
    body: { purpose: 'PROMOTIONAL', effectiveFrom: '2026-12-01', priority: 2, creditAmount: 100, idempotencyKey: 'grant-globex-eu-2026-12' },
    upstream: {
      method: 'POST',
      path: '/credits',
      body: { creditRequests: [{ accountId: 'GLOBEX-EU', purpose: 'PROMOTIONAL', effectiveFrom: '2026-12-01', priority: 2, creditAmount: 100, idempotencyKey: 'grant-globex-eu-2026-12' }] },
    },
    mapping: '$',
  },
];

describe('Togai capability against the Togai contract (Prism)', () => {
  const bench = contractSuite({ spec: SPEC, capability: CAPABILITY, env: ENV, upstream: 'togai' }, toolCases, restCases, AUTH);

  it('declares typed, described inputs; ingest-events declares the event fields', async () => {
    const tools = await bench().listTools();
    tools.forEach(expectDescribedInputs);
    const ingest = tools.find((t) => t.name === 'ingest-events')!.inputSchema;
    expect(ingest.required).toEqual(['events']);
    const items = ingest.properties!.events!.items as { required: string[]; properties: Record<string, { type: string }> };
    expect(items.required).toEqual(['schemaName', 'timestamp', 'accountId', 'attributes', 'dimensions']);
    expect(Object.keys(items.properties).sort()).toEqual(['accountId', 'attributes', 'dimensions', 'id', 'schemaName', 'timestamp']);
    expect(tools.find((t) => t.name === 'grant-credit')!.inputSchema.required).toEqual(['accountId', 'purpose', 'effectiveFrom', 'priority']);
    expect(tools.find((t) => t.name === 'create-price-plan')!.inputSchema.required).toEqual(['name', 'supportedCurrencies']);
  });

  it('refuses a tool call without a required argument, naming it, before any upstream call', async () => {
    bench().reset();
    const result = await bench().callTool('create-customer', { id: 'ACME', name: 'ACME Enterprise', address: {} });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/^CAP_INPUT_INVALID: .*\bprimaryEmail\b.*is required/);
    expect(bench().exchanges()).toEqual([]);
  });

  it('refuses an event whose attribute value is not a numeric string, before any upstream call', async () => {
    bench().reset();
    const result = await bench().callTool('ingest-events', { events: [{ ...event('evt-0004', '1'), attributes: [{ name: 'calls', value: 1 }] }] });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/events\.0\.attributes\.0\.value/);
    expect(bench().exchanges()).toEqual([]);
  });
});
