// Rate-limit buckets and circuit-breaker state shared by every replica through Redis (`--redis`, REDIS_URL). Each
// operation is one Lua script, so it is atomic across replicas, and reads the Redis server's clock, so replicas with
// skewed clocks agree. The scripts are defined once as ioredis commands, so each call sends EVALSHA and the script's
// hash, not its text. Redis being down never stops calls: each operation then falls back to this process's own state
// (LocalStore), logged once per outage.
import { Redis } from 'ioredis';
import type { Logger } from '../../observe/log.js';
import { LocalStore, type BreakerAdmission, type PolicyStore, type Reservation } from './store.js';

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS[1] bucket; ARGV rate per ms, burst, max wait ms. Returns the wait in ms (>= 0) or -(retry after ms) - 1.
const RESERVE = `${NOW}
local perMs = tonumber(ARGV[1]) local burst = tonumber(ARGV[2]) local maxWait = tonumber(ARGV[3])
local s = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(s[1]) or burst
local at = tonumber(s[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
local wait = 0
if tokens < 1 then wait = math.ceil((1 - tokens) / perMs) end
local ttl = math.ceil(burst / perMs) + maxWait + 1000
if wait > maxWait then
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', now) redis.call('PEXPIRE', KEYS[1], ttl)
  return -wait - 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens - 1), 'at', now) redis.call('PEXPIRE', KEYS[1], ttl)
return wait`;

// KEYS open, probe; ARGV probe lease ms. Returns 0 closed, -1 probe, or the ms the circuit stays open.
const ADMIT = `local openUntil = tonumber(redis.call('GET', KEYS[1]))
if not openUntil then return 0 end
${NOW}
if now < openUntil then return openUntil - now end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return -1 end
return math.max(1, redis.call('PTTL', KEYS[2]))`;

// KEYS open, probe, count; ARGV probe (0/1), failures, window ms, cool-down ms.
const FAILURE = `${NOW}
if ARGV[1] == '0' then
  local n = redis.call('INCR', KEYS[3])
  if n == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
  if n < tonumber(ARGV[2]) then return 0 end
end
local cool = tonumber(ARGV[4])
redis.call('SET', KEYS[1], now + cool, 'PX', cool + 3600000)
redis.call('DEL', KEYS[2], KEYS[3])
return 1`;

/** The scripts as ioredis commands (keys first, then arguments); each answers a number. */
interface Scripts {
  capabilityReserve(bucket: string, perMs: number, burst: number, maxWaitMs: number): Promise<number>;
  capabilityAdmit(open: string, probe: string, probeLeaseMs: number): Promise<number>;
  capabilityFailure(open: string, probe: string, count: string, probe01: number, failures: number, windowMs: number, coolDownMs: number): Promise<number>;
}

export const CONNECT_TIMEOUT_MS = 1_000;
/** A Redis that answers slower than this counts as down for that call. */
const COMMAND_TIMEOUT_MS = 500;

export class RedisStore implements PolicyStore {
  private readonly redis: Redis;
  private readonly scripts: Scripts;
  private readonly local = new LocalStore();
  private down = false;

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    this.redis = new Redis(url, {
      // Commands fail at once while disconnected (the local fallback answers) instead of queueing behind a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      keyPrefix: 'capability:',
    });
    this.redis.defineCommand('capabilityReserve', { numberOfKeys: 1, lua: RESERVE });
    this.redis.defineCommand('capabilityAdmit', { numberOfKeys: 2, lua: ADMIT });
    this.redis.defineCommand('capabilityFailure', { numberOfKeys: 3, lua: FAILURE });
    this.scripts = this.redis as unknown as Scripts;
    this.redis.on('error', (err: Error) => this.fallBack(err));
    this.redis.on('ready', () => {
      if (!this.down) return;
      this.down = false;
      this.logger.info({ redis: redactUrl(url) }, 'Redis reachable again: rate limits and circuit breakers are shared across replicas');
    });
  }

  async reserve(key: string, requestsPerSecond: number, burst: number, maxWaitMs: number): Promise<Reservation> {
    return this.shared(
      async () => {
        const n = Number(await this.scripts.capabilityReserve(`${key}:bucket`, requestsPerSecond / 1000, burst, maxWaitMs));
        return n >= 0 ? { ok: true, waitMs: n } : { ok: false, retryAfterMs: -n - 1 };
      },
      () => this.local.reserve(key, requestsPerSecond, burst, maxWaitMs),
    );
  }

  async admit(key: string, probeLeaseMs: number): Promise<BreakerAdmission> {
    return this.shared(
      async () => {
        const n = Number(await this.scripts.capabilityAdmit(`${key}:open`, `${key}:probe`, probeLeaseMs));
        return n === 0 ? { state: 'closed' } : n < 0 ? { state: 'probe' } : { state: 'open', retryAfterMs: n };
      },
      () => this.local.admit(key, probeLeaseMs),
    );
  }

  async failure(key: string, probe: boolean, failures: number, windowMs: number, coolDownMs: number): Promise<void> {
    await this.shared(
      async () => void (await this.scripts.capabilityFailure(`${key}:open`, `${key}:probe`, `${key}:failures`, probe ? 1 : 0, failures, windowMs, coolDownMs)),
      () => this.local.failure(key, probe, failures, windowMs, coolDownMs),
    );
  }

  async closeCircuit(key: string): Promise<void> {
    await this.shared(
      async () => void (await this.redis.del(`${key}:open`, `${key}:probe`, `${key}:failures`)),
      () => this.local.closeCircuit(key),
    );
  }

  /** True once connected; false if Redis did not answer within `timeoutMs` (the local fallback answers meanwhile). */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.on('ready', onReady);
    });
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async shared<T>(remote: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') {
      this.fallBack();
      return local();
    }
    try {
      return await remote();
    } catch (err) {
      this.fallBack(err as Error);
      return local();
    }
  }

  private fallBack(err?: Error): void {
    if (this.down) return;
    this.down = true;
    this.logger.warn({ err: err?.message }, 'Redis unavailable: rate limits and circuit breakers fall back to per-process state until it is back');
  }
}

/** The Redis URL without its password, for logs. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis';
  }
}

/** The store for the runtime: Redis when a URL is given (waiting briefly for the first connection), else per process. */
export async function openPolicyStore(redisUrl: string | undefined, logger: Logger): Promise<PolicyStore> {
  if (!redisUrl) return new LocalStore();
  const store = new RedisStore(redisUrl, logger);
  if (await store.ready(CONNECT_TIMEOUT_MS)) logger.info({ redis: redactUrl(redisUrl) }, 'rate limits and circuit breakers are shared through Redis');
  return store;
}
