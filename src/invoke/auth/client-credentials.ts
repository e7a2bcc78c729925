// OAuth 2 client credentials (RFC 6749 §4.4) for consumed APIs: fetch an access token from the token endpoint,
// keep it until shortly before it expires, and let concurrent calls share one fetch. Errors name the upstream and the
// token endpoint, never the client secret.
import { createHash } from 'node:crypto';
import { CapError } from '../../errors/cap-error.js';
import type { UpstreamRequest } from '../../compile/request-template.js';

export interface ClientCredentials {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  audience?: string;
  /** RFC 8707 resource indicator: the API the token is for. */
  resource?: string;
}

/** Sends one request to an origin without authentication handling (the upstream client's transport). */
export type PlainSend = (origin: string, request: UpstreamRequest) => Promise<{ status: number; contentType: string; text: string }>;

/** A token is renewed this long before the expiry the server announced. */
export const EXPIRY_MARGIN_MS = 30_000;

interface Entry {
  token?: { value: string; expiresAt: number };
  pending?: Promise<string>;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A valid access token for these credentials: cached, or fetched once for every caller waiting on it. */
  async token(namespace: string, credentials: ClientCredentials, send: PlainSend): Promise<string> {
    const key = cacheKey(credentials);
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = {}));
    if (entry.token && entry.token.expiresAt > this.now()) return entry.token.value;
    if (!entry.pending) {
      const current = entry;
      current.pending = fetchToken(namespace, credentials, send, this.now)
        .then((token) => {
          current.token = token;
          return token.value;
        })
        .finally(() => {
          current.pending = undefined;
        });
    }
    return entry.pending!;
  }

  /** Forgets a token the upstream refused (401), so the next call fetches a new one. */
  invalidate(credentials: ClientCredentials, value: string): void {
    const entry = this.entries.get(cacheKey(credentials));
    if (entry?.token?.value === value) entry.token = undefined;
  }
}

// The secret is part of the key only as a hash, so a rotated secret gets its own token.
const cacheKey = (c: ClientCredentials) =>
  JSON.stringify([c.tokenEndpoint, c.clientId, createHash('sha256').update(c.clientSecret).digest('hex'), [...c.scopes].sort(), c.audience ?? null, c.resource ?? null]);

async function fetchToken(namespace: string, c: ClientCredentials, send: PlainSend, now: () => number): Promise<{ value: string; expiresAt: number }> {
  const url = new URL(c.tokenEndpoint);
  const where = `token endpoint ${url.origin}${url.pathname} of upstream "${namespace}"`;
  const fail = (why: string, status?: number, cause?: unknown) =>
    new CapError('CAP_UPSTREAM_AUTH', `${where} ${why}`, { upstream: namespace, ...(status === undefined ? {} : { upstreamStatus: status }) }, cause);

  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (c.scopes.length > 0) form.set('scope', c.scopes.join(' '));
  if (c.audience) form.set('audience', c.audience);
  if (c.resource) form.set('resource', c.resource);
  // Client authentication with HTTP Basic, names and secret form-encoded first (RFC 6749 §2.3.1).
  const basic = Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64');
  const request: UpstreamRequest = {
    method: 'POST',
    path: url.pathname + url.search,
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: form.toString(),
  };
  const started = now();
  let response;
  try {
    response = await send(url.origin, request);
  } catch (err) {
    throw fail(`could not be reached (${err instanceof CapError ? err.code : 'error'})`, undefined, err);
  }
  if (response.status !== 200) throw fail(`answered ${response.status}; check the client id, secret and scopes bound for it`, response.status);
  let body: { access_token?: unknown; expires_in?: unknown; token_type?: unknown };
  try {
    body = JSON.parse(response.text) as typeof body;
  } catch (err) {
    throw fail('answered a body that is not JSON', response.status, err);
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') throw fail('answered without an access_token', response.status);
  if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer') throw fail(`issued a "${body.token_type}" token; only bearer tokens are supported`, response.status);
  const lifetime = Number(body.expires_in);
  // Without expires_in the token is kept until the upstream refuses it (then it is fetched again).
  const expiresAt = Number.isFinite(lifetime) && lifetime > 0 ? started + Math.max(lifetime * 1000 - EXPIRY_MARGIN_MS, lifetime * 500) : Number.POSITIVE_INFINITY;
  return { value: body.access_token, expiresAt };
}
