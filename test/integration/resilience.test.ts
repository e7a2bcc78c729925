// Upstream policies (issue 11 §1, §4) against the fault-injecting upstream over real sockets: retries of flaky
// idempotent calls within the budget, POST never retried (unless marked idempotent), Retry-After honoured, the
// circuit breaker opening, refusing without calling, half-opening and recovering, the rate limit holding over a
// measured window, the concurrency cap, and per-operation timeouts. Assertions count what reached the upstream.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { byPath, delayed, failFirst, hangUp, jsonReply, startFaultUpstream, type FaultUpstream } from '../helpers/fault-upstream.js';
import { connectMcp, resultText } from '../helpers/mcp-clients.js';
import { MIN_RETRIES_PER_WINDOW } from '../../src/invoke/policies/retry-budget.js';
import { hammer, measure } from '../helpers/load.js';
import { serveCapability, type Served } from '../helpers/runtime.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/resilience/policies.yaml', import.meta.url));
const ok = jsonReply(200, { ok: true });
const unavailable = jsonReply(503, { error: 'try later' });

async function get(base: string, path: string, init: RequestInit = {}) {
  const response = await fetch(base + path, init);
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}
const post = (base: string, path: string) => get(base, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x' }) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('upstream policies', () => {
  let upstream: FaultUpstream;
  let served: Served;
  const arrivals = (path: string) => upstream.requests.filter((r) => r.path.split('?')[0] === path);

  beforeAll(async () => {
    upstream = await startFaultUpstream();
    served = await serveCapability(FIXTURE, { env: {}, upstreamUrl: upstream.url, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await served?.close();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  it('retries a flaky GET on 503 and answers with the success', async () => {
    upstream.handle(byPath({ '/flaky': failFirst(2, unavailable, ok) }));
    const answer = await get(served.rest, '/flaky');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ok: true });
    expect(arrivals('/flaky')).toHaveLength(3);
  });

  it('retries a connection dropped before any response, and 502 and 504 alike', async () => {
    const sequence = [hangUp, jsonReply(502, {}), jsonReply(504, {}), ok];
    let n = 0;
    upstream.handle(byPath({ '/flaky': (req, res, rec) => sequence[Math.min(n++, 3)]!(req, res, rec) }));
    const answer = await get(served.rest, '/flaky');
    expect(answer.status).toBe(200);
    expect(arrivals('/flaky')).toHaveLength(4); // retries: 3
  });

  it('passes the last answer on when the retries are used up', async () => {
    upstream.handle(byPath({ '/flaky': unavailable }));
    const answer = await get(served.rest, '/flaky');
    expect(answer.status).toBe(503);
    expect(answer.body?.code).toBe('CAP_UPSTREAM_STATUS');
    expect(arrivals('/flaky')).toHaveLength(4);
  });

  it('keeps retries within the budget when every call fails, so they never multiply the load', async () => {
    upstream.handle(byPath({ '/hammered': unavailable }));
    for (let i = 0; i < 40; i++) expect((await get(served.rest, '/hammered')).status).toBe(503);
    // Unbudgeted, 3 retries would make 160 calls; the budget allows 20% of the calls or 20 per 10 s, whichever is more.
    expect(arrivals('/hammered').length).toBeGreaterThanOrEqual(40 + 15);
    expect(arrivals('/hammered').length).toBeLessThanOrEqual(40 + MIN_RETRIES_PER_WINDOW);
  });

  it('never retries a POST, but retries one marked idempotent', async () => {
    upstream.handle(byPath({ '/flaky': unavailable, '/flaky-upsert': failFirst(1, unavailable, ok) }));
    const created = await post(served.rest, '/flaky');
    expect(created.status).toBe(503);
    expect(arrivals('/flaky')).toHaveLength(1);
    const upserted = await post(served.rest, '/flaky-upsert');
    expect(upserted.status).toBe(200);
    expect(arrivals('/flaky-upsert')).toHaveLength(2);
  });

  it('honours Retry-After, and passes on one longer than maxRetryAfterMs', async () => {
    upstream.handle(byPath({ '/flaky': failFirst(1, jsonReply(429, { error: 'slow down' }, { 'retry-after': '1' }), ok) }));
    const answer = await get(served.rest, '/flaky');
    expect(answer.status).toBe(200);
    const [first, second] = arrivals('/flaky');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);

    upstream.reset();
    upstream.handle(byPath({ '/flaky': jsonReply(429, { error: 'slow down' }, { 'retry-after': '60' }) }));
    const refused = await get(served.rest, '/flaky');
    expect(refused.status).toBe(429);
    expect(arrivals('/flaky')).toHaveLength(1);
  });

  it('opens the circuit after repeated failures, refuses without calling, then half-opens and recovers', async () => {
    upstream.handle(byPath({ '/fragile': unavailable }));
    for (let i = 0; i < 3; i++) expect((await get(served.rest, '/fragile')).status).toBe(503);
    expect(arrivals('/fragile')).toHaveLength(3);
    const refused = await get(served.rest, '/fragile');
    expect(refused.status).toBe(503);
    expect(refused.body?.code).toBe('CAP_UPSTREAM_CIRCUIT_OPEN');
    expect(refused.body?.upstream).toEqual({ namespace: 'fragile' });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    // The same refusal over MCP, still without a call.
    const client = await connectMcp('2026-07-28', served.mcp);
    try {
      const result = await client.callTool('fragile', {});
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(/^CAP_UPSTREAM_CIRCUIT_OPEN: upstream "fragile"/);
    } finally {
      await client.close();
    }
    expect(arrivals('/fragile')).toHaveLength(3);

    // After the cool-down one probe goes through; a failed probe re-opens the circuit at once.
    await sleep(1_600);
    expect((await get(served.rest, '/fragile')).status).toBe(503);
    expect(arrivals('/fragile')).toHaveLength(4);
    expect((await get(served.rest, '/fragile')).body?.code).toBe('CAP_UPSTREAM_CIRCUIT_OPEN');
    expect(arrivals('/fragile')).toHaveLength(4);

    // A successful probe closes it: calls flow again.
    upstream.handle(byPath({ '/fragile': ok }));
    await sleep(1_600);
    for (let i = 0; i < 3; i++) expect((await get(served.rest, '/fragile')).status).toBe(200);
    expect(arrivals('/fragile')).toHaveLength(7);
  });

  it('holds the rate limit within a few percent over a measured window', async () => {
    upstream.handle(byPath({ '/limited': ok }));
    // This process runs the callers, the runtime and the upstream: how late its event loop ran says whether the
    // limiter could hand its tokens out on time (a machine running several test suites starves it).
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const { statuses, retryAfters } = await hammer(served.rest, '/limited', 3_000, 12);
    lag.disable();
    const { inWindow, expected } = measure(arrivals('/limited'), 3_000, 50, 5);
    expect(inWindow).toBeLessThanOrEqual(expected * 1.03);
    // Below the limit by at most 10 % when the loop kept up (timers late by under 5 ms on average, beyond the
    // histogram's 10 ms resolution; one token is 20 ms). When it was starved, tokens freed while nobody could claim
    // them (observed: 0.4 of the limit with the loop 40 ms late on average), so only a sanity bound holds there. The
    // bucket's exact arithmetic is in store.test.ts.
    const keptUp = lag.mean / 1e6 < 15;
    expect(inWindow).toBeGreaterThanOrEqual(expected * (keptUp ? 0.9 : 0.25));
    // Callers beyond the limit were answered 429 with Retry-After, not queued forever.
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
    expect(retryAfters.every((r) => Number(r) >= 1)).toBe(true);
  });

  it('caps the calls in flight, queueing the others', async () => {
    upstream.handle(byPath({ '/capped': delayed(150, ok) }));
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(served.rest, '/capped')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(upstream.maxInFlight()).toBe(2);
  });

  it('answers CAP_UPSTREAM_BUSY when no slot frees within maxWaitMs', async () => {
    upstream.handle(byPath({ '/crowded': delayed(600, ok) }));
    const answers = await Promise.all(Array.from({ length: 4 }, () => get(served.rest, '/crowded')));
    const busy = answers.filter((a) => a.body?.code === 'CAP_UPSTREAM_BUSY');
    expect(busy).toHaveLength(3);
    expect(busy.every((a) => a.status === 503 && a.retryAfter === '1')).toBe(true);
    expect(arrivals('/crowded')).toHaveLength(1);
  });

  it('applies the adapter timeout and the operation timeout that overrides it', async () => {
    // undici checks these timers about every half second: the upstream is slower than that by a margin.
    upstream.handle(byPath({ '/timed': delayed(1_600, ok) }));
    const hurried = await get(served.rest, '/timed');
    expect(hurried.status).toBe(504);
    expect(hurried.body?.detail).toMatch(/sent no response headers within 200 ms/);
    expect((await get(served.rest, '/timed-patient')).status).toBe(200);
  });
});

describe('command-line defaults for upstreams that declare no policy', () => {
  it('--retries and --circuit-breaker apply to an upstream without its own retry or breaker', async () => {
    const upstream = await startFaultUpstream();
    const served = await serveCapability(FIXTURE, { env: {}, upstreamUrl: upstream.url, runtime: { retries: 1, circuitBreakerFailures: 2 } });
    try {
      // `limited` declares only a rate limit: the defaults add one retry and a breaker opening after 2 failures.
      upstream.handle(byPath({ '/limited': failFirst(1, unavailable, ok) }));
      expect((await get(served.rest, '/limited')).status).toBe(200);
      expect(upstream.requests).toHaveLength(2);
      upstream.handle(byPath({ '/limited': unavailable }));
      for (let i = 0; i < 2; i++) expect((await get(served.rest, '/limited')).status).toBe(503);
      expect(upstream.requests).toHaveLength(6);
      expect((await get(served.rest, '/limited')).body?.code).toBe('CAP_UPSTREAM_CIRCUIT_OPEN');
      expect(upstream.requests).toHaveLength(6);
    } finally {
      await served.close();
      await upstream.close();
    }
  });
});
