// `npm run bench`: one run measures, with the same load generator (autocannon in its own process, every response
// checked), each server in its own process: the upstream directly, two hand-written anchors, a bare reverse proxy,
// a hand-written SDK v2 MCP server, and the runtime (our REST route, MCP tools/call on 2025-06-18 and 2026-07-28,
// tools/list of a generated 1,000-tool capability); then a minute of REST and MCP load on the four shipped
// capabilities with RSS sampled (and the soak after it), cold start, validate time, load time and RSS.
// Prints markdown tables (target figures, other figures, the goals of issue 9); BENCH_JSON=path also writes JSON.
// Knobs: see docs/performance.md. Needs dist/ (`npm run bench` builds it first).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';
import { captureToolCall, captureToolsList } from './lib/capture.mjs';
import { generateCapability, toolName } from './lib/generate.mjs';
import { shippedTargets } from './lib/shipped.mjs';
import { cpuMicros, freePort, overrideArgs, ROOT, rssOf, runLoad, startCli, startServer, stop, stopAll, timeNode, waitForPorts, CLI } from './lib/processes.mjs';
import { formatReport, median, medianRound, MB, rssTrend, TARGETS } from './lib/report.mjs';

const num = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};
const CONNECTIONS = Math.max(1, Math.floor(num('BENCH_CONNECTIONS', 16)));
const DURATION_S = num('BENCH_DURATION_S', 10);
const WARMUP_S = num('BENCH_WARMUP_S', 2);
const SOAK_S = num('BENCH_SOAK_S', 0);
const SHIPPED_S = num('BENCH_SHIPPED_S', 60);
const RUNS = Math.max(1, num('BENCH_RUNS', 5));
const ROUNDS = Math.max(1, Math.floor(num('BENCH_ROUNDS', 1)));
const LARGE_TOOLS = Math.max(1, num('BENCH_LARGE_TOOLS', 1000));
const ONLY = process.env.BENCH_TARGETS ? new Set(process.env.BENCH_TARGETS.split(',').map((s) => s.trim())) : undefined;
const STEPS = [...Object.keys(TARGETS), 'largeLoad', 'coldStart', 'validate'];
for (const key of ONLY ?? []) if (!STEPS.includes(key)) throw new Error(`BENCH_TARGETS: unknown "${key}" (known: ${STEPS.join(', ')})`);
// Node writes a .cpuprofile per runtime process here when it exits (open it in Chrome DevTools or speedscope).
const CPU_PROF = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : [];
const VALIDATE_FILE = process.env.BENCH_VALIDATE_FILE ?? 'capabilities/metronome.yaml';
const TOKEN = 'bench-token';
const ITEM = { id: 'w-1', name: 'Widget' };
// The value every bound variable of the shipped capabilities gets, and the key the open upstream wants to see.
const DUMMY_KEY = 'bench-dummy-key';

const results = { meta: { connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, rounds: ROUNDS, node: process.version, cpus: cpus().length, date: new Date().toISOString() }, load: {}, rss: {}, errors: [] };
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

const restTarget = (url, path, extraHeaders = {}) => ({ url, method: 'GET', path, headers: extraHeaders });
const mcpTarget = (url, captured, check) => ({ url: new URL(url).origin, method: 'POST', path: new URL(url).pathname, headers: captured.headers, body: captured.body, check: { ...check, rpcId: captured.rpcId } });
const toolCheck = { kind: 'mcp-tool-item', expect: ITEM };
const itemCheck = { kind: 'json-item', expect: ITEM };
const upstreamCheck = { kind: 'json-item', at: ['data'], expect: ITEM };

/**
 * Starts a bench server and adds its targets to `plan`; a server that fails to start is reported and skipped.
 * `start` resolves with { pid, targets }: the process whose CPU per response is read around each load.
 */
async function addServer(plan, keys, name, start) {
  if (!keys.some(wanted)) return;
  await step(name, async () => {
    const { pid, targets } = await start();
    for (const [key, target] of Object.entries(targets)) if (wanted(key)) plan.push({ key, target, pid });
  });
}

/** The load on `spec`, with the CPU per response (µs) of the server under test and of the upstream added. */
async function measuredLoad(spec, pid, upstreamPid) {
  const before = [cpuMicros(pid), cpuMicros(upstreamPid)];
  const r = await runLoad(spec);
  const after = [cpuMicros(pid), cpuMicros(upstreamPid)];
  const perResponse = (i) => (before[i] === undefined || after[i] === undefined || r.responses === 0 ? undefined : Math.round((after[i] - before[i]) / r.responses));
  return { ...r, serverCpuUsPerResponse: perResponse(0), upstreamCpuUsPerResponse: pid === upstreamPid ? undefined : perResponse(1) };
}

