// The `resilience` extension on a consumes adapter and operation: accepted in lenient mode and under --strict with
// the dialect, reported under --strict without it, misspelt keys reported, and a value that cannot run is a load
// error at its line. The compiled policies reach the request templates with their defaults filled in.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../prepare.js';

const FIXTURE = new URL('../../test/fixtures/resilience/policies.yaml', import.meta.url);

describe('resilience extension', () => {
  let dir: string;
  let text: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cap-resilience-'));
    text = await readFile(FIXTURE, 'utf8');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const prepare = async (yaml: string, strict = false) => {
    const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
    return { file, prepared: await prepareCapabilities([file], { env: {}, strict }) };
  };
  const routeOf = (prepared: Awaited<ReturnType<typeof prepare>>['prepared'], path: string, method = 'GET') => {
    const rest = prepared.capabilities[0]!.adapters.find((a) => a.type === 'rest');
    return rest?.type === 'rest' ? rest.routes.find((r) => r.path === path && r.method === method) : undefined;
  };

  it('compiles to policies with defaults filled in, in lenient mode and under --strict with the dialect', async () => {
    for (const strict of [false, true]) {
      const { prepared } = await prepare(text, strict);
      expect(prepared.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
      expect(routeOf(prepared, '/flaky')?.invoker.request?.policy).toEqual({ retry: { retries: 3, minDelayMs: 20, maxDelayMs: 80, maxRetryAfterMs: 3000, budgetPercent: 20 } });
      expect(routeOf(prepared, '/limited')?.invoker.request?.policy).toEqual({ rateLimit: { requestsPerSecond: 50, burst: 5, maxWaitMs: 200 } });
      expect(routeOf(prepared, '/fragile')?.invoker.request?.policy?.circuitBreaker).toEqual({ failures: 3, windowMs: 5000, coolDownMs: 1500 });
      expect(routeOf(prepared, '/flaky-upsert', 'POST')?.invoker.request?.operationPolicy).toEqual({ idempotent: true });
      expect(routeOf(prepared, '/timed-patient')?.invoker.request?.operationPolicy).toEqual({ timeouts: { headersMs: 4000 } });
    }
  });

  it('is reported as outside the Naftiko schema under --strict without the dialect', async () => {
    const { prepared } = await prepare(text.replace(/^x-dialect: .*\n/m, ''), true);
    expect(prepared.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'CAP_SCHEMA_UNKNOWN_PROPERTY', severity: 'error', pointer: '/capability/consumes/0/resilience', hint: expect.stringContaining('x-dialect: runtime-extensions') }),
    );
    expect(prepared.diagnostics).toContainEqual(expect.objectContaining({ code: 'CAP_SCHEMA_UNKNOWN_PROPERTY', pointer: '/capability/consumes/0/resources/1/operations/0/resilience' }));
  });

  it('reports a misspelt policy key under --strict', async () => {
    const { prepared } = await prepare(text.replace('rateLimit: {requestsPerSecond: 50,', 'rateLimit: {requestPerSecond: 50,'), true);
    expect(prepared.ok).toBe(false);
    expect(prepared.diagnostics.some((d) => d.severity === 'error' && d.pointer.startsWith('/capability/consumes/3/resilience/rateLimit'))).toBe(true);
  });

  it('refuses a value that cannot run, at its line, also in lenient mode', async () => {
    const bad = text.replace('burst: 5,', 'burst: -5,');
    const { file, prepared } = await prepare(bad);
    expect(prepared.ok).toBe(false);
    const line = bad.split('\n').findIndex((l) => l.includes('burst: -5')) + 1;
    // The schema (our overlay) refuses it first, at its position.
    expect(prepared.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', file, line, pointer: '/capability/consumes/3/resilience/rateLimit/burst' }));
  });

  it('the README example validates under --strict and compiles as documented', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Resilience: upstream policies'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const indented = block.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
    const doc = `naftiko: "1.0.0-alpha2"\nx-dialect: runtime-extensions\ninfo: {label: Readme, description: The README resilience example}\ncapability:\n${indented}\n  exposes:\n    - type: rest\n      port: 18490\n      namespace: readme-api\n      resources:\n        - path: /ingest\n          operations:\n            - {method: POST, call: togai.ingest}\n`;
    const { prepared } = await prepare(doc, true);
    expect(prepared.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    const request = routeOf(prepared, '/ingest', 'POST')?.invoker.request;
    expect(request?.policy).toEqual({
      timeouts: { connectMs: 5000, headersMs: 10000, bodyMs: 10000, callMs: 30000 },
      retry: { retries: 2, minDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 10000, budgetPercent: 20 },
      circuitBreaker: { failures: 5, windowMs: 10000, coolDownMs: 10000 },
      rateLimit: { requestsPerSecond: 10, burst: 10, maxWaitMs: 1000 },
      concurrency: { max: 10, maxWaitMs: 1000 },
    });
    expect(request?.operationPolicy).toEqual({ idempotent: true, timeouts: { callMs: 60000 } });
  });

  it('compile checks what the schema does not: maxDelayMs below minDelayMs', async () => {
    const bad = text.replace('minDelayMs: 20, maxDelayMs: 80', 'minDelayMs: 200, maxDelayMs: 80');
    const { file, prepared } = await prepare(bad);
    expect(prepared.ok).toBe(false);
    const line = bad.split('\n').findIndex((l) => l.includes('maxDelayMs: 80')) + 1;
    expect(prepared.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'CAP_COMPILE', severity: 'error', file, line, pointer: '/capability/consumes/0/resilience/retry/maxDelayMs', message: 'resilience.retry.maxDelayMs (80) is below minDelayMs (200)' }),
    );
  });
});
