// Stigg capability against the Stigg REST v1 contract (test/contracts/stigg/openapi.yaml on Prism): every MCP
// tool and REST route makes exactly its documented request, the mock accepts it, and the vendor's answer
// reaches the caller through the output mapping.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectDescribedInputs, type RestCase, type ToolCase } from './support/cases.js';
import { contractSuite } from './support/suite.js';

const SPEC = fileURLToPath(new URL('./stigg/openapi.yaml', import.meta.url));
const CAPABILITY = fileURLToPath(new URL('../../capabilities/stigg.yaml', import.meta.url));
const ENV = { STIGG_API_KEY: 'test-key' };
const AUTH = { header: 'x-api-key', value: 'test-key' };

const toolCases: ToolCase[] = [
  {
    tool: 'provision-customer',
    args: { customerId: 'customer-123', name: 'Acme Corp', email: 'billing@acme.example', metadata: { crm: 'hubspot' } },
    upstream: { method: 'POST', path: '/api/v1/customers', body: { id: 'customer-123', name: 'Acme Corp', email: 'billing@acme.example', metadata: { crm: 'hubspot' } } },
    mapping: '$.data',
  },
  { tool: 'get-customer', args: { customerId: 'customer-123' }, upstream: { method: 'GET', path: '/api/v1/customers/customer-123' }, mapping: '$.data' },
  {
    tool: 'create-subscription',
    args: { customerId: 'customer-123', planId: 'plan-pro', billingPeriod: 'MONTHLY' },
    upstream: { method: 'POST', path: '/api/v1/subscriptions', body: { customerId: 'customer-123', planId: 'plan-pro', billingPeriod: 'MONTHLY' } },
    mapping: '$.data',
  },
  {
    tool: 'cancel-subscription',
    args: { subscriptionId: 'subscription-plan-pro-7f3k2', cancellationTime: 'END_OF_BILLING_PERIOD', prorate: false },
    upstream: { method: 'POST', path: '/api/v1/subscriptions/subscription-plan-pro-7f3k2/cancel', body: { cancellationTime: 'END_OF_BILLING_PERIOD', prorate: false } },
    mapping: '$.data',
  },
  {
    tool: 'check-entitlement',
    args: { customerId: 'customer-123', featureId: 'feature-api-calls', requestedUsage: 10 },
    upstream: { method: 'GET', path: '/api/v1/customers/customer-123/entitlements/check', query: { featureId: 'feature-api-calls', requestedUsage: '10' } },
    mapping: '$.data',
  },
  { tool: 'get-entitlements', args: { customerId: 'customer-123' }, upstream: { method: 'GET', path: '/api/v1/customers/customer-123/entitlements' }, mapping: '$.data' },
  {
    tool: 'report-usage',
    args: { customerId: 'customer-123', featureId: 'feature-api-calls', value: 25, idempotencyKey: 'usage-2026-11-22-0001' },
    upstream: { method: 'POST', path: '/api/v1/usage', body: { usages: [{ customerId: 'customer-123', featureId: 'feature-api-calls', value: 25, idempotencyKey: 'usage-2026-11-22-0001' }] } },
    mapping: '$.data[0]',
  },
];

const restCases: RestCase[] = [
  {
    route: 'POST /v1/customers',
    body: { customerId: 'customer-456', name: 'Globex' },
    upstream: { method: 'POST', path: '/api/v1/customers', body: { id: 'customer-456', name: 'Globex' } },
    mapping: '$.data',
  },
  {
    route: 'GET /v1/customers/{customerId}',
    path: '/v1/customers/customer-456',
    upstream: { method: 'GET', path: '/api/v1/customers/customer-456' },
    mapping: '$.data',
  },
  {
    route: 'POST /v1/subscriptions',
    body: { customerId: 'customer-456', planId: 'plan-starter' },
    upstream: { method: 'POST', path: '/api/v1/subscriptions', body: { customerId: 'customer-456', planId: 'plan-starter' } },
    mapping: '$.data',
  },
  {
    route: 'POST /v1/subscriptions/{subscriptionId}/cancel',
    path: '/v1/subscriptions/subscription-plan-starter-9q1/cancel',
    body: { cancellationTime: 'SPECIFIC_DATE', endDate: '2026-12-31T23:59:59Z', cancellationAction: 'DEFAULT' },
    upstream: {
      method: 'POST',
      path: '/api/v1/subscriptions/subscription-plan-starter-9q1/cancel',
      body: { cancellationTime: 'SPECIFIC_DATE', cancellationAction: 'DEFAULT', endDate: '2026-12-31T23:59:59Z' },
    },
    mapping: '$.data',
  },
  {
    route: 'GET /v1/entitlements',
    query: { customerId: 'customer-456', featureId: 'feature-seats' },
    upstream: { method: 'GET', path: '/api/v1/customers/customer-456/entitlements/check', query: { featureId: 'feature-seats' } },
    mapping: '$.data',
  },
  {
    route: 'GET /v1/customers/{customerId}/entitlements',
    path: '/v1/customers/customer-456/entitlements',
    query: { resourceId: 'site-eu-1' },
    upstream: { method: 'GET', path: '/api/v1/customers/customer-456/entitlements', query: { resourceId: 'site-eu-1' } },
    mapping: '$.data',
  },
  {
    route: 'POST /v1/usage',
    body: { customerId: 'customer-456', featureId: 'feature-seats', value: 12, updateBehavior: 'SET' },
    upstream: { method: 'POST', path: '/api/v1/usage', body: { usages: [{ customerId: 'customer-456', featureId: 'feature-seats', value: 12, updateBehavior: 'SET' }] } },
    mapping: '$.data[0]',
  },
];

describe('Stigg capability against the Stigg REST v1 contract (Prism)', () => {
  const bench = contractSuite({ spec: SPEC, capability: CAPABILITY, env: ENV, upstream: 'stigg' }, toolCases, restCases, AUTH);

  it('declares typed, described inputs; report-usage takes customer, feature and a numeric value', async () => {
    const tools = await bench().listTools();
    tools.forEach(expectDescribedInputs);
    const report = tools.find((t) => t.name === 'report-usage')!.inputSchema;
    expect(report.required).toEqual(['customerId', 'featureId', 'value']);
    expect(report.properties!.value).toMatchObject({ type: 'number' });
  });

  it('refuses a tool call without a required argument, naming it, before any upstream call', async () => {
    bench().reset();
    const result = await bench().callTool('report-usage', { customerId: 'customer-123', featureId: 'feature-api-calls' });
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/^CAP_INPUT_INVALID: .*\bvalue\b.*is required/);
    expect(bench().exchanges()).toEqual([]);
  });

  it('refuses a usage value that is not a number before any upstream call', async () => {
    bench().reset();
    const answer = await bench().rest('POST', '/v1/usage', { body: { customerId: 'customer-456', featureId: 'feature-seats', value: 'twelve' } });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/value/);
    expect(bench().exchanges()).toEqual([]);
  });
});
