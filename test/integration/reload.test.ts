// Hot reload over real sockets (issue 10 §1): `capability serve --watch` while MCP clients of both generations and a
// REST client call in a loop (no failed call, the new tool appears, an open 2026-07-28 `subscriptions/listen` stream
// hears `notifications/tools/list_changed`); an invalid edit keeps the old version and prints file:line:col; SIGHUP
// and the control adapter's POST /reload (behind its bearer token) run the same reload; files added to and removed
// from a served folder start and stop their adapters; a port change restarts an adapter on the new port.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, startServe, type ServeProcess } from '../helpers/cli.js';
import { CLIENT_GENERATIONS, connectMcp, type McpTestClient } from '../helpers/mcp-clients.js';
import { itemsConsumes, itemsRestAdapter, itemsTools } from '../helpers/items-capability.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const CONTROL_TOKEN = 'reload-control-token-9f3b2c';

/** A capability with one MCP tool per name, a REST route and a control adapter whose reload is on (token-guarded). */
function capability(tools: readonly string[], options: { restPort?: number; restNamespace?: string } = {}): string {
  return `naftiko: "1.0.0-alpha3"
info:
  label: "Reload test"
  description: "Served with --watch by test/integration/reload.test.ts"
binds:
  - namespace: control-env
    keys:
      CONTROL_TOKEN: CONTROL_TOKEN
capability:
${itemsConsumes()}  exposes:
    - type: mcp
      port: 9000
      namespace: reload-mcp
      tools:
${itemsTools(tools)}${itemsRestAdapter(options.restNamespace ?? 'reload-api', options.restPort ?? 9001)}    - type: control
      port: 9002
      authentication: { type: bearer, token: "{{CONTROL_TOKEN}}" }
      management: { health: true, reload: true }
`;
}

/** A capability with only a REST adapter (for files added to and removed from a served folder). */
function restOnly(namespace: string, port: number): string {
  return `naftiko: "1.0.0-alpha3"
info:
  label: "Reload folder test ${namespace}"
  description: "One REST adapter"
capability:
${itemsConsumes()}  exposes:
${itemsRestAdapter(namespace, port)}`;
}

