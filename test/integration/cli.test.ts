// The real `capability` CLI run as a child process (node bin/capability.js on a fresh dist/): --help, validate (valid,
// broken YAML, --strict), list --json, and serve of the seeds folder (any free port, then clashing ports rebuilt on free ones) until SIGTERM.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, portsFree, runCli, startServe, type ServeProcess } from '../helpers/cli.js';
import { connectMcp } from '../helpers/mcp-clients.js';
import { restCall } from '../helpers/seed-harness.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const SEEDS = 'test/fixtures/seeds';
const KEYS = {
  SCHEMATIC_API_KEY: 'sch_cli_key_1a2b3c',
  METRONOME_API_KEY: 'mtr_cli_key_4d5e6f',
  STIGG_API_KEY: 'stg_cli_key_7a8b9c',
  TOGAI_API_TOKEN: 'tgi_cli_tok_0d1e2f',
};
const EXPOSED = [
  'metronome-customers-rest',
  'metronome-customers-mcp',
  'customer-management-api',
  'customer-management-mcp',
  'pricing-entitlements-api',
  'pricing-entitlements-mcp',
  'togai-billing-api',
  'togai-billing-mcp',
];
const CONSUMED = ['metronome-customers', 'schematic', 'stigg', 'togai'];
const ADAPTER_LINE = /^(rest|mcp) {1,2}(\S+) {2}(http:\/\/127\.0\.0\.1:(\d+)(?:\/mcp)?)(?: {2}\((.+)\))?$/;

interface AdapterLine {
  type: string;
  namespace: string;
  url: string;
  port: number;
  moved?: string;
}

function parseAdapterLines(lines: readonly string[]): AdapterLine[] {
  return lines.map((line) => {
    const m = ADAPTER_LINE.exec(line);
    if (!m) throw new Error(`not an adapter line: ${JSON.stringify(line)}`);
    return { type: m[1]!, namespace: m[2]!, url: m[3]!, port: Number(m[4]), ...(m[5] ? { moved: m[5] } : {}) };
  });
}

beforeAll(async () => {
  // `npm test` runs the CLI from dist/: rebuild it when any file in src/ is newer (tsc; up to a couple of minutes).
  await ensureFreshBuild();
}, 180_000);

afterAll(() => killRunningChildren());

/** The first port of `count` consecutive ports that are free on 127.0.0.1 right now (from a random start). */
async function freePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    if (await portsFree(Array.from({ length: count }, (_, i) => base + i))) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

