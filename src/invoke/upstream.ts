// The upstream client: one undici Agent for the runtime (connections reused per origin), one place for timeouts,
// the response size cap, the redirect policy and for turning transport failures into CAP_UPSTREAM_* errors. The
// upstream policies (src/invoke/policies/) are composed here, per upstream: circuit breaker, rate limit and
// concurrency cap gate each call (UpstreamGuard, synchronous when nothing waits); retries re-send a failed request
// (policies/retry.ts); connect/headers/body timeouts are undici options and the whole-call deadline an abort signal.
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { CapError } from '../errors/cap-error.js';
import type { UpstreamRequest } from '../compile/request-template.js';
import type { Observation } from '../observe/observation.js';
import type { UpstreamObserver } from '../observe/observer.js';
import { bufferedCall, type BufferedResponse } from './buffered-call.js';
import { CallDeadline } from './call-deadline.js';
import { AuthState, sendAuthenticated, type TransportResponse } from './auth/authenticate.js';
import { FAILURE_STATUSES, UpstreamGuard, type Admission } from './policies/guard.js';
import { isIdempotent, requestWithRetries } from './policies/retry.js';
import { LocalStore, type PolicyStore } from './policies/store.js';
import type { BreakerPolicy, OperationPolicy, RetryPolicy, Timeouts, UpstreamPolicy } from './policies/types.js';

export type UpstreamResponse = TransportResponse;

export interface SendOptions {
  /** Cap on the response body for this upstream (the client's default otherwise). */
  maxResponseBytes?: number;
  /** The consumes adapter's `resilience` (compiled once per load); the client's defaults fill what it leaves out. */
  policy?: UpstreamPolicy;
  /** The consumed operation's own `resilience` (idempotent, timeouts). */
  operationPolicy?: OperationPolicy;
  /** The consumed operation's name, for metrics and traces. */
  operation?: string;
  /**
   * The inbound request this call serves, when the adapter hands it over (REST does); otherwise the observer looks
   * for it in the request's AsyncLocalStorage context.
   */
  observation?: Observation;
}

