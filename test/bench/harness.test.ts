// The benchmark harness itself (bench/): the correctness checker, the arithmetic and tables, the load generator
// process counting wrong answers as failures, and the generated large capability. No timing is asserted here.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM modules of the bench, without type declarations
import { buildCheck, MAX_REMEMBERED_VERDICTS, rpcMessage } from '../../bench/lib/checks.mjs';
// @ts-expect-error idem
import { formatReport, goals, median, medianRound, percentile, ratio, rssTrend, MB } from '../../bench/lib/report.mjs';
// @ts-expect-error idem
import { generateCapability, toolName } from '../../bench/lib/generate.mjs';
// @ts-expect-error idem
import { SHIPPED_MIX } from '../../bench/lib/shipped.mjs';
// @ts-expect-error idem
import { cpuMicros } from '../../bench/lib/processes.mjs';
import { runCli } from '../helpers/cli.js';
import { prepareCapabilities } from '../../src/prepare.js';

type Check = (status: number, body: string) => string | undefined;
const ITEM = { id: 'w-1', name: 'Widget' };
const sse = (message: unknown) => `event: message\ndata: ${JSON.stringify(message)}\n\n`;
const toolResult = (item: unknown, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: JSON.stringify(item) }], ...extra } });

describe('correctness checker', () => {
  it('json-item accepts the expected item and refuses a wrong status, a wrong item or a broken body', () => {
    const check: Check = buildCheck({ kind: 'json-item', at: ['data'], expect: ITEM });
    expect(check(200, JSON.stringify({ data: { ...ITEM, price: 1 } }))).toBeUndefined();
    expect(check(502, JSON.stringify({ data: ITEM }))).toMatch(/^status 502/);
    expect(check(200, JSON.stringify({ data: { id: 'w-2', name: 'Widget' } }))).toMatch(/does not hold/);
    expect(check(200, JSON.stringify(ITEM))).toMatch(/does not hold/);
    expect(check(200, '<html>')).toMatch(/unreadable body/);
  });

  it('mcp-tool-item accepts a result as JSON or SSE, from structuredContent or the text block', () => {
    const check: Check = buildCheck({ kind: 'mcp-tool-item', rpcId: 3, expect: ITEM });
    expect(check(200, JSON.stringify(toolResult(ITEM)))).toBeUndefined();
    expect(check(200, sse(toolResult(ITEM)))).toBeUndefined();
    expect(check(200, sse(toolResult('not an object', { structuredContent: ITEM })))).toBeUndefined();
  });

  it('mcp-tool-item refuses an isError result, a JSON-RPC error, another id, another item and an empty stream', () => {
    const check: Check = buildCheck({ kind: 'mcp-tool-item', rpcId: 3, expect: ITEM });
    expect(check(200, sse(toolResult(ITEM, { isError: true })))).toMatch(/isError/);
    expect(check(200, JSON.stringify({ jsonrpc: '2.0', id: 3, error: { code: -32602, message: 'bad' } }))).toMatch(/JSON-RPC error -32602/);
    expect(check(200, JSON.stringify({ ...toolResult(ITEM), id: 4 }))).toMatch(/JSON-RPC id 4/);
    expect(check(200, JSON.stringify(toolResult({ id: 'w-1', name: 'Gadget' })))).toMatch(/does not hold/);
    expect(check(200, 'event: message\n\n')).toMatch(/unreadable body/);
    expect(check(404, JSON.stringify(toolResult(ITEM)))).toMatch(/^status 404/);
  });

  it('mcp-tools-list wants a result whose tools start with the expected one', () => {
    const check: Check = buildCheck({ kind: 'mcp-tools-list', firstTool: 'tool-0000' });
    expect(check(200, sse({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'tool-0000' }, { name: 'tool-0001' }] } }))).toBeUndefined();
    expect(check(200, sse({ jsonrpc: '2.0', id: 1, result: { tools: [] } }))).toMatch(/no tools/);
    expect(check(200, sse({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'tool-0001' }] } }))).toMatch(/first tool/);
  });

  it('json-contains and mcp-tool-contains want the text in a successful answer', () => {
    const json: Check = buildCheck({ kind: 'json-contains', text: 'c-1' });
    expect(json(200, JSON.stringify({ data: [{ id: 'c-1' }] }))).toBeUndefined();
    expect(json(200, JSON.stringify({ data: [{ id: 'c-2' }] }))).toMatch(/does not hold "c-1"/);
    expect(json(502, JSON.stringify({ id: 'c-1' }))).toMatch(/^status 502/);
    const tool: Check = buildCheck({ kind: 'mcp-tool-contains', rpcId: 3, text: 'c-1' });
    expect(tool(200, sse(toolResult({ data: { id: 'c-1' } })))).toBeUndefined();
    expect(tool(200, sse(toolResult('', { structuredContent: { id: 'c-1' } })))).toBeUndefined();
    expect(tool(200, sse(toolResult({ id: 'c-1' }, { isError: true })))).toMatch(/isError/);
    expect(tool(200, JSON.stringify({ ...toolResult({ id: 'c-1' }), id: 4 }))).toMatch(/JSON-RPC id 4/);
    expect(tool(200, sse(toolResult({ id: 'c-2' })))).toMatch(/does not hold "c-1"/);
  });

  it('rpcMessage reads the last data line of a stream', () => {
    expect(rpcMessage('event: message\ndata: {"id":1}\n\nevent: message\ndata: {"id":2}\n\n')).toEqual({ id: 2 });
    expect(rpcMessage('\r\nevent: message\r\ndata:{"id":3}\r\ndata: \r\n\r\n')).toEqual({ id: 3 });
    expect(rpcMessage(' \n {"id":4} ')).toEqual({ id: 4 });
    expect(() => rpcMessage('event: message\n\n')).toThrow(/no JSON body and no SSE data line/);
    expect(() => rpcMessage('event: message\ndata: {"id":\n\n')).toThrow(SyntaxError);
  });

  it('remembers verdicts by body text only, so a repeated answer is judged as the first one, right or wrong', () => {
    const check: Check = buildCheck({ kind: 'mcp-tool-item', rpcId: 3, expect: ITEM });
    const right = sse(toolResult(ITEM));
    const wrong = sse(toolResult({ id: 'w-1', name: 'Gadget' }));
    for (let i = 0; i < 3; i++) {
      expect(check(200, right)).toBeUndefined();
      expect(check(200, wrong)).toMatch(/does not hold/);
      expect(check(500, right)).toMatch(/^status 500/); // the status is checked every time
      expect(check(200, 'event: message\n\n')).toMatch(/unreadable body/);
    }
    // More distinct texts than it remembers: each still gets its own verdict, before and after being forgotten.
    const bodies = Array.from({ length: MAX_REMEMBERED_VERDICTS * 3 }, (_, i) => sse({ ...toolResult(ITEM), id: i }));
    for (let round = 0; round < 2; round++) bodies.forEach((body, i) => expect(check(200, body)).toBe(i === 3 ? undefined : `JSON-RPC id ${i}, expected 3`));
    expect(check(200, right)).toBeUndefined();
    expect(check(200, wrong)).toMatch(/does not hold/);
  });
});

