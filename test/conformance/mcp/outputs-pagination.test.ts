// outputSchema with conforming structuredContent, tools/list pagination with opaque cursors, and the tools
// list_changed announcement (issue 8 §2). Both MCP client generations, raw JSON-RPC for cursors and envelopes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observe/log.js';
import { prepareCapabilities } from '../../../src/prepare.js';
import { startRuntime } from '../../../src/runtime.js';
import { CLIENT_GENERATIONS, connectMcp, resultJson } from '../../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';
import { REVISIONS, rpc } from './rpc.js';

const OUTPUTS = fileURLToPath(new URL('./mcp-outputs-capability.yaml', import.meta.url));
const TOOL_COUNT = 250;

let upstream: Upstream;
let outputs: Served;
let many: Served;
let dir: string;

/** A capability with TOOL_COUNT mock tools (more than two pages of 100). */
const manyTools = () => `naftiko: "1.0.0-alpha2"
info: {label: Many tools, description: Pagination}
capability:
  exposes:
    - type: mcp
      port: 9
      namespace: many-mcp
      tools:
${Array.from({ length: TOOL_COUNT }, (_, i) => `        - name: tool-${String(i).padStart(3, '0')}
          description: Mock tool ${i}
          outputParameters:
            - {name: n, type: string, value: "${i}"}`).join('\n')}
`;

beforeAll(async () => {
  upstream = await startUpstream();
  outputs = await serveCapability(OUTPUTS, { env: {}, upstreamUrl: upstream.url });
  dir = await mkdtemp(join(tmpdir(), 'cap-mcp-many-'));
  await writeFile(join(dir, 'many.yaml'), manyTools());
  many = await serveCapability(join(dir, 'many.yaml'), { env: {}, upstreamUrl: upstream.url });
});

afterAll(async () => {
  await outputs?.close();
  await many?.close();
  await upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  upstream.reset();
  upstream.handle(undefined);
});

const ajv = new Ajv2020({ strict: false });

describe.each(CLIENT_GENERATIONS)('outputSchema and structuredContent (%s client)', (generation) => {
  it('declares an outputSchema for object outputs and returns structuredContent that conforms (checked with ajv)', async () => {
    upstream.handle(() => ({ body: { vessel: { name: 'Aurora', tonnage: 91000, flags: [{ code: 'FR' }, { code: 'MT' }] }, owner: { id: 'o-1' }, noise: true } }));
    const client = await connectMcp(generation, outputs.mcp);
    try {
      const tools = new Map((await client.listTools()).map((t) => [t.name, t as typeof t & { outputSchema?: Record<string, unknown> }]));
      const schema = tools.get('get-ship')!.outputSchema!;
      expect(schema).toMatchObject({ type: 'object', required: ['name', 'tonnage', 'flags', 'owner'] });
      // Arrays and mock tools have no object to promise.
      expect(tools.get('list-ships')).not.toHaveProperty('outputSchema');
      expect(tools.get('status')).not.toHaveProperty('outputSchema');

      const result = await client.callTool('get-ship', { imo: 'IMO-1' });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ name: 'Aurora', tonnage: 91000, flags: ['FR', 'MT'], owner: { id: 'o-1' } });
      expect(resultJson(result)).toEqual(result.structuredContent);
      const validate = ajv.compile(schema);
      expect(validate(result.structuredContent), JSON.stringify(validate.errors)).toBe(true);

      // Paths that find nothing map to null, which the schema allows.
      upstream.handle(() => ({ body: {} }));
      const sparse = await client.callTool('get-ship', { imo: 'IMO-2' });
      expect(sparse.structuredContent).toEqual({ name: null, tonnage: null, flags: null, owner: { id: null } });
      expect(validate(sparse.structuredContent)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('an upstream value that breaks the declared types is an isError result, never non-conforming structuredContent', async () => {
    upstream.handle(() => ({ body: { vessel: { name: 'Aurora', tonnage: 'heavy' } } }));
    const client = await connectMcp(generation, outputs.mcp);
    try {
      const result = await client.callTool('get-ship', { imo: 'IMO-3' });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(result.content[0]!.text).toMatch(/^CAP_UPSTREAM_BODY_INVALID: .*declared for tool "get-ship"/);
    } finally {
      await client.close();
    }
  });
});

describe.each(CLIENT_GENERATIONS)('tools/list pagination (%s client)', (generation) => {
  it('the client follows nextCursor and gets every tool once, in order', async () => {
    const client = await connectMcp(generation, many.mcp);
    try {
      const names = (await client.listTools()).map((t) => t.name);
      expect(names).toHaveLength(TOOL_COUNT);
      expect(names).toEqual(Array.from({ length: TOOL_COUNT }, (_, i) => `tool-${String(i).padStart(3, '0')}`));
    } finally {
      await client.close();
    }
  });
});

describe.each(REVISIONS)('tools/list pagination on the wire (%s)', (revision) => {
  it('pages of 100 with an opaque nextCursor; the last page has none; an invalid cursor is -32602', async () => {
    const first = await rpc(many.mcp, 'tools/list', {}, { protocolVersion: revision });
    expect((first.result!.tools as unknown[]).length).toBe(100);
    const cursor = first.result!.nextCursor as string;
    expect(typeof cursor).toBe('string');
    const second = await rpc(many.mcp, 'tools/list', { cursor }, { protocolVersion: revision });
    expect((second.result!.tools as { name: string }[])[0]!.name).toBe('tool-100');
    const third = await rpc(many.mcp, 'tools/list', { cursor: second.result!.nextCursor }, { protocolVersion: revision });
    expect((third.result!.tools as unknown[]).length).toBe(TOOL_COUNT - 200);
    expect(third.result).not.toHaveProperty('nextCursor');
    for (const bad of ['not-a-cursor', Buffer.from('{"l":"tools","o":9999}').toString('base64url'), Buffer.from('{"l":"prompts","o":100}').toString('base64url')]) {
      expect((await rpc(many.mcp, 'tools/list', { cursor: bad }, { protocolVersion: revision })).error, bad).toMatchObject({ code: -32602 });
    }
    // A small list is one page.
    expect(await rpc(outputs.mcp, 'tools/list', {}, { protocolVersion: revision })).not.toHaveProperty('result.nextCursor');
  });
});

describe('notifications/tools/list_changed', () => {
  it('the runtime announces a changed tool list to a connected (stdio) client', async () => {
    const prepared = await prepareCapabilities([OUTPUTS], { env: {} });
    const input = new PassThrough();
    const output = new PassThrough();
    const lines: string[] = [];
    output.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
    const runtime = await startRuntime(prepared.capabilities, { stdio: { namespace: 'outputs-mcp', input, output }, logger: createLogger({ level: 'silent' }) });
    try {
      input.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }) + '\n');
      await waitFor(() => lines.length >= 1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ id: 1, result: { capabilities: { tools: { listChanged: true } } } });
      input.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
      runtime.announceToolsChanged();
      await waitFor(() => lines.length >= 2);
      expect(JSON.parse(lines[1]!)).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    } finally {
      await runtime.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
