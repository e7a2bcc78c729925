// The upstream client: one undici Agent for the runtime (connections reused per origin), one place for timeouts,
// the response size cap, the redirect policy and for turning transport failures into CAP_UPSTREAM_* errors.
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { CapError } from '../errors/cap-error.js';
import type { UpstreamRequest } from '../compile/request-template.js';
import { AuthState, sendAuthenticated, type TransportResponse } from './auth/authenticate.js';

export type UpstreamResponse = TransportResponse;

export interface SendOptions {
  /** Cap on the response body for this upstream (the client's default otherwise). */
  maxResponseBytes?: number;
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
}

export function createUpstreamClient(options: UpstreamClientOptions = {}): UpstreamClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const defaultCap = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 128, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  // OAuth 2 tokens and answered Digest challenges, shared by every call of this runtime.
  const auth = new AuthState();
  async function sendOnce(namespace: string, origin: string, request: UpstreamRequest, sendOptions: SendOptions = {}): Promise<UpstreamResponse> {
    const where = `upstream "${namespace}" (${origin})`;
    const cap = sendOptions.maxResponseBytes ?? defaultCap;
    // One deadline for the whole call, redirects and a slowly dripping body included. A timer cleared when the call
    // ends (AbortSignal.timeout would keep a timer and a signal alive for the whole timeout after every call).
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException(`${where} did not answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    timer.unref();
    const signal = controller.signal;
    let current: UpstreamRequest = request;
    let answered = false;
    try {
      for (let hop = 0; ; hop++) {
        const response = await dispatcher.request({
          origin,
          path: current.path,
          method: current.method as Dispatcher.HttpMethod,
          headers: current.headers,
          body: current.body,
          signal,
        });
        if (isRedirect(response.statusCode)) {
          await response.body.dump().catch(() => {});
          current = followRedirect(current, response, { origin, where, namespace, hop });
          continue;
        }
        answered = true;
        const bytes = await readCapped(response, cap, where, namespace);
        const contentType = String(response.headers['content-type'] ?? '');
        return { status: response.statusCode, contentType, text: bytes.toString('utf8'), bytes, wwwAuthenticate: response.headers['www-authenticate'], headers: response.headers };
      }
    } catch (err) {
      if (err instanceof CapError) throw err;
      throw toCapError(err, where, namespace, timeoutMs, answered);
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    // Digest and OAuth 2 client credentials wrap the plain send (src/invoke/auth/); other requests pass straight through.
    send: (namespace, origin, request, sendOptions) => sendAuthenticated((o, r) => sendOnce(namespace, o, r, sendOptions), auth, namespace, origin, request),
    close: () => dispatcher.close(),
    destroy: () => dispatcher.destroy(),
  };
}

/** Reads the body, aborting as soon as it exceeds `cap` bytes: never more than the cap is held. */
async function readCapped(response: Dispatcher.ResponseData, cap: number, where: string, namespace: string): Promise<Buffer> {
  const tooLarge = (seen: string) =>
    new CapError('CAP_UPSTREAM_TOO_LARGE', `${where} sent a response body larger than ${cap} bytes (${seen})`, { upstream: namespace, upstreamStatus: response.statusCode });
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
  response: Dispatcher.ResponseData,
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

function toCapError(err: unknown, where: string, namespace: string, timeoutMs: number, answered: boolean): CapError {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  const timedOut =
    e.name === 'TimeoutError' ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError;
  if (timedOut) return new CapError('CAP_UPSTREAM_TIMEOUT', `${where} did not answer within ${timeoutMs} ms`, { upstream: namespace }, err);
  const code = e.code ?? e.cause?.code ?? e.name ?? 'error';
  const what = answered ? 'broke off its response' : 'is unreachable';
  return new CapError('CAP_UPSTREAM_UNREACHABLE', `${where} ${what} (${code})`, { upstream: namespace }, err);
}