describe('figures and tables', () => {
  it('percentile, median and ratio', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([1.234], 99)).toBe(1.23);
    expect(percentile([], 50)).toBeUndefined();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(3, 0)).toBeUndefined();
    expect(ratio(undefined, 4)).toBeUndefined();
  });

  it('medianRound keeps the median round whole and adds up failures', () => {
    const runs = [
      { rps: 300, p50: 3, p99: 9, failures: 1 },
      { rps: 100, p50: 1, p99: 7, failures: 0 },
      { rps: 200, p50: 2, p99: 8, failures: 2 },
    ];
    expect(medianRound(runs)).toEqual({ rps: 200, p50: 2, p99: 8, failures: 3, roundsRps: [300, 100, 200] });
    expect(medianRound([runs[0]])).toEqual(runs[0]);
  });

  it('rssTrend gives the slope in MB per minute and tells flat from growing', () => {
    const growing = Array.from({ length: 61 }, (_, t) => ({ t, rss: 100 * MB + t * (MB / 10) }));
    expect(rssTrend(growing).slopeMbPerMin).toBeCloseTo(6, 5);
    expect(rssTrend(growing).flat).toBe(false);
    const flat = Array.from({ length: 61 }, (_, t) => ({ t, rss: 100 * MB + (t % 2) * MB }));
    expect(Math.abs(rssTrend(flat).slopeMbPerMin)).toBeLessThan(1);
    expect(rssTrend(flat)).toMatchObject({ flat: true, firstMb: 100, maxMb: 101 });
    // Warm-up growth in the first 20 s, flat after: the trend from 20 s on is flat; first and max still cover it all.
    const settling = Array.from({ length: 61 }, (_, t) => ({ t, rss: (t < 20 ? 50 + t * 2.5 : 100) * MB }));
    expect(rssTrend(settling).flat).toBe(false);
    expect(rssTrend(settling, 20)).toMatchObject({ flat: true, slopeMbPerMin: 0, firstMb: 50, maxMb: 100 });
  });

  const results = {
    meta: { connections: 16, durationS: 10, node: 'v20', cpus: 2 },
    load: {
      upstream: { rps: 10000, p50: 1, p99: 2, failures: 0 },
      handRoute: { rps: 4000, p50: 3, p99: 6, failures: 0 },
      handMcp2025: { rps: 1000, p50: 10, p99: 20, failures: 0 },
      rest: { rps: 5000, p50: 3, p99: 5, failures: 0 },
      mcp2025: { rps: 3500, p50: 4, p99: 7, failures: 2 },
    },
    coldStartMs: 250,
    validateMs: 400,
    rss: { afterLoadMb: 150, shippedAfterLoadMb: 90 },
  };

  it('goals compare the right figures', () => {
    const byGoal = new Map((goals(results) as { goal: string; measured: string; met?: boolean }[]).map((g) => [g.goal, g]));
    expect(byGoal.get('MCP 2025-06-18 req/s vs our REST')).toMatchObject({ measured: '0.70x', met: false });
    expect(byGoal.get('MCP 2025-06-18 req/s vs hand-written SDK server (2025-06-18)')).toMatchObject({ measured: '3.50x', met: true });
    expect(byGoal.get('MCP 2025-06-18 p99 vs our REST p99')).toMatchObject({ measured: '1.40x', met: false });
    expect(byGoal.get('MCP 2026-07-28 req/s vs our REST')).toMatchObject({ measured: 'n/a', met: undefined });
    expect(byGoal.get('REST req/s vs hand-written Fastify+undici route')).toMatchObject({ measured: '1.25x', met: true });
    expect(byGoal.get('REST p99 vs hand-written route p99')).toMatchObject({ met: true });
    expect(byGoal.get('cold start of `capability serve capabilities/`')).toMatchObject({ measured: '250 ms', met: true });
    expect(byGoal.get('`capability validate` on one file')).toMatchObject({ measured: '400 ms', met: false });
    expect(byGoal.get('RSS after a minute of load on the four shipped capabilities')).toMatchObject({ measured: '90 MB', met: true });
  });

  it('the table gives req/s, latencies, failures and the ratio to the upstream', () => {
    const table: string = formatReport(results);
    expect(table).toContain('| our REST route | 5,000 | 3.00 | 5.00 | 0 | 0.50x |');
    expect(table).toContain('| our MCP `tools/call`, 2025-06-18 | 3,500 | 4.00 | 7.00 | 2 | 0.35x |');
    expect(table).toContain('| upstream direct | 10,000 | 1.00 | 2.00 | 0 | 1.00x |');
    expect(table).not.toContain('2026-07-28 | ');
    expect(table).not.toContain('CPU µs'); // no CPU figures in these results, so no CPU table
  });

  it('a CPU table gives the server, load generator and upstream CPU per response where they were read', () => {
    const withCpu = {
      ...results,
      load: { ...results.load, rest: { ...results.load.rest, serverCpuUsPerResponse: 250, cpuUsPerResponse: 110, upstreamCpuUsPerResponse: 60 }, upstream: { ...results.load.upstream, serverCpuUsPerResponse: 55, cpuUsPerResponse: 90 } },
    };
    const table: string = formatReport(withCpu);
    expect(table).toContain('| our REST route | 250 | 110 | 60 |');
    expect(table).toContain('| upstream direct | 55 | 90 | n/a |');
    expect(table).not.toMatch(/\| our MCP `tools\/call`, 2025-06-18 \| \d+ \| \d+ \|/);
  });

  it('cpuMicros reads a live process and gives nothing for one that is gone', () => {
    const first = cpuMicros(process.pid);
    expect(first).toBeGreaterThan(0);
    let x = 0;
    for (let i = 0; i < 5e7; i++) x += i % 7; // burn some CPU (more than a 10 ms clock tick)
    expect(x).toBeGreaterThan(0);
    expect(cpuMicros(process.pid)).toBeGreaterThan(first);
    expect(cpuMicros(2 ** 22 + 12345)).toBeUndefined();
    expect(cpuMicros(undefined)).toBeUndefined();
  });
});

