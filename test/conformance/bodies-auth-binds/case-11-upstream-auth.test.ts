// Case 11 (naftiko-semantics §3.5): consumed authentication on the wire. apikey (header and query), bearer and basic
// are static headers from binds; digest answers the upstream's RFC 7616 challenge (MD5 and SHA-256); OAuth 2 client
// credentials fetches a token from the token endpoint, caches it until shortly before expiry, shares one fetch among
// concurrent calls, and reports a failing token endpoint as CAP_UPSTREAM_AUTH without the secret.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../../src/prepare.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { connectMcp, resultJson, resultText } from '../../helpers/mcp-clients.js';
import { startUpstream, type RecordedRequest, type Upstream, type UpstreamReply } from '../../helpers/upstream.js';

const ENV = {
  API_KEY: 'key-5f2a',
  API_TOKEN: 'tok-91be',
  USER: 'svc-shipyard',
  PASSWORD: 'pa:ss "wörd"',
  CLIENT_ID: 'client-7c1',
  CLIENT_SECRET: 'secret-e4d0a9',
};

const adapter = (namespace: string, baseUri: string, authentication: string) => `    - type: http
      namespace: ${namespace}
      baseUri: ${baseUri}
      authentication: ${authentication}
      resources:
        - name: ships
          path: /ships
          operations:
            - {name: list, method: GET}
            - {name: create, method: POST, body: {type: json, data: {name: "{{name}}"}}}`;

const SCHEMES: Record<string, string> = {
  'key-header': '{type: apikey, key: X-API-Key, value: "{{API_KEY}}", placement: header}',
  'key-query': '{type: apikey, key: api_key, value: "{{API_KEY}}", placement: query}',
  bearer: '{type: bearer, token: "{{API_TOKEN}}"}',
  basic: '{type: basic, username: "{{USER}}", password: "{{PASSWORD}}"}',
  'digest-md5': '{type: digest, username: "{{USER}}", password: "{{PASSWORD}}"}',
  'digest-sha': '{type: digest, username: "{{USER}}", password: "{{PASSWORD}}"}',
};

function capability(url: string): string {
  const oauth = (ns: string, path: string) =>
    adapter(ns, `${url}/${ns}`, `{type: oauth2, authorizationServerUri: "${url}/oauth", resource: "https://shipyard.example/api", tokenEndpoint: "${url}${path}", clientId: "{{CLIENT_ID}}", clientSecret: "{{CLIENT_SECRET}}", scopes: [ships.read, ships.write], audience: "https://shipyard.example"}`);
  const names = [...Object.keys(SCHEMES), 'none', 'oauth', 'oauth-short', 'oauth-broken'];
  return `naftiko: "1.0.0-alpha2"
info: {label: Upstream auth, description: Every consumed authentication type}
binds:
  - namespace: env
    keys: {${Object.keys(ENV).map((k) => `${k}: ${k}`).join(', ')}}
capability:
  consumes:
${Object.entries(SCHEMES).map(([ns, auth]) => adapter(ns, `${url}/${ns}`, auth)).join('\n')}
${adapter('none', `${url}/none`, '').replace(/\n\s+authentication: \n/, '\n')}
${oauth('oauth', '/oauth/token')}
${oauth('oauth-short', '/oauth/short-token')}
${oauth('oauth-broken', '/oauth/broken')}
  exposes:
    - type: rest
      port: 18094
      namespace: api
      resources:
${names.map((ns) => `        - path: /${ns}/ships\n          operations:\n            - {method: GET, call: ${ns}.list}\n            - {method: POST, call: ${ns}.create}`).join('\n')}
    - type: mcp
      port: 18095
      namespace: tools
      tools:
${names.map((ns) => `        - {name: list-${ns}, description: List ships via ${ns}, call: ${ns}.list}`).join('\n')}
`;
}

