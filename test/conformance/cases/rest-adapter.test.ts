// Conformance cases 4, 5, 14, 15 and 17 (naftiko-semantics §7): the REST adapter over real sockets. Cases 4 and 5
// serve the reference engine's own fixtures (../fixtures/http/, verbatim); 14 and 17 rest-adapter-capability.yaml
// (ours); 15 is a load-time refusal.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../../src/prepare.js';
import type { RecordedRequest, UpstreamReply } from '../../helpers/upstream.js';
import { serveFixture, type Conformance } from '../orchestration/harness.js';

const post = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('case 04: http-header-query-capability.yaml (reference fixture)', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('../fixtures/http/http-header-query-capability.yaml');
  });
  afterAll(() => c?.close());

  it('case 04: POST /search {"user":{"id":"999"}} → upstream POST /items?q=999 (not %22999%22) with X-API-Key: ABC123', async () => {
    const response = await post(c.served.rest, '/search', { user: { id: '999' } });
    expect(response.status).toBe(200);
    const sent = c.upstream.only();
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/items');
    expect(sent.queryRecord).toEqual({ q: '999' });
    expect(sent.headers['x-api-key']).toBe('ABC123');
  });
});

describe('case 05: http-body-capability.yaml (reference fixture)', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('../fixtures/http/http-body-capability.yaml');
  });
  afterAll(() => c?.close());

  it('case 05: POST /users {"user":{"id":"123","name":"Alice"}} → the upstream body carries "id":"123" and "name":"Alice"', async () => {
    const response = await post(c.served.rest, '/users', { user: { id: '123', name: 'Alice' } });
    expect(response.status).toBe(200);
    const sent = c.upstream.only();
    expect(sent).toMatchObject({ method: 'POST', path: '/create' });
    expect(sent.bodyText).toContain('"id":"123"');
    expect(sent.bodyText).toContain('"name":"Alice"');
    expect(sent.json).toEqual({ id: '123', name: 'Alice' });
  });
});

function backend(request: RecordedRequest): UpstreamReply | undefined {
  if (request.path === '/report') return { status: 202, body: { id: 'r-1', rows: [1, 2] }, headers: { 'content-type': 'application/vnd.report+json' } };
  if (request.path === '/notes') return { body: 'plain notes, not JSON', headers: { 'content-type': 'text/plain; charset=utf-8' } };
  if (request.path === '/config') return { body: 'name: [unclosed', headers: { 'content-type': 'application/yaml' } };
  return undefined;
}

describe('cases 14 and 17: rest-adapter-capability.yaml', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('../cases/rest-adapter-capability.yaml', backend);
  });
  afterAll(() => c?.close());

  it('case 14: POST on a GET-only resource → 405 problem with Allow: GET, nothing sent upstream (the reference engine answers 404 text "Unable to handle the request…")', async () => {
    c.upstream.reset();
    const response = await post(c.served.rest, '/ships', {});
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 405, code: 'CAP_METHOD_NOT_ALLOWED' });
    expect(c.upstream.requests).toEqual([]);
  });

  it('case 17: without outputParameters the upstream status and JSON body come back unchanged', async () => {
    const response = await fetch(`${c.served.rest}/report`);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ id: 'r-1', rows: [1, 2] });
  });

  it('case 17: a non-JSON upstream body without outputParameters comes back as the same text', async () => {
    const response = await fetch(`${c.served.rest}/notes`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('plain notes, not JSON');
  });

  it('case 17: a body the mapping cannot read is 502 CAP_UPSTREAM_BODY_INVALID naming the upstream (the reference engine answers 500 "Failed to map output parameters")', async () => {
    const response = await fetch(`${c.served.rest}/config`);
    expect(response.status).toBe(502);
    const problem = (await response.json()) as { code: string; detail: string };
    expect(problem.code).toBe('CAP_UPSTREAM_BODY_INVALID');
    expect(problem.detail).toContain('backend');
  });
});

async function prepareText(name: string, text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'cap-cases-'));
  const file = join(dir, name);
  await writeFile(file, text);
  return { file, prepared: await prepareCapabilities([file], { env: {} }) };
}

const capability = (operation: string, call: string) => `naftiko: "1.0.0-alpha2"
info: {label: Cases, description: Load-time refusals}
capability:
  consumes:
    - type: http
      namespace: backend
      baseUri: https://api.example.com
      resources:
        - name: items
          path: /items
          operations:
            - ${operation}
  exposes:
    - type: rest
      port: 18212
      namespace: api
      resources:
        - path: /items
          operations:
            - {method: GET, call: ${call}}
`;

describe('case 15 and 17: what cannot run is refused at load', () => {
  it('case 15: call: invalidCallFormat is a load error at its line and column, naming the consumed namespaces (the reference engine starts and answers 400 "Invalid call format" per request)', async () => {
    const { file, prepared } = await prepareText('invalid-call.yaml', capability('{name: list-items, method: GET}', 'invalidCallFormat'));
    expect(prepared.ok).toBe(false);
    const error = prepared.diagnostics.find((d) => d.severity === 'error')!;
    expect(error).toMatchObject({ file, line: 20, code: 'CAP_RULE_UNKNOWN_CALL' });
    expect(error.message).toContain('invalidCallFormat');
    expect(error.hint).toContain('backend');
  });

  it('case 17: outputRawFormat INI is a load error naming the formats (the reference engine loads it and answers 500 per request)', async () => {
    const { prepared } = await prepareText('ini.yaml', capability('{name: list-items, method: GET, outputRawFormat: INI}', 'backend.list-items'));
    expect(prepared.ok).toBe(false);
    const errors = prepared.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.some((d) => d.pointer.endsWith('/outputRawFormat') && /json/.test(d.message))).toBe(true);
  });
});
