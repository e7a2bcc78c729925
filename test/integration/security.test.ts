// Security regressions (issue 6 items 1–3): a caller cannot choose the vendor credential; REST refuses foreign Host and
// Origin headers and cross-site simple requests like MCP does; bound secrets are redacted in every encoding from REST
// bodies, tool results, problem details and logs.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/log.js';
import { prepareCapabilities } from '../../src/prepare.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { CLIENT_GENERATIONS, connectMcp, resultText } from '../helpers/mcp-clients.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const TOKEN = 'tok_live_9f8e7d6c5b4a';
const USER = 'svc-notes';
const PASSWORD = 'p@ss "w/rd"+ü 42';

const capability = (upstream: string, extra = '') => `naftiko: "1.0.0-alpha2"
info: {label: Notes, description: Notes service}
binds:
  - namespace: env
    keys: {NOTES_TOKEN: NOTES_TOKEN, NOTES_USER: NOTES_USER, NOTES_PASSWORD: NOTES_PASSWORD, SHORT: SHORT}
capability:
  consumes:
    - type: http
      namespace: notes
      baseUri: ${upstream}
      authentication: {type: bearer, token: "{{NOTES_TOKEN}}"}
      inputParameters:
        - {name: X-Client, in: header, value: "notes/{{SHORT}}"}
      resources:
        - name: notes
          path: /notes
          operations:
            - name: list-notes
              method: GET
              inputParameters:
                - {name: X-Trace, in: header}
            - name: create-note
              method: POST
              body: {type: json, data: {text: "{{text}}"}}
    - type: http
      namespace: archive
      baseUri: ${upstream}/archive
      authentication: {type: basic, username: "{{NOTES_USER}}", password: "{{NOTES_PASSWORD}}"}
      resources:
        - name: echo
          path: /echo
          operations:
            - {name: echo, method: GET}
${extra}  exposes:
    - type: rest
      port: 18080
      namespace: notes-api
      resources:
        - path: /v1/notes
          operations:
            - {method: GET, call: notes.list-notes}
            - {method: POST, call: notes.create-note}
        - path: /v1/echo
          operations:
            - {method: GET, call: archive.echo}
    - type: mcp
      port: 19090
      namespace: notes-mcp
      tools:
        - {name: echo, description: Echo, call: archive.echo}
        - {name: list-notes, description: List notes, call: notes.list-notes}
`;

/** Every adapter on a free port. */
const ANY_PORT = new Map([
  ['notes-api', 0],
  ['notes-mcp', 0],
]);

const ENV = { NOTES_TOKEN: TOKEN, NOTES_USER: USER, NOTES_PASSWORD: PASSWORD, SHORT: 'q7' };

async function writeCapability(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cap-security-'));
  const file = join(dir, 'notes.yaml');
  await writeFile(file, text);
  return file;
}

