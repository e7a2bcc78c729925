// The CLI keeps V8's young generation at YOUNG_SEMI_SPACE_MB per semi-space (src/memory/heap-limits.ts, installed by
// bin/capability.js): a real `capability serve` loads a capability and answers REST and MCP calls, and a test-only
// `--import` reporter (test/helpers/heap-report/) records the largest young generation seen after any collection.
// With the operator's own --max-semi-space-size the runtime leaves V8 alone, and the same work grows it past the cap
// (which shows the load here is enough to grow it). Structure, not timing: sizes of a V8 space, no throughput.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YOUNG_SEMI_SPACE_MB } from '../../src/memory/heap-limits.js';
import { ensureFreshBuild, killRunningChildren, startServe } from '../helpers/cli.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const FIXTURE = 'test/fixtures/memory/items.yaml';
const REPORTER = fileURLToPath(new URL('../helpers/heap-report/register.mjs', import.meta.url));
const MB = 1024 * 1024;
let upstream: Upstream;

beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream((request) => ({ body: { data: { id: request.path.split('/').pop(), name: 'Widget' } } }));
}, 180_000);
afterAll(async () => {
  killRunningChildren();
  await upstream?.close();
});

/** Serves the fixture with the reporter, sends REST and MCP calls, stops, and returns the report. */
async function serveAndReport(nodeOptions: string): Promise<{ maxYoungBytes: number; collections: number }> {
  const report = join(mkdtempSync(join(tmpdir(), 'heap-report-')), 'report.json');
  const args = [FIXTURE, '--port', 'items-rest=0', '--port', 'items-mcp=0', '--upstream', `bench=${upstream.url}`];
  const serve = await startServe(args, 2, { env: { BENCH_TOKEN: 'tok-heap', NODE_OPTIONS: `--import=${REPORTER} ${nodeOptions}`.trim(), CAPABILITY_HEAP_REPORT: report }, timeoutMs: 60_000 });
  try {
    const rest = serve.lines.find((l) => l.startsWith('rest'))!.split(/\s+/)[2]!;
    const mcp = serve.lines.find((l) => l.startsWith('mcp'))!.split(/\s+/)[2]!;
    // Calls in flight together keep objects alive across scavenges, which is what makes V8 grow the young generation.
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, j) => {
          const id = `w-${batch * 20 + j}`;
          const answer = await fetch(`${rest}/v1/items/${id}`);
          expect(answer.status).toBe(200);
          expect(await answer.json()).toEqual({ id, name: 'Widget' });
        }),
      );
    }
    const call = await fetch(mcp, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get-item', arguments: { id: 'w-mcp' } } }),
    });
    expect(await call.text()).toContain('w-mcp');
  } finally {
    expect((await serve.stop('SIGTERM')).code).toBe(0);
  }
  return JSON.parse(readFileSync(report, 'utf8')) as { maxYoungBytes: number; collections: number };
}

describe('V8 heap limits of the CLI', () => {
  it(`serve keeps the young generation at ${YOUNG_SEMI_SPACE_MB} MB per semi-space through start-up and requests`, async () => {
    const report = await serveAndReport('');
    expect(report.collections).toBeGreaterThan(0);
    expect(report.maxYoungBytes).toBeLessThanOrEqual(2 * YOUNG_SEMI_SPACE_MB * MB);
  }, 120_000);

  it("the operator's --max-semi-space-size wins (and the same work then grows the young generation past the cap)", async () => {
    const report = await serveAndReport('--max-semi-space-size=16');
    expect(report.maxYoungBytes).toBeGreaterThan(2 * YOUNG_SEMI_SPACE_MB * MB);
  }, 120_000);
});
