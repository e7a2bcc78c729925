// Conformance cases 40, 42 and 43 (naftiko-semantics §7): imports, bootstrap and what the document's shapes mean,
// checked over the wire (MCP clients of both generations, a recording upstream per consumed API) and at load.
// SOURCE: imports/ (ours, after the reference tests named in each case).
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../../src/prepare.js';
import { ensureFreshBuild, runCli } from '../../helpers/cli.js';
import { connectMcp, CLIENT_GENERATIONS, type McpTestClient } from '../../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';

const IMPORTS = fileURLToPath(new URL('./imports/capability.yaml', import.meta.url));

describe('cases 40 and 43: imports/capability.yaml', () => {
  let primary: Upstream;
  let mirror: Upstream;
  let inline: Upstream;
  let served: Served;
  let clients: McpTestClient[];
  const reset = () => [primary, mirror, inline].forEach((u) => u.reset());

  beforeAll(async () => {
    const ship = (name: string) => () => ({ body: { imo_number: 'IMO-1', vessel_name: name } });
    primary = await startUpstream(ship('Northern Star'));
    mirror = await startUpstream(ship('Northern Star (mirror)'));
    inline = await startUpstream(() => ({ body: ['note-1'] }));
    served = await serveCapability(IMPORTS, { env: {}, upstreamUrl: inline.url, upstreamUrls: { primary: primary.url, mirror: mirror.url, inline: inline.url } });
    clients = await Promise.all(CLIENT_GENERATIONS.map((g) => connectMcp(g, served.mcp)));
  });
  afterAll(async () => {
    await Promise.allSettled((clients ?? []).map((c) => c.close()));
    await served?.close();
    await Promise.all([primary, mirror, inline].map((u) => u?.close()));
  });

  it('case 40: ./adapters/nested.yml is resolved against the capability folder and imported twice under its `as` aliases, beside an inline adapter', async () => {
    for (const client of clients) {
      reset();
      expect((await client.callTool('primary-ship', { imo: 'IMO-1' })).structuredContent).toEqual({ imo_number: 'IMO-1', vessel_name: 'Northern Star' });
      expect((await client.callTool('mirror-ship', { imo: 'IMO-1' })).structuredContent).toEqual({ imo_number: 'IMO-1', vessel_name: 'Northern Star (mirror)' });
      expect(JSON.parse((await client.callTool('notes')).content[0]!.text!)).toEqual(['note-1']);
      for (const upstream of [primary, mirror]) {
        const sent = upstream.only();
        expect(sent).toMatchObject({ method: 'GET', path: '/ships/IMO-1' });
        expect(sent.headers['x-source']).toBe('shared-registry');
      }
      expect(inline.only()).toMatchObject({ method: 'GET', path: '/notes' });
    }
  });

  it('case 43: an entry with `location` is the import variant; the imported operation keeps its parent resource path /ships/{{imo}}', async () => {
    reset();
    await clients[0]!.callTool('primary-ship', { imo: 'IMO-9' });
    expect(primary.only().path).toBe('/ships/IMO-9');
  });

  it('case 43: a consumed output `value: $.vessel_name` is read as a mapping (the step output is {shipName})', async () => {
    for (const client of clients) {
      reset();
      expect((await client.callTool('ship-name', { imo: 'IMO-1' })).structuredContent).toEqual({ name: 'Northern Star' });
      expect(primary.only().path).toBe('/ships/IMO-1');
    }
  });

  it('case 43: a named mock output keeps its `value` (rendered over the input), nothing sent upstream', async () => {
    for (const client of clients) {
      reset();
      expect((await client.callTool('greeting', { who: 'Nina' })).structuredContent).toEqual({ greeting: 'hello Nina' });
      expect([...primary.requests, ...mirror.requests, ...inline.requests]).toEqual([]);
    }
  });
});

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cap-loading-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const importing = (location: string, namespace = 'registry') => `naftiko: "1.0.0-alpha2"
info: {label: Import errors, description: Imports that cannot be followed}
capability:
  consumes:
    - import: ${namespace}
      location: ${location}
  exposes:
    - type: mcp
      port: 18222
      namespace: tools
      description: Tools
      tools:
        - {name: get-ship, description: A ship, call: registry.get-ship}
`;

describe('case 40: imports that cannot be followed are load errors', () => {
  it('case 40: a missing file names the location, at the entry’s line', async () => {
    const dir = await folder({ 'capability.yaml': importing('./adapters/missing.yml') });
    const prepared = await prepareCapabilities([join(dir, 'capability.yaml')], { env: {} });
    expect(prepared.ok).toBe(false);
    const error = prepared.diagnostics.find((d) => d.code === 'CAP_LOAD_IMPORT')!;
    expect(error).toMatchObject({ severity: 'error', line: 6 });
    expect(error.message).toContain('./adapters/missing.yml');
  });

  it('case 40: a namespace the shared file does not declare is named, with the ones it does', async () => {
    const shared = await readFile(fileURLToPath(new URL('./imports/adapters/nested.yml', import.meta.url)), 'utf8');
    const dir = await folder({ 'capability.yaml': importing('./adapters/nested.yml', 'fleet'), 'adapters/nested.yml': shared });
    const prepared = await prepareCapabilities([join(dir, 'capability.yaml')], { env: {} });
    expect(prepared.ok).toBe(false);
    const error = prepared.diagnostics.find((d) => d.code === 'CAP_LOAD_IMPORT')!;
    expect(error.message).toContain('"fleet"');
    expect(error.hint).toContain('registry');
  });
});

describe('case 42: bootstrap', () => {
  beforeAll(async () => {
    await ensureFreshBuild();
  }, 120_000);

  it('case 42: serving a capability without exposes exits 2 and says there is nothing to serve', async () => {
    const dir = await folder({
      'consumes-only.yaml': `naftiko: "1.0.0-alpha2"
info: {label: No exposes, description: Consumes only}
capability:
  consumes:
    - type: http
      namespace: backend
      baseUri: https://api.example.com
      resources:
        - name: items
          path: /items
          operations:
            - {name: list-items, method: GET}
`,
    });
    const result = await runCli(['serve', join(dir, 'consumes-only.yaml')], { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothing to serve');
  }, 60_000);

  it('case 42: a bind without location reads the runtime environment: PATH resolves and is sent where the capability asks', async () => {
    const upstream = await startUpstream();
    const dir = await folder({
      'path-bind.yaml': `naftiko: "1.0.0-alpha2"
info: {label: PATH bind, description: A runtime bind of PATH}
binds:
  - namespace: runtime
    keys:
      PATH: PATH
capability:
  consumes:
    - type: http
      namespace: backend
      baseUri: http://localhost:8080
      inputParameters:
        - {name: X-Path, in: header, value: "{{PATH}}"}
      resources:
        - name: items
          path: /items
          operations:
            - {name: list-items, method: GET}
  exposes:
    - type: rest
      port: 18223
      namespace: api
      resources:
        - path: /items
          operations:
            - {method: GET, call: backend.list-items}
`,
    });
    const served = await serveCapability(join(dir, 'path-bind.yaml'), { env: { PATH: '/opt/tools/bin:/usr/bin' }, upstreamUrl: upstream.url });
    try {
      expect((await fetch(`${served.rest}/items`)).status).toBe(200);
      expect(upstream.only().headers['x-path']).toBe('/opt/tools/bin:/usr/bin');
    } finally {
      await served.close();
      await upstream.close();
    }
  });
});
