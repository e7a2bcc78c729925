// The upstream client: one undici Agent for the runtime (connections reused per origin), one place for timeouts
// and for turning transport failures into CAP_UPSTREAM_* errors.
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { CapError } from '../errors/cap-error.js';
import type { UpstreamRequest } from '../compile/request-template.js';
import { AuthState, sendAuthenticated, type TransportResponse } from './auth/authenticate.js';

export type UpstreamResponse = TransportResponse;

export interface UpstreamClient {
  send(namespace: string, origin: string, request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function createUpstreamClient(options: { timeoutMs?: number; dispatcher?: Dispatcher } = {}): UpstreamClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 128, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  // OAuth 2 tokens and answered Digest challenges, shared by every call of this runtime.
  const auth = new AuthState();
  async function sendOnce(namespace: string, origin: string, request: UpstreamRequest): Promise<UpstreamResponse> {
    const where = `upstream "${namespace}" (${origin})`;
    try {
      const response = await dispatcher.request({
        origin,
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.body.text();
      const contentType = String(response.headers['content-type'] ?? '');
      return { status: response.statusCode, contentType, text, wwwAuthenticate: response.headers['www-authenticate'] };
    } catch (err) {
      throw toCapError(err, where, namespace, timeoutMs);
    }
  }
  return {
    send: (namespace, origin, request) => sendAuthenticated((o, r) => sendOnce(namespace, o, r), auth, namespace, origin, request),
    close: () => dispatcher.close(),
  };
}

function toCapError(err: unknown, where: string, namespace: string, timeoutMs: number): CapError {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  const timedOut =
    e.name === 'TimeoutError' ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError;
  if (timedOut) return new CapError('CAP_UPSTREAM_TIMEOUT', `${where} did not answer within ${timeoutMs} ms`, { upstream: namespace }, err);
  const code = e.code ?? e.cause?.code ?? e.name ?? 'error';
  return new CapError('CAP_UPSTREAM_UNREACHABLE', `${where} is unreachable (${code})`, { upstream: namespace }, err);
}
