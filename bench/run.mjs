// `npm run bench`: one run measures, with the same load generator (autocannon in its own process, every response
// checked), each server in its own process: the upstream directly, two hand-written anchors, a bare reverse proxy,
// a hand-written SDK v2 MCP server, and the runtime (our REST route, MCP tools/call on 2025-06-18 and 2026-07-28,
// tools/list of a generated 1,000-tool capability); then cold start, validate time, load time and RSS.
// Prints markdown tables (target figures, other figures, the goals of issue 9); BENCH_JSON=path also writes JSON.
// Knobs: see docs/performance.md. Needs dist/ (`npm run bench` builds it first).
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';
import { captureToolCall, captureToolsList } from './lib/capture.mjs';
import { generateCapability, toolName } from './lib/generate.mjs';
import { freePort, overrideArgs, ROOT, rssOf, runLoad, startCli, startServer, stop, stopAll, timeNode, waitForPorts, CLI } from './lib/processes.mjs';
import { formatReport, median, MB, rssTrend, TARGETS } from './lib/report.mjs';

const num = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};
const CONNECTIONS = num('BENCH_CONNECTIONS', 16);
const DURATION_S = num('BENCH_DURATION_S', 10);
const WARMUP_S = num('BENCH_WARMUP_S', 2);
const SOAK_S = num('BENCH_SOAK_S', 0);
const RUNS = Math.max(1, num('BENCH_RUNS', 5));
const LARGE_TOOLS = Math.max(1, num('BENCH_LARGE_TOOLS', 1000));
const ONLY = process.env.BENCH_TARGETS ? new Set(process.env.BENCH_TARGETS.split(',').map((s) => s.trim())) : undefined;
const VALIDATE_FILE = process.env.BENCH_VALIDATE_FILE ?? 'capabilities/metronome.yaml';
const TOKEN = 'bench-token';
const ITEM = { id: 'w-1', name: 'Widget' };

const results = { meta: { connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, node: process.version, cpus: cpus().length, date: new Date().toISOString() }, load: {}, rss: {}, errors: [] };
const wanted = (key) => !ONLY || ONLY.has(key);
const log = (message) => process.stderr.write(`bench: ${message}\n`);

/** Runs one measurement step; a failure is recorded and reported, and the run goes on. */
async function step(name, fn) {
  try {
    await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    results.errors.push({ step: name, message });
    log(`${name} failed: ${message}`);
  }
}

/** Warms a target up (result discarded), then measures it. */
async function measure(key, target) {
  if (!wanted(key)) return;
  await step(TARGETS[key], async () => {
    log(`${TARGETS[key]}…`);
    const spec = { ...target, connections: CONNECTIONS };
    if (WARMUP_S > 0) await runLoad({ ...spec, durationS: WARMUP_S });
    const r = await runLoad({ ...spec, durationS: DURATION_S });
    results.load[key] = r;
    if (r.failures > 0) log(`${key}: ${r.failures} failures, first: ${r.sample ?? '(connection errors or timeouts)'}`);
  });
}

const restTarget = (url, path, extraHeaders = {}) => ({ url, method: 'GET', path, headers: extraHeaders });
const mcpTarget = (url, captured, check) => ({ url: new URL(url).origin, method: 'POST', path: new URL(url).pathname, headers: captured.headers, body: captured.body, check: { ...check, rpcId: captured.rpcId } });
const toolCheck = { kind: 'mcp-tool-item', expect: ITEM };

