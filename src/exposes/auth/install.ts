// Inbound authentication for every adapter: one Fastify onRequest hook built once from the compiled
// `authentication` (bearer, apikey, basic, oauth2), plus the RFC 9728 metadata routes for oauth2. A passed check
// removes the caller's credential from the request, so no adapter can forward it upstream or take it as an input.
// Failures are logged with adapter, method, path, reason and remote address: never the presented value.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Credential, InboundAuth } from '../../compile/inbound-auth.js';
import type { Logger } from '../../observe/log.js';
import { matcher } from './compare.js';
import { protectedResourceMetadata } from './oauth2-metadata.js';

export interface AuthFailure {
  status: 401 | 403 | 503;
  code: 'CAP_AUTH_UNAUTHORIZED' | 'CAP_AUTH_FORBIDDEN' | 'CAP_AUTH_UNAVAILABLE';
  /** Shown to the caller: says what to send, never what was expected or presented. */
  message: string;
}

export interface InboundAuthOptions {
  /** The adapter's namespace: log field and realm. */
  adapter: string;
  logger: Logger;
  /** Paths the adapter serves besides `/`, for per-path Protected Resource Metadata (MCP: `/mcp`). */
  resourcePaths?: readonly string[];
  /** GET/HEAD paths answered without a credential besides the oauth2 metadata: the runtime's health probes. */
  publicPaths?: readonly string[];
  /** Sends the adapter's own error body; `WWW-Authenticate` is already set. */
  refuse(reply: FastifyReply, failure: AuthFailure): unknown;
}

interface Outcome {
  ok: boolean;
  /** Why it failed, for the log. */
  reason?: string;
  failure?: AuthFailure;
  challenge?: string;
}

type Check = (request: FastifyRequest) => Outcome | Promise<Outcome>;

const PRM_PATH = '/.well-known/oauth-protected-resource';

/** Adds the hook (and, for oauth2, the metadata routes) to an adapter's Fastify app; no-op without authentication. */
export function installInboundAuth(app: FastifyInstance, auth: InboundAuth | undefined, options: InboundAuthOptions): void {
  if (!auth) return;
  const { check, strip, metadata } = buildCheck(auth, options);
  const { adapter, logger, refuse } = options;
  // RFC 9728: the Protected Resource Metadata document is public, at the root and under each resource path.
  const metadataPaths = metadata ? metadata.paths : [];
  const publicPaths = new Set([...metadataPaths, ...(options.publicPaths ?? [])]);
  for (const path of metadataPaths) app.get(path, async (_request, reply) => reply.type('application/json').send(metadata!.document));

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if ((request.method === 'GET' || request.method === 'HEAD') && publicPaths.has(path)) return;
    const outcome = await check(request);
    if (outcome.ok) {
      strip(request);
      return;
    }
    logger.warn({ adapter, method: request.method, path, reason: outcome.reason, remoteAddress: request.ip }, 'inbound authentication failed');
    if (outcome.challenge) reply.header('www-authenticate', outcome.challenge);
    await refuse(reply, outcome.failure!);
    return reply;
  });
}

interface BuiltCheck {
  check: Check;
  /** Removes the caller's credential from a request that passed. */
  strip: (request: FastifyRequest) => void;
  metadata?: { paths: string[]; document: Record<string, unknown> };
}

