// Shared upstream state through a real Redis (issue 11 §2): the shared bucket's arithmetic token by token; two
// `capability serve` processes sharing one Redis together stay within one rate limit and see one circuit; with Redis
// down, calls still flow on per-process limits and the fallback is logged once.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/observe/log.js';
import { ensureFreshBuild, killRunningChildren, startServe, type ServeProcess } from '../helpers/cli.js';
import { byPath, jsonReply, startFaultUpstream, type FaultUpstream } from '../helpers/fault-upstream.js';
import { freePort, redisAvailable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { serveCapability } from '../helpers/runtime.js';
import { hammer } from '../helpers/load.js';
import { RedisStore } from '../../src/invoke/policies/redis-store.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/resilience/policies.yaml', import.meta.url));
const NAMESPACES = ['flaky', 'hammered', 'fragile', 'limited', 'shared', 'capped', 'crowded', 'timed'];

if (!redisAvailable) console.warn('resilience-redis: redis-server is not installed (apt-get install redis-server); the shared-state tests are skipped');

describe.skipIf(!redisAvailable)('upstream state shared through Redis', () => {
  let redis: RedisServer;
  let upstream: FaultUpstream;
  const replicas: ServeProcess[] = [];
  const arrivals = (path: string) => upstream.requests.filter((r) => r.path === path);

  beforeAll(async () => {
    await ensureFreshBuild();
    [redis, upstream] = await Promise.all([startRedis(), startFaultUpstream()]);
    const args = [FIXTURE, '--redis', redis.url, '--port', 'resilience-api=0', '--port', 'resilience-mcp=0', ...NAMESPACES.flatMap((ns) => ['--upstream', `${ns}=${upstream.url}`])];
    replicas.push(...(await Promise.all([startServe(args, 2, { timeoutMs: 120_000 }), startServe(args, 2, { timeoutMs: 120_000 })])));
  }, 240_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    killRunningChildren();
    await Promise.all([redis?.stop(), upstream?.close()]);
  });
  const restUrl = (replica: ServeProcess) => replica.lines.find((l) => l.startsWith('rest'))!.split(/\s+/)[2]!;

  it('the shared bucket hands out the burst, then one token per 1/rate, and refuses past the wait', async () => {
    // The Lua script's arithmetic, call by call (the two-replica test below can only bound it from outside).
    const store = new RedisStore(redis.url, silentLogger());
    try {
      expect(await store.ready(5_000)).toBe(true);
      const began = Date.now();
      const reservations = [];
      for (let i = 0; i < 9; i++) reservations.push({ ...(await store.reserve('bucket-arithmetic', 20, 4, 230)), after: Date.now() - began });
      // 20/s with a burst of 4 and 230 ms of queueing: 4 at once, then waits of 50, 100, 150, 200 ms less whatever
      // time passed meanwhile (tokens refill), then a refusal once the next token is further away than 230 ms.
      expect(reservations.slice(0, 4).every((r) => r.ok && r.waitMs === 0)).toBe(true);
      for (const [k, r] of reservations.slice(4, 8).entries()) {
        const due = 50 * (k + 1);
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        expect(r.waitMs).toBeLessThanOrEqual(due);
        expect(r.waitMs).toBeGreaterThanOrEqual(due - r.after - 1);
      }
      // The ninth token is due at 250 ms: refused, unless 20 ms or more passed and brought it within the wait.
      const ninth = reservations[8]!;
      if (ninth.ok) expect(ninth.after).toBeGreaterThanOrEqual(19);
      else expect(ninth.retryAfterMs).toBeGreaterThan(230);
    } finally {
      await store.close();
    }
  });

  it('two replicas together stay within one rate limit', async () => {
    upstream.reset();
    upstream.handle(byPath({ '/shared': jsonReply(200, { ok: true }) }));
    // Warm both replicas up (first calls are slow), then let the bucket fill to its burst again.
    for (const replica of replicas) expect((await fetch(`${restUrl(replica)}/shared`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    upstream.reset();
    const started = Date.now();
    const results = await Promise.all(replicas.map((r) => hammer(restUrl(r), '/shared', 3_000, 20)));
    const calls = arrivals('/shared');
    const last = calls.at(-1)!.at;
    // Every call was sent after `started` and arrived by `last`: in that time the bucket (20/s, burst 4) can never
    // have issued more than this, however the busy processes (the replicas, and this one, which records arrivals
    // late when it is starved) were scheduled. Exact, not an average; two unshared limits would send twice as many.
    expect(calls.length).toBeLessThanOrEqual(4 + Math.ceil((20 * (last - started)) / 1000));
    // A sanity bound below, over the span the upstream saw calls: the callers wanted far more than the limit all
    // along, but a starved machine leaves tokens unclaimed (observed: 0.54 of the limit with six test suites and
    // benchmarks sharing two cores, 0.95 or more otherwise), so this only says the shared limit let calls flow. The
    // exact arithmetic is held by the bucket test above (real Redis) and the in-process test's tight window.
    expect(calls.length).toBeGreaterThanOrEqual(0.4 * (4 + (20 * (last - calls[0]!.at)) / 1000));
    // Both replicas called the upstream: the bounds above hold for their sum, not for each alone.
    for (const r of results) expect(r.statuses.get(200) ?? 0).toBeGreaterThan(0);
  });

  it('a circuit opened through one replica is open on the other', async () => {
    upstream.reset();
    upstream.handle(byPath({ '/fragile': jsonReply(503, { error: 'down' }) }));
    const [a, b] = replicas.map(restUrl);
    for (let i = 0; i < 3; i++) expect((await fetch(`${a}/fragile`)).status).toBe(503);
    const refused = await fetch(`${b}/fragile`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { code: string }).code).toBe('CAP_UPSTREAM_CIRCUIT_OPEN');
    expect(arrivals('/fragile')).toHaveLength(3);
  });
});

describe('Redis down', () => {
  it('falls back to per-process limits, logs it once, and calls still flow', async () => {
    const upstream = await startFaultUpstream(byPath({ '/limited': jsonReply(200, { ok: true }) }));
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    const served = await serveCapability(FIXTURE, { env: {}, upstreamUrl: upstream.url, logger, runtime: { redisUrl: `redis://127.0.0.1:${await freePort()}` } });
    try {
      const statuses = await Promise.all(Array.from({ length: 8 }, () => fetch(`${served.rest}/limited`).then((r) => r.status)));
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5); // the burst, from the local bucket
      expect(upstream.requests.length).toBeLessThanOrEqual(8);
      const fallbacks = lines.filter((l) => l.includes('Redis unavailable'));
      expect(fallbacks).toHaveLength(1);
    } finally {
      await served.close();
      await upstream.close();
    }
  });
});