export interface UpstreamClient {
  send(namespace: string, origin: string, request: UpstreamRequest, options?: SendOptions): Promise<UpstreamResponse>;
  close(): Promise<void>;
  /** Aborts requests in flight and closes every connection (a shutdown whose drain timed out). */
  destroy?(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default cap on an upstream response body: far above any JSON API page, far below what hurts the process. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Same-origin redirects followed per call before giving up. */
export const MAX_REDIRECTS = 3;

export interface UpstreamClientOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
  dispatcher?: Dispatcher;
  /** Policies for upstreams that do not declare their own (`--retries`, `--circuit-breaker`). */
  defaults?: { retry?: RetryPolicy; circuitBreaker?: BreakerPolicy };
  /** Where rate-limit and breaker state lives: per process by default, Redis with `--redis`. */
  store?: PolicyStore;
  /** Metrics, traces and the request id sent upstream (src/observe/); nothing is observed without it. */
  observer?: UpstreamObserver;
}

export function createUpstreamClient(options: UpstreamClientOptions = {}): UpstreamClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const defaultCap = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const agentOptions = { keepAliveTimeout: 10_000, connections: 128, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  const dispatcher = options.dispatcher ?? new Agent(agentOptions);
  const store = options.store ?? new LocalStore();
  // A connect timeout is an option of the connection pool: upstreams that declare one get an Agent of their own.
  const agents = new Map<number, Dispatcher>();
  // Guards by namespace, then origin: two lookups of strings the compiled capability holds, no key built per call.
  const guards = new Map<string, Map<string, { declared: UpstreamPolicy | undefined; guard: UpstreamGuard | undefined }>>();
  const dispatcherFor = (connectMs: number | undefined): Dispatcher => {
    if (connectMs === undefined) return dispatcher;
    let agent = agents.get(connectMs);
    if (!agent) agents.set(connectMs, (agent = new Agent({ ...agentOptions, connect: { timeout: connectMs } })));
    return agent;
  };
  /** The gate of one upstream, built on first use and again when a reload brings another policy. */
  const guardFor = (namespace: string, origin: string, declared: UpstreamPolicy | undefined): UpstreamGuard | undefined => {
    let byOrigin = guards.get(namespace);
    if (!byOrigin) guards.set(namespace, (byOrigin = new Map()));
    const known = byOrigin.get(origin);
    if (known && known.declared === declared) return known.guard;
    const policy: UpstreamPolicy = { ...declared, retry: declared?.retry ?? options.defaults?.retry, circuitBreaker: declared?.circuitBreaker ?? options.defaults?.circuitBreaker };
    const active = policy.retry?.retries || policy.circuitBreaker || policy.rateLimit || policy.concurrency;
    const guard = active ? new UpstreamGuard(policy, `${namespace}@${origin}`, namespace, store) : undefined;
    byOrigin.set(origin, { declared, guard });
    return guard;
  };
  // OAuth 2 tokens and answered Digest challenges, shared by every call of this runtime.
  const auth = new AuthState();
  async function sendOnce(namespace: string, origin: string, request: UpstreamRequest, sendOptions: SendOptions = {}): Promise<UpstreamResponse> {
    const where = `upstream "${namespace}" (${origin})`;
    const cap = sendOptions.maxResponseBytes ?? defaultCap;
    const timeouts = timeoutsOf(sendOptions.policy?.timeouts, sendOptions.operationPolicy?.timeouts);
    const callMs = timeouts.callMs ?? timeoutMs;
    const deadline = Date.now() + callMs;
    // One deadline for the whole call: waiting for admission, queueing, redirects, retries and a slowly dripping body
    // included; its timer is cleared when the call ends (./call-deadline.ts). Started here with the whole budget, so
    // every call of one timeout shares one Node timer list (started after the admission with the time left, each
    // distinct millisecond value made a list of its own).
    const signal = new CallDeadline(callMs, () => new DOMException(`${where} did not answer within ${callMs} ms`, 'TimeoutError'));
    const guard = guardFor(namespace, origin, sendOptions.policy);
    // Synchronous unless a policy has to wait: no await (and no promise) on the happy path.
    let admission: Admission | Promise<Admission> | undefined;
    try {
      admission = guard?.admit(deadline);
      if (admission instanceof Promise) admission = await admission;
    } catch (err) {
      signal.clear();
      throw err;
    }
    const retry = guard?.policy.retry;
    const retries = !!guard?.budget && !!retry && isIdempotent(request.method, sendOptions.operationPolicy?.idempotent);
    const via = dispatcherFor(timeouts.connectMs);
    let current: UpstreamRequest = request;
    let answered = false;
    let failed = false;
    const watch = options.observer?.start({ namespace, operation: sendOptions.operation ?? 'call', method: request.method, origin }, sendOptions.observation);
    try {
      if (retries) guard!.budget!.recordCall();
      for (let hop = 0; ; hop++) {
        // Built without spreads: one plain object per request, the optional fields set only when declared.
        const requestOptions: Dispatcher.RequestOptions = {
          origin,
          path: current.path,
          method: current.method as Dispatcher.HttpMethod,
          headers: watch?.headers ? addObservedHeaders(current.headers, watch.headers) : current.headers,
          body: current.body,
          signal,
        };
        if (timeouts.headersMs !== undefined) requestOptions.headersTimeout = timeouts.headersMs;
        if (timeouts.bodyMs !== undefined) requestOptions.bodyTimeout = timeouts.bodyMs;
        if (!retries) {
          // The plain path: the answer read into memory by our own handler (./buffered-call.ts).
          const call = bufferedCall(via, requestOptions, { signal, cap, tooLarge: (seen, status) => tooLargeError(cap, where, namespace, status, seen), discard: isRedirect });
          let response: BufferedResponse;
          try {
            response = await call.done;
          } finally {
            answered = call.answered();
          }
          if (isRedirect(response.statusCode)) {
            current = followRedirect(current, response, { origin, where, namespace, hop });
            answered = false;
            continue;
          }
          failed = FAILURE_STATUSES.has(response.statusCode);
          watch?.answered(response.statusCode);
          return answerOf(response.statusCode, response.headers, response.body);
        }
        const response = await requestWithRetries(via, requestOptions, retry!, guard!, deadline);
        answered = true;
        if (isRedirect(response.statusCode)) {
          await response.body.dump().catch(() => {});
          current = followRedirect(current, response, { origin, where, namespace, hop });
          answered = false;
          continue;
        }
        failed = FAILURE_STATUSES.has(response.statusCode);
        const bytes = await readCapped(response, cap, where, namespace);
        watch?.answered(response.statusCode);
        return answerOf(response.statusCode, response.headers, bytes);
      }
    } catch (err) {
      const failure = err instanceof CapError ? err : toCapError(err, where, namespace, { ...timeouts, callMs }, answered);
      if (!(err instanceof CapError)) failed = true;
      watch?.failed(failure, answered);
      throw failure;
    } finally {
      signal.clear();
      if (admission) {
        const told = guard!.finish(admission, failed);
        if (told) await told;
      }
    }
  }
  return {
    // Digest and OAuth 2 client credentials wrap the plain send (src/invoke/auth/); other requests pass straight through.
    send: (namespace, origin, request, sendOptions) =>
      request.auth ? sendAuthenticated((o, r) => sendOnce(namespace, o, r, sendOptions), auth, namespace, origin, request) : sendOnce(namespace, origin, request, sendOptions),
    close: async () => {
      await Promise.all([dispatcher.close(), ...[...agents.values()].map((a) => a.close())]);
      await store.close();
    },
    destroy: async () => {
      await Promise.all([dispatcher.destroy(), ...[...agents.values()].map((a) => a.destroy())]);
      await store.close();
    },
  };
}

/**
 * The request's headers with the request id and trace context added, in a new object (the caller's is left as it
 * was). A request id the capability sets itself is kept; the trace context is always ours (a forwarded caller's
 * `traceparent` would skip this hop).
 */
function addObservedHeaders(headers: Readonly<Record<string, string>>, observed: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) if (name !== 'tracestate' || !observed.traceparent) out[name] = headers[name]!;
  for (const name in observed) if (out[name] === undefined || name === 'traceparent') out[name] = observed[name]!;
  return out;
}

