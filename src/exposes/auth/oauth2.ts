// OAuth 2.1 resource server: JWT access tokens checked with jose against the authorization server's JWKS (found
// through RFC 8414 / OpenID discovery, or given with the `jwksUri` extension). The MCP SDK's bearer helpers do the
// header parsing, scope and expiry rules and build the `WWW-Authenticate` challenges.
import { OAuthError, OAuthErrorCode, bearerAuthChallengeResponse, getOAuthProtectedResourceMetadataUrl, verifyBearerToken, type AuthInfo } from '@modelcontextprotocol/server';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { InboundAuth } from '../../compile/inbound-auth.js';
import { protectedResourceMetadata } from './oauth2-metadata.js';

export { OAuthError };

type OAuth2 = Extract<InboundAuth, { type: 'oauth2' }>;

/** The authorization server or its keys could not be reached: the server is at fault, not the caller (503). */
export class AuthUnavailableError extends Error {}

export interface JwtCheck {
  /** Where the Protected Resource Metadata document of this resource is published (RFC 9728). */
  readonly resourceMetadataUrl: string;
  /** The RFC 9728 document. */
  readonly metadata: Record<string, unknown>;
  /** Resolves with the verified token, or throws an OAuthError (401/403) or AuthUnavailableError (503). */
  verify(authorization: string): Promise<AuthInfo>;
  /** Status and `WWW-Authenticate` value for an OAuthError thrown by verify. */
  challenge(error: OAuthError): { status: number; header: string | undefined };
  /** The challenge when no token was presented: no `error` attribute (RFC 6750 §3.1). */
  readonly missingChallenge: string;
}

const DISCOVERY_TIMEOUT_MS = 5_000;

export function createJwtCheck(auth: OAuth2, adapterName: string): JwtCheck {
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(new URL(auth.resource));
  const issuers = [...new Set([auth.issuer, auth.issuer.endsWith('/') ? auth.issuer.slice(0, -1) : `${auth.issuer}/`])];
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = () => {
    // Discovered on first use (the authorization server may start after us); a failed discovery is retried next time.
    keys ??= (auth.jwksUri ? Promise.resolve(auth.jwksUri) : discoverJwksUri(auth.issuer)).then((uri) => createRemoteJWKSet(new URL(uri), { timeoutDuration: DISCOVERY_TIMEOUT_MS }));
    keys.catch(() => (keys = undefined));
    return keys;
  };

  const verifier = {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, await keySet(), { issuer: issuers, audience: auth.audience }));
      } catch (err) {
        throw asTokenError(err);
      }
      return {
        token,
        clientId: String(payload.client_id ?? payload.azp ?? payload.sub ?? ''),
        scopes: scopesOf(payload),
        expiresAt: payload.exp,
        extra: { subject: payload.sub },
      };
    },
  };

  const scope = auth.scopes.length > 0 ? `, scope="${auth.scopes.join(' ')}"` : '';
  return {
    resourceMetadataUrl,
    metadata: protectedResourceMetadata(auth, adapterName),
    missingChallenge: `Bearer resource_metadata="${resourceMetadataUrl}"${scope}`,
    verify: (authorization) => verifyBearerToken(authorization, { verifier, requiredScopes: [...auth.scopes], resourceMetadataUrl }),
    challenge(error) {
      const response = bearerAuthChallengeResponse(error, { requiredScopes: [...auth.scopes], resourceMetadataUrl });
      return { status: response.status, header: response.headers.get('www-authenticate') ?? undefined };
    },
  };
}

/** `scope` (space-separated, RFC 9068) or `scp` (array or string, common in other servers). */
function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (Array.isArray(raw)) return raw.map(String);
  return typeof raw === 'string' ? raw.split(/\s+/).filter(Boolean) : [];
}

/** jose failures caused by the token → invalid_token with a short description (never the token); anything else
 * (JWKS unreachable, not JSON, not 200) is the server's problem → unavailable. */
function asTokenError(err: unknown): Error {
  if (err instanceof AuthUnavailableError) return err;
  if (err instanceof joseErrors.JWTExpired) return new OAuthError(OAuthErrorCode.InvalidToken, 'token expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) return new OAuthError(OAuthErrorCode.InvalidToken, `"${err.claim}" claim check failed`);
  if (err instanceof joseErrors.JWKSNoMatchingKey) return new OAuthError(OAuthErrorCode.InvalidToken, 'no key of the authorization server matches the token');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new OAuthError(OAuthErrorCode.InvalidToken, 'signature verification failed');
  const tokenFaults = [joseErrors.JWSInvalid, joseErrors.JWTInvalid, joseErrors.JOSEAlgNotAllowed, joseErrors.JOSENotSupported, joseErrors.JWKSMultipleMatchingKeys];
  if (tokenFaults.some((fault) => err instanceof fault)) return new OAuthError(OAuthErrorCode.InvalidToken, 'malformed or unsupported token');
  return new AuthUnavailableError(`the authorization server keys could not be read: ${(err as Error).message}`);
}

/** RFC 8414 metadata, then OpenID Connect discovery; the first document with a `jwks_uri` wins. */
async function discoverJwksUri(issuer: string): Promise<string> {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  const trimmed = issuer.replace(/\/$/, '');
  const candidates = [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${trimmed}/.well-known/oauth-authorization-server`,
    `${trimmed}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/openid-configuration${path}`,
  ];
  const tried: string[] = [];
  for (const candidate of [...new Set(candidates)]) {
    try {
      const response = await fetch(candidate, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
      if (response.ok) {
        const document = (await response.json()) as { jwks_uri?: unknown };
        if (typeof document.jwks_uri === 'string') return new URL(document.jwks_uri, candidate).href;
      }
      tried.push(`${candidate} (${response.status})`);
    } catch (err) {
      tried.push(`${candidate} (${(err as Error).message})`);
    }
  }
  throw new AuthUnavailableError(`no jwks_uri found for ${issuer}: tried ${tried.join(', ')}`);
}
