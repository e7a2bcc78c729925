// Start-up by construction (issue 9): what a command loads, not how long it takes. `validate`, `list` and `--help`
// load no server library and compile no JSON Schema (the build generated the validators); `serve` loads the modules of
// the adapter types it serves and no others; a capability with a thousand tools validates and compiles.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../src/prepare.js';
import { SUPPORTED_VERSIONS } from '../../src/validate/schema.js';
import { schemaValidatorOrigin } from '../../src/validate/schema-validators.js';
import { ensureFreshBuild, killRunningChildren, ROOT, runCli, startServe } from '../helpers/cli.js';
import { manyToolsCapability } from '../helpers/many-tools.js';

const REGISTER = join(ROOT, 'test', 'helpers', 'module-log', 'register.mjs');
let dir: string;
let runs = 0;

/** Runs the CLI (`serve` when serveLines is given) with the module-log hook; returns its stdout and the modules it loaded. */
async function loaded(args: string[], serveLines?: number): Promise<{ stdout: string; modules: string[] }> {
  const log = join(dir, `modules-${++runs}.log`);
  const env = { NODE_OPTIONS: `--import=${REGISTER}`, CAPABILITY_MODULE_LOG: log };
  let stdout: string;
  if (serveLines === undefined) {
    ({ stdout } = await runCli(args, { env, timeoutMs: 60_000 }));
  } else {
    const served = await startServe(args, serveLines, { env, timeoutMs: 60_000 });
    ({ stdout } = await served.stop());
  }
  return { stdout, modules: unbundled((await readFile(log, 'utf8')).split('\n').filter(Boolean)) };
}

/**
 * The CLI runs from its bundle (dist/bundle/, scripts/bundle.mjs): each chunk it loaded stands for the modules built
 * into it (dist/bundle/meta.json), so the guards below still speak of dist/ modules and node_modules packages.
 */
function unbundled(modules: string[]): string[] {
  const { chunks } = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle', 'meta.json'), 'utf8')) as { chunks: Record<string, string[]> };
  return modules.flatMap((m) => {
    const chunk = /\/dist\/bundle\/([^/]+\.js)$/.exec(m)?.[1];
    return [m, ...(chunk ? (chunks[chunk] ?? []).map((input) => join(ROOT, input)) : [])];
  });
}

const packages = (modules: readonly string[]) => new Set(modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1] ?? []));
const SERVER_LIBRARIES = ['fastify', '@modelcontextprotocol/server', '@modelcontextprotocol/node', 'undici', 'jose', 'pino', 'fflate'];

beforeAll(async () => {
  await ensureFreshBuild();
  dir = await mkdtemp(join(tmpdir(), 'cap-startup-'));
}, 180_000);
afterAll(() => killRunningChildren());

