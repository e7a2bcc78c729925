// The capability example in the README validates and serves as written: its REST route and its MCP tool call the
// upstream it describes (pointed at a local recording upstream with --upstream semantics) with the bound token.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/log.js';
import { prepareCapabilities } from '../../src/prepare.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { ROOT } from '../helpers/cli.js';
import { connectMcp, resultJson } from '../helpers/mcp-clients.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

async function readmeExample(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## How a capability file maps'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('no yaml example in the README section "How a capability file maps to routes and tools"');
  return match[1]!;
}

describe('the README example', () => {
  let upstream: Upstream;
  let runtime: Runtime;
  const env = { BILLING_TOKEN: 'bill_tok_31415926' };

  beforeAll(async () => {
    upstream = await startUpstream(() => ({ body: { data: { id: 'cus_1', name: 'Acme' } } }));
    const file = join(await mkdtemp(join(tmpdir(), 'cap-readme-')), 'billing.yaml');
    await writeFile(file, await readmeExample());
    const prepared = await prepareCapabilities([file], { env, upstreams: new Map([['billing', upstream.url]]) });
    expect(prepared.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    const ports = new Map([
      ['billing-api', 0],
      ['billing-mcp', 0],
    ]);
    runtime = await startRuntime(prepared.capabilities, { ports, logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await runtime?.close();
    await upstream?.close();
  });

  it('serves GET /v1/customers/{id} through the upstream with the bound token', async () => {
    const rest = runtime.adapters.find((a) => a.type === 'rest')!.url;
    const response = await fetch(`${rest}/v1/customers/cus_1?expand=plan`);
    expect(response.status).toBe(200);
    expect(await response.json()).toStrictEqual({ id: 'cus_1', name: 'Acme' });
    const sent = upstream.requests.at(-1)!;
    expect(sent.path).toBe('/customers/cus_1');
    expect(sent.query.get('expand')).toBe('plan');
    expect(sent.headers.authorization).toBe(`Bearer ${env.BILLING_TOKEN}`);
  });

  it('serves the get-customer tool to an MCP client', async () => {
    const client = await connectMcp('2026-07-28', runtime.adapters.find((a) => a.type === 'mcp')!.url);
    try {
      const tools = await client.listTools();
      expect(tools.map((t) => t.name)).toStrictEqual(['get-customer']);
      expect(resultJson(await client.callTool('get-customer', { id: 'cus_1' }))).toStrictEqual({ id: 'cus_1', name: 'Acme' });
    } finally {
      await client.close();
    }
    expect(upstream.requests.at(-1)!.path).toBe('/customers/cus_1');
  });
});
