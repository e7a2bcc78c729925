// The upstream policies as compiled from a consumes adapter's `resilience:` block (src/compile/resilience.ts) and
// as used by the upstream client. Plain data, built once per load; the state they drive lives in a PolicyStore.

export interface Timeouts {
  /** Establishing the TCP/TLS connection. */
  connectMs?: number;
  /** From sending the request until the response headers arrive. */
  headersMs?: number;
  /** Longest pause between two chunks of the response body. */
  bodyMs?: number;
  /** The whole call: redirects, retries, their back-off and queueing included. */
  callMs?: number;
}

export interface RetryPolicy {
  /** Retries after the first attempt (0 = none). */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the answer goes back to the caller instead. */
  maxRetryAfterMs: number;
  /** Retries may add at most this share of the calls to the upstream (over a sliding window), so they never multiply load. */
  budgetPercent: number;
}

export interface BreakerPolicy {
  /** Failures (unreachable, timeout, 500/502/503/504) within `windowMs` that open the circuit. */
  failures: number;
  windowMs: number;
  /** How long the circuit stays open before one probe call may test the upstream (half-open). */
  coolDownMs: number;
}

export interface RateLimitPolicy {
  requestsPerSecond: number;
  burst: number;
  /** How long a call may queue for a token before the caller gets 429 with Retry-After. */
  maxWaitMs: number;
}

export interface ConcurrencyPolicy {
  /** Calls in flight to this upstream at once (per process). */
  max: number;
  /** How long a call may queue for a slot before the caller gets 503 with Retry-After. */
  maxWaitMs: number;
}

export interface UpstreamPolicy {
  timeouts?: Timeouts;
  retry?: RetryPolicy;
  circuitBreaker?: BreakerPolicy;
  rateLimit?: RateLimitPolicy;
  concurrency?: ConcurrencyPolicy;
}

/** What one consumed operation may add: retry it although its method is not idempotent, or other timeouts. */
export interface OperationPolicy {
  idempotent?: boolean;
  timeouts?: Timeouts;
}

export const RETRY_DEFAULTS: RetryPolicy = { retries: 2, minDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 10_000, budgetPercent: 20 };
export const BREAKER_DEFAULTS: BreakerPolicy = { failures: 5, windowMs: 10_000, coolDownMs: 10_000 };
export const RATE_LIMIT_MAX_WAIT_MS = 1_000;
export const CONCURRENCY_MAX_WAIT_MS = 1_000;

/** Policies for upstreams that declare none, from the command line: `--retries <n>` and `--circuit-breaker <failures>`. */
export function policyDefaults(options: { retries?: number; circuitBreakerFailures?: number }): { retry?: RetryPolicy; circuitBreaker?: BreakerPolicy } {
  return {
    retry: options.retries ? { ...RETRY_DEFAULTS, retries: options.retries } : undefined,
    circuitBreaker: options.circuitBreakerFailures ? { ...BREAKER_DEFAULTS, failures: options.circuitBreakerFailures } : undefined,
  };
}
