// The real `capability` command (bin/capability.js → dist/) as a child process: the --dotenv flag (Node 20 takes
// --env-file for itself), `serve` with nothing to serve, signals during start-up, a bounded drain that says what it
// cut, and a second Ctrl-C (issue 6 items 8, 14, 15).
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, ensureFreshBuild, killRunningChildren, ROOT, runCli, startServe } from '../helpers/cli.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const capability = (binds: string) => `naftiko: "1.0.0-alpha2"
info:
  label: Billing
  description: Customers of the billing API
binds:
${binds}
capability:
  consumes:
    - type: http
      namespace: billing
      baseUri: https://api.example.com
      authentication: { type: bearer, token: "{{BILLING_TOKEN}}" }
      resources:
        - name: customers
          path: /customers/{customerId}
          operations:
            - name: get-customer
              method: GET
  exposes:
    - type: rest
      port: 8080
      namespace: billing-api
      resources:
        - path: /v1/customers/{id}
          operations:
            - method: GET
              call: billing.get-customer
              with: { customerId: rest.id }
`;
const FROM_ENV = capability('  - namespace: env\n    keys:\n      BILLING_TOKEN: BILLING_TOKEN');

let dir: string;
let upstream: Upstream;
beforeAll(async () => {
  await ensureFreshBuild();
  dir = await mkdtemp(join(tmpdir(), 'cap-cli-life-'));
  await writeFile(join(dir, 'billing.yaml'), FROM_ENV);
  upstream = await startUpstream(() => ({ body: { ok: true } }));
}, 180_000);
afterAll(async () => {
  killRunningChildren();
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

const serveArgs = () => [join(dir, 'billing.yaml'), '--port', 'billing-api=0', '--upstream', `billing=${upstream.url}`];

describe('--dotenv (item 14)', () => {
  it('a missing file gets our message and exit 1, not Node\'s "not found" and exit 9', async () => {
    const result = await runCli(['serve', '--dotenv', join(dir, 'missing.env'), join(dir, 'billing.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--dotenv ${join(dir, 'missing.env')}: file not found`);
  });

  it('reads bound variables from the file', async () => {
    await writeFile(join(dir, 'good.env'), 'BILLING_TOKEN=tok_from_dotenv_1234\n');
    const result = await runCli(['validate', '--dotenv', join(dir, 'good.env'), join(dir, 'billing.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('CAP_RESOLVE_BIND_UNSET');
  });

  it('the old spelling --env-file still works with a file that exists, and says to use --dotenv', async () => {
    const result = await runCli(['validate', '--env-file', join(dir, 'good.env'), join(dir, 'billing.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: --env-file is deprecated, use --dotenv');
    expect(result.stderr).not.toContain('CAP_RESOLVE_BIND_UNSET');
  });
});

describe('nothing to serve (item 8)', () => {
  it('serve exits 2 with a clear message when no file declares a REST or MCP adapter', async () => {
    const shared = join(dir, 'shared-only.yaml');
    await writeFile(shared, 'naftiko: "1.0.0-alpha2"\nconsumes:\n  - type: http\n    namespace: billing\n    baseUri: https://api.example.com\n    resources:\n      - name: customers\n        path: /customers\n        operations:\n          - { name: list-customers, method: GET }\n');
    const result = await runCli(['serve', shared]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^nothing to serve: \S*shared-only\.yaml declare no REST or MCP adapter under capability\.exposes/m);
  });

  it('a misspelt `capability:` section fails serve with exit 2 and a suggestion', async () => {
    const typo = join(dir, 'typo.yaml');
    await writeFile(typo, FROM_ENV.replace('capability:', 'capabilty:'));
    const result = await runCli(['serve', typo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('hint: did you mean "capability"?');
  });
});

describe('signals and drain (item 15)', () => {
  it.skipIf(process.platform === 'win32')('SIGTERM during start-up stops cleanly with exit 0, not 143', async () => {
    // Start-up blocks reading a bind location that is a FIFO until the test writes it: the signal lands mid-start-up.
    const fifo = join(dir, 'secrets.json');
    execFileSync('mkfifo', [fifo]);
    const file = join(dir, 'fifo-binds.yaml');
    await writeFile(file, capability('  - namespace: vault\n    location: file:///./secrets.json\n    keys:\n      BILLING_TOKEN: token'));
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'capability.js'), 'serve', file, '--port', 'billing-api=0'], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    child.kill('SIGTERM');
    await writeFile(fifo, '{"token": "tok_fifo_123456"}');
    expect(await exited).toBe(0);
    // Where start-up was when the handler ran decides the wording: before serving, during start-up, or just after.
    expect(stderr).toMatch(/SIGTERM: stop/);
    expect(stdout).not.toContain('error');
  }, 20_000);

  it('--drain-timeout bounds shutdown and says how many requests were cut', async () => {
    upstream.handle(() => ({ body: { ok: true }, delayMs: 8_000 }));
    const serve = await startServe([...serveArgs(), '--drain-timeout', '300'], 1, { env: { BILLING_TOKEN: 'tok_drain_123456' } });
    const url = serve.lines[0]!.split(/\s+/)[2]!;
    const pending = fetch(`${url}/v1/customers/c1`).catch((e: Error) => e);
    await waitFor(() => upstream.requests.length === 1);
    const started = Date.now();
    const result = await serve.stop('SIGTERM');
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.stderr).toContain('SIGTERM: stopping (finishing requests in flight for up to 300 ms');
    expect(result.stderr).toContain('drain timeout: 1 request(s) still in flight after 300 ms were cut');
    expect(await pending).toBeInstanceOf(Error); // the cut connection
    upstream.handle(undefined);
    upstream.reset();
  }, 20_000);

  it('a request that finishes within the drain timeout is answered, and nothing is reported cut', async () => {
    upstream.handle(() => ({ body: { ok: true }, delayMs: 300 }));
    const serve = await startServe(serveArgs(), 1, { env: { BILLING_TOKEN: 'tok_drain_123456' } });
    const url = serve.lines[0]!.split(/\s+/)[2]!;
    const pending = fetch(`${url}/v1/customers/c1`);
    await waitFor(() => upstream.requests.length === 1);
    const started = Date.now();
    const result = await serve.stop('SIGTERM');
    expect(Date.now() - started).toBeLessThan(5_000); // not the 10 s drain timeout: the keep-alive connection is closed
    const answer = await pending;
    expect(await answer.json()).toEqual({ ok: true });
    expect(result.code).toBe(0);
    expect(answer.status).toBe(200);
    expect(result.stderr).not.toContain('were cut');
    upstream.handle(undefined);
    upstream.reset();
  }, 20_000);

  it('a second Ctrl-C exits 130 at once, with a message', async () => {
    upstream.handle(() => ({ body: { ok: true }, delayMs: 8_000 }));
    const serve = await startServe(serveArgs(), 1, { env: { BILLING_TOKEN: 'tok_drain_123456' } });
    const url = serve.lines[0]!.split(/\s+/)[2]!;
    void fetch(`${url}/v1/customers/c1`).catch(() => undefined);
    await waitFor(() => upstream.requests.length === 1);
    const exited = serve.stop('SIGINT');
    await waitFor(() => serve.stderr().includes('SIGINT: stopping'));
    const started = Date.now();
    const result = await serve.stop('SIGINT');
    await exited;
    expect(result.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result.stderr).toContain('SIGINT again: exiting now without waiting for requests in flight');
    upstream.handle(undefined);
    upstream.reset();
  }, 20_000);
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
