// Inbound authentication on exposed adapters (issue 8 §1; naftiko-semantics §6.4, conformance cases 35 and 36):
// MCP bearer/apikey with both MCP client generations, REST bearer/apikey (header and query)/basic, credentials from
// binds, an unset bind refusing every request, the caller's credential never reaching the upstream, and no secret
// or presented value in any response or log line. OAuth2 is in inbound-oauth2.test.ts.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/log.js';
import { prepareCapabilities } from '../../src/prepare.js';
import { CLIENT_GENERATIONS, connectMcp, resultJson } from '../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/auth/', import.meta.url));
const MCP_FILE = join(FIXTURES, 'mcp-auth.yaml');
const REST_FILE = join(FIXTURES, 'rest-auth.yaml');

const BEARER = 'mcp-secret-token-123';
const MCP_KEY = 'abc-key-456';
const ENV = {
  ITEMS_TOKEN: 'itm_tok_5b7f2c9e41d8',
  ITEMS_KEY: 'itm_key_93e1a0c7f6b2',
  ITEMS_USER: 'svc-items',
  ITEMS_PASSWORD: 'pa:ss "w/rd" ü 77',
  UPSTREAM_TOKEN: 'up_tok_1a2b3c4d5e6f',
};
const WRONG = 'wrong-credential-value-0042';
/** Every value that must never be echoed to a caller or written to a log. */
const SECRETS = [BEARER, MCP_KEY, ENV.ITEMS_TOKEN, ENV.ITEMS_KEY, ENV.ITEMS_PASSWORD, ENV.UPSTREAM_TOKEN, WRONG, Buffer.from(`${ENV.ITEMS_USER}:${ENV.ITEMS_PASSWORD}`).toString('base64')];

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'auth-test', version: '0.0.0' } },
});
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

interface Answer {
  status: number;
  contentType: string;
  challenge: string | null;
  text: string;
}

async function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', challenge: response.headers.get('www-authenticate'), text: await response.text() };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function memoryLogger(lines: string[]) {
  return createLogger({ destination: new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }) as never });
}

