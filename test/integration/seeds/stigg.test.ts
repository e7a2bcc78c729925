// Seed 003 (Stigg, alpha1, consumes imported from shared/stigg.yaml): all 7 MCP tools through both client generations
// and all 7 REST routes, asserting the X-API-KEY call, typed bodies (usages[0].value a number) and the pass-through result.
import { describe, expect, it } from 'vitest';
import { CLIENT_GENERATIONS } from '../../helpers/mcp-clients.js';
import { declaredRoutes, routeCallTests, toolCallTests, useSeed, type AuthExpectation, type RouteCase, type ToolCase } from '../../helpers/seed-harness.js';

const API_KEY = 'stg_server_test_91b3e07c';
const auth: AuthExpectation = { header: 'X-API-KEY', value: API_KEY };

const usageValue = (json: unknown) => (json as { usages: { value: unknown }[] }).usages[0]!.value;

const tools: ToolCase[] = [
  {
    tool: 'provision-customer',
    args: { customerId: 'cus-1', name: 'Acme', email: 'billing@acme.test' },
    upstream: { method: 'POST', path: '/api/v1/customers', json: { id: 'cus-1', name: 'Acme', email: 'billing@acme.test' } },
    says: 'with customerId sent as Stigg\'s id',
  },
  { tool: 'get-customer', args: { customerId: 'cus-1' }, upstream: { method: 'GET', path: '/api/v1/customers/cus-1' } },
  {
    tool: 'create-subscription',
    args: { customerId: 'cus-1', planId: 'plan-pro' },
    upstream: { method: 'POST', path: '/api/v1/subscriptions', json: { customerId: 'cus-1', planId: 'plan-pro' } },
    says: 'leaving out the unset billingPeriod',
  },
  {
    tool: 'cancel-subscription',
    args: { subscriptionId: 'sub-1' },
    upstream: { method: 'POST', path: '/api/v1/subscriptions/sub-1/cancel', json: {} },
    says: 'with an empty JSON object when no option is given',
  },
  {
    tool: 'check-entitlement',
    args: { customerId: 'cus-1', featureId: 'feature-seats' },
    upstream: { method: 'GET', path: '/api/v1/customers/cus-1/entitlements/check', query: { featureId: 'feature-seats' } },
  },
  { tool: 'get-entitlements', args: { customerId: 'cus-1' }, upstream: { method: 'GET', path: '/api/v1/customers/cus-1/entitlements' } },
  {
    tool: 'report-usage',
    args: { customerId: 'cus-1', featureId: 'feature-api-calls', value: 42 },
    upstream: { method: 'POST', path: '/api/v1/usage', json: { usages: [{ customerId: 'cus-1', featureId: 'feature-api-calls', value: 42 }] } },
    says: 'with value as a number inside usages[0]',
    check: (r) => expect(typeof usageValue(r.json)).toBe('number'),
  },
];

const routes: RouteCase[] = [
  {
    route: 'POST /v1/customers',
    method: 'POST',
    url: '/v1/customers',
    body: { customerId: 'cus-1', name: 'Acme', email: 'billing@acme.test' },
    upstream: { method: 'POST', path: '/api/v1/customers', json: { id: 'cus-1', name: 'Acme', email: 'billing@acme.test' } },
  },
  { route: 'GET /v1/customers/{customerId}', method: 'GET', url: '/v1/customers/cus-1', upstream: { method: 'GET', path: '/api/v1/customers/cus-1' } },
  {
    route: 'POST /v1/subscriptions',
    method: 'POST',
    url: '/v1/subscriptions',
    body: { customerId: 'cus-1', planId: 'plan-pro', billingPeriod: 'MONTHLY' },
    upstream: { method: 'POST', path: '/api/v1/subscriptions', json: { customerId: 'cus-1', planId: 'plan-pro', billingPeriod: 'MONTHLY' } },
  },
  {
    route: 'POST /v1/subscriptions/{subscriptionId}/cancel',
    method: 'POST',
    url: '/v1/subscriptions/sub-1/cancel',
    body: { cancellationAction: 'REVOKE_ENTITLEMENTS', prorate: true },
    upstream: { method: 'POST', path: '/api/v1/subscriptions/sub-1/cancel', json: { cancellationAction: 'REVOKE_ENTITLEMENTS', prorate: true } },
    says: 'with prorate kept a boolean',
  },
  {
    route: 'GET /v1/entitlements',
    method: 'GET',
    url: '/v1/entitlements?customerId=cus-1&featureId=feature-seats',
    upstream: { method: 'GET', path: '/api/v1/customers/cus-1/entitlements/check', query: { featureId: 'feature-seats' } },
    says: 'moving customerId from the query into the path',
  },
  {
    route: 'GET /v1/customers/{customerId}/entitlements',
    method: 'GET',
    url: '/v1/customers/cus-1/entitlements',
    upstream: { method: 'GET', path: '/api/v1/customers/cus-1/entitlements' },
  },
  {
    route: 'POST /v1/usage',
    method: 'POST',
    url: '/v1/usage',
    body: { customerId: 'cus-1', featureId: 'feature-api-calls', value: 7 },
    upstream: { method: 'POST', path: '/api/v1/usage', json: { usages: [{ customerId: 'cus-1', featureId: 'feature-api-calls', value: 7 }] } },
    says: 'with value as a number inside usages[0]',
    check: (r) => expect(usageValue(r.json)).toBe(7),
  },
];

describe('stigg seed', () => {
  const ctx = useSeed('stigg', { STIGG_API_KEY: API_KEY });

  describe('tools/list', () => {
    for (const generation of CLIENT_GENERATIONS) {
      it(`the ${generation} client lists the 7 tools with annotations for exactly the hints the file sets`, async () => {
        const client = ctx.client(generation);
        expect(client.protocolVersion).toMatch(generation === '2025' ? /^2025-/ : /^2026-07-28$/);
        const listed = await client.listTools();
        expect(Object.fromEntries(listed.map((t) => [t.name, t.annotations]))).toStrictEqual({
          'provision-customer': { readOnlyHint: false },
          'get-customer': { readOnlyHint: true, idempotentHint: true },
          'create-subscription': { readOnlyHint: false },
          'cancel-subscription': { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
          'check-entitlement': { readOnlyHint: true, idempotentHint: true },
          'get-entitlements': { readOnlyHint: true, idempotentHint: true },
          'report-usage': { readOnlyHint: false },
        });
      });

      it(`the ${generation} client sees input schemas derived from the imported consumes (path values required)`, async () => {
        const listed = await ctx.client(generation).listTools();
        const schema = (name: string) => listed.find((t) => t.name === name)!.inputSchema;
        expect(schema('get-customer').required).toStrictEqual(['customerId']);
        expect(schema('cancel-subscription').required).toStrictEqual(['subscriptionId']);
        expect(schema('check-entitlement').required).toStrictEqual(['customerId']);
        expect(Object.keys(schema('check-entitlement').properties ?? {})).toStrictEqual(['customerId', 'featureId', 'requestedUsage']);
        expect(Object.keys(schema('report-usage').properties ?? {})).toStrictEqual(['customerId', 'featureId', 'value', 'updateBehavior']);
        expect(schema('report-usage').required).toBeUndefined();
      });
    }
  });

  describe('tools/call', () => {
    toolCallTests(ctx, auth, tools);
  });

  describe('REST', () => {
    it('the cases below cover every REST route', () => {
      expect(routes.map((c) => c.route).sort()).toStrictEqual(declaredRoutes(ctx).sort());
    });
    routeCallTests(ctx, auth, routes);
  });
});