describe('load generator process', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    // /good answers the item; /bad answers another item with 200; /broken answers 500.
    server = http.createServer((req, res) => {
      if (req.url === '/broken') return void res.writeHead(500).end('{}');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/good' ? ITEM : { id: 'w-2' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const runLoad = async (path: string) => {
    const load = fileURLToPath(new URL('../../bench/load.mjs', import.meta.url));
    const target = { url, method: 'GET', path, headers: {}, check: { kind: 'json-item', expect: ITEM }, connections: 2, durationS: 1 };
    const child = spawn(process.execPath, [load, JSON.stringify(target)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const [code] = await once(child, 'close');
    expect(code).toBe(0);
    return JSON.parse(stdout.trim()) as { responses: number; ok: number; failures: number; wrongStatus: number; wrongBody: number; rps: number; cpuUsPerResponse?: number; sample?: string };
  };

  it('a mix runs every target at once and adds their answers up', async () => {
    const load = fileURLToPath(new URL('../../bench/load.mjs', import.meta.url));
    const check = { kind: 'json-item', expect: ITEM };
    const mix = [{ url, method: 'GET', path: '/good', headers: {}, check }, { url, method: 'GET', path: '/bad', headers: {}, check }];
    const child = spawn(process.execPath, [load, JSON.stringify({ mix, connections: 1, durationS: 1 })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const [code] = await once(child, 'close');
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim()) as { responses: number; ok: number; wrongBody: number; failures: number; sample?: string };
    expect(result.ok).toBeGreaterThan(0);
    expect(result.wrongBody).toBeGreaterThan(0);
    expect(result.ok + result.wrongBody).toBe(result.responses);
    expect(result.failures).toBe(result.wrongBody);
    expect(result.sample).toMatch(/^GET \/bad: body does not hold/);
  });

  it('sends a fixed number of requests when given an amount instead of a duration', async () => {
    const load = fileURLToPath(new URL('../../bench/load.mjs', import.meta.url));
    const target = { url, method: 'GET', path: '/good', headers: {}, check: { kind: 'json-item', expect: ITEM }, connections: 2, amount: 50 };
    const child = spawn(process.execPath, [load, JSON.stringify(target)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const [code] = await once(child, 'close');
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim())).toMatchObject({ responses: 50, ok: 50, failures: 0 });
  });

  it('counts right answers, and wrong bodies and statuses as failures rather than requests', async () => {
    const [good, bad, broken] = await Promise.all([runLoad('/good'), runLoad('/bad'), runLoad('/broken')]);
    expect(good.responses).toBeGreaterThan(0);
    expect(good).toMatchObject({ failures: 0 });
    expect(good.ok).toBe(good.responses);
    expect(good.cpuUsPerResponse).toBeGreaterThan(0);
    expect(bad.responses).toBeGreaterThan(0);
    expect(bad).toMatchObject({ ok: 0, rps: 0, wrongStatus: 0 });
    expect(bad.wrongBody).toBe(bad.responses);
    expect(bad.sample).toMatch(/does not hold/);
    expect(broken).toMatchObject({ ok: 0, rps: 0, wrongBody: 0 });
    expect(broken.wrongStatus).toBe(broken.responses);
  });
});

describe('generated large capability', () => {
  it('is a valid capability with the tools it names', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-generate-')), 'large.yaml');
    writeFileSync(file, generateCapability(25));
    const prepared = await prepareCapabilities([file], { env: { BENCH_TOKEN: 'x' } });
    expect(prepared.diagnostics).toEqual([]);
    const mcp = prepared.capabilities[0]!.adapters.find((a: { type: string }) => a.type === 'mcp') as unknown as { tools: { listing: { name: string } }[] };
    expect(mcp.tools.map((t) => t.listing.name)).toEqual(Array.from({ length: 25 }, (_, i) => toolName(i)));
  });
});

describe('the load on the shipped capabilities', () => {
  it('calls REST routes and MCP tools that the shipped capabilities serve, one of each per capability', async () => {
    const env = { METRONOME_API_KEY: 'k', SCHEMATIC_API_KEY: 'k', STIGG_API_KEY: 'k', TOGAI_API_TOKEN: 'k' };
    const listed = await runCli(['list', '--json', 'capabilities/'], { env });
    expect(listed.code).toBe(0);
    const adapters = JSON.parse(listed.stdout) as { namespace: string; type: string; units: { route?: string; tool?: string }[] }[];
    const pattern = (route: string) => new RegExp(`^GET ${route.slice(4).replace(/\{[^}]+\}/g, '[^/]+')}$`);
    type Entry = { adapter: string; rest?: { path: string }; tool?: { name: string } };
    for (const entry of SHIPPED_MIX as Entry[]) {
      const adapter = adapters.find((a) => a.namespace === entry.adapter);
      expect(adapter, entry.adapter).toBeDefined();
      if (entry.rest) expect(adapter!.units.some((u) => u.route?.startsWith('GET ') && pattern(u.route).test(`GET ${entry.rest!.path}`)), entry.rest.path).toBe(true);
      else expect(adapter!.units.map((u) => u.tool)).toContain(entry.tool!.name);
    }
    expect(new Set((SHIPPED_MIX as Entry[]).map((e) => e.adapter)).size).toBe(adapters.filter((a) => a.type === 'rest' || a.type === 'mcp').length);
  });
});