describe('inbound authentication', () => {
  let upstream: Upstream;
  const logLines: string[] = [];
  const bodies: string[] = [];
  const record = (answer: Answer) => (bodies.push(answer.text), answer);

  beforeAll(async () => {
    upstream = await startUpstream(() => ({ status: 200, body: { items: [{ id: 1 }] } }));
  });
  afterAll(async () => {
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  describe('case 35: MCP endpoints with bearer and apikey authentication', () => {
    let served: Served;
    beforeAll(async () => {
      served = await serveCapability(MCP_FILE, { env: {}, upstreamUrl: upstream.url, logger: memoryLogger(logLines) });
    });
    afterAll(async () => {
      await served?.close();
    });

    for (const generation of CLIENT_GENERATIONS) {
      it(`case 35: the ${generation} client with the right bearer token lists and calls tools; the token never reaches the upstream`, async () => {
        const client = await connectMcp(generation, served.urlOf('bearer-mcp'), { headers: { authorization: `Bearer ${BEARER}` } });
        try {
          expect((await client.listTools()).map((t) => t.name)).toEqual(['list-notes']);
          const result = await client.callTool('list-notes');
          expect(result.isError).toBeFalsy();
          expect(resultJson(result)).toEqual({ items: [{ id: 1 }] });
        } finally {
          await client.close();
        }
        expect(upstream.only().headers.authorization).toBeUndefined();
      });

      it(`case 35: the ${generation} client with the right X-MCP-Key lists and calls tools; the key never reaches the upstream`, async () => {
        const client = await connectMcp(generation, served.urlOf('apikey-mcp'), { headers: { 'X-MCP-Key': MCP_KEY } });
        try {
          expect((await client.listTools()).map((t) => t.name)).toEqual(['list-notes']);
          expect(resultJson(await client.callTool('list-notes'))).toEqual({ items: [{ id: 1 }] });
        } finally {
          await client.close();
        }
        expect(upstream.only().headers['x-mcp-key']).toBeUndefined();
      });

      it(`case 35: the ${generation} client without or with a wrong credential cannot connect`, async () => {
        await expect(connectMcp(generation, served.urlOf('bearer-mcp'))).rejects.toThrow();
        await expect(connectMcp(generation, served.urlOf('bearer-mcp'), { headers: { authorization: `Bearer ${WRONG}` } })).rejects.toThrow();
        await expect(connectMcp(generation, served.urlOf('apikey-mcp'), { headers: { 'X-MCP-Key': WRONG } })).rejects.toThrow();
        expect(upstream.requests).toEqual([]);
      });
    }

    it('case 35: bearer endpoint: missing or wrong token → 401 with WWW-Authenticate, right token → 200', async () => {
      const url = served.urlOf('bearer-mcp');
      const missing = record(await send(url, { method: 'POST', headers: MCP_HEADERS, body: INITIALIZE }));
      expect(missing.status).toBe(401);
      expect(missing.challenge).toBe('Bearer realm="bearer-mcp"');
      expect(JSON.parse(missing.text)).toMatchObject({ jsonrpc: '2.0', id: null, error: { message: expect.stringContaining('CAP_AUTH_UNAUTHORIZED') } });

      const wrong = record(await send(url, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${WRONG}` }, body: INITIALIZE }));
      expect(wrong.status).toBe(401);
      expect(wrong.challenge).toBe('Bearer realm="bearer-mcp", error="invalid_token"');

      const otherScheme = record(await send(url, { method: 'POST', headers: { ...MCP_HEADERS, authorization: basic('x', BEARER) }, body: INITIALIZE }));
      expect(otherScheme.status).toBe(401);

      const right = await send(url, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${BEARER}` }, body: INITIALIZE });
      expect(right.status).toBe(200);
      expect(right.text).toContain('"serverInfo"');
    });

    it('case 35: apikey endpoint: missing or wrong X-MCP-Key → 401, right key → 200', async () => {
      const url = served.urlOf('apikey-mcp');
      const missing = record(await send(url, { method: 'POST', headers: MCP_HEADERS, body: INITIALIZE }));
      expect(missing.status).toBe(401);
      expect(missing.challenge).toBe('APIKey realm="apikey-mcp", name="x-mcp-key", in="header"');
      expect(record(await send(url, { method: 'POST', headers: { ...MCP_HEADERS, 'x-mcp-key': WRONG }, body: INITIALIZE })).status).toBe(401);
      // The key in another place (query, Authorization) does not count.
      expect(record(await send(`${url}?X-MCP-Key=${MCP_KEY}`, { method: 'POST', headers: MCP_HEADERS, body: INITIALIZE })).status).toBe(401);
      expect((await send(url, { method: 'POST', headers: { ...MCP_HEADERS, 'x-mcp-key': MCP_KEY }, body: INITIALIZE })).status).toBe(200);
    });

    it('case 35: GET and DELETE without the credential → 401 too (the whole endpoint is protected)', async () => {
      for (const namespace of ['bearer-mcp', 'apikey-mcp']) {
        for (const method of ['GET', 'DELETE']) {
          const answer = record(await send(served.urlOf(namespace), { method, headers: { accept: 'application/json, text/event-stream' } }));
          expect(answer.status, `${method} ${namespace}`).toBe(401);
        }
      }
      // With the token, a GET opens the 2025-era server stream (it stays open: the test ends it).
      const withToken = await fetch(served.urlOf('bearer-mcp'), { method: 'GET', headers: { accept: 'text/event-stream', authorization: `Bearer ${BEARER}` } });
      expect(withToken.status).toBe(200);
      expect(withToken.headers.get('content-type')).toBe('text/event-stream');
      await withToken.body?.cancel();
    });

    it('case 35: an endpoint without authentication allows every request', async () => {
      const url = served.urlOf('open-mcp');
      expect((await send(url, { method: 'POST', headers: MCP_HEADERS, body: INITIALIZE })).status).toBe(200);
      for (const generation of CLIENT_GENERATIONS) {
        const client = await connectMcp(generation, url);
        expect(resultJson(await client.callTool('list-notes'))).toEqual({ items: [{ id: 1 }] });
        await client.close();
      }
    });
  });

  describe('case 36: REST adapters with bearer, apikey (header and query) and basic authentication', () => {
    let served: Served;
    beforeAll(async () => {
      served = await serveCapability(REST_FILE, { env: ENV, upstreamUrl: upstream.url, logger: memoryLogger(logLines) });
    });
    afterAll(async () => {
      await served?.close();
    });

    const items = (namespace: string, query = '') => `${served.urlOf(namespace)}/v1/items${query}`;

    function expectRefused(answer: Answer, status = 401) {
      expect(answer.status).toBe(status);
      expect(answer.contentType).toContain('application/problem+json');
      expect(JSON.parse(answer.text)).toMatchObject({ status, code: status === 401 ? 'CAP_AUTH_UNAUTHORIZED' : 'CAP_AUTH_UNAVAILABLE' });
    }

    it('case 36: bearer: missing → 401 + challenge, wrong → 401 invalid_token, right → 200; the upstream gets its own token only', async () => {
      const missing = record(await send(items('bearer-api')));
      expectRefused(missing);
      expect(missing.challenge).toBe('Bearer realm="bearer-api"');
      const wrong = record(await send(items('bearer-api'), { headers: { authorization: `Bearer ${WRONG}` } }));
      expectRefused(wrong);
      expect(wrong.challenge).toContain('error="invalid_token"');
      // Prefix and suffix of the right token are still wrong tokens.
      expectRefused(record(await send(items('bearer-api'), { headers: { authorization: `Bearer ${ENV.ITEMS_TOKEN.slice(0, -1)}` } })));
      expectRefused(record(await send(items('bearer-api'), { headers: { authorization: `Bearer ${ENV.ITEMS_TOKEN}x` } })));
      expect(upstream.requests).toEqual([]);

      const right = await send(items('bearer-api', '?limit=5'), { headers: { authorization: `Bearer ${ENV.ITEMS_TOKEN}` } });
      expect(right.status).toBe(200);
      expect(JSON.parse(right.text)).toEqual({ items: [{ id: 1 }] });
      const seen = upstream.only();
      expect(seen.headers.authorization).toBe(`Bearer ${ENV.UPSTREAM_TOKEN}`);
      expect(seen.queryRecord).toEqual({ limit: '5' });
    });

    it('case 36: apikey in a header: missing or wrong → 401, right → 200; the key is not forwarded', async () => {
      expectRefused(record(await send(items('header-key-api'))));
      expectRefused(record(await send(items('header-key-api'), { headers: { 'x-api-key': WRONG } })));
      expectRefused(record(await send(items('header-key-api', `?X-Api-Key=${ENV.ITEMS_KEY}`))));
      expect(upstream.requests).toEqual([]);
      const right = await send(items('header-key-api'), { headers: { 'X-Api-Key': ENV.ITEMS_KEY } });
      expect(right.status).toBe(200);
      const seen = upstream.only();
      expect(seen.headers['x-api-key']).toBeUndefined();
      expect(JSON.stringify(seen.headers)).not.toContain(ENV.ITEMS_KEY);
    });

    it('case 36: apikey in the query: missing or wrong → 401, right → 200; `api_key` does not become an input sent upstream', async () => {
      const missing = record(await send(items('query-key-api')));
      expectRefused(missing);
      expect(missing.challenge).toBe('APIKey realm="query-key-api", name="api_key", in="query"');
      expectRefused(record(await send(items('query-key-api', `?api_key=${WRONG}`))));
      expectRefused(record(await send(items('query-key-api'), { headers: { api_key: ENV.ITEMS_KEY } })));
      expect(upstream.requests).toEqual([]);
      const right = await send(items('query-key-api', `?api_key=${encodeURIComponent(ENV.ITEMS_KEY)}&limit=3`));
      expect(right.status).toBe(200);
      const seen = upstream.only();
      // The consumed operation declares an `api_key` query parameter: the caller's key must not fill it.
      expect(seen.queryRecord).toEqual({ limit: '3' });
      expect(seen.path).not.toContain(ENV.ITEMS_KEY);
    });

    it('case 36: basic: missing → 401 + Basic challenge, wrong → 401, right → 200; the upstream gets its own token only', async () => {
      const missing = record(await send(items('basic-api')));
      expectRefused(missing);
      expect(missing.challenge).toBe('Basic realm="basic-api", charset="UTF-8"');
      expectRefused(record(await send(items('basic-api'), { headers: { authorization: basic(ENV.ITEMS_USER, WRONG) } })));
      expectRefused(record(await send(items('basic-api'), { headers: { authorization: basic('someone-else', ENV.ITEMS_PASSWORD) } })));
      expectRefused(record(await send(items('basic-api'), { headers: { authorization: `Bearer ${ENV.ITEMS_PASSWORD}` } })));
      expect(upstream.requests).toEqual([]);
      const right = await send(items('basic-api'), { headers: { authorization: basic(ENV.ITEMS_USER, ENV.ITEMS_PASSWORD) } });
      expect(right.status).toBe(200);
      expect(upstream.only().headers.authorization).toBe(`Bearer ${ENV.UPSTREAM_TOKEN}`);
    });

    it('case 36: an unknown path is refused before routing (no route discovery without credentials)', async () => {
      expectRefused(record(await send(`${served.urlOf('bearer-api')}/nope`)));
    });
  });

  describe('credentials come from binds', () => {
    it('a bound variable with no value makes the adapter refuse every request (503), never accept an empty token', async () => {
      const lines: string[] = [];
      const served = await serveCapability(REST_FILE, { env: { ...ENV, ITEMS_TOKEN: undefined }, upstreamUrl: upstream.url, logger: memoryLogger(lines) });
      try {
        expect(served.prepared.diagnostics.some((d) => d.code === 'CAP_RESOLVE_BIND_UNSET' && d.message.includes('ITEMS_TOKEN'))).toBe(true);
        for (const authorization of [undefined, 'Bearer ', 'Bearer', `Bearer ${ENV.ITEMS_TOKEN}`, 'Bearer {{ITEMS_TOKEN}}']) {
          const answer = record(await send(`${served.urlOf('bearer-api')}/v1/items`, { headers: authorization === undefined ? {} : { authorization } }));
          expect(answer.status, String(authorization)).toBe(503);
          expect(JSON.parse(answer.text)).toMatchObject({ code: 'CAP_AUTH_UNAVAILABLE' });
        }
        expect(upstream.requests).toEqual([]);
        // The other adapters, whose credentials are set, still work.
        expect((await send(`${served.urlOf('header-key-api')}/v1/items`, { headers: { 'x-api-key': ENV.ITEMS_KEY } })).status).toBe(200);
        expect(lines.join('')).toContain('ITEMS_TOKEN is not set');
      } finally {
        await served.close();
      }
    });

    it('an unbound {{X}} in an exposes authentication is a load error at its file:line:col, with a hint to add a bind', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cap-inbound-'));
      const file = join(dir, 'unbound.yaml');
      await writeFile(
        file,
        `naftiko: "1.0.0-alpha2"
info: {label: Unbound, description: An exposed credential nobody binds}
capability:
  exposes:
    - type: mcp
      port: 3301
      namespace: tools
      authentication:
        type: bearer
        token: "{{MCP_TOKEN}}"
      tools:
        - {name: hello, description: Hello, outputParameters: [{name: message, type: string, value: hi}]}
`,
      );
      const prepared = await prepareCapabilities([file], { env: { MCP_TOKEN: 'from-the-environment' } });
      expect(prepared.ok).toBe(false);
      const found = prepared.diagnostics.filter((d) => d.severity === 'error');
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ code: 'CAP_RULE_UNBOUND_CREDENTIAL', file, line: 10, col: 16, pointer: '/capability/exposes/0/authentication/token' });
      expect(found[0]!.message).toContain('{{MCP_TOKEN}}');
      expect(found[0]!.hint).toContain('binds');
    });

    it('digest is refused at load with CAP_COMPILE_UNSUPPORTED: nothing protected is served open', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cap-inbound-'));
      const file = join(dir, 'digest.yaml');
      await writeFile(
        file,
        `naftiko: "1.0.0-alpha2"
info: {label: Digest, description: Digest is not supported}
binds:
  - {namespace: env, keys: {U: U, P: P}}
capability:
  exposes:
    - type: rest
      port: 3302
      namespace: api
      authentication: {type: digest, username: "{{U}}", password: "{{P}}"}
      resources:
        - path: /hello
          operations:
            - {method: GET, outputParameters: [{name: message, type: string, value: hi}]}
`,
      );
      const prepared = await prepareCapabilities([file], { env: { U: 'u', P: 'p' } });
      expect(prepared.ok).toBe(false);
      expect(prepared.capabilities).toEqual([]);
      const errors = prepared.diagnostics.filter((d) => d.severity === 'error');
      expect(errors).toMatchObject([{ code: 'CAP_COMPILE_UNSUPPORTED', pointer: '/capability/exposes/0/authentication/type', line: 10 }]);
      expect(errors[0]!.message).toContain('digest');
    });
  });

  it('the README example of the "Inbound authentication" section validates with --strict and serves as documented', async () => {
    const readme = await readFile(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const section = readme.slice(readme.indexOf('## Inbound authentication'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const file = join(await mkdtemp(join(tmpdir(), 'cap-inbound-readme-')), 'notes.yaml');
    await writeFile(file, example);
    const env = { API_TOKEN: 'readme-token-7781', API_KEY: 'readme-key-5521', API_USER: 'reader', API_PASSWORD: 'readme-pass-1' };
    const strict = await prepareCapabilities([file], { env, strict: true });
    expect(strict.diagnostics).toEqual([]);
    const served = await serveCapability(file, { env, upstreamUrl: upstream.url });
    try {
      const hello = (namespace: string, query = '', headers: Record<string, string> = {}) => send(`${served.urlOf(namespace)}/hello${query}`, { headers });
      expect((await hello('notes-api')).status).toBe(401);
      expect((await hello('notes-api', '', { 'X-Api-Key': env.API_KEY })).text).toBe('{"message":"hello"}');
      expect((await hello('notes-query-api', `?api_key=${env.API_KEY}`)).status).toBe(200);
      expect((await hello('notes-basic-api', '', { authorization: basic(env.API_USER, env.API_PASSWORD) })).status).toBe(200);
      expect((await send(served.urlOf('notes-mcp'), { method: 'POST', headers: MCP_HEADERS, body: INITIALIZE })).status).toBe(401);
      expect((await send(served.urlOf('notes-mcp'), { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${env.API_TOKEN}` }, body: INITIALIZE })).status).toBe(200);
      const metadata = await fetch(`${new URL(served.urlOf('notes-oauth-mcp')).origin}/.well-known/oauth-protected-resource/mcp`);
      expect(await metadata.json()).toMatchObject({ resource: 'https://notes.example.com/mcp', authorization_servers: ['https://auth.example.com'], scopes_supported: ['notes:read'] });
    } finally {
      await served.close();
    }
  });

  it('no secret, expected or presented credential appears in any response body or log line; failures are logged with their context', () => {
    expect(bodies.length).toBeGreaterThan(20);
    for (const text of [...bodies, ...logLines]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
    const failures = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'inbound authentication failed');
    expect(failures.length).toBeGreaterThan(10);
    expect(failures).toContainEqual(expect.objectContaining({ adapter: 'bearer-api', method: 'GET', path: '/v1/items', reason: 'wrong bearer token', remoteAddress: '127.0.0.1' }));
    expect(failures).toContainEqual(expect.objectContaining({ adapter: 'query-key-api', path: '/v1/items', reason: 'wrong API key' }));
    expect(failures).toContainEqual(expect.objectContaining({ adapter: 'bearer-mcp', method: 'DELETE', path: '/mcp', reason: 'no bearer token' }));
  });
});
