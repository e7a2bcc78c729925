// Shared upstream state through a real Redis (issue 11 §2): two `capability serve` processes sharing one Redis
// together stay within one rate limit and see one circuit; with Redis down, calls still flow on per-process limits
// and the fallback is logged once.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/log.js';
import { ensureFreshBuild, killRunningChildren, startServe, type ServeProcess } from '../helpers/cli.js';
import { byPath, jsonReply, startFaultUpstream, type FaultUpstream } from '../helpers/fault-upstream.js';
import { freePort, redisAvailable, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { serveCapability } from '../helpers/runtime.js';
import { hammer, measure } from '../helpers/load.js';

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

  it('two replicas together stay within one rate limit', async () => {
    upstream.reset();
    upstream.handle(byPath({ '/shared': jsonReply(200, { ok: true }) }));
    const started = Date.now();
    const results = await Promise.all(replicas.map((r) => hammer(restUrl(r), '/shared', 3_000, 20)));
    const elapsed = Date.now() - started;
    const calls = arrivals('/shared');
    // The bucket (20/s, burst 4) can never have issued more than this while the load ran, however the two busy
    // processes were scheduled: the shared limit holds exactly, not only on average.
    expect(calls.length).toBeLessThanOrEqual(4 + Math.ceil((20 * elapsed) / 1000));
    // Over the measured window: at most a few percent above the limit; below it only by what two child processes
    // on a loaded machine leave unclaimed (the in-process test holds the tight lower bound).
    const { inWindow, expected } = measure(calls, 3_000, 20, 4);
    expect(inWindow).toBeLessThanOrEqual(expected * 1.05);
    expect(inWindow).toBeGreaterThanOrEqual(expected * 0.75);
    // Both replicas called the upstream: the bound above holds for their sum, not for each alone.
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