async function loadTargets() {
  const upstream = await startServer('upstream.mjs', { BENCH_TOKEN: TOKEN });
  const env = { UPSTREAM_URL: upstream.info.url, BENCH_TOKEN: TOKEN };
  const auth = { authorization: `Bearer ${TOKEN}` };
  await measure('upstream', { ...restTarget(upstream.info.url, '/items/w-1', auth), check: { kind: 'json-item', at: ['data'], expect: ITEM } });

  if (wanted('proxy')) {
    const proxy = await startServer('proxy.mjs', env);
    await measure('proxy', { ...restTarget(proxy.info.url, '/items/w-1', auth), check: { kind: 'json-item', at: ['data'], expect: ITEM } });
    await stop(proxy.child);
  }
  if (wanted('handRoute')) {
    const hand = await startServer('hand-route.mjs', env);
    await measure('handRoute', { ...restTarget(hand.info.url, '/v1/items/w-1'), check: { kind: 'json-item', expect: ITEM } });
    await stop(hand.child);
  }
  if (wanted('handMcp2025') || wanted('handMcp2026')) {
    const hand = await startServer('hand-mcp.mjs', env);
    await step('capture (hand-written MCP)', async () => {
      const legacy = await captureToolCall('2025', hand.info.url, 'get-item', { id: 'w-1' });
      const modern = await captureToolCall('2026-07-28', hand.info.url, 'get-item', { id: 'w-1' });
      await measure('handMcp2025', mcpTarget(hand.info.url, legacy, toolCheck));
      await measure('handMcp2026', mcpTarget(hand.info.url, modern, toolCheck));
    });
    await stop(hand.child);
  }
  if (['rest', 'mcp2025', 'mcp2026'].some(wanted) || SOAK_S > 0) await step('runtime', () => runtimeTargets(upstream.info.url));
  await stop(upstream.child);
}

/** Our runtime (the real CLI) serving bench/capability.yaml: REST, MCP on both revisions, RSS and the soak. */
async function runtimeTargets(upstreamUrl) {
  const ports = new Map([['bench-rest', await freePort()], ['bench-mcp', await freePort()]]);
  const runtime = startCli(['serve', 'bench/capability.yaml', ...overrideArgs(ports, new Map([['bench', upstreamUrl]]))], { BENCH_TOKEN: TOKEN });
  try {
    await waitForPorts([...ports.values()], runtime.child);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    results.rss.idleMb = (await rssOf(runtime.child.pid)) / MB;
    const restUrl = `http://127.0.0.1:${ports.get('bench-rest')}`;
    const mcpUrl = `http://127.0.0.1:${ports.get('bench-mcp')}/mcp`;
    await measure('rest', { ...restTarget(restUrl, '/v1/items/w-1'), check: { kind: 'json-item', expect: ITEM } });
    const legacy = await captureToolCall('2025', mcpUrl, 'get-item', { id: 'w-1' });
    const modern = await captureToolCall('2026-07-28', mcpUrl, 'get-item', { id: 'w-1' });
    await measure('mcp2025', mcpTarget(mcpUrl, legacy, toolCheck));
    await measure('mcp2026', mcpTarget(mcpUrl, modern, toolCheck));
    results.rss.afterLoadMb = (await rssOf(runtime.child.pid)) / MB;
    if (SOAK_S > 0) await step('soak', () => soak(runtime.child.pid, restUrl, mcpUrl, modern));
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${runtime.stderr()}`);
  } finally {
    await stop(runtime.child);
  }
}

/** REST and MCP (2026-07-28) load at once for SOAK_S seconds, RSS sampled every second; the trend skips the first quarter. */
async function soak(pid, restUrl, mcpUrl, modern) {
  log(`soak, ${SOAK_S} s…`);
  const half = Math.max(1, Math.floor(CONNECTIONS / 2));
  const samples = [];
  const start = performance.now();
  const timer = setInterval(() => {
    rssOf(pid).then((rss) => samples.push({ t: (performance.now() - start) / 1000, rss }), () => {});
  }, 1000);
  try {
    const [rest, mcp] = await Promise.all([
      runLoad({ ...restTarget(restUrl, '/v1/items/w-1'), check: { kind: 'json-item', expect: ITEM }, connections: half, durationS: SOAK_S }),
      runLoad({ ...mcpTarget(mcpUrl, modern, toolCheck), connections: half, durationS: SOAK_S }),
    ]);
    const trend = rssTrend(samples, SOAK_S / 4);
    if (!trend) throw new Error(`too few RSS samples (${samples.length}) for a trend: give BENCH_SOAK_S at least 4`);
    results.soak = { seconds: SOAK_S, ...trend, restRps: rest.rps, mcpRps: mcp.rps, failures: rest.failures + mcp.failures };
  } finally {
    clearInterval(timer);
  }
}

/** tools/list (first page, as the SDK client asks it) of a generated large capability, and its load time. */
async function largeCapability() {
  const file = join(mkdtempSync(join(tmpdir(), 'capability-bench-')), 'large.yaml');
  writeFileSync(file, generateCapability(LARGE_TOOLS));
  if (wanted('largeLoad')) await step('1,000-tool load time', async () => {
    // Prints one line, then exits.
    const { info } = await startServer('load-time.mjs', { BENCH_TOKEN: TOKEN }, { args: [file] });
    if (info.error) throw new Error(info.error);
    results.loadThousandMs = info.firstMs;
    results.loadThousandWarmMs = info.warmMs;
  });
  if (!wanted('toolsList')) return;
  const port = await freePort();
  const runtime = startCli(['serve', file, '--port', `bench-large-mcp=${port}`], { BENCH_TOKEN: TOKEN });
  try {
    await waitForPorts([port], runtime.child, 60_000);
    const url = `http://127.0.0.1:${port}/mcp`;
    const listing = await captureToolsList('2025', url);
    await measure('toolsList', mcpTarget(url, listing, { kind: 'mcp-tools-list', firstTool: toolName(0) }));
  } finally {
    await stop(runtime.child);
  }
}