/** Our runtime (the real CLI) on `file`, with free ports for `namespaces`; resolves once every port accepts. */
async function serveRuntime(file, namespaces, upstreams = new Map()) {
  const ports = new Map();
  for (const ns of namespaces) ports.set(ns, await freePort());
  const runtime = startCli(['serve', file, ...overrideArgs(ports, upstreams)], { BENCH_TOKEN: TOKEN }, CPU_PROF);
  try {
    await waitForPorts([...ports.values()], runtime.child, 60_000);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${runtime.stderr()}`);
  }
  return { ...runtime, url: (ns) => `http://127.0.0.1:${ports.get(ns)}` };
}

/**
 * Every server up at once (each idle while another is measured), the MCP requests captured from the SDK clients,
 * then BENCH_ROUNDS rounds over all targets in turn (warm-up in the first round only); per target, the round with
 * the median req/s is kept and failures are added up. Then the runtime's RSS after the load.
 */
async function loadTargets() {
  const upstream = await startServer('upstream.mjs', { BENCH_TOKEN: TOKEN });
  const env = { UPSTREAM_URL: upstream.info.url, BENCH_TOKEN: TOKEN };
  const auth = { authorization: `Bearer ${TOKEN}` };
  const plan = [];
  if (wanted('upstream')) plan.push({ key: 'upstream', target: { ...restTarget(upstream.info.url, '/items/w-1', auth), check: upstreamCheck }, pid: upstream.child.pid });
  await addServer(plan, ['proxy'], 'start @fastify/http-proxy', async () => {
    const { child, info } = await startServer('proxy.mjs', env);
    return { pid: child.pid, targets: { proxy: { ...restTarget(info.url, '/items/w-1', auth), check: upstreamCheck } } };
  });
  await addServer(plan, ['handRoute'], 'start the hand-written route', async () => {
    const { child, info } = await startServer('hand-route.mjs', env);
    return { pid: child.pid, targets: { handRoute: { ...restTarget(info.url, '/v1/items/w-1'), check: itemCheck } } };
  });
  await addServer(plan, ['handMcp2025', 'handMcp2026'], 'start the hand-written MCP server', async () => {
    const { child, info } = await startServer('hand-mcp.mjs', env);
    return {
      pid: child.pid,
      targets: {
        handMcp2025: mcpTarget(info.url, await captureToolCall('2025', info.url, 'get-item', { id: 'w-1' }), toolCheck),
        handMcp2026: mcpTarget(info.url, await captureToolCall('2026-07-28', info.url, 'get-item', { id: 'w-1' }), toolCheck),
      },
    };
  });
  let runtime;
  const runtimeKeys = ['rest', 'mcp2025', 'mcp2026'];
  await addServer(plan, runtimeKeys, 'start the runtime', async () => {
    runtime = await serveRuntime('bench/capability.yaml', ['bench-rest', 'bench-mcp'], new Map([['bench', upstream.info.url]]));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    results.rss.idleMb = (await rssOf(runtime.child.pid)) / MB;
    const mcpUrl = `${runtime.url('bench-mcp')}/mcp`;
    return {
      pid: runtime.child.pid,
      targets: {
        rest: { ...restTarget(runtime.url('bench-rest'), '/v1/items/w-1'), check: itemCheck },
        mcp2025: mcpTarget(mcpUrl, await captureToolCall('2025', mcpUrl, 'get-item', { id: 'w-1' }), toolCheck),
        mcp2026: mcpTarget(mcpUrl, await captureToolCall('2026-07-28', mcpUrl, 'get-item', { id: 'w-1' }), toolCheck),
      },
    };
  });
  await addServer(plan, ['restPolicies'], 'start the runtime with every upstream policy on', async () => {
    const policies = await serveRuntime('bench/capability-policies.yaml', ['bench-policies-rest', 'bench-policies-mcp'], new Map([['bench', upstream.info.url]]));
    return { pid: policies.child.pid, targets: { restPolicies: { ...restTarget(policies.url('bench-policies-rest'), '/v1/items/w-1'), check: itemCheck } } };
  });
  await addServer(plan, ['toolsList'], 'start the runtime on the 1,000-tool capability', async () => {
    const large = await serveRuntime(largeFile(), ['bench-large-mcp']);
    const url = `${large.url('bench-large-mcp')}/mcp`;
    return { pid: large.child.pid, targets: { toolsList: mcpTarget(url, await captureToolsList('2025', url), { kind: 'mcp-tools-list', firstTool: toolName(0) }) } };
  });

  const rounds = new Map();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const { key, target, pid } of plan) {
      await step(TARGETS[key], async () => {
        log(`${TARGETS[key]}${ROUNDS > 1 ? ` (round ${round} of ${ROUNDS})` : ''}…`);
        const spec = { ...target, connections: CONNECTIONS };
        if (round === 1 && WARMUP_S > 0) await runLoad({ ...spec, durationS: WARMUP_S });
        const r = await measuredLoad({ ...spec, durationS: DURATION_S }, pid, upstream.child.pid);
        if (r.failures > 0) log(`${key}: ${r.failures} failures, first: ${r.sample ?? '(connection errors or timeouts)'}`);
        rounds.set(key, [...(rounds.get(key) ?? []), r]);
      });
    }
  }
  for (const [key, runs] of rounds) results.load[key] = medianRound(runs);
  if (runtime && runtimeKeys.some((k) => rounds.has(k))) results.rss.afterLoadMb = (await rssOf(runtime.child.pid)) / MB;
  await stopAll();
}

