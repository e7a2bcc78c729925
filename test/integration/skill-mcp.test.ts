// Beyond the reference (issue 8 §3): the capability's skills offered on its MCP adapter through the MCP Skills
// extension of SDK v2, read with the SDK's own SkillsClient (which checks every file's size and digest against the
// entry) over Streamable HTTP; and the 2025 client still sees the tools as before.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { SkillsClient } from '@modelcontextprotocol/client/ext/skills';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLegacy, resultJson } from '../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const SHIPYARD = fileURLToPath(new URL('../conformance/skill-adapter/shipyard-skills.yaml', import.meta.url));
const FOLDER = new URL('../conformance/skill-adapter/skills/order-management', import.meta.url);

let upstream: Upstream;
let served: Served;
let client: Client;
beforeAll(async () => {
  upstream = await startUpstream();
  served = await serveCapability(SHIPYARD, { env: {}, upstreamUrl: upstream.url });
  client = new Client({ name: 'skills-test', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(served.mcp)));
});
afterAll(async () => {
  await client?.close();
  await served?.close();
  await upstream?.close();
});

describe('skills over MCP (Skills extension)', () => {
  it('the MCP adapter declares the extension and lists the skill adapter\'s skills with verified SKILL.md files', async () => {
    const skills = new SkillsClient(client);
    expect(skills.supported).toBe(true);
    const { skills: entries } = await skills.list();
    expect(entries.map((e) => [e.uri, e.frontmatter.name])).toStrictEqual([
      ['skill://fleet-ops/SKILL.md', 'fleet-ops'],
      ['skill://ship-api/SKILL.md', 'ship-api'],
    ]);
    const manifest = await skills.read(entries[0]!);
    expect(manifest.verified).toBe(true);
    expect(manifest.frontmatter).toMatchObject({ name: 'fleet-ops', description: 'Fleet management: list and inspect ships', license: 'Apache-2.0' });
    expect(manifest.body).toContain(`on the MCP server \`shipyard-tools\` at ${served.mcp}`);
    // The same bytes as the skill adapter's SKILL.md.
    const skillUrl = served.adapters.find((a) => a.type === 'skill')!.url;
    expect(manifest.text).toBe(await (await fetch(`${skillUrl}/fleet-ops/contents/SKILL.md`)).text());
  });

  it('tools are listed and called as before, by both client generations', async () => {
    expect((await client.listTools()).tools.map((t) => t.name)).toStrictEqual(['list-ships', 'get-ship']);
    const modern = (await client.callTool({ name: 'get-ship', arguments: { imo: 'IMO-9321483' } })) as { isError?: boolean; content: { text?: string }[] };
    expect(modern.isError).toBeFalsy();
    expect(JSON.parse(modern.content[0]!.text!)).toStrictEqual({ ok: true, echo: 'GET /ships/IMO-9321483' });
    const invalid = (await client.callTool({ name: 'get-ship', arguments: {} })) as { isError?: boolean; content: { text?: string }[] };
    expect(invalid.isError).toBe(true);
    expect(invalid.content[0]!.text).toContain('CAP_INPUT_INVALID');
    const legacy = await connectLegacy(served.mcp);
    try {
      expect((await legacy.listTools()).map((t) => t.name)).toStrictEqual(['list-ships', 'get-ship']);
      expect(resultJson(await legacy.callTool('list-ships', { status: 'active' }))).toStrictEqual({ ok: true, echo: 'GET /ships' });
    } finally {
      await legacy.close();
    }
  });
});

describe('skills over MCP from a skill folder', () => {
  let dir: string;
  let folderServed: Served | undefined;
  let folderClient: Client | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skill-mcp-'));
    await writeFile(
      join(dir, 'orders.yaml'),
      `naftiko: "1.0.0-alpha2"
info: { label: Orders, description: Orders over MCP with a skill }
capability:
  consumes:
    - type: http
      namespace: orders-api
      baseUri: http://127.0.0.1:9
      resources:
        - { name: orders, path: /orders, operations: [{ name: list, method: GET }] }
  exposes:
    - type: mcp
      port: 3001
      namespace: orders-mcp
      tools:
        - { name: list-orders, description: List all orders, call: orders-api.list }
    - type: skill
      port: 3002
      namespace: orders-skills
      skills:
        - name: order-management
          description: Tools for managing orders
          location: ${pathToFileURL(fileURLToPath(FOLDER)).href}
          tools:
            - { name: list-orders, description: List all orders, from: { sourceNamespace: orders-mcp, action: list-orders } }
            - { name: order-guide, description: Guide for working with orders, instruction: order-guide.md }
`,
    );
    folderServed = await serveCapability(join(dir, 'orders.yaml'), { env: {}, upstreamUrl: upstream.url });
    folderClient = new Client({ name: 'skills-test', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await folderClient.connect(new StreamableHTTPClientTransport(new URL(folderServed.mcp)));
  });
  afterAll(async () => {
    await folderClient?.close();
    await folderServed?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('every file of the folder is a verified skill:// resource (hidden files are not published)', async () => {
    const skills = new SkillsClient(folderClient!);
    const { skills: entries } = await skills.list();
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect((entry.resources as { uri: string }[]).map((r) => r.uri).sort()).toStrictEqual([
      'skill://order-management/SKILL.md',
      'skill://order-management/examples/usage.json',
      'skill://order-management/order-guide.md',
    ]);
    const guide = await skills.read(entry, 'order-guide.md');
    expect(guide.verified).toBe(true);
    expect(guide.text).toBe(readFileSync(new URL('../conformance/skill-adapter/skills/order-management/order-guide.md', import.meta.url), 'utf8'));
    const usage = await skills.read(entry, 'examples/usage.json');
    expect(JSON.parse(Buffer.from(usage.bytes).toString('utf8'))).toStrictEqual({ example: 'list every order', tool: 'list-orders' });
  });
});