/** Dummy values for every bound variable of the shipped capabilities, and their namespaces from `capability list`. */
function shippedSetup() {
  const env = {};
  for (const name of readdirSync(join(ROOT, 'capabilities')).filter((f) => f.endsWith('.yaml'))) {
    const doc = parseYaml(readFileSync(join(ROOT, 'capabilities', name), 'utf8'));
    for (const bind of doc?.binds ?? []) for (const variable of Object.values(bind?.keys ?? {})) env[String(variable)] = 'bench-dummy-key';
  }
  return env;
}

async function listShipped(env) {
  const { execFileSync } = await import('node:child_process');
  const adapters = JSON.parse(execFileSync(process.execPath, [CLI, 'list', 'capabilities/', '--json'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } }).toString());
  const exposes = adapters.map((a) => a.namespace);
  const consumes = [...new Set(adapters.flatMap((a) => (a.units ?? []).map((u) => u.call).filter(Boolean).map((call) => call.split('.')[0])))];
  return { exposes, consumes };
}

/** Cold start of `capability serve capabilities/` until every port accepts; `node -e 0`; `capability validate`. */
async function startAndValidate() {
  if (wanted('coldStart')) await step('cold start', async () => {
    const env = shippedSetup();
    const { exposes, consumes } = await listShipped(env);
    const upstream = await startServer('upstream.mjs', { BENCH_TOKEN: TOKEN });
    const times = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        const ports = new Map();
        for (const ns of exposes) ports.set(ns, await freePort());
        const start = performance.now();
        const serve = startCli(['serve', 'capabilities/', ...overrideArgs(ports, new Map(consumes.map((ns) => [ns, upstream.info.url])))], env);
        try {
          times.push((await waitForPorts([...ports.values()], serve.child)) - start);
          if (i === 0) {
            await new Promise((resolve) => setTimeout(resolve, 1000));
            results.rss.fourIdleMb = (await rssOf(serve.child.pid)) / MB;
          }
        } catch (err) {
          throw new Error(`${err instanceof Error ? err.message : String(err)}\n${serve.stderr()}`);
        } finally {
          await stop(serve.child);
        }
      }
    } finally {
      await stop(upstream.child);
    }
    results.coldStartMs = median(times);
    results.coldStartRunsMs = times;
  });
  if (wanted('coldStart')) await step('node -e 0', async () => {
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeNode(['-e', '0']));
    results.nodeBareMs = median(times);
  });
  if (wanted('validate')) await step('validate', async () => {
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeNode([CLI, 'validate', VALIDATE_FILE]));
    results.validateMs = median(times);
    results.validateFile = VALIDATE_FILE;
  });
}

process.on('SIGINT', () => stopAll().then(() => process.exit(130)));
try {
  await loadTargets();
  await largeCapability();
  await startAndValidate();
} finally {
  await stopAll();
}
console.log(formatReport(results));
if (results.errors.length) console.log(`\nSteps that failed:\n${results.errors.map((e) => `- ${e.step}: ${e.message.split('\n')[0]}`).join('\n')}`);
if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
const failures = Object.values(results.load).reduce((n, r) => n + (r.failures ?? 0), 0);
process.exitCode = results.errors.length > 0 || failures > 0 ? 1 : 0;