describe('capability --help', () => {
  it('capability --help prints the usage of every command and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['serve', 'validate', 'list']) expect(result.stdout).toContain(`capability ${command} <file|dir>...`);
  });

  for (const command of ['serve', 'validate', 'list']) {
    it(`capability ${command} --help prints that command's usage and exits 0`, async () => {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: capability ${command} <file\\|dir>\\.\\.\\.`));
      expect(result.stdout).toContain('-h, --help');
      expect(result.stderr).toBe('');
    });
  }

  it('capability without a command prints the usage and exits 1', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Usage:');
  });

  it('an unknown command is reported on stderr with exit code 1', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});

describe('capability validate', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capability-cli-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('validate on the togai seed exits 0 and prints its warnings with file:line:col', async () => {
    const result = await runCli(['validate', `${SEEDS}/togai.yaml`], { env: { TOGAI_API_TOKEN: KEYS.TOGAI_API_TOKEN } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid: 1 file\(s\), \d+ warning\(s\)\n$/);
    const warnings = Number(/(\d+) warning/.exec(result.stdout)![1]);
    expect(warnings).toBeGreaterThan(0);
    const findings = result.stderr.split('\n').filter((l) => /^test\/fixtures\/seeds\/togai\.yaml:\d+:\d+ {2}/.test(l));
    expect(findings).toHaveLength(warnings);
    expect(findings.every((l) => l.includes('  warning  '))).toBe(true);
    expect(result.stderr).toContain('test/fixtures/seeds/togai.yaml:67:19  warning  CAP_RULE_PATH_PARAMETER_UNUSED  path parameter "customerId" does not appear in the path /customers');
    expect(result.stderr).not.toContain('CAP_RESOLVE_BIND_UNSET');
  });

  it('validate on the seeds folder exits 0 for all four capabilities and warns about the unreachable insights operations', async () => {
    const result = await runCli(['validate', SEEDS], { env: KEYS });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid: 4 file\(s\), \d+ warning\(s\)\n$/);
    expect(result.stderr).toContain('CAP_RULE_UNREACHABLE_OPERATION');
  });

  it('validate on a file with a YAML syntax error on line 4 exits 1 and prints file:4:16', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'naftiko: 1.0.0-alpha2\ninfo:\n  label: Broken\n  description: one: two\ncapability:\n  exposes: []\n');
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:4:16  error  CAP_LOAD_YAML  YAML syntax error:`);
    expect(result.stdout).toBe('invalid: 1 error(s), 0 warning(s)\n');
  });

  it('validate on a missing file exits 1 and names it', async () => {
    const result = await runCli(['validate', join(dir, 'nope.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nope.yaml');
  });

  it('validate --strict on the schematic seed exits 1 with the schema deviations as errors', async () => {
    const result = await runCli(['validate', '--strict', `${SEEDS}/schematic.yaml`], { env: { SCHEMATIC_API_KEY: KEYS.SCHEMATIC_API_KEY } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^invalid: [1-9]\d* error\(s\), \d+ warning\(s\)\n$/);
    expect(result.stderr).toMatch(/^test\/fixtures\/seeds\/schematic\.yaml:\d+:\d+ {2}error {2}CAP_SCHEMA_/m);
  });
});

describe('capability list --json', () => {
  it('list --json prints every adapter with its routes or tools and the upstream call each makes', async () => {
    const result = await runCli(['list', '--json', SEEDS, '--upstream', 'togai=http://127.0.0.1:65000'], { env: KEYS });
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { type: string; namespace: string; url: string; capability: string; units: Record<string, unknown>[] }[];
    expect(rows.map((r) => `${r.type} ${r.namespace} ${r.url}`)).toStrictEqual([
      'rest metronome-customers-rest http://127.0.0.1:8080',
      'mcp metronome-customers-mcp http://127.0.0.1:9090/mcp',
      'rest customer-management-api http://127.0.0.1:8081',
      'mcp customer-management-mcp http://127.0.0.1:9091/mcp',
      'rest pricing-entitlements-api http://127.0.0.1:8082',
      'mcp pricing-entitlements-mcp http://127.0.0.1:9092/mcp',
      'rest togai-billing-api http://127.0.0.1:8083',
      'mcp togai-billing-mcp http://127.0.0.1:9080/mcp',
    ]);
    expect(rows.map((r) => r.units.length)).toStrictEqual([15, 15, 8, 8, 7, 7, 11, 10]);
    const unit = (namespace: string, key: string, value: string) => rows.find((r) => r.namespace === namespace)!.units.find((u) => u[key] === value);
    expect(unit('metronome-customers-rest', 'route', 'GET /v1/v1/customers/{customer-id}')).toStrictEqual({
      route: 'GET /v1/v1/customers/{customer-id}',
      name: 'getcustomerv1',
      call: 'metronome-customers.getcustomerv1',
      upstream: 'GET https://api.metronome.com/v1/customers/{customer_id}',
    });
    expect(unit('customer-management-mcp', 'tool', 'upsert-company')).toStrictEqual({ tool: 'upsert-company', call: 'schematic.upsert-company', upstream: 'POST https://api.schematichq.com/companies' });
    expect(unit('pricing-entitlements-mcp', 'tool', 'report-usage')).toStrictEqual({ tool: 'report-usage', call: 'stigg.report-usage', upstream: 'POST https://api.stigg.io/api/v1/usage' });
    // --upstream rewrites the base URI shown (and used).
    expect(unit('togai-billing-api', 'route', 'GET /v1/customers/{customerId}')).toStrictEqual({
      route: 'GET /v1/customers/{customerId}',
      name: 'get-customer',
      call: 'togai.get-customer',
      upstream: 'GET http://127.0.0.1:65000/customers',
    });
  });
});

describe('capability serve', () => {
  let upstream: Upstream | undefined;
  let serve: ServeProcess | undefined;
  const upstreamFlags = () => CONSUMED.flatMap((ns) => ['--upstream', `${ns}=${upstream!.url}`]);

  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterEach(async () => {
    await serve?.stop('SIGKILL');
    serve = undefined;
    upstream?.reset();
  });
  afterAll(async () => {
    await upstream?.close();
  });

  it('serve of the seeds folder with every --port set to 0 prints one line per adapter, serves calls, and exits 0 on SIGTERM', async () => {
    const portFlags = EXPOSED.flatMap((ns) => ['--port', `${ns}=0`]);
    serve = await startServe([SEEDS, ...portFlags, ...upstreamFlags()], 8, { env: KEYS });
    const adapters = parseAdapterLines(serve.lines);
    expect(adapters.map((a) => `${a.type} ${a.namespace}`)).toStrictEqual(EXPOSED.map((ns) => `${ns.endsWith('mcp') ? 'mcp' : 'rest'} ${ns}`));
    expect(adapters.every((a) => a.port > 0 && a.moved === undefined)).toBe(true);
    expect(new Set(adapters.map((a) => a.port)).size).toBe(8);
    expect(adapters.filter((a) => a.type === 'mcp').every((a) => a.url.endsWith('/mcp'))).toBe(true);

    // The printed URLs are live: a REST route of togai and an MCP tool of schematic reach the upstream with the child's keys.
    const togaiRest = adapters.find((a) => a.namespace === 'togai-billing-api')!.url;
    const answer = await restCall(togaiRest, 'GET', '/v1/accounts/acc-1/invoices');
    expect(answer.status).toBe(200);
    const restCallSeen = upstream!.only();
    expect(restCallSeen.path).toBe('/accounts/acc-1/invoices');
    expect(restCallSeen.headers.authorization).toBe(`Bearer ${KEYS.TOGAI_API_TOKEN}`);
    expect(answer.json).toStrictEqual(restCallSeen.answered?.body);
    upstream!.reset();

    const client = await connectMcp('2026-07-28', adapters.find((a) => a.namespace === 'customer-management-mcp')!.url);
    try {
      const result = await client.callTool('list-companies', { limit: 2 });
      const toolCallSeen = upstream!.only();
      expect(toolCallSeen.path).toBe('/companies');
      expect(toolCallSeen.queryRecord).toStrictEqual({ limit: '2' });
      expect(toolCallSeen.headers['x-schematic-api-key']).toBe(KEYS.SCHEMATIC_API_KEY);
      expect(result.structuredContent).toStrictEqual(toolCallSeen.answered?.body);
    } finally {
      await client.close();
    }

    const exit = await serve.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.signal).toBeNull();
    expect(exit.stderr).toContain('SIGTERM: stopping');
    await expect(fetch(`${togaiRest}/v1/price-plans`)).rejects.toThrow();
  }, 60_000);

  it('serve of the seeds folder moves an adapter whose port is taken to the next port no adapter asks for (on free ports given with --port)', async () => {
    // The seeds declare clashing ports (8080/9090 three times); the same clashes are rebuilt on 8 free ports so the
    // test never needs 8080-9092: B = metronome and stigg and togai REST, B+5 = metronome and stigg MCP.
    const base = await freePortBlock(8);
    const wanted: Record<string, number> = {
      'metronome-customers-rest': base,
      'metronome-customers-mcp': base + 5,
      'customer-management-api': base + 1,
      'customer-management-mcp': base + 6,
      'pricing-entitlements-api': base,
      'pricing-entitlements-mcp': base + 5,
      'togai-billing-api': base,
      'togai-billing-mcp': base + 4,
    };
    const portFlags = Object.entries(wanted).flatMap(([ns, port]) => ['--port', `${ns}=${port}`]);
    serve = await startServe([SEEDS, ...upstreamFlags(), ...portFlags], 8, { env: KEYS });
    expect(serve.lines).toStrictEqual([
      `rest metronome-customers-rest  http://127.0.0.1:${base}`,
      `mcp  metronome-customers-mcp  http://127.0.0.1:${base + 5}/mcp`,
      `rest customer-management-api  http://127.0.0.1:${base + 1}`,
      `mcp  customer-management-mcp  http://127.0.0.1:${base + 6}/mcp`,
      `rest pricing-entitlements-api  http://127.0.0.1:${base + 2}  (port ${base} is taken by metronome-customers-rest)`,
      `mcp  pricing-entitlements-mcp  http://127.0.0.1:${base + 7}/mcp  (port ${base + 5} is taken by metronome-customers-mcp)`,
      `rest togai-billing-api  http://127.0.0.1:${base + 3}  (port ${base} is taken by metronome-customers-rest)`,
      `mcp  togai-billing-mcp  http://127.0.0.1:${base + 4}/mcp`,
    ]);

    // The moved stigg REST adapter really listens on its new port and calls Stigg's upstream.
    const answer = await restCall(`http://127.0.0.1:${base + 2}`, 'GET', '/v1/customers/cus-1');
    expect(answer.status).toBe(200);
    const seen = upstream!.only();
    expect(seen.path).toBe('/api/v1/customers/cus-1');
    expect(seen.headers['x-api-key']).toBe(KEYS.STIGG_API_KEY);

    const exit = await serve.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(await portsFree(Object.values(wanted))).toBe(true);
  }, 60_000);

  it('serve with an invalid capability exits 2 without listening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'capability-cli-'));
    try {
      const file = join(dir, 'broken.yaml');
      await writeFile(file, 'naftiko: 1.0.0-alpha2\ncapability:\n  exposes: [\n');
      const result = await runCli(['serve', file]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`${file}:`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
