// OAuth 2.1 resource server on exposed adapters (conformance case 36; naftiko-semantics §6.4): JWTs minted here
// with jose, checked against a JWKS served by a test authorization server on 127.0.0.1 (RFC 8414 metadata, OpenID
// discovery, or the `jwksUri` extension); the RFC 9728 Protected Resource Metadata document; WWW-Authenticate.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/log.js';
import { prepareCapabilities } from '../../src/prepare.js';
import { CLIENT_GENERATIONS, connectMcp, resultJson } from '../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const REST_RESOURCE = 'https://items.example.com/api';
const MCP_RESOURCE = 'https://mcp.example.com/mcp';
const MCP_AUDIENCE = 'items-mcp-audience';

const capability = (as: string) => `naftiko: "1.0.0-alpha2"
info: {label: OAuth2, description: Resource servers behind a test authorization server}
capability:
  consumes:
    - type: http
      namespace: items
      baseUri: http://127.0.0.1:9
      resources:
        - name: items
          path: /items
          operations:
            - {name: list-items, method: GET}
  exposes:
    - type: rest
      port: 3401
      namespace: items-api
      authentication:
        type: oauth2
        authorizationServerUri: ${as}
        resource: ${REST_RESOURCE}
        scopes: [items:read]
      resources:
        - path: /v1/items
          operations:
            - {method: GET, call: items.list-items}
    - type: rest
      port: 3402
      namespace: oidc-api
      authentication:
        type: oauth2
        authorizationServerUri: ${as}/oidc/
        resource: https://oidc.example.com
      resources:
        - path: /v1/items
          operations:
            - {method: GET, call: items.list-items}
    - type: mcp
      port: 3403
      namespace: items-mcp
      authentication:
        type: oauth2
        authorizationServerUri: ${as}
        resource: ${MCP_RESOURCE}
        audience: ${MCP_AUDIENCE}
        scopes: [mcp:tools]
        jwksUri: ${as}/keys/jwks.json
      tools:
        - {name: list-items, description: List items, call: items.list-items}
    - type: rest
      port: 3404
      namespace: down-api
      authentication:
        type: oauth2
        authorizationServerUri: http://127.0.0.1:9/nobody
        resource: https://down.example.com
      resources:
        - path: /v1/items
          operations:
            - {method: GET, call: items.list-items}
    - type: rest
      port: 3405
      namespace: no-keys-api
      authentication:
        type: oauth2
        authorizationServerUri: ${as}
        resource: ${REST_RESOURCE}
        jwksUri: ${as}/keys/missing.json
      resources:
        - path: /v1/items
          operations:
            - {method: GET, call: items.list-items}
`;

