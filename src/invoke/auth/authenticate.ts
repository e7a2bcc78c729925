// Upstream authentication that needs more than a header computed from binds: Digest (challenge, then answer) and
// OAuth 2 client credentials (a token from the token endpoint). Static schemes (bearer, basic, apikey) are set by the
// request template and pass through untouched.
import type { UpstreamRequest } from '../../compile/request-template.js';
import { TokenCache, type ClientCredentials } from './client-credentials.js';
import { digestAuthorization, DigestSessions, parseDigestChallenge, type DigestChallenge } from './digest.js';

/** Rendered per request by the request template, from bound values only. */
export type UpstreamAuth = { type: 'digest'; username: string; password: string } | ({ type: 'oauth2' } & ClientCredentials);

export interface TransportResponse {
  status: number;
  contentType: string;
  text: string;
  /** The same body as bytes, for the binary formats (protobuf, avro). */
  bytes?: Uint8Array;
  /** WWW-Authenticate of a 401, for Digest. */
  wwwAuthenticate?: string | string[];
  /** Every response header (lower-cased names), for pagination cursors and Link. */
  headers?: Readonly<Record<string, string | string[] | undefined>>;
}

export type Transport = (origin: string, request: UpstreamRequest) => Promise<TransportResponse>;

/** What authentication remembers between calls of one runtime: OAuth 2 tokens and answered Digest challenges. */
export class AuthState {
  readonly tokens = new TokenCache();
  readonly digests = new DigestSessions();
}

export async function sendAuthenticated(send: Transport, state: AuthState, namespace: string, origin: string, request: UpstreamRequest): Promise<TransportResponse> {
  const { tokens, digests } = state;
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

  // Digest: answer a remembered challenge up front; otherwise (or when the server refuses that answer, e.g. a stale
  // nonce) send without credentials and answer the server's 401 challenge once.
  // One protection space per consumed adapter (RFC 7616 §3.6): the same host may run several realms.
  const key = `${namespace}|${origin}|${auth.username}`;
  const answer = (challenge: DigestChallenge, count: number) =>
    withAuthorization(digestAuthorization(challenge, { username: auth.username, password: auth.password, method: plain.method, uri: plain.path, body: plain.body }, undefined, count));
  const known = digests.next(key);
  const first = await send(origin, known ? answer(known.challenge, known.count) : plain);
  if (first.status !== 401) return first;
  digests.forget(key);
  const challenge = parseDigestChallenge(first.wwwAuthenticate);
  if (!challenge) return first;
  const answered = await send(origin, answer(challenge, digests.remember(key, challenge)));
  if (answered.status === 401) digests.forget(key);
  return answered;
}