function buildCheck(auth: InboundAuth, options: InboundAuthOptions): BuiltCheck {
  const realm = `realm="${options.adapter.replace(/["\\]/g, '')}"`;
  const dropAuthorization = (request: FastifyRequest) => {
    delete request.headers.authorization;
    delete request.raw.headers.authorization;
  };
  switch (auth.type) {
    case 'bearer': {
      const unset = unsetOf(auth.token);
      const matches = matcher(valueOf(auth.token));
      const hint = 'send `Authorization: Bearer <token>`';
      return {
        strip: dropAuthorization,
        check: (request) => {
          if (unset) return unavailable(unset);
          const header = request.headers.authorization;
          const token = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
          if (matches(token)) return { ok: true };
          const presented = header !== undefined;
          return unauthorized(presented ? (token ? 'wrong bearer token' : 'malformed Authorization header') : 'no bearer token', hint, `Bearer ${realm}${presented ? ', error="invalid_token"' : ''}`);
        },
      };
    }
    case 'apikey': {
      const unset = unsetOf(auth.value);
      const matches = matcher(valueOf(auth.value));
      const inQuery = auth.placement === 'query';
      const hint = inQuery ? `send the API key in the \`${auth.key}\` query parameter` : `send the API key in the \`${auth.key}\` header`;
      // No registered scheme for API keys; RFC 9110 still wants a challenge on every 401, so it names where the key goes.
      const challenge = `APIKey ${realm}, name="${auth.key.replace(/["\\]/g, '')}", in="${auth.placement}"`;
      const read = (request: FastifyRequest): string | undefined => {
        const raw = inQuery ? (request.query as Record<string, unknown> | undefined)?.[auth.key] : request.headers[auth.key];
        return typeof raw === 'string' ? raw : undefined; // a repeated key is refused rather than guessed
      };
      return {
        strip: (request) => {
          if (inQuery) delete (request.query as Record<string, unknown>)[auth.key];
          else {
            delete request.headers[auth.key];
            delete request.raw.headers[auth.key];
          }
        },
        check: (request) => {
          if (unset) return unavailable(unset);
          const presented = read(request);
          if (matches(presented)) return { ok: true };
          return unauthorized(presented === undefined ? 'no API key' : 'wrong API key', hint, challenge);
        },
      };
    }
    case 'basic': {
      const unset = unsetOf(auth.username) ?? unsetOf(auth.password);
      const userMatches = matcher(valueOf(auth.username));
      const passwordMatches = matcher(valueOf(auth.password));
      const challenge = `Basic ${realm}, charset="UTF-8"`;
      return {
        strip: dropAuthorization,
        check: (request) => {
          if (unset) return unavailable(unset);
          const encoded = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(request.headers.authorization ?? '')?.[1];
          const decoded = encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
          const colon = decoded?.indexOf(':') ?? -1;
          const user = colon >= 0 ? decoded!.slice(0, colon) : undefined;
          const password = colon >= 0 ? decoded!.slice(colon + 1) : undefined;
          // Both are compared every time, so the time taken does not tell a right user name from a wrong one.
          const userOk = userMatches(user);
          const passwordOk = passwordMatches(password);
          if (userOk && passwordOk) return { ok: true };
          return unauthorized(encoded === undefined ? 'no basic credentials' : 'wrong user name or password', 'send `Authorization: Basic <base64 of user:password>`', challenge);
        },
      };
    }
    case 'oauth2': {
      // The token checker (jose, the MCP SDK's bearer helpers) loads now but is awaited on the first request: an
      // adapter without oauth2 never loads it.
      const checker = import('./oauth2.js').then((m) => ({ jwt: m.createJwtCheck(auth, options.adapter), OAuthError: m.OAuthError, AuthUnavailableError: m.AuthUnavailableError }));
      checker.catch(() => undefined); // a failure surfaces on the request that awaits it, not as an unhandled rejection
      const resourcePath = new URL(auth.resource).pathname.replace(/\/$/, '');
      const paths = [...new Set([PRM_PATH, ...[resourcePath, ...(options.resourcePaths ?? [])].filter((p) => p && p !== '/').map((p) => `${PRM_PATH}${p}`)])];
      return {
        metadata: { paths, document: protectedResourceMetadata(auth, options.adapter) },
        strip: dropAuthorization,
        check: async (request) => {
          const { jwt, OAuthError, AuthUnavailableError } = await checker;
          const header = request.headers.authorization;
          if (header === undefined) return unauthorized('no bearer token', 'send `Authorization: Bearer <access token>`', jwt.missingChallenge);
          try {
            await jwt.verify(header);
            return { ok: true };
          } catch (err) {
            if (err instanceof OAuthError) {
              const { status, header: challenge } = jwt.challenge(err);
              if (status === 403) return { ok: false, reason: err.message, challenge, failure: { status: 403, code: 'CAP_AUTH_FORBIDDEN', message: `insufficient_scope: the token lacks a required scope` } };
              return { ok: false, reason: err.message, challenge, failure: { status: 401, code: 'CAP_AUTH_UNAUTHORIZED', message: `invalid_token: ${err.message}` } };
            }
            const reason = err instanceof AuthUnavailableError ? err.message : `token check failed: ${(err as Error).message}`;
            return { ok: false, reason, failure: { status: 503, code: 'CAP_AUTH_UNAVAILABLE', message: 'the authorization server cannot be reached to check the token; try again later' } };
          }
        },
      };
    }
  }
}

const valueOf = (c: Credential): string => ('value' in c ? c.value : '');
const unsetOf = (c: Credential): string | undefined => ('unset' in c ? c.unset : undefined);

function unauthorized(reason: string, hint: string, challenge?: string): Outcome {
  return { ok: false, reason, challenge, failure: { status: 401, code: 'CAP_AUTH_UNAUTHORIZED', message: `missing or invalid credentials: ${hint}` } };
}

/** A bound credential without a value: every request is refused (an empty expected value must never let one in). */
function unavailable(variable: string): Outcome {
  return {
    ok: false,
    reason: `${variable} is not set, so no credential can be checked`,
    failure: { status: 503, code: 'CAP_AUTH_UNAVAILABLE', message: 'authentication of this endpoint is not configured on the server; every request is refused' },
  };
}