describe('start-up', () => {
  it('validate, list and --help load no server library, and validate compiles no schema', async () => {
    const validate = await loaded(['validate', 'capabilities/']);
    expect(validate.stdout).toMatch(/^valid: 4 file\(s\)/m);
    const list = await loaded(['list', 'capabilities/togai.yaml']);
    expect(list.stdout).toContain('togai');
    const help = await loaded(['--help']);
    expect(help.stdout).toContain('Usage:');
    for (const run of [validate, list, help]) {
      expect(run.modules.some((m) => m.includes('/dist/bundle/cli.js'))).toBe(true); // the CLI ran from its bundle
      expect(run.modules.some((m) => m.includes('/dist/cli.js'))).toBe(true); // the hook saw the CLI load
      const found = packages(run.modules);
      for (const library of SERVER_LIBRARIES) expect(found.has(library), library).toBe(false);
    }
    // The generated standalone validators check the documents: ajv's compiler, which compiling a schema would need, is
    // never loaded. (They run through vm.Script with their code caches, outside the module loader that the hook sees:
    // test/integration/code-cache.test.ts checks those.)
    expect(validate.modules.filter((m) => m.includes('node_modules/ajv/dist/compile/'))).toEqual([]);
  }, 120_000);

  it('serve loads the modules of the adapter types it serves and no others', async () => {
    const file = join(dir, 'rest-only.yaml');
    await writeFile(
      file,
      `naftiko: "1.0.0-alpha3"
info:
  label: REST only
  description: One route, no MCP adapter
capability:
  consumes:
    - type: http
      namespace: up
      baseUri: http://127.0.0.1:1
      resources:
        - name: items
          path: /items
          operations:
            - name: list-items
              method: GET
  exposes:
    - type: rest
      port: 8799
      namespace: rest-only
      resources:
        - path: /items
          operations:
            - method: GET
              name: list-items
              call: up.list-items
`,
    );
    const rest = await loaded([file, '--port', 'rest-only=0'], 1);
    expect(rest.stdout).toMatch(/^rest rest-only {2}http:\/\/127\.0\.0\.1:\d+/m);
    const found = packages(rest.modules);
    expect(found.has('fastify')).toBe(true);
    expect(found.has('undici')).toBe(true);
    // No MCP SDK (nor zod) without an MCP adapter, no docs plugins before a /docs request.
    for (const library of ['@modelcontextprotocol/server', '@modelcontextprotocol/core', '@modelcontextprotocol/node', 'zod', 'jose', 'fflate', '@fastify/swagger', '@fastify/swagger-ui', 'yaml', 'marked']) {
      expect(found.has(library), library).toBe(false);
    }
    // Of undici, the bundle holds what the runtime uses (scripts/bundle/undici-core.mjs): not its index, with fetch's
    // globals, WebSocket, the mock agents and the cache stores.
    expect(rest.modules.filter((m) => /node_modules\/undici\/(index\.js|lib\/(mock|cache|interceptor|web\/(websocket|cache|cookies|eventsource))\/)/.test(m))).toEqual([]);
    expect(rest.modules.some((m) => m.includes('/dist/exposes/mcp/'))).toBe(false);
    expect(rest.modules.some((m) => m.includes('/dist/exposes/skill/'))).toBe(false);
  }, 120_000);

  it('loads marked only for a capability that reads markdown', async () => {
    const plain = await loaded(['list', 'capabilities/togai.yaml']);
    expect(packages(plain.modules).has('marked')).toBe(false);
    // The formats capability has a markdown operation: compiling it loads marked (require of an ES module).
    const markdown = await loaded(['list', join(ROOT, 'test', 'conformance', 'formats', 'formats-capability.yaml')]);
    expect(markdown.stdout).toContain('readme-markdown');
    expect(packages(markdown.modules).has('marked')).toBe(true);
  }, 120_000);

  it('uses the generated validator for every Naftiko version, with and without the runtime extensions', () => {
    for (const version of SUPPORTED_VERSIONS) {
      for (const extended of [false, true]) expect(schemaValidatorOrigin(version, extended), `${version} ${extended}`).toBe('generated');
    }
  });

  it('validates and compiles a capability with 1,000 tools', async () => {
    const file = join(dir, 'many-tools.yaml');
    await writeFile(file, manyToolsCapability(1_000));
    const prepared = await prepareCapabilities([file]);
    expect(prepared.diagnostics).toEqual([]);
    expect(prepared.ok).toBe(true);
    const [mcp, rest] = prepared.capabilities[0]!.adapters;
    expect(mcp?.type === 'mcp' && mcp.tools.length).toBe(1_000);
    expect(rest?.type === 'rest' && rest.routes.length).toBe(1_000);
    // Each tool's validator works (its code is generated on this first call).
    const tool = mcp?.type === 'mcp' ? mcp.tools[999]! : undefined;
    expect(tool?.listing.inputSchema.required).toEqual(['id']);
    expect(tool?.invoker.validateInput({ id: 'a', 'filter-999': 'x' })).toBeNull();
    expect(tool?.invoker.validateInput({ 'filter-999': 1 })).toEqual([
      { field: 'id', message: 'is required' },
      { field: 'filter-999', message: 'must be string' },
    ]);
  }, 120_000);
});
