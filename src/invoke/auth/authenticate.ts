// Upstream authentication that needs more than a header computed from binds: Digest (challenge, then answer) and
// OAuth 2 client credentials (a token from the token endpoint). Static schemes (bearer, basic, apikey) are set by the
// request template and pass through untouched.
import type { UpstreamRequest } from '../../compile/request-template.js';
import { TokenCache, type ClientCredentials } from './client-credentials.js';
import { digestAuthorization, parseDigestChallenge } from './digest.js';

/** Rendered per request by the request template, from bound values only. */
export type UpstreamAuth = { type: 'digest'; username: string; password: string } | ({ type: 'oauth2' } & ClientCredentials);

export interface TransportResponse {
  status: number;
  contentType: string;
  text: string;
  /** WWW-Authenticate of a 401, for Digest. */
  wwwAuthenticate?: string | string[];
}

export type Transport = (origin: string, request: UpstreamRequest) => Promise<TransportResponse>;

export { TokenCache };

export async function sendAuthenticated(send: Transport, tokens: TokenCache, namespace: string, origin: string, request: UpstreamRequest): Promise<TransportResponse> {
  const auth = request.auth;
  if (!auth) return send(origin, request);
  const { auth: _omit, ...plain } = request;
  const withAuthorization = (value: string): UpstreamRequest => ({ ...plain, headers: { ...plain.headers, authorization: value } });

  if (auth.type === 'oauth2') {
    const token = await tokens.token(namespace, auth, send);
    const first = await send(origin, withAuthorization(`Bearer ${token}`));
    if (first.status !== 401) return first;
    // A revoked or expired-early token: fetch a new one once and repeat the call with it.
    tokens.invalidate(auth, token);
    const fresh = await tokens.token(namespace, auth, send);
    if (fresh === token) return first;
    return send(origin, withAuthorization(`Bearer ${fresh}`));
  }

  // Digest: the first request goes without credentials; a 401 carrying a Digest challenge is answered once.
  const first = await send(origin, plain);
  if (first.status !== 401) return first;
  const challenge = parseDigestChallenge(first.wwwAuthenticate);
  if (!challenge) return first;
  const authorization = digestAuthorization(challenge, { username: auth.username, password: auth.password, method: plain.method, uri: plain.path, body: plain.body });
  return send(origin, withAuthorization(authorization));
}