// --- the upstream's side of Digest (RFC 7616), written from the RFC independently of the runtime's client ---
const REALM = 'shipyard@example';
/** Live nonces and the highest nonce count seen for each (a repeated count is a replay). */
const nonces = new Map<string, number>();
function digestChallenge(algorithm: 'MD5' | 'SHA-256'): string {
  const nonce = randomBytes(12).toString('hex');
  nonces.set(nonce, 0);
  return `Digest realm="${REALM}", qop="auth", algorithm=${algorithm}, nonce="${nonce}", opaque="op-42"`;
}
function digestParams(header: string): Record<string, string> {
  return Object.fromEntries([...header.slice('Digest '.length).matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)].map((m) => [m[1]!, (m[2] ?? m[3]!).replace(/\\(.)/g, '$1')]));
}
function digestValid(request: RecordedRequest, algorithm: 'MD5' | 'SHA-256'): boolean {
  const header = String(request.headers.authorization ?? '');
  if (!header.startsWith('Digest ')) return false;
  const p = digestParams(header);
  const H = (s: string) => createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');
  const ha1 = H(`${ENV.USER}:${REALM}:${ENV.PASSWORD}`);
  const uri = request.path + (request.query.size ? `?${request.query}` : '');
  const expected = H(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${H(`${request.method}:${p.uri}`)}`);
  const count = parseInt(p.nc ?? '', 16);
  const fresh = nonces.has(p.nonce!) && count > nonces.get(p.nonce!)!;
  const valid = fresh && p.username === ENV.USER && p.realm === REALM && p.algorithm === algorithm && p.uri === uri && p.opaque === 'op-42' && p.response === expected;
  if (valid) nonces.set(p.nonce!, count);
  return valid;
}

// --- the token endpoint ---
let tokenCount = 0;
let tokenDelayMs = 0;
function tokenReply(request: RecordedRequest, expiresIn: number): UpstreamReply {
  const basic = `Basic ${Buffer.from(`${ENV.CLIENT_ID}:${ENV.CLIENT_SECRET}`).toString('base64')}`;
  const form = new URLSearchParams(request.bodyText);
  if (request.method !== 'POST' || request.headers.authorization !== basic || form.get('grant_type') !== 'client_credentials') return { status: 401, body: { error: 'invalid_client' } };
  tokenCount += 1;
  return { status: 200, body: { access_token: `at-${tokenCount}`, token_type: 'Bearer', expires_in: expiresIn }, delayMs: tokenDelayMs };
}

function answer(request: RecordedRequest): UpstreamReply {
  const [, scheme] = request.path.split('/');
  const ok: UpstreamReply = { status: 200, body: { ships: ['IMO-9321483'], via: scheme } };
  const denied: UpstreamReply = { status: 401, body: { error: 'unauthorized' } };
  switch (scheme) {
    case 'oauth':
      if (request.path === '/oauth/token') return tokenReply(request, 3600);
      if (request.path === '/oauth/short-token') return tokenReply(request, 1);
      if (request.path === '/oauth/broken') return { status: 400, body: { error: 'invalid_client', echoed: request.bodyText } };
      return /^Bearer at-\d+$/.test(String(request.headers.authorization)) ? ok : denied;
    case 'oauth-short':
    case 'oauth-broken':
      return /^Bearer at-\d+$/.test(String(request.headers.authorization)) ? ok : denied;
    case 'digest-md5':
    case 'digest-sha': {
      const algorithm = scheme === 'digest-md5' ? 'MD5' : 'SHA-256';
      if (digestValid(request, algorithm)) return ok;
      // The SHA-256 upstream offers both, strongest first, as RFC 7616 §3.7 shows.
      const challenges = algorithm === 'MD5' ? digestChallenge('MD5') : `${digestChallenge('SHA-256')}, ${digestChallenge('MD5')}`;
      return { ...denied, headers: { 'www-authenticate': challenges } };
    }
    default:
      return ok;
  }
}

let upstream: Upstream;
let runtime: Runtime;
let rest: string;
let mcp: string;
let secrets: readonly string[];

beforeAll(async () => {
  upstream = await startUpstream(answer);
  const dir = await mkdtemp(join(tmpdir(), 'cap-auth-'));
  await writeFile(join(dir, 'auth.yaml'), capability(upstream.url));
  const prepared = await prepareCapabilities([join(dir, 'auth.yaml')], { env: ENV });
  expect(prepared.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  secrets = prepared.capabilities[0]!.secrets;
  runtime = await startRuntime(prepared.capabilities, { ports: new Map([['api', 0], ['tools', 0]]) });
  rest = runtime.adapters.find((a) => a.type === 'rest')!.url;
  mcp = runtime.adapters.find((a) => a.type === 'mcp')!.url;
});
afterAll(async () => {
  await runtime?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

const get = async (scheme: string) => {
  const response = await fetch(`${rest}/${scheme}/ships`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const calls = (scheme: string) => upstream.requests.filter((r) => r.path === `/${scheme}/ships`);

describe('case 11: static credentials from binds', () => {
  it('case 11: apikey in a header', async () => {
    expect((await get('key-header')).status).toBe(200);
    expect(upstream.only().headers['x-api-key']).toBe(ENV.API_KEY);
  });

  it('case 11: apikey in the query is appended as key=value', async () => {
    expect((await get('key-query')).status).toBe(200);
    expect(upstream.only().query.get('api_key')).toBe(ENV.API_KEY);
  });

  it('case 11: bearer sends the raw bound token', async () => {
    expect((await get('bearer')).status).toBe(200);
    expect(upstream.only().headers.authorization).toBe(`Bearer ${ENV.API_TOKEN}`);
  });

  it('case 11: inbound credentials are not copied to an upstream without authentication (the reference engine copies them, leaking a caller\'s credentials to a third party)', async () => {
    const response = await fetch(`${rest}/none/ships`, { headers: { authorization: 'Bearer caller-token' } });
    expect(response.status).toBe(200);
    expect(upstream.only().headers.authorization).toBeUndefined();
  });

  it('case 11: basic sends the bound username and password', async () => {
    expect((await get('basic')).status).toBe(200);
    expect(upstream.only().headers.authorization).toBe(`Basic ${Buffer.from(`${ENV.USER}:${ENV.PASSWORD}`).toString('base64')}`);
  });
});

describe('case 11: digest (RFC 7616 challenge and response)', () => {
  for (const [scheme, algorithm] of [
    ['digest-md5', 'MD5'],
    ['digest-sha', 'SHA-256'],
  ] as const) {
    it(`case 11: digest ${algorithm}: 401 challenge, then the computed Authorization (REST and MCP)`, async () => {
      const answered = await get(scheme);
      expect(answered).toEqual({ status: 200, body: { ships: ['IMO-9321483'], via: scheme } });
      const [first, second] = calls(scheme);
      expect(calls(scheme)).toHaveLength(2);
      expect(first!.headers.authorization).toBeUndefined();
      expect(first!.answered?.status).toBe(401);
      expect(String(second!.headers.authorization)).toMatch(new RegExp(`^Digest .*algorithm=${algorithm},`));
      expect(second!.answered?.status).toBe(200);

      // The answered challenge is reused up front with the next nonce count: one request per call from now on.
      upstream.reset();
      const client = await connectMcp('2026-07-28', mcp);
      try {
        const result = await client.callTool(`list-${scheme}`, {});
        expect(result.isError ?? false).toBe(false);
        expect(resultJson(result)).toEqual({ ships: ['IMO-9321483'], via: scheme });
      } finally {
        await client.close();
      }
      expect(calls(scheme)).toHaveLength(1);
      expect(String(calls(scheme)[0]!.headers.authorization)).toContain('nc=00000002');
    });
  }

  it('case 11: digest answers a POST with its body unchanged', async () => {
    const post = () => fetch(`${rest}/digest-sha/ships`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Aurora' }) });
    expect((await post()).status).toBe(200);
    expect(calls('digest-sha').map((r) => [r.json, r.answered?.status])).toEqual([[{ name: 'Aurora' }, 200]]);
  });

  it('case 11: digest answers the new challenge once when the server no longer knows the nonce', async () => {
    nonces.clear();
    expect((await get('digest-md5')).status).toBe(200);
    const [stale, fresh] = calls('digest-md5');
    expect(calls('digest-md5')).toHaveLength(2);
    expect(String(stale!.headers.authorization)).toMatch(/^Digest /);
    expect(stale!.answered?.status).toBe(401);
    expect(String(fresh!.headers.authorization)).toContain('nc=00000001');
    expect(fresh!.answered?.status).toBe(200);
  });

  it('case 11: a challenge that cannot be satisfied ends in the upstream 401 after one answer, never a loop', async () => {
    // This server forgets every nonce as soon as it issues it, so no answer can ever be accepted.
    upstream.handle((request) => {
      nonces.clear();
      const reply = answer(request);
      nonces.clear();
      return reply;
    });
    try {
      const answered = await get('digest-md5');
      expect(answered.status).toBe(401);
      expect(answered.body.code).toBe('CAP_UPSTREAM_STATUS');
      expect(calls('digest-md5').map((r) => r.answered?.status)).toEqual([401, 401]);
    } finally {
      upstream.handle(answer);
    }
  });
});

describe('case 11: OAuth 2 client credentials', () => {
  it('case 11: the token comes from the token endpoint with the bound client, scopes and audience, then is reused', async () => {
    tokenCount = 0;
    expect((await get('oauth')).status).toBe(200);
    const token = upstream.requests.find((r) => r.path === '/oauth/token')!;
    expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(token.bodyText))).toEqual({ grant_type: 'client_credentials', scope: 'ships.read ships.write', audience: 'https://shipyard.example', resource: 'https://shipyard.example/api' });
    expect(calls('oauth')[0]!.headers.authorization).toBe('Bearer at-1');

    upstream.reset();
    expect((await get('oauth')).status).toBe(200);
    expect(upstream.only().headers.authorization).toBe('Bearer at-1');
  });

  it('case 11: the client id:secret pair sent to the token endpoint is redacted like a basic pair', () => {
    expect(secrets).toContain(`${ENV.CLIENT_ID}:${ENV.CLIENT_SECRET}`);
    expect(secrets).toContain(ENV.CLIENT_SECRET);
  });

  it('case 11: concurrent calls share one token fetch', async () => {
    tokenDelayMs = 150;
    try {
      const before = tokenCount;
      const answers = await Promise.all(Array.from({ length: 5 }, () => get('oauth-short')));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expect(upstream.requests.filter((r) => r.path === '/oauth/short-token')).toHaveLength(1);
      expect(new Set(calls('oauth-short').map((r) => r.headers.authorization))).toEqual(new Set([`Bearer at-${before + 1}`]));
    } finally {
      tokenDelayMs = 0;
    }
  });

  it('case 11: a token is fetched again once it is about to expire', async () => {
    await get('oauth-short');
    const first = calls('oauth-short').at(-1)!.headers.authorization;
    await new Promise((r) => setTimeout(r, 700)); // expires_in 1 s: renewed after half its life at the latest
    upstream.reset();
    await get('oauth-short');
    expect(upstream.requests.map((r) => r.path)).toEqual(['/oauth/short-token', '/oauth-short/ships']);
    expect(calls('oauth-short')[0]!.headers.authorization).not.toBe(first);
  });

  it('case 11: a failing token endpoint is CAP_UPSTREAM_AUTH naming the upstream, never the secret; the API is not called', async () => {
    const answered = await get('oauth-broken');
    expect(answered.status).toBe(502);
    expect(answered.body.code).toBe('CAP_UPSTREAM_AUTH');
    expect(String(answered.body.detail)).toContain('"oauth-broken"');
    expect(String(answered.body.detail)).toContain('/oauth/broken');
    expect(JSON.stringify(answered.body)).not.toContain(ENV.CLIENT_SECRET);
    expect(calls('oauth-broken')).toEqual([]);

    const client = await connectMcp('2026-07-28', mcp);
    try {
      const result = await client.callTool('list-oauth-broken', {});
      expect(result.isError).toBe(true);
      expect(resultText(result)).toContain('CAP_UPSTREAM_AUTH');
      expect(resultText(result)).not.toContain(ENV.CLIENT_SECRET);
    } finally {
      await client.close();
    }
  });
});