interface AuthorizationServer {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

/** RFC 8414 metadata at the root issuer, only OpenID discovery for `/oidc`, and one JWKS. */
async function startAuthorizationServer(jwks: unknown): Promise<AuthorizationServer> {
  const hits: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/oauth-authorization-server') return json(200, { issuer: base, jwks_uri: `${base}/keys/jwks.json` });
    if (req.url === '/oidc/.well-known/openid-configuration') return json(200, { issuer: `${base}/oidc/`, jwks_uri: `${base}/keys/jwks.json` });
    if (req.url === '/keys/jwks.json') return json(200, jwks);
    return json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('case 36: OAuth2 resource server (JWT against a JWKS)', () => {
  let as: AuthorizationServer;
  let upstream: Upstream;
  let served: Served;
  let signing: CryptoKey;
  let stranger: CryptoKey;
  const logLines: string[] = [];
  const tokens: string[] = [];

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signing = pair.privateKey;
    stranger = (await generateKeyPair('ES256')).privateKey;
    as = await startAuthorizationServer({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
    upstream = await startUpstream(() => ({ status: 200, body: { items: ['a'] } }));
    const dir = await mkdtemp(join(tmpdir(), 'cap-oauth2-'));
    const file = join(dir, 'oauth2.yaml');
    await writeFile(file, capability(as.url));
    const logger = createLogger({ destination: new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }) as never });
    served = await serveCapability(file, { env: {}, upstreamUrl: upstream.url, logger });
  });
  afterAll(async () => {
    await served?.close();
    await upstream?.close();
    await as?.close();
  });
  beforeEach(() => upstream.reset());

  interface MintOptions {
    claims?: JWTPayload;
    iss?: string;
    aud?: string | string[];
    exp?: number;
    nbf?: number;
    kid?: string;
    key?: CryptoKey;
  }
  const now = () => Math.floor(Date.now() / 1000);
  async function mint(options: MintOptions = {}): Promise<string> {
    const jwt = new SignJWT({ scope: 'items:read profile', ...options.claims })
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'k1' })
      .setIssuer(options.iss ?? as.url)
      .setAudience(options.aud ?? REST_RESOURCE)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? now() + 300);
    if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
    const token = await jwt.sign(options.key ?? signing);
    tokens.push(token);
    return token;
  }

  const items = (namespace: string) => `${served.urlOf(namespace)}/v1/items`;
  async function get(url: string, token?: string) {
    const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    return { status: response.status, challenge: response.headers.get('www-authenticate') ?? '', type: response.headers.get('content-type') ?? '', body: (await response.json()) as Record<string, unknown> };
  }
  const REST_PRM = 'https://items.example.com/.well-known/oauth-protected-resource/api';

  it('case 36: a valid token → 200; the token is not sent upstream; the JWKS is discovered once through RFC 8414 metadata', async () => {
    const answer = await get(items('items-api'), await mint());
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: ['a'] });
    expect(upstream.only().headers.authorization).toBeUndefined();
    expect(await get(items('items-api'), await mint({ aud: ['someone-else', REST_RESOURCE] }))).toMatchObject({ status: 200 });
    expect(as.hits.filter((h) => h === '/.well-known/oauth-authorization-server')).toHaveLength(1);
    expect(as.hits.filter((h) => h === '/keys/jwks.json')).toHaveLength(1);
  });

  it('case 36: the issuer is compared trailing-slash tolerant; scopes may come as `scp`', async () => {
    expect((await get(items('items-api'), await mint({ iss: `${as.url}/` }))).status).toBe(200);
    expect((await get(items('items-api'), await mint({ claims: { scope: undefined, scp: ['items:read'] } }))).status).toBe(200);
  });

  it('case 36: no token → 401 with `WWW-Authenticate: Bearer resource_metadata=...` and no error attribute', async () => {
    const answer = await get(items('items-api'));
    expect(answer.status).toBe(401);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'CAP_AUTH_UNAUTHORIZED', status: 401 });
    expect(answer.challenge).toBe(`Bearer resource_metadata="${REST_PRM}", scope="items:read"`);
  });

  const invalid: [string, () => Promise<string>, string][] = [
    ['expired', () => mint({ exp: now() - 600 }), 'token expired'],
    ['not yet valid', () => mint({ nbf: now() + 600 }), '"nbf" claim check failed'],
    ['from another issuer', () => mint({ iss: 'https://evil.example.com' }), '"iss" claim check failed'],
    ['for another audience', () => mint({ aud: 'https://other.example.com' }), '"aud" claim check failed'],
    ['signed by another key under a known kid', () => mint({ key: stranger }), 'signature verification failed'],
    ['signed under an unknown kid', () => mint({ key: stranger, kid: 'k2' }), 'no key of the authorization server matches the token'],
    ['not a JWT', async () => 'not.a.jwt', 'malformed or unsupported token'],
  ];
  for (const [what, token, reason] of invalid) {
    it(`case 36: a token ${what} → 401 invalid_token with resource_metadata`, async () => {
      const answer = await get(items('items-api'), await token());
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'CAP_AUTH_UNAUTHORIZED', detail: `invalid_token: ${reason}` });
      expect(answer.challenge).toMatch(/^Bearer error="invalid_token", /);
      expect(answer.challenge).toContain(`resource_metadata="${REST_PRM}"`);
      expect(upstream.requests).toEqual([]);
    });
  }

  it('case 36: a valid token without a required scope → 403 insufficient_scope', async () => {
    const answer = await get(items('items-api'), await mint({ claims: { scope: 'profile items:write' } }));
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'CAP_AUTH_FORBIDDEN', status: 403 });
    expect(answer.challenge).toContain('error="insufficient_scope"');
    expect(answer.challenge).toContain('scope="items:read"');
    expect(answer.challenge).toContain(`resource_metadata="${REST_PRM}"`);
    expect(upstream.requests).toEqual([]);
  });

  it('case 36: the Protected Resource Metadata document is served unauthenticated at the well-known paths', async () => {
    const expected = { resource: REST_RESOURCE, authorization_servers: [as.url], scopes_supported: ['items:read'], bearer_methods_supported: ['header'], resource_name: 'items-api' };
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/api']) {
      const response = await fetch(`${served.urlOf('items-api')}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.json()).toEqual(expected);
    }
    // Everything else still needs a token.
    expect((await fetch(`${served.urlOf('items-api')}/.well-known/other`)).status).toBe(401);
  });

  it('case 36: OpenID discovery is used when the issuer has no RFC 8414 metadata', async () => {
    const token = await mint({ iss: `${as.url}/oidc/`, aud: 'https://oidc.example.com' });
    expect((await get(items('oidc-api'), token)).status).toBe(200);
    expect(as.hits).toContain('/oidc/.well-known/openid-configuration');
    expect((await get(items('oidc-api'), await mint({ aud: 'https://oidc.example.com' }))).status).toBe(401); // root issuer: not this one
  });

  it('case 36: an unreachable authorization server or an unreadable JWKS → 503 CAP_AUTH_UNAVAILABLE, never served open', async () => {
    const answer = await get(items('down-api'), await mint({ iss: 'http://127.0.0.1:9/nobody', aud: 'https://down.example.com' }));
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 'CAP_AUTH_UNAVAILABLE' });
    const noKeys = await get(items('no-keys-api'), await mint());
    expect(noKeys.status).toBe(503);
    expect(noKeys.body).toMatchObject({ code: 'CAP_AUTH_UNAVAILABLE' });
    expect(upstream.requests).toEqual([]);
  });

  describe('MCP with oauth2 (jwksUri extension, explicit audience)', () => {
    const mcpToken = (options: MintOptions = {}) => mint({ aud: MCP_AUDIENCE, claims: { scope: 'mcp:tools' }, ...options });
    const MCP_PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

    for (const generation of CLIENT_GENERATIONS) {
      it(`case 36: the ${generation} client with a valid token calls a tool`, async () => {
        const client = await connectMcp(generation, served.urlOf('items-mcp'), { headers: { authorization: `Bearer ${await mcpToken()}` } });
        try {
          expect(resultJson(await client.callTool('list-items'))).toEqual({ items: ['a'] });
        } finally {
          await client.close();
        }
        expect(upstream.only().headers.authorization).toBeUndefined();
      });
    }

    it('case 36: MCP refuses missing, invalid and under-scoped tokens on every method with the MCP metadata URL', async () => {
      const url = served.urlOf('items-mcp');
      for (const method of ['POST', 'GET', 'DELETE']) {
        const response = await fetch(url, { method, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: method === 'POST' ? '{}' : undefined });
        expect(response.status, method).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${MCP_PRM}", scope="mcp:tools"`);
      }
      const json = { 'content-type': 'application/json' };
      const wrongAudience = await fetch(url, { method: 'POST', headers: { ...json, authorization: `Bearer ${await mint({ claims: { scope: 'mcp:tools' } })}` }, body: '{}' });
      expect(wrongAudience.status).toBe(401);
      expect(wrongAudience.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const underScoped = await fetch(url, { method: 'POST', headers: { ...json, authorization: `Bearer ${await mcpToken({ claims: { scope: 'items:read' } })}` }, body: '{}' });
      expect(underScoped.status).toBe(403);
      expect(underScoped.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    });

    it('case 36: the MCP Protected Resource Metadata document is at /.well-known/oauth-protected-resource/mcp', async () => {
      const base = new URL(served.urlOf('items-mcp')).origin;
      for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
        const response = await fetch(`${base}${path}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ resource: MCP_RESOURCE, authorization_servers: [as.url], scopes_supported: ['mcp:tools'], bearer_methods_supported: ['header'], resource_name: 'items-mcp' });
      }
    });
  });

  it('the `jwksUri` extension is accepted by default (an error with --strict unless the file declares the runtime-extensions dialect); introspection is refused at load', async () => {
    expect(served.prepared.diagnostics.filter((d) => d.pointer === '/capability/exposes/2/authentication/jwksUri')).toStrictEqual([]);
    const dir = await mkdtemp(join(tmpdir(), 'cap-oauth2-'));
    const file = join(dir, 'introspection.yaml');
    await writeFile(file, capability(as.url).replace('scopes: [items:read]', 'scopes: [items:read]\n        tokenValidation: introspection'));
    const prepared = await prepareCapabilities([file], { env: {} });
    expect(prepared.ok).toBe(false);
    expect(prepared.diagnostics.filter((d) => d.severity === 'error')).toMatchObject([{ code: 'CAP_COMPILE_UNSUPPORTED', pointer: '/capability/exposes/0/authentication/tokenValidation' }]);
    const strict = await prepareCapabilities([file], { env: {}, strict: true });
    expect(strict.diagnostics).toContainEqual(expect.objectContaining({ code: 'CAP_SCHEMA_UNKNOWN_PROPERTY', severity: 'error' }));
  });

  it('no token appears in a log line; failures are logged with their reason', () => {
    const text = logLines.join('');
    for (const token of tokens) expect(text).not.toContain(token);
    const failures = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'inbound authentication failed');
    expect(failures).toContainEqual(expect.objectContaining({ adapter: 'items-api', method: 'GET', path: '/v1/items', reason: 'token expired', remoteAddress: '127.0.0.1' }));
    expect(failures).toContainEqual(expect.objectContaining({ adapter: 'items-mcp', reason: 'Insufficient scope' }));
  });
});
