// After a reload, 2025-era MCP clients hear `notifications/tools/list_changed` too (issue 10 §1): over Streamable
// HTTP on the GET stream the SDK v1 client opens after `initialize` (the runtime keeps it open with keep-alive
// comments and ends it on shutdown), and over stdio, where a reload now swaps the served graph. Real processes:
// `capability serve --watch`, a watched file edited, the SDK v1 client's ToolListChangedNotification handler fires
// and the new tool is listed and called. Shutdown ends open server streams (2025 GET and 2026-07-28 listen) at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, ROOT, startServe, type ServeProcess } from '../helpers/cli.js';
import { itemsConsumes, itemsTools } from '../helpers/items-capability.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

/** One MCP adapter (HTTP, or stdio) with one tool per name. */
function capability(tools: readonly string[], transport: 'http' | 'stdio' = 'http'): string {
  return `naftiko: "1.0.0-alpha3"
info:
  label: "Reload notification test"
  description: "Served with --watch by test/integration/reload-notify.test.ts"
capability:
${itemsConsumes()}  exposes:
    - type: mcp
${transport === 'stdio' ? '      transport: stdio' : '      port: 9000'}
      namespace: notify-mcp
      tools:
${itemsTools(tools)}`;
}

let upstream: Upstream;
const dirs: string[] = [];
beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream((req) => ({ status: 200, body: { items: [{ id: 1 }], path: req.path } }));
}, 120_000);
afterAll(async () => {
  killRunningChildren();
  await upstream?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** SIGTERM ends open server streams at once: exit 0 well before the 20 s drain timeout, nothing cut. */
async function expectStreamsEndedAtShutdown(serve: ServeProcess): Promise<void> {
  const started = Date.now();
  const result = await serve.stop('SIGTERM');
  expect(result.code).toBe(0);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(result.stderr).not.toMatch(/cut at the drain timeout/);
}

function tempFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cap-notify-'));
  dirs.push(dir);
  const file = join(dir, 'notify.yaml');
  writeFileSync(file, text);
  return file;
}

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const CLIENT_INFO = { name: 'reload-notify-test', version: '0.0.0' };

describe('2025-era clients hear notifications/tools/list_changed after a reload', () => {
  it('Streamable HTTP: the GET stream opens after initialize, stays open, gets list_changed on an edit, and ends at shutdown', async () => {
    const file = tempFile(capability(['list-items']));
    const serve = await startServe([file, '--watch', '--port', 'notify-mcp=0', '--upstream', `api=${upstream.url}`, '--drain-timeout', '20000'], 1);
    const url = serve.lines[0]!.split(/\s+/)[2]!;
    const gets: { status: number; type: string | null }[] = [];
    const client = new Client(CLIENT_INFO);
    let announced = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      announced++;
    });
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (init?.method === 'GET') gets.push({ status: res.status, type: res.headers.get('content-type') });
        return res;
      },
    });
    try {
      await client.connect(transport);
      expect(transport.protocolVersion).toMatch(/^2025-/);
      await waitFor('the GET stream', () => gets.length > 0);
      expect(gets).toStrictEqual([{ status: 200, type: 'text/event-stream' }]);
      expect((await client.listTools()).tools.map((t) => t.name)).toStrictEqual(['list-items']);

      writeFileSync(file, capability(['list-items', 'count-items']));
      await waitFor('notifications/tools/list_changed on the GET stream', () => announced >= 1);
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toStrictEqual(['count-items', 'list-items']);
      expect((await client.callTool({ name: 'count-items', arguments: {} })).isError).toBeFalsy();
      // The stream survived the swap: one GET, never reopened.
      expect(gets).toHaveLength(1);

      // Shutdown ends the open stream instead of waiting the 20 s drain timeout on it.
      await expectStreamsEndedAtShutdown(serve);
    } finally {
      await client.close().catch(() => undefined);
      await serve.stop();
    }
  }, 90_000);

  it('shutdown also ends an open 2026-07-28 subscriptions/listen stream at once instead of cutting it at the drain timeout', async () => {
    const file = tempFile(capability(['list-items']));
    const serve = await startServe([file, '--port', 'notify-mcp=0', '--upstream', `api=${upstream.url}`, '--drain-timeout', '20000'], 1);
    const url = serve.lines[0]!.split(/\s+/)[2]!;
    const client = new ModernClient(CLIENT_INFO, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    try {
      await client.connect(new ModernTransport(new URL(url)));
      await client.listen({ toolsListChanged: true });
      await expectStreamsEndedAtShutdown(serve);
    } finally {
      await client.close().catch(() => undefined);
      await serve.stop();
    }
  }, 60_000);

  it('a GET without Accept: text/event-stream is refused with 406; a 2026-07-28 GET keeps the SDK answer (405)', async () => {
    const file = tempFile(capability(['list-items']));
    const serve = await startServe([file, '--port', 'notify-mcp=0', '--upstream', `api=${upstream.url}`], 1);
    const url = serve.lines[0]!.split(/\s+/)[2]!;
    try {
      const plain = await fetch(url, { headers: { accept: 'application/json', 'mcp-protocol-version': '2025-06-18' } });
      expect(plain.status).toBe(406);
      expect(((await plain.json()) as { error: { code: number } }).error.code).toBe(-32000);
      const modern = await fetch(url, { headers: { accept: 'text/event-stream', 'mcp-protocol-version': '2026-07-28' } });
      expect(modern.status).toBe(405);
      await modern.body?.cancel();
    } finally {
      await serve.stop();
    }
  }, 60_000);
});

