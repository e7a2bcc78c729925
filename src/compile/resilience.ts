// `resilience:` on a consumes adapter (and on a consumed operation) → UpstreamPolicy / OperationPolicy, once per
// load: defaults filled in, every number checked (the schema also checks them, but lenient mode only warns about
// schema findings, and a policy that cannot run must not load). Problems are thrown as ResilienceError with the
// JSON pointer below the block, and reported by compile.ts at their YAML position.
import {
  BREAKER_DEFAULTS,
  CONCURRENCY_MAX_WAIT_MS,
  RATE_LIMIT_MAX_WAIT_MS,
  RETRY_DEFAULTS,
  type OperationPolicy,
  type Timeouts,
  type UpstreamPolicy,
} from '../invoke/policies/types.js';
import type { OperationResilience, Resilience } from '../spec/capability.js';

export class ResilienceError extends Error {
  constructor(
    /** Pointer below `resilience`, e.g. `/rateLimit/burst`. */
    readonly at: string,
    message: string,
  ) {
    super(message);
  }
}

type Kind = 'positive' | 'count' | 'rate' | 'percent';
const KINDS: Record<Kind, [(n: number) => boolean, string]> = {
  positive: [(n) => Number.isSafeInteger(n) && n >= 1, 'a positive integer'],
  count: [(n) => Number.isSafeInteger(n) && n >= 0, 'an integer ≥ 0'],
  rate: [(n) => Number.isFinite(n) && n > 0, 'a number > 0'],
  percent: [(n) => Number.isFinite(n) && n >= 0 && n <= 100, 'a number from 0 to 100'],
};

function read(block: Record<string, unknown> | undefined, at: string, name: string, kind: Kind): number | undefined {
  const value = block?.[name];
  if (value === undefined) return undefined;
  const [ok, what] = KINDS[kind];
  if (typeof value !== 'number' || !ok(value)) throw new ResilienceError(`${at}/${name}`, `resilience${at.replaceAll('/', '.')}.${name} must be ${what}, got ${JSON.stringify(value)}`);
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function section(r: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = r[name];
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new ResilienceError(`/${name}`, `resilience.${name} must be a mapping, got ${JSON.stringify(value)}`);
  return value;
}

function compileTimeouts(r: Record<string, unknown>): Timeouts | undefined {
  const t = section(r, 'timeouts');
  if (!t) return undefined;
  const timeouts: Timeouts = {};
  for (const name of ['connectMs', 'headersMs', 'bodyMs', 'callMs'] as const) {
    const value = read(t, '/timeouts', name, 'positive');
    if (value !== undefined) timeouts[name] = value;
  }
  return timeouts;
}

/** The adapter's policies, or undefined when it declares none. */
export function compileResilience(declared: Resilience | undefined): UpstreamPolicy | undefined {
  if (declared === undefined) return undefined;
  if (!isObject(declared)) throw new ResilienceError('', `resilience must be a mapping, got ${JSON.stringify(declared)}`);
  const r = declared as Record<string, unknown>;
  const policy: UpstreamPolicy = {};
  const timeouts = compileTimeouts(r);
  if (timeouts) policy.timeouts = timeouts;
  const retry = section(r, 'retry');
  if (retry) {
    policy.retry = {
      retries: read(retry, '/retry', 'retries', 'count') ?? RETRY_DEFAULTS.retries,
      minDelayMs: read(retry, '/retry', 'minDelayMs', 'positive') ?? RETRY_DEFAULTS.minDelayMs,
      maxDelayMs: read(retry, '/retry', 'maxDelayMs', 'positive') ?? RETRY_DEFAULTS.maxDelayMs,
      maxRetryAfterMs: read(retry, '/retry', 'maxRetryAfterMs', 'count') ?? RETRY_DEFAULTS.maxRetryAfterMs,
      budgetPercent: read(retry, '/retry', 'budgetPercent', 'percent') ?? RETRY_DEFAULTS.budgetPercent,
    };
    if (policy.retry.maxDelayMs < policy.retry.minDelayMs) {
      throw new ResilienceError('/retry/maxDelayMs', `resilience.retry.maxDelayMs (${policy.retry.maxDelayMs}) is below minDelayMs (${policy.retry.minDelayMs})`);
    }
  }
  const breaker = section(r, 'circuitBreaker');
  if (breaker) {
    policy.circuitBreaker = {
      failures: read(breaker, '/circuitBreaker', 'failures', 'positive') ?? BREAKER_DEFAULTS.failures,
      windowMs: read(breaker, '/circuitBreaker', 'windowMs', 'positive') ?? BREAKER_DEFAULTS.windowMs,
      coolDownMs: read(breaker, '/circuitBreaker', 'coolDownMs', 'positive') ?? BREAKER_DEFAULTS.coolDownMs,
    };
  }
  const limit = section(r, 'rateLimit');
  if (limit) {
    const requestsPerSecond = read(limit, '/rateLimit', 'requestsPerSecond', 'rate');
    if (requestsPerSecond === undefined) throw new ResilienceError('/rateLimit', 'resilience.rateLimit needs requestsPerSecond');
    policy.rateLimit = {
      requestsPerSecond,
      burst: read(limit, '/rateLimit', 'burst', 'positive') ?? Math.max(1, Math.ceil(requestsPerSecond)),
      maxWaitMs: read(limit, '/rateLimit', 'maxWaitMs', 'count') ?? RATE_LIMIT_MAX_WAIT_MS,
    };
  }
  const concurrency = section(r, 'concurrency');
  if (concurrency) {
    const max = read(concurrency, '/concurrency', 'max', 'positive');
    if (max === undefined) throw new ResilienceError('/concurrency', 'resilience.concurrency needs max');
    policy.concurrency = { max, maxWaitMs: read(concurrency, '/concurrency', 'maxWaitMs', 'count') ?? CONCURRENCY_MAX_WAIT_MS };
  }
  return policy;
}

/** An operation's own policies, or undefined when it declares none. */
export function compileOperationResilience(declared: OperationResilience | undefined): OperationPolicy | undefined {
  if (declared === undefined) return undefined;
  if (!isObject(declared)) throw new ResilienceError('', `resilience must be a mapping, got ${JSON.stringify(declared)}`);
  const r = declared as Record<string, unknown>;
  const policy: OperationPolicy = {};
  if (r.idempotent !== undefined) {
    if (typeof r.idempotent !== 'boolean') throw new ResilienceError('/idempotent', `resilience.idempotent must be true or false, got ${JSON.stringify(r.idempotent)}`);
    policy.idempotent = r.idempotent;
  }
  const timeouts = compileTimeouts(r);
  if (timeouts) policy.timeouts = timeouts;
  return policy;
}
