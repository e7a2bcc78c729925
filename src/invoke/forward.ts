// Runs a `forward` (naftiko-semantics §4.7): the caller's method, remaining path, query and body go to the consumed
// adapter's base URI with only the trusted headers; the adapter's own headers and credentials are applied last so
// a caller cannot replace them. The upstream answer comes back as it is.
import type { CompiledForward } from '../compile/forward.js';
import { CapError } from '../errors/cap-error.js';
import type { Observation } from '../observe/observation.js';
import type { UpstreamClient, UpstreamResponse } from './upstream.js';

export interface ForwardedRequest {
  method: string;
  /** What the `path` route variable matched, decoded (the rest of the path, without a leading slash). */
  path: string;
  /** The raw query string, without `?` (empty when none). */
  query: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body?: string;
}

export async function forwardRequest(forward: CompiledForward, request: ForwardedRequest, upstream: UpstreamClient, observation?: Observation): Promise<UpstreamResponse> {
  const base = forward.base();
  const [basePath = '', baseQuery = ''] = base.path.split('?');
  const headers: Record<string, string> = {};
  for (const name of forward.trustedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  for (const [name, value] of Object.entries(base.headers)) {
    if (name === 'accept' && headers.accept !== undefined) continue; // the default Accept yields to a trusted one
    headers[name] = value;
  }
  const contentType = request.headers['content-type'];
  if (request.body !== undefined && typeof contentType === 'string') headers['content-type'] = contentType;
  const query = [request.query, baseQuery].filter(Boolean).join('&');
  const path = `${basePath}/${encodePath(request.path)}${query ? `?${query}` : ''}`;
  return upstream.send(forward.namespace, forward.origin, { method: request.method, path, headers, body: request.body }, { maxResponseBytes: forward.maxResponseBytes, policy: forward.policy, operation: 'forward', observation });
}

/**
 * Re-encodes the decoded rest of the path segment by segment, so a `%3F` or `%23` stays data, and refuses `.` and `..`
 * segments, which would reach paths above the adapter's base URI with its credentials.
 */
function encodePath(path: string): string {
  const segments = path.replace(/^\/+/, '').split('/');
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new CapError('CAP_INPUT_INVALID', 'the forwarded path may not contain "." or ".." segments', { errors: [{ field: 'path', in: 'path', message: 'must not contain "." or ".." segments' }] });
  }
  return segments.map(encodeURIComponent).join('/');
}
