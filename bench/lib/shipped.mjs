// The load on the four shipped capabilities (capabilities/*.yaml, served together by `capability serve capabilities/`,
// every consumed namespace pointed at the bench upstream in its open mode): per capability one REST route and one MCP
// tool, half of the tools called as the 2025-era client sends them and half as the 2026-07-28 client does. Items,
// lists with paging (schematic's list-companies pages through `$.data`), unwrapped and enveloped outputs.
// Each call's answer must hold `text` (the requested id, or the upstream's item name for a list).

const UUID = '5f0c6f5e-9c1b-4c6a-8e0a-1b2c3d4e5f60';

/** [{ adapter, rest: { path, text } } | { adapter, tool: { name, args, text, generation } }] */
export const SHIPPED_MIX = [
  { adapter: 'metronome-customers-rest', rest: { path: `/v1/customers/${UUID}`, text: UUID } },
  { adapter: 'metronome-customers-mcp', tool: { name: 'get-customer', args: { customer_id: UUID }, text: UUID, generation: '2026-07-28' } },
  { adapter: 'customer-management-api', rest: { path: '/v1/companies', text: 'Widget' } },
  { adapter: 'customer-management-mcp', tool: { name: 'list-companies', args: {}, text: 'Widget', generation: '2025' } },
  { adapter: 'pricing-entitlements-api', rest: { path: '/v1/customers/c-1', text: 'c-1' } },
  { adapter: 'pricing-entitlements-mcp', tool: { name: 'get-customer', args: { customerId: 'c-2' }, text: 'c-2', generation: '2026-07-28' } },
  { adapter: 'togai-billing-api', rest: { path: '/v1/customers/c-3', text: 'c-3' } },
  { adapter: 'togai-billing-mcp', tool: { name: 'get-customer', args: { customerId: 'c-4' }, text: 'c-4', generation: '2025' } },
];

/**
 * The load-generator mix for a runtime serving the shipped capabilities: `urlOf(adapter)` gives an adapter's base
 * URL (http://host:port); `capture(generation, mcpUrl, name, args)` records the request an SDK client sends.
 */
export async function shippedTargets(urlOf, capture) {
  const targets = [];
  for (const entry of SHIPPED_MIX) {
    const base = urlOf(entry.adapter);
    if (entry.rest) {
      targets.push({ url: base, method: 'GET', path: entry.rest.path, headers: {}, check: { kind: 'json-contains', text: entry.rest.text } });
      continue;
    }
    const { name, args, text, generation } = entry.tool;
    const captured = await capture(generation, `${base}/mcp`, name, args);
    targets.push({ url: base, method: 'POST', path: '/mcp', headers: captured.headers, body: captured.body, check: { kind: 'mcp-tool-contains', rpcId: captured.rpcId, text } });
  }
  return targets;
}
