// Arithmetic and printing for the benchmark: percentiles, medians, ratios, the RSS trend, the issue's goals and the
// markdown tables. Pure functions (no I/O), so the unit test can check them (test/bench/harness.test.ts).

/** The p-th percentile of ascending `sorted` values (nearest rank), rounded to 0.01; undefined when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[rank] * 100) / 100;
}

export function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * One target's result over several rounds: the round with the median req/s (its latencies too, so p50 and p99 come
 * from one consistent run), failures added up over every round, and every round's req/s.
 */
export function medianRound(runs) {
  const byRps = [...runs].sort((a, b) => a.rps - b.rps);
  const chosen = byRps[Math.floor((byRps.length - 1) / 2)];
  const failures = runs.reduce((n, r) => n + r.failures, 0);
  return runs.length === 1 ? chosen : { ...chosen, failures, roundsRps: runs.map((r) => r.rps) };
}

/** a / b, or undefined when either is missing or b is 0. */
export function ratio(a, b) {
  return typeof a === 'number' && typeof b === 'number' && b !== 0 ? a / b : undefined;
}

/** Growth of at most this many MB per minute over a soak counts as flat (GC noise stays well under it). */
export const FLAT_MB_PER_MIN = 1;

/**
 * RSS samples [{ t: seconds, rss: bytes }] → first, last and max MB, and the least-squares slope in MB per minute
 * over the samples from `settleS` on (the heap grows while the JIT warms up; the trend is about the steady state).
 */
export function rssTrend(samples, settleS = 0) {
  const steady = samples.filter((s) => s.t >= settleS);
  if (steady.length < 2) return undefined;
  const n = steady.length;
  const mt = steady.reduce((sum, x) => sum + x.t, 0) / n;
  const mr = steady.reduce((sum, x) => sum + x.rss, 0) / n;
  let num = 0;
  let den = 0;
  for (const { t, rss } of steady) {
    num += (t - mt) * (rss - mr);
    den += (t - mt) ** 2;
  }
  const slopeMbPerMin = den === 0 ? 0 : ((num / den) * 60) / MB;
  return {
    samples: samples.length,
    settleS,
    firstMb: samples[0].rss / MB,
    lastMb: samples[samples.length - 1].rss / MB,
    maxMb: Math.max(...samples.map((s) => s.rss)) / MB,
    slopeMbPerMin,
    flat: slopeMbPerMin <= FLAT_MB_PER_MIN,
  };
}

export const MB = 1024 * 1024;

/** Names of the load targets, in table order (run.mjs uses the same keys). */
export const TARGETS = {
  upstream: 'upstream direct',
  proxy: '`@fastify/http-proxy` (bare reverse proxy)',
  handRoute: 'hand-written Fastify route + undici + pick `$.data`',
  handMcp2025: 'hand-written MCP server on SDK v2 (`McpServer` + `createMcpHandler`), 2025-06-18',
  handMcp2026: 'hand-written MCP server on SDK v2 (`McpServer` + `createMcpHandler`), 2026-07-28',
  rest: 'our REST route',
  restPolicies: 'our REST route, every upstream policy on (`resilience`)',
  mcp2025: 'our MCP `tools/call`, 2025-06-18',
  mcp2026: 'our MCP `tools/call`, 2026-07-28',
  toolsList: 'our MCP `tools/list`, 1,000-tool capability (first page)',
  shipped: 'the four shipped capabilities, REST and MCP mix (8 adapters, one process)',
};

/**
 * The issue's goals (issue 9, "What to reach") against the results: [{ goal, measured, target, met }].
 * `met` is undefined when a figure is missing (that measurement failed or was skipped).
 */
export function goals(results) {
  const { load = {}, coldStartMs, validateMs, loadThousandMs, rss = {}, soak } = results;
  const rps = (k) => load[k]?.rps;
  const p99 = (k) => load[k]?.p99;
  const rows = [];
  const atLeast = (goal, value, target, fmt) => rows.push({ goal, measured: fmt(value), target: `≥ ${fmt(target)}`, met: value === undefined ? undefined : value >= target });
  const atMost = (goal, value, target, fmt) => rows.push({ goal, measured: fmt(value), target: `≤ ${fmt(target)}`, met: value === undefined ? undefined : value <= target });
  const x = (v) => (v === undefined ? 'n/a' : `${v.toFixed(2)}x`);
  const ms = (v) => (v === undefined ? 'n/a' : `${Math.round(v)} ms`);
  const mb = (v) => (v === undefined ? 'n/a' : `${v.toFixed(0)} MB`);
  const perS = (v) => (v === undefined ? 'n/a' : `${Math.round(v)} req/s`);
  for (const [key, rev] of [['mcp2025', '2025-06-18'], ['mcp2026', '2026-07-28']]) {
    atLeast(`MCP ${rev} req/s vs our REST`, ratio(rps(key), rps('rest')), 0.8, x);
    atLeast(`MCP ${rev} req/s vs hand-written SDK server (${rev})`, ratio(rps(key), rps(key === 'mcp2025' ? 'handMcp2025' : 'handMcp2026')), 3, x);
    atMost(`MCP ${rev} p99 vs our REST p99`, ratio(p99(key), p99('rest')), 1.25, x);
  }
  atLeast('REST req/s vs hand-written Fastify+undici route', ratio(rps('rest'), rps('handRoute')), 1, x);
  atMost('REST p99 vs hand-written route p99', ratio(p99('rest'), p99('handRoute')), 1, x);
  atLeast('REST with every upstream policy vs REST without (issue 11)', ratio(rps('restPolicies'), rps('rest')), 0.95, x);
  atLeast('`tools/list`, 1,000 tools', rps('toolsList'), 2000, perS);
  atMost('1,000-tool capability load (validate + compile)', loadThousandMs, 1000, ms);
  atMost('cold start of `capability serve capabilities/`', coldStartMs, 300, ms);
  atMost('`capability validate` on one file', validateMs, 250, ms);
  atMost('RSS after a minute of load on the four shipped capabilities', rss.shippedAfterLoadMb, 100, mb);
  if (soak) rows.push({ goal: `RSS flat over a ${soak.seconds} s soak`, measured: `${soak.slopeMbPerMin.toFixed(2)} MB/min`, target: `≤ ${FLAT_MB_PER_MIN} MB/min`, met: soak.flat });
  return rows;
}

