// The example capabilities in test/fixtures/examples/ (MCP, REST and skill adapters, each behind a bearer token from
// a bind, in the style of the reference tutorial steps 8 and 10) serve end to end (issue 8 §5): every adapter refuses
// a missing or wrong token with 401; with the token the REST route and the MCP tool reach the upstream (with the
// upstream's own credential, never the caller's) and the skill catalog points at them.
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observe/log.js';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const DIR = fileURLToPath(new URL('../fixtures/examples/', import.meta.url));
const REGISTRY_TOKEN = 'registry-upstream-token-5d1e';

interface Example {
  file: string;
  token: [name: string, value: string];
  rest: { namespace: string; method: string; path: string; body?: unknown };
  tool: { namespace: string; name: string; args: Record<string, unknown> };
  upstream: { method: string; path: string };
  skill: { namespace: string; name: string; tools: string[] };
}

const EXAMPLES: Example[] = [
  {
    file: 'shipyard-fleet.yaml',
    token: ['SHIPYARD_TOKEN', 'shipyard-caller-token-77aa'],
    rest: { namespace: 'shipyard-api', method: 'GET', path: '/ships/IMO-9321483' },
    tool: { namespace: 'shipyard-tools', name: 'get-ship', args: { imo: 'IMO-9321483' } },
    upstream: { method: 'GET', path: '/ships/IMO-9321483' },
    skill: { namespace: 'shipyard-skills', name: 'fleet-ops', tools: ['list-ships', 'get-ship'] },
  },
  {
    file: 'voyage-planner.yaml',
    token: ['PLANNER_TOKEN', 'planner-caller-token-31bc'],
    rest: { namespace: 'voyage-api', method: 'POST', path: '/voyages', body: { shipImo: 'IMO-9321483', departurePort: 'NLRTM', arrivalPort: 'SGSIN' } },
    tool: { namespace: 'voyage-tools', name: 'create-voyage', args: { shipImo: 'IMO-9321483', departurePort: 'NLRTM', arrivalPort: 'SGSIN' } },
    upstream: { method: 'POST', path: '/voyages' },
    skill: { namespace: 'voyage-skills', name: 'voyage-ops', tools: ['create-voyage', 'planning-guide'] },
  },
  {
    file: 'crew-roster.yaml',
    token: ['CREW_TOKEN', 'crew-caller-token-90de'],
    rest: { namespace: 'crew-api', method: 'GET', path: '/crew?role=captain' },
    tool: { namespace: 'crew-tools', name: 'list-crew', args: { role: 'captain' } },
    upstream: { method: 'GET', path: '/crew' },
    skill: { namespace: 'crew-skills', name: 'crew-ops', tools: ['list-crew'] },
  },
];

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream?.close();
});

describe.each(EXAMPLES)('example $file', (example) => {
  let served: Served;
  const [tokenName, token] = example.token;
  const auth = { authorization: `Bearer ${token}` };
  beforeAll(async () => {
    served = await serveCapability(`${DIR}${example.file}`, { env: { REGISTRY_TOKEN, [tokenName]: token }, upstreamUrl: upstream.url, logger: silentLogger() });
  });
  afterAll(async () => {
    await served?.close();
  });

  it('every adapter refuses a missing or wrong bearer token with 401', async () => {
    for (const adapter of served.adapters) {
      const url = adapter.type === 'rest' ? `${adapter.url}${example.rest.path}` : adapter.type === 'control' ? `${adapter.url}/health/ready` : adapter.url;
      const method = adapter.type === 'mcp' ? 'POST' : 'GET';
      for (const headers of [{}, { authorization: 'Bearer not-the-token-0000' }]) {
        const res = await fetch(url, { method, headers: { ...headers, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
        expect(res.status, `${adapter.type} ${adapter.namespace}`).toBe(401);
      }
    }
  });

  it('the REST route reaches the upstream with the upstream credential only', async () => {
    upstream.reset();
    const { method, path, body } = example.rest;
    const res = await fetch(`${served.urlOf(example.rest.namespace)}${path}`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    expect(res.status).toBe(200);
    const request = upstream.only();
    expect([request.method, request.path]).toStrictEqual([example.upstream.method, example.upstream.path]);
    expect(request.headers.authorization).toBe(`Bearer ${REGISTRY_TOKEN}`);
    if (body) expect(request.json).toStrictEqual(body);
  });

  it('the MCP tool reaches the same upstream call', async () => {
    upstream.reset();
    const client = new Client({ name: 'examples-test', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(served.urlOf(example.tool.namespace)), { requestInit: { headers: auth } }));
    try {
      const result = (await client.callTool({ name: example.tool.name, arguments: example.tool.args })) as { isError?: boolean };
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    const request = upstream.only();
    expect([request.method, request.path]).toStrictEqual([example.upstream.method, example.upstream.path]);
    expect(request.headers.authorization).toBe(`Bearer ${REGISTRY_TOKEN}`);
  });

  it('the skill catalog lists the skill and its tools', async () => {
    const res = await fetch(served.urlOf(example.skill.namespace), { headers: auth });
    expect(res.status).toBe(200);
    const catalog = (await res.json()) as { skills: { name: string; tools: string[] }[] };
    expect(catalog.skills).toContainEqual(expect.objectContaining({ name: example.skill.name, tools: example.skill.tools }));
  });
});