/** Runs the load `spec` for `seconds` against process `pid`, sampling its RSS every second: { load, samples }. */
async function loadSampled(pid, spec, seconds) {
  const samples = [];
  const start = performance.now();
  const timer = setInterval(() => {
    rssOf(pid).then((rss) => samples.push({ t: (performance.now() - start) / 1000, rss }), () => {});
  }, 1000);
  try {
    return { load: await runLoad({ ...spec, durationS: seconds }), samples };
  } finally {
    clearInterval(timer);
  }
}

/**
 * `capability serve capabilities/` (the four shipped files; every consumed namespace on the upstream in its open
 * mode), idle RSS, then BENCH_SHIPPED_S seconds of the REST and MCP mix (bench/lib/shipped.mjs) with RSS sampled;
 * the RSS at its end is the issue's "RSS after a minute of load". With BENCH_SOAK_S, the same mix goes on for the
 * soak, and the RSS trend over it (its first quarter skipped) says whether memory grows with requests.
 */
async function shippedLoad() {
  if (!wanted('shipped') && SOAK_S === 0) return;
  await step('four shipped capabilities', async () => {
    const env = shippedSetup();
    const { exposes, consumes } = await listShipped(env);
    const upstream = await startServer('upstream.mjs', { BENCH_UPSTREAM_KEY: DUMMY_KEY });
    const ports = new Map();
    for (const ns of exposes) ports.set(ns, await freePort());
    const serve = startCli(['serve', 'capabilities/', ...overrideArgs(ports, new Map(consumes.map((ns) => [ns, upstream.info.url])))], env, CPU_PROF);
    try {
      await waitForPorts([...ports.values()], serve.child, 60_000);
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${serve.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    results.rss.shippedIdleMb = (await rssOf(serve.child.pid)) / MB;
    const mix = await shippedTargets((ns) => `http://127.0.0.1:${ports.get(ns)}`, captureToolCall);
    const spec = { mix, connections: Math.max(1, Math.floor(CONNECTIONS / mix.length)) };
    if (wanted('shipped') && SHIPPED_S > 0) {
      log(`${TARGETS.shipped}, ${SHIPPED_S} s…`);
      const { load, samples } = await loadSampled(serve.child.pid, spec, SHIPPED_S);
      if (load.failures > 0) log(`shipped: ${load.failures} failures, first: ${load.sample ?? '(connection errors or timeouts)'}`);
      results.load.shipped = load;
      results.rss.shippedAfterLoadMb = (await rssOf(serve.child.pid)) / MB;
      results.rss.shippedMaxMb = Math.max(...samples.map((s) => s.rss)) / MB;
    }
    if (SOAK_S > 0) {
      log(`soak, ${SOAK_S} s…`);
      const { load, samples } = await loadSampled(serve.child.pid, spec, SOAK_S);
      const trend = rssTrend(samples, SOAK_S / 4);
      if (!trend) throw new Error(`too few RSS samples (${samples.length}) for a trend: give BENCH_SOAK_S at least 4`);
      results.soak = { seconds: SOAK_S, ...trend, rps: load.rps, failures: load.failures };
    }
  });
  await stopAll();
}

let generated;
/** The generated large capability (BENCH_LARGE_TOOLS tools), written once to a temporary directory. */
function largeFile() {
  if (!generated) {
    generated = join(mkdtempSync(join(tmpdir(), 'capability-bench-')), 'large.yaml');
    writeFileSync(generated, generateCapability(LARGE_TOOLS));
  }
  return generated;
}

/** load + validate + resolve + compile of the large capability, timed inside a fresh process. */
async function largeLoadTime() {
  if (!wanted('largeLoad')) return;
  await step('1,000-tool load time', async () => {
    // Prints one line, then exits.
    const { info } = await startServer('load-time.mjs', { BENCH_TOKEN: TOKEN }, { args: [largeFile()] });
    if (info.error) throw new Error(info.error);
    results.loadThousandMs = info.firstMs;
    results.loadThousandWarmMs = info.warmMs;
  });
}

/** Dummy values for every bound variable of the shipped capabilities, and their namespaces from `capability list`. */
function shippedSetup() {
  const env = {};
  for (const name of readdirSync(join(ROOT, 'capabilities')).filter((f) => f.endsWith('.yaml'))) {
    const doc = parseYaml(readFileSync(join(ROOT, 'capabilities', name), 'utf8'));
    for (const bind of doc?.binds ?? []) for (const variable of Object.values(bind?.keys ?? {})) env[String(variable)] = DUMMY_KEY;
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
  await shippedLoad();
  await largeLoadTime();
  await startAndValidate();
} finally {
  await stopAll();
  if (generated) rmSync(dirname(generated), { recursive: true, force: true });
}
console.log(formatReport(results));
if (results.errors.length) console.log(`\nSteps that failed:\n${results.errors.map((e) => `- ${e.step}: ${e.message.split('\n')[0]}`).join('\n')}`);
if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
const failures = Object.values(results.load).reduce((n, r) => n + (r.failures ?? 0), 0) + (results.soak?.failures ?? 0);
process.exitCode = results.errors.length > 0 || failures > 0 ? 1 : 0;