const fmtMs = (v) => (v === undefined ? 'n/a' : v.toFixed(2));

/** The markdown tables: load targets, goals, and the other figures. */
export function formatReport(results) {
  const { load = {}, meta = {} } = results;
  const base = load.upstream?.rps;
  const lines = [];
  lines.push(`${meta.connections ?? '?'} connections, ${meta.durationS ?? '?'} s per target${meta.rounds > 1 ? ` (median of ${meta.rounds} rounds)` : ''}, Node ${meta.node ?? '?'}, ${meta.cpus ?? '?'} CPUs`);
  lines.push('');
  lines.push('| target | req/s | p50 ms | p99 ms | failures | vs upstream direct |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const [key, name] of Object.entries(TARGETS)) {
    const r = load[key];
    if (!r) continue;
    if (r.error) {
      lines.push(`| ${name} | n/a | | | ${r.error} | |`);
      continue;
    }
    const vs = ratio(r.rps, base);
    lines.push(`| ${name} | ${r.rps.toLocaleString('en-US')} | ${fmtMs(r.p50)} | ${fmtMs(r.p99)} | ${r.failures} | ${vs === undefined ? 'n/a' : `${vs.toFixed(2)}x`} |`);
  }
  const cpuRows = Object.entries(TARGETS).filter(([key]) => load[key]?.serverCpuUsPerResponse !== undefined || load[key]?.cpuUsPerResponse !== undefined);
  if (cpuRows.length > 0) {
    // The figure that holds on a shared machine, and the load generator's and upstream's share of the two cores.
    const us = (v) => (v === undefined ? 'n/a' : String(v));
    lines.push('');
    lines.push('| target | server CPU µs per response | load generator CPU µs | upstream CPU µs |');
    lines.push('|---|---:|---:|---:|');
    for (const [key, name] of cpuRows) lines.push(`| ${name} | ${us(load[key].serverCpuUsPerResponse)} | ${us(load[key].cpuUsPerResponse)} | ${us(load[key].upstreamCpuUsPerResponse)} |`);
  }
  lines.push('');
  lines.push('| other figure | value |');
  lines.push('|---|---:|');
  const row = (label, value) => lines.push(`| ${label} | ${value} |`);
  const ms = (v) => (v === undefined ? 'n/a' : `${Math.round(v)} ms`);
  const mb = (v) => (v === undefined ? 'n/a' : `${v.toFixed(0)} MB`);
  row('cold start, `capability serve capabilities/` until every port accepts (median)', ms(results.coldStartMs));
  row('`node -e 0` (median, for scale)', ms(results.nodeBareMs));
  row('`capability validate` on one file (median)', ms(results.validateMs));
  row('1,000-tool capability: validate + compile, first in a process', ms(results.loadThousandMs));
  row('1,000-tool capability: validate + compile, again (warm)', ms(results.loadThousandWarmMs));
  row('RSS, runtime idle (bench capability)', mb(results.rss?.idleMb));
  row('RSS, runtime after the load', mb(results.rss?.afterLoadMb));
  row('RSS, `serve capabilities/` idle (four capabilities)', mb(results.rss?.fourIdleMb));
  row('RSS, four shipped capabilities: idle / after the load / max during it', `${mb(results.rss?.shippedIdleMb)} / ${mb(results.rss?.shippedAfterLoadMb)} / ${mb(results.rss?.shippedMaxMb)}`);
  if (results.soak) {
    const s = results.soak;
    row(`RSS over a ${s.seconds} s soak on the four shipped capabilities (after the load): first / last / max`, `${mb(s.firstMb)} / ${mb(s.lastMb)} / ${mb(s.maxMb)}`);
    row(`RSS trend over the soak after its first ${Math.round(s.settleS ?? 0)} s (least squares)`, `${s.slopeMbPerMin.toFixed(2)} MB/min (${s.flat ? 'flat' : 'growing'})`);
  }
  lines.push('');
  lines.push('| goal (issue 9) | measured | target | met |');
  lines.push('|---|---:|---:|:---:|');
  for (const g of goals(results)) lines.push(`| ${g.goal} | ${g.measured} | ${g.target} | ${g.met === undefined ? 'n/a' : g.met ? 'yes' : 'no'} |`);
  return lines.join('\n');
}