const NO_TIMEOUTS: Timeouts = Object.freeze({});

/** The operation's timeouts over the upstream's; most calls declare none, and then no object is made. */
const timeoutsOf = (upstream: Timeouts | undefined, operation: Timeouts | undefined): Timeouts =>
  upstream === undefined && operation === undefined ? NO_TIMEOUTS : operation === undefined ? upstream! : upstream === undefined ? operation : { ...upstream, ...operation };

const answerOf = (status: number, headers: Record<string, string | string[] | undefined>, bytes: Buffer): UpstreamResponse => ({
  status,
  contentType: String(headers['content-type'] ?? ''),
  text: bytes.toString('utf8'),
  bytes,
  wwwAuthenticate: headers['www-authenticate'],
  headers,
});

const tooLargeError = (cap: number, where: string, namespace: string, status: number, seen: string): CapError =>
  new CapError('CAP_UPSTREAM_TOO_LARGE', `${where} sent a response body larger than ${cap} bytes (${seen})`, { upstream: namespace, upstreamStatus: status });

/** Reads the body (retried calls, whose answers come from undici's `request()`), aborting as soon as it exceeds `cap` bytes. */
async function readCapped(response: Dispatcher.ResponseData, cap: number, where: string, namespace: string): Promise<Buffer> {
  const tooLarge = (seen: string) => tooLargeError(cap, where, namespace, response.statusCode, seen);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) {
    response.body.destroy();
    throw tooLarge(`content-length ${declared}`);
  }
  // A declared length within the cap bounds what can arrive (undici stops at it), so the body is read in one go.
  if (Number.isFinite(declared)) return Buffer.from(await response.body.arrayBuffer());
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > cap) {
      response.body.destroy();
      throw tooLarge('stopped reading');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

// 304 Not Modified is an answer, not a redirect.
const isRedirect = (status: number): boolean => status >= 300 && status < 400 && status !== 304;

/**
 * Redirect policy: only same-origin redirects are followed (so credentials never travel to another host), at most
 * MAX_REDIRECTS of them. 307/308 repeat the method and body; 303 becomes a GET without body; 301/302 are followed
 * for GET and HEAD only, since rewriting a POST into a GET would silently change what the call does.
 */
function followRedirect(
  request: UpstreamRequest,
  response: { statusCode: number; headers: Record<string, string | string[] | undefined> },
  at: { origin: string; where: string; namespace: string; hop: number },
): UpstreamRequest {
  const status = response.statusCode;
  const location = response.headers.location;
  const refuse = (why: string, shown?: string) =>
    new CapError('CAP_UPSTREAM_REDIRECT', `${at.where} answered ${status} redirecting to ${shown ?? 'nowhere (no Location header)'}: ${why}`, {
      upstream: at.namespace,
      upstreamStatus: status,
    });
  if (typeof location !== 'string' || location === '') throw refuse('not followed');
  let target: URL;
  try {
    target = new URL(location, at.origin + request.path);
  } catch {
    throw refuse('not a valid URL', JSON.stringify(location));
  }
  const shown = target.href;
  if (target.origin !== at.origin) throw refuse(`another origin is never followed (credentials stay with ${at.origin})`, shown);
  if (at.hop + 1 > MAX_REDIRECTS) throw refuse(`more than ${MAX_REDIRECTS} redirects`, shown);
  const path = target.pathname + target.search;
  if (status === 307 || status === 308) return { ...request, path };
  const safe = request.method === 'GET' || request.method === 'HEAD';
  if (status === 303 || safe) {
    const headers = { ...request.headers };
    delete headers['content-type'];
    return { method: safe ? request.method : 'GET', path, headers };
  }
  throw refuse(`a ${request.method} is not repeated on a ${status} (only 303, 307 and 308 redirect a ${request.method})`, shown);
}

function toCapError(err: unknown, where: string, namespace: string, timeouts: Timeouts & { callMs: number }, answered: boolean): CapError {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  // A timeout the adapter declares is named; undici's own defaults equal the whole-call deadline.
  const declared =
    err instanceof undiciErrors.ConnectTimeoutError && timeouts.connectMs !== undefined
      ? `could not connect within ${timeouts.connectMs} ms`
      : err instanceof undiciErrors.HeadersTimeoutError && timeouts.headersMs !== undefined
        ? `sent no response headers within ${timeouts.headersMs} ms`
        : err instanceof undiciErrors.BodyTimeoutError && timeouts.bodyMs !== undefined
          ? `paused its response body for more than ${timeouts.bodyMs} ms`
          : undefined;
  const timedOut =
    e.name === 'TimeoutError' ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError;
  if (timedOut) return new CapError('CAP_UPSTREAM_TIMEOUT', `${where} ${declared ?? `did not answer within ${timeouts.callMs} ms`}`, { upstream: namespace }, err);
  const code = e.code ?? e.cause?.code ?? e.name ?? 'error';
  const what = answered ? 'broke off its response' : 'is unreachable';
  return new CapError('CAP_UPSTREAM_UNREACHABLE', `${where} ${what} (${code})`, { upstream: namespace }, err);
}