/** A raw HTTP request with full control over Host and every other header (fetch forbids setting Host). */
function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; contentType: string; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('security', () => {
  let upstream: Upstream;
  let runtime: Runtime;
  let rest: string;
  let mcp: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    upstream = await startUpstream();
    const prepared = await prepareCapabilities([await writeCapability(capability(upstream.url))], { env: ENV });
    expect(prepared.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    const destination = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
    runtime = await startRuntime(prepared.capabilities, { ports: ANY_PORT, logger: createLogger({ destination: destination as never }) });
    rest = runtime.adapters.find((a) => a.type === 'rest')!.url;
    mcp = runtime.adapters.find((a) => a.type === 'mcp')!.url;
  });
  afterAll(async () => {
    await runtime?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    upstream.reset();
    upstream.handle(undefined);
  });

  describe('item 1: credentials come from binds only', () => {
    it('an authentication placeholder that no bind declares is a load error at its position, with a hint', async () => {
      const text = capability('https://notes.invalid').replace('keys: {NOTES_TOKEN: NOTES_TOKEN, ', 'keys: {');
      const prepared = await prepareCapabilities([await writeCapability(text)], { env: ENV });
      const found = prepared.diagnostics.filter((d) => d.code === 'CAP_RULE_UNBOUND_CREDENTIAL');
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ severity: 'error', line: 11, col: 45, pointer: '/capability/consumes/0/authentication/token' });
      expect(found[0]!.message).toContain('{{NOTES_TOKEN}}');
      expect(found[0]!.hint).toContain('binds');
      expect(prepared.ok).toBe(false);
    });

    it('an adapter-level header that takes a caller value, or an unbound placeholder, is a load error', async () => {
      const text = capability('https://notes.invalid').replace('value: "notes/{{SHORT}}"}', 'value: "{{client}}"}\n        - {name: X-Tenant, in: header}');
      const prepared = await prepareCapabilities([await writeCapability(text)], { env: ENV });
      const found = prepared.diagnostics.filter((d) => d.code === 'CAP_RULE_UNBOUND_CREDENTIAL').map((d) => d.pointer);
      expect(found).toStrictEqual(['/capability/consumes/0/inputParameters/0/value', '/capability/consumes/0/inputParameters/1']);
    });

    it('a caller naming the bound variable in the query, body or headers does not change what is sent upstream', async () => {
      const response = await fetch(`${rest}/v1/notes?NOTES_TOKEN=evil&SHORT=evil&env.NOTES_TOKEN=evil&X-Trace=t-1`);
      expect(response.status).toBe(200);
      const sent = upstream.only();
      expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(sent.headers['x-client']).toBe('notes/q7');
      // An operation's own declared parameter still takes the caller's value.
      expect(sent.headers['x-trace']).toBe('t-1');
      upstream.reset();
      await fetch(`${rest}/v1/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi', NOTES_TOKEN: 'evil' }) });
      expect(upstream.only().headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it('an MCP argument named like the bound variable does not change the credential', async () => {
      const client = await connectMcp('2025', mcp);
      try {
        await client.callTool('list-notes', { NOTES_TOKEN: 'evil', X_Trace: 'x' });
      } finally {
        await client.close();
      }
      expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });
  });

  describe('item 2: Host and Origin checks on REST', () => {
    it('a foreign Host header is refused with a 403 problem and nothing reaches the upstream', async () => {
      const answer = await rawRequest(`${rest}/v1/notes`, { headers: { host: `evil.example:${new URL(rest).port}` } });
      expect(answer.status).toBe(403);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(answer.text) as { code: string; detail: string };
      expect(problem.code).toBe('CAP_REQUEST_FORBIDDEN');
      expect(problem.detail).toContain('--allow-host');
      expect(upstream.requests).toHaveLength(0);
    });

    it('a foreign Origin is refused with 403; a local Origin is served', async () => {
      const denied = await rawRequest(`${rest}/v1/notes`, { headers: { origin: 'http://evil.example' } });
      expect(denied.status).toBe(403);
      expect(JSON.parse(denied.text)).toMatchObject({ code: 'CAP_REQUEST_FORBIDDEN' });
      expect(upstream.requests).toHaveLength(0);
      const allowed = await rawRequest(`${rest}/v1/notes`, { headers: { origin: `http://localhost:${new URL(rest).port}` } });
      expect(allowed.status).toBe(200);
      expect(upstream.requests).toHaveLength(1);
    });

    it('cross-site simple requests on state-changing routes are refused: text/plain and form bodies with 415, Sec-Fetch-Site cross-site with 403', async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const answer = await rawRequest(`${rest}/v1/notes`, { method: 'POST', headers: { 'content-type': contentType }, body: '{"text":"hi"}' });
        expect(answer.status, contentType).toBe(415);
        expect(JSON.parse(answer.text)).toMatchObject({ code: 'CAP_INPUT_MEDIA_TYPE', status: 415 });
      }
      const crossSite = await rawRequest(`${rest}/v1/notes`, { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, body: '{"text":"hi"}' });
      expect(crossSite.status).toBe(403);
      expect(upstream.requests).toHaveLength(0);
    });

    it('--allow-host accepts another host name in Host and Origin, and still refuses others', async () => {
      const prepared = await prepareCapabilities([await writeCapability(capability(upstream.url))], { env: ENV });
      const other = await startRuntime(prepared.capabilities, { ports: ANY_PORT, allowedHosts: ['notes.internal'], logger: createLogger({ level: 'silent' }) });
      try {
        const url = other.adapters.find((a) => a.type === 'rest')!.url;
        const port = new URL(url).port;
        expect((await rawRequest(`${url}/v1/notes`, { headers: { host: `notes.internal:${port}`, origin: 'https://notes.internal' } })).status).toBe(200);
        expect((await rawRequest(`${url}/v1/notes`, { headers: { host: `evil.example:${port}` } })).status).toBe(403);
        const mcpUrl = other.adapters.find((a) => a.type === 'mcp')!.url;
        const answer = await rawRequest(mcpUrl, { method: 'POST', headers: { host: `evil.example:${new URL(mcpUrl).port}`, 'content-type': 'application/json' }, body: '{}' });
        expect(answer.status).toBe(403);
        expect(JSON.parse(answer.text)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
      } finally {
        await other.close();
      }
    });
  });

  describe('item 3: secrets are redacted in every encoding', () => {
    const basicPair = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    const forms = {
      raw: PASSWORD,
      jsonEscaped: JSON.stringify(PASSWORD).slice(1, -1),
      percent: encodeURIComponent(PASSWORD),
      form: new URLSearchParams({ p: PASSWORD }).toString().slice(2),
      base64: Buffer.from(PASSWORD).toString('base64'),
      base64url: Buffer.from(`x${TOKEN}`).toString('base64url'),
      basicPair,
    };
    const leaks = (text: string): string[] =>
      [TOKEN, PASSWORD, basicPair, ...Object.values(forms), Buffer.from(TOKEN).toString('base64')].filter((f) => text.includes(f));

    const echoEverything = () =>
      upstream.handle((r) => ({
        status: 200,
        body: { authorization: r.headers.authorization, forms, nested: { escaped: `say ${forms.jsonEscaped}` }, short: 'q7', inWord: 'q7x', count: 7 },
      }));

    it('a REST body echoing the credentials in raw, JSON-escaped, percent-encoded and base64 forms carries none of them', async () => {
      echoEverything();
      const response = await fetch(`${rest}/v1/echo`);
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(leaks(text)).toStrictEqual([]);
      const body = JSON.parse(text) as { authorization: string; forms: Record<string, string>; short: string; inWord: string; count: number };
      expect(body.authorization).toBe('Basic [redacted]');
      for (const value of Object.values(body.forms)) expect(value).toContain('[redacted]');
      // A short bound value is redacted where it stands alone, not inside other words; numbers stay numbers.
      expect(body.short).toBe('[redacted]');
      expect(body.inWord).toBe('q7x');
      expect(body.count).toBe(7);
    });

    for (const generation of CLIENT_GENERATIONS) {
      it(`a tool result (text and structuredContent) carries no form of the credentials for the ${generation} client`, async () => {
        echoEverything();
        const client = await connectMcp(generation, mcp);
        try {
          const result = await client.callTool('echo', {});
          expect(result.isError).toBeFalsy();
          expect(leaks(resultText(result))).toStrictEqual([]);
          expect(leaks(JSON.stringify(result.structuredContent))).toStrictEqual([]);
        } finally {
          await client.close();
        }
      });
    }

    it('a problem carrying an upstream error body that echoes the credentials carries none of them', async () => {
      upstream.handle((r) => ({ status: 401, body: { error: `bad credentials ${String(r.headers.authorization)}`, forms } }));
      const response = await fetch(`${rest}/v1/echo`);
      const text = await response.text();
      expect(response.status).toBe(401);
      expect(leaks(text)).toStrictEqual([]);
      expect(JSON.parse(text)).toMatchObject({ code: 'CAP_UPSTREAM_STATUS', upstream: { body: { error: 'bad credentials Basic [redacted]' } } });
    });

    it('log lines never carry a bound value in any encoding', async () => {
      const logger = createLogger({ destination: { write: (line: string) => void logLines.push(line) } as never });
      const { addLogSecrets } = await import('../../src/observe/log.js');
      addLogSecrets(logger, [PASSWORD, TOKEN]);
      logger.error({ url: `https://x.test/?key=${forms.percent}`, header: `Basic ${basicPair}` }, `failed with ${TOKEN} and ${forms.jsonEscaped}`);
      const line = logLines.at(-1)!;
      expect(line).toContain('[redacted]');
      expect(leaks(line)).toStrictEqual([]);
    });
  });
});
