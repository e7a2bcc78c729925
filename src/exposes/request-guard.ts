// DNS-rebinding and cross-site protection shared by every adapter, checked before anything else runs:
// - Host must name this machine (when listening on loopback) or a host allowed with --allow-host;
// - a browser Origin must be one of those hosts;
// - a state-changing request must not be a browser "simple" cross-site request: `Sec-Fetch-Site: cross-site`,
//   or a text/plain, form or multipart body, which browsers send to any site without a CORS preflight.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { checkHostHeader, checkOriginHeader } from './host-origin.js';

export interface Refusal {
  status: 403 | 415;
  code: 'CAP_REQUEST_FORBIDDEN' | 'CAP_INPUT_MEDIA_TYPE';
  message: string;
}

export interface RequestGuardOptions {
  /** The interface the adapter listens on. */
  host: string;
  /** Extra host names accepted in Host and Origin (`--allow-host`). */
  allowedHosts?: readonly string[];
}

const OK = { ok: true } as const;
const LOCAL_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SIMPLE_BODY = /^\s*(text\/plain|application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

export function createRequestGuard(options: RequestGuardOptions, refuse: (reply: FastifyReply, refusal: Refusal) => unknown): onRequestHookHandler {
  const allowed = [...new Set([...LOCAL_HOSTNAMES, ...(isWildcard(options.host) ? [] : [bracketed(options.host)]), ...(options.allowedHosts ?? []).map(bracketed)])];
  // On a wildcard address the names callers use are unknown, so Host is only checked once the operator lists them.
  const checkHost = !isWildcard(options.host) || (options.allowedHosts?.length ?? 0) > 0;
  // Callers send a handful of distinct Host values: each is parsed and judged once (bounded, since callers choose them).
  const hosts = new Map<string, string | null>();
  const hostRefusal = (header: string | undefined): string | null => {
    const known = header === undefined ? undefined : hosts.get(header);
    if (known !== undefined) return known;
    const host = checkHostHeader(header, allowed);
    const verdict = host.ok ? null : host.message;
    if (header !== undefined && hosts.size < MAX_REMEMBERED_HOSTS) hosts.set(header, verdict);
    return verdict;
  };
  // A callback hook (no promise per request); a refusal is sent and the request goes no further.
  return (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const refusal = check(request, allowed, checkHost ? hostRefusal : undefined);
    if (refusal) {
      void refuse(reply, refusal);
      return;
    }
    done();
  };
}

const MAX_REMEMBERED_HOSTS = 64;

function check(request: FastifyRequest, allowed: string[], hostRefusal: ((header: string | undefined) => string | null) | undefined): Refusal | undefined {
  const hint = 'start the server with --allow-host <name> to accept another host name';
  if (hostRefusal) {
    const refused = hostRefusal(request.headers.host);
    if (refused !== null) return { status: 403, code: 'CAP_REQUEST_FORBIDDEN', message: `${refused}; ${hint}` };
  }
  const origin = request.headers.origin === undefined ? OK : checkOriginHeader(request.headers.origin, allowed);
  if (!origin.ok) return { status: 403, code: 'CAP_REQUEST_FORBIDDEN', message: `${origin.message}; ${hint}` };
  if (SAFE_METHODS.has(request.method)) return undefined;
  if (request.headers['sec-fetch-site'] === 'cross-site') {
    return { status: 403, code: 'CAP_REQUEST_FORBIDDEN', message: `cross-site ${request.method} requests are refused` };
  }
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && SIMPLE_BODY.test(contentType)) {
    return { status: 415, code: 'CAP_INPUT_MEDIA_TYPE', message: `content-type ${contentType.split(';')[0]} is not accepted; send application/json` };
  }
  return undefined;
}

const isWildcard = (host: string): boolean => host === '0.0.0.0' || host === '::';
const bracketed = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
