// Retries of one upstream request, with our decision per attempt: only idempotent calls; only on connection errors
// (before any response arrived), 429, 502, 503 and 504; honouring Retry-After up to a cap; exponential back-off with
// jitter otherwise; never past the call's deadline; within the retry budget; and each retry takes a rate-limit token
// like any call. When it declines, the last answer or error goes to the caller.
//
// Why a loop here and not undici's retry interceptor (which this used before): the interceptor wraps every request's
// handler three times (WrapHandler, RetryHandler and its controller, UnwrapHandler) and copies the request options
// twice per attempt, which measured as most of the policies' cost on the happy path, while every decision was already
// ours and we never resume a partial body. This loop costs one status check when the first answer is good.
import type { Dispatcher } from 'undici';
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

/** What a retry draws on: the upstream's retry budget and its rate limit (the UpstreamGuard). */
export interface RetryGate {
  readonly budget?: RetryBudget;
  /** Takes a rate-limit token for the retry (rejects when none frees before `deadline`). */
  takeToken(deadline: number): Promise<void>;
}

/** One call's retrying: its policy, its upstream's gate, and the epoch ms after which no retry starts. */
interface RetryContext {
  policy: RetryPolicy;
  gate: RetryGate;
  deadline: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends the request and sends it again while the answer is a retryable failure the policy lets us retry. Resolves
 * with the first answer that is kept (its body unread); rejects with the last error.
 */
export async function requestWithRetries(
  dispatcher: Dispatcher,
  options: Dispatcher.RequestOptions,
  policy: RetryPolicy,
  gate: RetryGate,
  deadline: number,
): Promise<Dispatcher.ResponseData> {
  const ctx: RetryContext = { policy, gate, deadline };
  for (let failures = 1; ; failures++) {
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request(options);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!(await mayRetry(ctx, failures, CONNECTION_ERRORS.has(code), undefined))) throw err;
      continue;
    }
    if (!RETRY_STATUSES.has(response.statusCode)) return response;
    // The failed answer stays unread while we wait, so a declined retry can still pass it on.
    if (!(await mayRetry(ctx, failures, true, response.headers['retry-after']))) return response;
    await response.body.dump().catch(() => undefined);
  }
}

/** Whether to send again after the `failures`-th failed attempt; waits the delay and takes a token when it does. */
async function mayRetry(ctx: RetryContext, failures: number, retryable: boolean, retryAfter: string | string[] | undefined): Promise<boolean> {
  const delay = retryable ? retryDelay(ctx, failures, retryAfter) : undefined;
  if (delay === undefined) return false;
  await sleep(delay);
  return ctx.gate.takeToken(ctx.deadline).then(
    () => true,
    () => false,
  );
}

/** The delay before the next attempt, or undefined when the policy declines it. */
function retryDelay(ctx: RetryContext, failures: number, retryAfter: string | string[] | undefined): number | undefined {
  if (failures > ctx.policy.retries) return undefined;
  const after = retryAfterMs(retryAfter);
  if (after !== undefined && after > ctx.policy.maxRetryAfterMs) return undefined;
  const delay = after ?? backoff(ctx.policy, failures);
  if (Date.now() + delay >= ctx.deadline) return undefined;
  if (!ctx.gate.budget?.tryRetry()) return undefined;
  return delay;
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
