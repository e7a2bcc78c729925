// `capability call` run as a child process against the recording upstream: MCP tools and REST operations go through
// the same invoke path as `serve` (bound token, --upstream, --dotenv, input validation, output mapping), with the
// result JSON on stdout and failures on stderr with exit code 1.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, runCli } from '../helpers/cli.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const FILE = 'test/fixtures/dx/orders.yaml';
const TOKEN = 'shop_tok_27182818';
let upstream: Upstream;
let dotenv: string;

beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream();
  dotenv = join(await mkdtemp(join(tmpdir(), 'cap-call-')), '.env');
  await writeFile(dotenv, `SHOP_TOKEN=${TOKEN}\n`);
}, 180_000);
afterAll(async () => {
  killRunningChildren();
  await upstream?.close();
});
beforeEach(() => {
  upstream.reset();
  upstream.handle((r) => (r.method === 'GET' ? { body: { order: { id: decodeURIComponent(r.path.split('/').pop()!), total: 12.5, secret: 'x' } } } : { status: 201, body: { created: r.json } }));
});

const call = (...args: string[]) => runCli(['call', FILE, ...args, '--upstream', `shop=${upstream.url}`, '--dotenv', dotenv]);

describe('capability call', { timeout: 90_000 }, () => {
  it('runs an MCP tool: the upstream gets the bound token and mapped parameters, stdout gets the mapped result', async () => {
    const result = await call('get-order', '--arg', 'id=ord 1', '--arg', 'expand=items');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toStrictEqual({ id: 'ord 1', total: 12.5 });
    const sent = upstream.only();
    expect(sent.method).toBe('GET');
    expect(sent.path).toBe('/orders/ord%201');
    expect(sent.query.get('expand')).toBe('items');
    expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('runs a REST operation named by "METHOD /path" (either placeholder style)', async () => {
    for (const route of ['GET /v1/orders/{{id}}', 'get /v1/orders/{id}']) {
      upstream.reset();
      const result = await call(route, '--json', '{"id":"ord_2"}');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toStrictEqual({ id: 'ord_2' });
      expect(upstream.only().path).toBe('/orders/ord_2');
    }
  });

  it('runs a REST operation by its name with implicit inputs, keeping JSON types of --arg values', async () => {
    const result = await call('create-order', '--arg', 'sku=A-1', '--arg', 'quantity=3');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toStrictEqual({ created: { sku: 'A-1', quantity: 3 } });
    expect(upstream.only().json).toStrictEqual({ sku: 'A-1', quantity: 3 });
  });

  it('runs a mock without any upstream call', async () => {
    const result = await call('hello', '--arg', 'name=Ada');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toStrictEqual({ message: 'Hello, Ada!' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses a missing required input before calling upstream: code on stderr, exit 1, nothing on stdout', async () => {
    const result = await call('get-order');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^CAP_INPUT_INVALID: .*id/);
    expect(upstream.requests).toHaveLength(0);
  });

  it('reports an upstream failure as its problem, with the bound token redacted', async () => {
    upstream.handle(() => ({ status: 404, body: { error: `no such order (token ${TOKEN})` } }));
    const result = await call('get-order', '--arg', 'id=nope');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('CAP_UPSTREAM_STATUS: upstream "shop" answered 404');
    expect(result.stderr).not.toContain(TOKEN);
    expect(result.stderr).toContain('[redacted]');
  });

  it('names the known tools and routes for an unknown one, and asks for --adapter when a name is ambiguous', async () => {
    const unknown = await call('get-orders');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no tool or REST operation "get-orders"');
    expect(unknown.stderr).toContain('get-order, hello, "GET /v1/orders/{{id}}", "POST /v1/orders"');
    const scoped = await call('get-order', '--adapter', 'orders-api');
    expect(scoped.code).toBe(1);
    expect(scoped.stderr).toContain('in adapter "orders-api"');
  });

  it('fails on an invalid file with its diagnostics, and on bad --json with the usage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cap-call-bad-'));
    await writeFile(join(dir, 'bad.yaml'), 'naftiko: "1.0.0-alpha2"\ninfo: [\n');
    const invalid = await runCli(['call', join(dir, 'bad.yaml'), 'x']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/bad\.yaml:\d+:\d+ {2}error/);
    const badJson = await call('get-order', '--json', '{nope');
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toContain('--json is not valid JSON');
    expect(badJson.stderr).toContain('Usage: capability call');
  });
});