let upstream: Upstream;
const dirs: string[] = [];
const processes: ServeProcess[] = [];
beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream((req) => ({ status: 200, body: { items: [{ id: 1 }], path: req.path } }));
}, 120_000);
afterAll(async () => {
  await Promise.allSettled(processes.map((p) => p.stop()));
  killRunningChildren();
  await upstream?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cap-reload-'));
  dirs.push(dir);
  return dir;
}

const ZERO_PORTS = ['--port', 'reload-mcp=0', '--port', 'reload-api=0', '--port', 'control=0'];

async function serve(args: readonly string[], lines: number): Promise<{ process: ServeProcess; url: (namespace: string) => string }> {
  const process = await startServe([...args, '--upstream', `api=${upstream.url}`], lines, { env: { CONTROL_TOKEN }, timeoutMs: 60_000 });
  processes.push(process);
  const url = (namespace: string) => {
    const line = process.lines.find((l) => l.split(/\s+/)[1] === namespace);
    if (!line) throw new Error(`no adapter ${namespace} in:\n${process.lines.join('\n')}`);
    return line.split(/\s+/)[2]!;
  };
  return { process, url };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const toolNames = async (client: McpTestClient) => (await client.listTools()).map((t) => t.name).sort();

/** Calls the tool (both client generations) and the REST route until stopped; every failure is kept. */
function callInLoop(clients: readonly McpTestClient[], restUrl: string) {
  const failures: string[] = [];
  let calls = 0;
  let running = true;
  const loops = [
    ...clients.map(async (client) => {
      while (running) {
        try {
          const result = await client.callTool('list-items');
          if (result.isError) failures.push(`${client.generation}: ${JSON.stringify(result.content)}`);
        } catch (err) {
          failures.push(`${client.generation}: ${(err as Error).message}`);
        }
        calls++;
      }
    }),
    (async () => {
      while (running) {
        try {
          const res = await fetch(`${restUrl}/items`);
          if (res.status !== 200) failures.push(`REST ${res.status}: ${await res.text()}`);
          else await res.arrayBuffer();
        } catch (err) {
          failures.push(`REST: ${(err as Error).message}`);
        }
        calls++;
      }
    })(),
  ];
  return {
    failures,
    calls: () => calls,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('serve --watch', () => {
  it('an edit during a loop of tool calls: no call fails, the new tool appears, open listen streams hear list_changed', async () => {
    const dir = tempDir();
    const file = join(dir, 'reload.yaml');
    writeFileSync(file, capability(['list-items']));
    const { process, url } = await serve([dir, '--watch', ...ZERO_PORTS], 3);
    const clients = await Promise.all(CLIENT_GENERATIONS.map((g) => connectMcp(g, url('reload-mcp'))));
    // A 2026-07-28 client holding a subscriptions/listen stream open.
    const listener = new ModernClient({ name: 'reload-listener', version: '0.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await listener.connect(new ModernTransport(new URL(url('reload-mcp'))));
    let announced = 0;
    listener.setNotificationHandler('notifications/tools/list_changed', () => {
      announced++;
    });
    const subscription = await listener.listen({ toolsListChanged: true });
    try {
      for (const client of clients) expect(await toolNames(client)).toEqual(['list-items']);
      const loop = callInLoop(clients, url('reload-api'));
      await waitFor('calls before the edit', () => loop.calls() >= 20);
      // Editors save in more than one write: a truncated file first, then the whole text (debounced into one reload).
      const text = capability(['list-items', 'count-items']);
      writeFileSync(file, text.slice(0, text.length / 2));
      writeFileSync(file, text);
      for (const client of clients) await waitFor(`count-items on the ${client.generation} client`, async () => (await toolNames(client)).includes('count-items'));
      const afterEdit = loop.calls();
      await waitFor('calls after the edit', () => loop.calls() >= afterEdit + 20);
      await loop.stop();
      expect(loop.failures).toEqual([]);
      await waitFor('notifications/tools/list_changed on the listen stream', () => announced >= 1);
      for (const client of clients) expect((await client.callTool('count-items')).isError).toBeFalsy();
      // Swapped on the same ports: nothing was restarted.
      expect(process.stderr()).toMatch(/reload \(watch\): files 1 changed; adapters 3 replaced/);
      expect(process.stderr()).toMatch(/"msg":"reload finished"/);
    } finally {
      await subscription.close();
      await listener.close();
      await Promise.allSettled(clients.map((c) => c.close()));
      await process.stop();
    }
  }, 120_000);

  it('an invalid edit keeps the old version serving and prints its diagnostics (file:line:col); fixing it applies', async () => {
    const dir = tempDir();
    const file = join(dir, 'reload.yaml');
    writeFileSync(file, capability(['list-items']));
    const { process, url } = await serve([dir, '--watch', ...ZERO_PORTS], 3);
    const client = await connectMcp('2026-07-28', url('reload-mcp'));
    try {
      writeFileSync(file, capability(['list-items', 'broken']).replace(/(name: broken\n.*\n\s+call:) api.list-items/, '$1 api.no-such-operation'));
      await waitFor('the diagnostics of the invalid edit', () => /reload\.yaml:\d+:\d+ {2}error {2}CAP_\w+ .*no-such-operation/.test(process.stderr()));
      expect(process.stderr()).toMatch(/reload \(watch\): files 1 invalid \(previous version kept\); adapters unchanged/);
      expect(await toolNames(client)).toEqual(['list-items']);
      expect((await client.callTool('list-items')).isError).toBeFalsy();
      expect((await fetch(`${url('reload-api')}/items`)).status).toBe(200);
      writeFileSync(file, capability(['list-items', 'fixed']));
      await waitFor('the fixed tool', async () => (await toolNames(client)).includes('fixed'));
    } finally {
      await client.close();
      await process.stop();
    }
  }, 120_000);

  it('a ConfigMap-style update (the kubelet swaps a ..data symlink to a new folder) is reloaded', async () => {
    // The layout the kubelet writes for a ConfigMap volume: reload.yaml → ..data/reload.yaml, ..data → ..<timestamp>.
    const dir = tempDir();
    mkdirSync(join(dir, '..2026_01'));
    writeFileSync(join(dir, '..2026_01', 'reload.yaml'), capability(['list-items']));
    symlinkSync('..2026_01', join(dir, '..data'));
    symlinkSync(join('..data', 'reload.yaml'), join(dir, 'reload.yaml'));
    const { process, url } = await serve([dir, '--watch', ...ZERO_PORTS], 3);
    const client = await connectMcp('2026-07-28', url('reload-mcp'));
    try {
      mkdirSync(join(dir, '..2026_02'));
      writeFileSync(join(dir, '..2026_02', 'reload.yaml'), capability(['list-items', 'from-configmap']));
      symlinkSync('..2026_02', join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      await waitFor('the tool of the new ConfigMap version', async () => (await toolNames(client)).includes('from-configmap'));
    } finally {
      await client.close();
      await process.stop();
    }
  }, 120_000);

  it('files added to and removed from a served folder start and stop their adapters; a port change restarts one', async () => {
    const dir = tempDir();
    const [firstPort, secondPort] = await freePorts(2);
    writeFileSync(join(dir, 'a.yaml'), restOnly('a-api', firstPort!));
    const { process, url } = await serve([dir, '--watch', '--port', 'b-api=0'], 1);
    const a = url('a-api');
    expect((await fetch(`${a}/items`)).status).toBe(200);

    writeFileSync(join(dir, 'b.yaml'), restOnly('b-api', 9500));
    const b = await waitFor('b-api to start', () => /^ {2}rest b-api {2}(\S+)$/m.exec(process.stderr())?.[1]);
    expect((await fetch(`${b}/items`)).status).toBe(200);
    expect(process.stderr()).toMatch(/files 1 added; adapters 1 started/);

    unlinkSync(join(dir, 'b.yaml'));
    await waitFor('b-api to stop', async () => (await fetch(`${b}/items`).then(() => false, () => true)) || undefined);
    // The port closes while the reload is still finishing; its summary line follows.
    await waitFor('the removal to be reported', () => /files 1 removed; adapters 1 stopped/.test(process.stderr()) || undefined);
    expect((await fetch(`${a}/items`)).status).toBe(200);

    writeFileSync(join(dir, 'a.yaml'), restOnly('a-api', secondPort!));
    const moved = `http://127.0.0.1:${secondPort}`;
    await waitFor('a-api on its new port', async () => (await fetch(`${moved}/items`).then((r) => r.status === 200, () => false)) || undefined);
    await waitFor('the restart to be reported', () => /adapters 1 restarted on a new port/.test(process.stderr()) || undefined);
    await waitFor('the old port to close', async () => (await fetch(`${a}/items`).then(() => false, () => true)) || undefined);
    await process.stop();
  }, 120_000);
});

describe('SIGHUP and POST /reload', () => {
  it('the control endpoint reloads behind its token (200 with what changed, 422 with diagnostics); SIGHUP reloads too', async () => {
    const dir = tempDir();
    const file = join(dir, 'reload.yaml');
    writeFileSync(file, capability(['list-items']));
    const { process, url } = await serve([file, ...ZERO_PORTS], 3);
    const control = url('control');
    const client = await connectMcp('2025', url('reload-mcp'));
    const reload = (token?: string) => fetch(`${control}/reload`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
    try {
      // Guarded by the control adapter's inbound authentication.
      expect((await reload()).status).toBe(401);
      expect((await reload('wrong-token')).status).toBe(401);

      // Nothing changed: 200, everything unchanged.
      const idle = await reload(CONTROL_TOKEN);
      expect(idle.status).toBe(200);
      expect(await idle.json()).toMatchObject({ status: 'RELOADED', files: { changed: [], added: [], removed: [], invalid: [] } });

      writeFileSync(file, capability(['list-items', 'from-control']));
      const changed = await reload(CONTROL_TOKEN);
      expect(changed.status).toBe(200);
      const body = (await changed.json()) as { files: { changed: string[] }; adapters: Record<string, unknown> };
      expect(body.files.changed).toHaveLength(1);
      expect(body.files.changed[0]).toMatch(/reload\.yaml$/);
      expect(body.adapters).toMatchObject({ replaced: ['reload-mcp', 'reload-api', 'control'], added: [], removed: [], failed: [] });
      expect(await toolNames(client)).toEqual(['from-control', 'list-items']);

      writeFileSync(file, capability(['list-items', 'from-control', 'broken']).replace(/(name: broken\n.*\n\s+call:) api.list-items/, '$1 api.no-such-operation'));
      const invalid = await reload(CONTROL_TOKEN);
      expect(invalid.status).toBe(422);
      const refused = (await invalid.json()) as { status: string; files: { invalid: string[] }; diagnostics: { file: string; line: number; col: number; severity: string; message: string }[] };
      expect(refused.status).toBe('INVALID');
      expect(refused.files.invalid).toHaveLength(1);
      const error = refused.diagnostics.find((d) => d.severity === 'error')!;
      expect(error.file).toMatch(/reload\.yaml$/);
      expect(error.line).toBeGreaterThan(1);
      expect(error.col).toBeGreaterThan(0);
      expect(error.message).toMatch(/no-such-operation/);
      expect(await toolNames(client)).toEqual(['from-control', 'list-items']);
      expect(JSON.stringify(refused)).not.toContain(CONTROL_TOKEN);

      writeFileSync(file, capability(['list-items', 'from-sighup']));
      process.signal('SIGHUP');
      await waitFor('the tool added before SIGHUP', async () => (await toolNames(client)).includes('from-sighup'));
      expect(process.stderr()).toMatch(/reload \(SIGHUP\): files 1 changed/);
      expect(process.stderr()).not.toContain(CONTROL_TOKEN);
    } finally {
      await client.close();
    }
    const result = await process.stop();
    expect(result.code).toBe(0);
  }, 120_000);
});

/** Ports free right now on 127.0.0.1 (asked of the OS, then released). */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  for (const server of servers) ports.push((server.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