/** The stdio capability at two versions: the tool's upstream path changes, so a result tells which graph served it. */
const stdioVersion = (path: string, tools: readonly string[]) => capability(tools, 'stdio').replace('path: "/items"', `path: "${path}"`);

describe('stdio: a reload swaps the served graph', () => {
  it('serve --watch on stdio: list_changed on stdout, the new tool is listed and called, a call in flight finishes on the old graph', async () => {
    const file = tempFile(stdioVersion('/v1/items', ['list-items']));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream.handle(async (req) => {
      if (req.path === '/v1/items') await held;
      return { status: 200, body: { path: req.path } };
    });
    const client = new Client(CLIENT_INFO);
    let announced = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      announced++;
    });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(ROOT, 'bin', 'capability.js'), 'serve', file, '--watch', '--upstream', `api=${upstream.url}`],
      env: { PATH: process.env.PATH ?? '' },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      await client.connect(transport);
      expect((await client.listTools()).tools.map((t) => t.name)).toStrictEqual(['list-items']);
      // A call held by the upstream while the file changes.
      const inFlight = client.callTool({ name: 'list-items', arguments: {} });
      await waitFor('the held upstream call', () => upstream.requests.some((r) => r.path === '/v1/items'));

      writeFileSync(file, stdioVersion('/v2/items', ['list-items', 'count-items']));
      await waitFor('notifications/tools/list_changed on stdout', () => announced >= 1);
      expect(stderr).toMatch(/reload \(watch\): files 1 changed; adapters 1 replaced/);
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toStrictEqual(['count-items', 'list-items']);
      const fresh = await client.callTool({ name: 'count-items', arguments: {} });
      expect(JSON.stringify(fresh.content)).toContain('/v2/items');
      release();
      const old = await inFlight;
      expect(old.isError).toBeFalsy();
      expect(JSON.stringify(old.content)).toContain('/v1/items');

      // Adding resources would change what the client negotiated: refused, the current graph keeps serving.
      writeFileSync(
        file,
        stdioVersion('/v2/items', ['list-items', 'count-items', 'third']).replace(
          '      tools:\n',
          '      resources:\n        - name: items\n          uri: "data://items"\n          description: "The items"\n          call: api.list-items\n      tools:\n',
        ),
      );
      await waitFor('the refusal', () => /restart the process to apply it/.test(stderr));
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toStrictEqual(['count-items', 'list-items']);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nstderr:\n${stderr}`);
    } finally {
      release();
      upstream.handle(undefined);
      await client.close().catch(() => undefined);
    }
  }, 90_000);
});

