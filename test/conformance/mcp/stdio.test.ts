// Case 32 (naftiko-semantics §5.1, §7): MCP over stdio. The real CLI is spawned (`capability serve`) and driven by
// the official SDK clients' stdio transports of both generations and by raw JSON-RPC lines.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../../src/prepare.js';
import { childEnv, ensureFreshBuild, killRunningChildren, ROOT, runCli } from '../../helpers/cli.js';
import { CLIENT_GENERATIONS, connectMcpStdio, resultJson } from '../../helpers/mcp-clients.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';

const BIN = join(ROOT, 'bin', 'capability.js');
const STDIO_FIXTURE = fileURLToPath(new URL('./mcp-stdio-capability.yaml', import.meta.url));
const HTTP_FIXTURE = fileURLToPath(new URL('./mcp-capability.yaml', import.meta.url));

let upstream: Upstream;

beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream(() => ({ body: { results: [{ properties: { Name: { title: [{ text: { content: 'Ada' } }] }, Status: { select: { name: 'Committed' } } } }] } }));
});

afterAll(async () => {
  killRunningChildren();
  await upstream?.close();
});

/** Runs `capability serve <args>` with the given stdin lines, closes stdin, and collects what it wrote. */
function serveLines(args: string[], lines: string[], answers = lines.filter((l) => /"id"/.test(l)).length): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`stdio server did not exit\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, 15_000);
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // Answers come back before stdin is closed: the transport drops requests still in flight at end of input.
    let answered = 0;
    const expected = answers;
    child.stdout.on('data', () => {
      answered = stdout.split('\n').filter(Boolean).length;
      if (answered >= expected) child.stdin.end();
    });
    for (const line of lines) child.stdin.write(line + '\n');
    if (expected === 0) child.stdin.end();
  });
}

describe('case 32: stdio transport with raw lines', () => {
  it('answers initialize, tools/list and ping one compact JSON line each; a notification gives no output; logs stay on stderr', async () => {
    const { code, stdout, stderr } = await serveLines(
      ['--upstream', `mock-api=${upstream.url}`, STDIO_FIXTURE],
      [
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
        JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
        '',
        JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
        JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }),
      ],
    );
    expect(code).toBe(0);
    const messages = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: number; result?: Record<string, unknown> });
    expect(messages.map((m) => m.id).sort()).toEqual([1, 2, 3]);
    const byId = new Map(messages.map((m) => [m.id, m]));
    expect(byId.get(1)!.result).toMatchObject({ protocolVersion: '2025-06-18', serverInfo: { name: 'test-mcp-stdio' }, capabilities: { tools: { listChanged: true } } });
    expect(byId.get(1)!.result!.capabilities).not.toHaveProperty('resources');
    expect((byId.get(2)!.result!.tools as { name: string }[]).map((t) => t.name)).toEqual(['query-database']);
    expect(byId.get(3)!.result).toEqual({});
    // What the CLI prints about itself (the adapter line, warnings, the stop message) goes to stderr.
    expect(stderr).toContain('test-mcp-stdio  stdio');
    expect(stderr).toContain('stdin closed: stopping');
  });

  it('a line that is not JSON gets a -32700 line, a jsonrpc other than "2.0" a -32600 line, and serving goes on', async () => {
    const { code, stdout } = await serveLines(
      [STDIO_FIXTURE],
      ['not json at all', JSON.stringify({ jsonrpc: '1.0', id: 7, method: 'ping' }), JSON.stringify([{ jsonrpc: '2.0', id: 8, method: 'ping' }]), JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' })],
      4,
    );
    expect(code).toBe(0);
    const messages = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(messages).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringContaining('Parse error') } },
      { jsonrpc: '2.0', id: 7, error: { code: -32600, message: expect.stringContaining('Invalid Request') } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('Invalid Request') } },
      { jsonrpc: '2.0', id: 9, result: {} },
    ]);
  });

  it('a notification alone produces no output at all', async () => {
    const { code, stdout } = await serveLines([STDIO_FIXTURE], [JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
  });
});

describe.each(CLIENT_GENERATIONS)('case 32: stdio transport with the SDK stdio client (%s)', { timeout: 45_000 }, (generation) => {
  it('serves `transport: stdio` files: lists and calls the tool through the upstream', async () => {
    upstream.reset();
    const client = await connectMcpStdio(generation, { command: process.execPath, args: [BIN, 'serve', '--upstream', `mock-api=${upstream.url}`, STDIO_FIXTURE], env: childEnv(), cwd: ROOT });
    try {
      if (generation === '2026-07-28') expect(client.protocolVersion).toBe('2026-07-28');
      expect((await client.listTools()).map((t) => t.name)).toEqual(['query-database']);
      const result = await client.callTool('query-database');
      expect(result.isError).toBeFalsy();
      expect(resultJson(result)).toEqual([{ name: 'Ada', status: 'Committed' }]);
      expect(upstream.only()).toMatchObject({ method: 'POST', path: '/databases/test-db-id-123/query' });
    } finally {
      await client.close();
    }
  });

  it('`serve --stdio` serves an http-transport file on stdin/stdout instead of a port', async () => {
    const client = await connectMcpStdio(generation, { command: process.execPath, args: [BIN, 'serve', '--stdio', '--upstream', `mock-api=${upstream.url}`, HTTP_FIXTURE], env: childEnv(), cwd: ROOT });
    try {
      expect((await client.listTools()).map((t) => t.name)).toEqual(['query-database']);
    } finally {
      await client.close();
    }
    expect(client.stderr()).toContain('test-mcp  stdio');
  });
});

describe('case 32: stdio usage errors', () => {
  it('--stdio with several MCP adapters is a usage error on stderr', async () => {
    const { code, stdout, stderr } = await serveLines(['--stdio', HTTP_FIXTURE, fileURLToPath(new URL('./mcp-hints-capability.yaml', import.meta.url))], []);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('--stdio serves exactly one MCP adapter; found 2');
  });
});

describe('case 32: list', () => {
  it('`capability list` shows a stdio adapter as such, and an HTTP adapter\'s resources and prompts', async () => {
    const { code, stdout } = await runCli(['list', '--json', STDIO_FIXTURE, fileURLToPath(new URL('./mcp-resources-prompts-capability.yaml', import.meta.url))]);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { namespace: string; url: string; units: Record<string, unknown>[] }[];
    expect(rows.find((r) => r.namespace === 'test-mcp-stdio')!.url).toBe('stdio');
    const units = rows.find((r) => r.namespace === 'test-mcp-resources-prompts')!.units;
    expect(units.map((u) => u.tool ?? u.resource ?? u.prompt)).toEqual(['query-database', 'data://databases/pre-release/schema', 'data://users/{userId}/profile', 'participant-outreach', 'summary-prompt']);
  });
});

describe('case 32: stdio and inbound authentication', () => {
  it('authentication on a stdio adapter is a warning (no network peer), and the adapter is served', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cap-mcp-stdio-auth-'));
    try {
      const text = (await readFile(STDIO_FIXTURE, 'utf8'))
        .replace('info:\n', 'binds:\n  - namespace: env\n    keys: {MCP_TOKEN: MCP_TOKEN}\ninfo:\n')
        .replace('      transport: "stdio"\n', '      transport: "stdio"\n      authentication: {type: bearer, token: "{{MCP_TOKEN}}"}\n');
      await writeFile(join(dir, 'stdio-auth.yaml'), text);
      const prepared = await prepareCapabilities([join(dir, 'stdio-auth.yaml')], { env: { MCP_TOKEN: 'tok-stdio-123456' } });
      expect(prepared.ok).toBe(true);
      expect(prepared.diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'CAP_COMPILE_UNSUPPORTED', pointer: '/capability/exposes/0/authentication' }));
      expect(prepared.capabilities[0]!.adapters).toMatchObject([{ type: 'mcp', transport: 'stdio' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
