// Inbound authentication on skill and control adapters (issue 8 §1 with §3/§4): the shared hook refuses a missing or
// wrong bearer token with 401 before anything runs, and serves a correct one; the skills offered over MCP sit behind
// the MCP adapter's own authentication.
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { SkillsClient } from '@modelcontextprotocol/client/ext/skills';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observe/log.js';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const FILE = fileURLToPath(new URL('../conformance/skill-adapter/shipyard-skills-bearer.yaml', import.meta.url));
const TOKEN = 'shipyard-token-8f3a91c2';

let upstream: Upstream;
let served: Served;
beforeAll(async () => {
  upstream = await startUpstream();
  served = await serveCapability(FILE, { env: { SHIPYARD_TOKEN: TOKEN }, upstreamUrl: upstream.url, logger: silentLogger() });
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('bearer authentication on skill and control adapters', () => {
  it('case 44: the skill adapter answers 401 without or with a wrong token, and serves the right one', async () => {
    const skills = served.urlOf('shipyard-skills');
    for (const headers of [{}, bearer('wrong-token-0000')]) {
      const res = await fetch(`${skills}/fleet-ops`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toMatchObject({ code: 'CAP_AUTH_UNAUTHORIZED' });
    }
    const ok = await fetch(`${skills}/fleet-ops`, { headers: bearer(TOKEN) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { name: string }).name).toBe('fleet-ops');
  });

  it('case 45: the control adapter answers 401 without the token, including the health probes', async () => {
    const control = served.urlOf('control');
    for (const path of ['/health/live', '/health/ready', '/status']) {
      expect((await fetch(`${control}${path}`)).status, path).toBe(401);
      expect((await fetch(`${control}${path}`, { headers: bearer(TOKEN) })).status, path).toBe(200);
    }
  });

  it('skills over MCP need the MCP adapter\'s token', async () => {
    const client = new Client({ name: 'skills-auth-test', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(served.mcp), { requestInit: { headers: bearer(TOKEN) } }));
    try {
      const { skills } = await new SkillsClient(client).list();
      expect(skills.map((s) => s.frontmatter.name)).toStrictEqual(['fleet-ops']);
    } finally {
      await client.close();
    }
    const anonymous = await fetch(served.mcp, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'skills/list', params: {} }) });
    expect(anonymous.status).toBe(401);
  });
});
