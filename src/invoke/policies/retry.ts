// Retries through undici's retry interceptor (interceptors.retry), with our decision per attempt: only idempotent
// calls; only on connection errors (before any response arrived), 429, 502, 503 and 504; honouring Retry-After up to
// a cap; exponential back-off with jitter otherwise; never past the call's deadline; within the retry budget; and
// each retry takes a rate-limit token like any call. When it declines, the last answer or error goes to the caller.
import { interceptors, type Dispatcher } from 'undici';
import type { RetryBudget } from './retry-budget.js';
import type { RetryPolicy } from './types.js';

export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
/** Errors that mean the request never reached the upstream's application, so sending it again is safe. */
const CONNECTION_ERRORS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export const isIdempotent = (method: string, declared: boolean | undefined): boolean => declared ?? IDEMPOTENT_METHODS.has(method);

/** A dispatcher whose requests retry when their `retryOptions` carry a `retry` decision (retryDecision below). */
export const withRetries = (dispatcher: Dispatcher): Dispatcher => dispatcher.compose(interceptors.retry({ throwOnError: false, maxRetries: 0 }));

export interface RetryContext {
  policy: RetryPolicy;
  budget: RetryBudget;
  /** Epoch ms after which no retry starts. */
  deadline: number;
  /** True once response headers reached the caller: a body broken after that is not sent again. */
  answered(): boolean;
  /** Takes a rate-limit token for the retry (throws when none frees in time). */
  beforeRetry(deadline: number): Promise<void>;
}

type RetryCallback = (err: Error | null) => void;
interface RetryError extends Error {
  statusCode?: number;
  code?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/** undici's `retryOptions.retry` for one call. */
export function retryDecision(ctx: RetryContext) {
  return (err: RetryError, { state }: { state: { counter: number } }, callback: RetryCallback): void => {
    const status = err.statusCode;
    const retryable = status !== undefined ? RETRY_STATUSES.has(status) : !ctx.answered() && CONNECTION_ERRORS.has(err.code ?? '');
    if (!retryable || state.counter > ctx.policy.retries) return callback(err);
    const after = retryAfterMs(err.headers?.['retry-after']);
    if (after !== undefined && after > ctx.policy.maxRetryAfterMs) return callback(err);
    const delay = after ?? backoff(ctx.policy, state.counter);
    if (Date.now() + delay >= ctx.deadline) return callback(err);
    if (!ctx.budget.tryRetry()) return callback(err);
    setTimeout(() => {
      ctx.beforeRetry(ctx.deadline).then(
        () => callback(null),
        () => callback(err),
      );
    }, delay);
  };
}

/** Exponential back-off with "equal jitter": half the step fixed, half random, so replicas do not retry in step. */
function backoff(policy: RetryPolicy, attempt: number): number {
  const step = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
