// `forward` conformance (naftiko-semantics §4.7, §7 cases 12–13): requests no operation handles go to the consumed
// adapter's base URI + the rest of the path, with only trusted headers, the adapter's own headers and credentials,
// and the upstream answer comes back verbatim (bound secrets still redacted).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFixture, type Conformance } from './harness.js';

describe('case 12: http-forward-value-capability.yaml', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('http-forward-value-capability.yaml', () => ({ body: { pages: ['home'] }, headers: { 'content-type': 'application/vnd.pages+json' } }), { basePath: '/v1' });
  });
  afterAll(() => c?.close());

  it('case 12: GET /forward/pages → upstream /v1/pages with the adapter headers; JSON and media type returned', async () => {
    const response = await fetch(`${c.served.rest}/forward/pages`, { headers: { 'x-api-key': 'caller-key', authorization: 'Bearer caller' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.pages+json');
    expect(await response.json()).toEqual({ pages: ['home'] });
    const sent = c.upstream.only();
    expect(sent).toMatchObject({ method: 'GET', path: '/v1/pages' });
    // The adapter's own values; nothing the caller sent (no header is trusted here).
    expect(sent.headers['x-api-version']).toBe('2026-03-03');
    expect(sent.headers['x-api-key']).toBe('secret-key-123');
    expect(sent.headers.authorization).toBeUndefined();
  });
});

describe('case 13: trusted headers, credentials, methods, bodies and verbatim answers', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture(
      'case-13-forward-trusted-headers.yaml',
      (r) => {
        if (r.path.endsWith('/echo-token')) return { status: 200, body: `token was ${String(r.headers.authorization)}`, headers: { 'content-type': 'text/plain' } };
        return { status: r.method === 'POST' ? 201 : 409, body: 'id,name\n1,a\n', headers: { 'content-type': 'text/csv' } };
      },
      { basePath: '/v1', env: { PAGES_TOKEN: 'tok-forward-secret' } },
    );
  });
  afterAll(() => c?.close());

  it('case 13: only listed headers are copied (case-insensitively, missing ones skipped), the credential is the adapter’s, and the query string is kept (the reference engine drops it; a proxy is meant to keep it)', async () => {
    c.upstream.reset();
    const response = await fetch(`${c.served.rest}/forward/a/b/c?x=1&y=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Trace': 'abc', 'X-Tenant': 't-1', 'X-Other': 'no', authorization: 'Bearer caller' },
      body: JSON.stringify({ name: 'a' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(await response.text()).toBe('id,name\n1,a\n');
    const sent = c.upstream.only();
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/a/b/c', bodyText: '{"name":"a"}' });
    expect(sent.queryRecord).toEqual({ x: '1', y: '2' });
    expect(sent.headers['x-trace']).toBe('abc');
    expect(sent.headers['x-tenant']).toBe('t-1');
    expect(sent.headers['x-missing']).toBeUndefined();
    expect(sent.headers['x-other']).toBeUndefined();
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['x-api-version']).toBe('2026-03-03');
    expect(sent.headers.authorization).toBe('Bearer tok-forward-secret');
  });

  it('case 13: an upstream error status comes back as it is, not as a problem', async () => {
    const response = await fetch(`${c.served.rest}/forward/thing`, { method: 'DELETE' });
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(await response.text()).toBe('id,name\n1,a\n');
  });

  it('case 13: a method the resource has an operation for is handled by it, not forwarded', async () => {
    c.upstream.reset();
    const response = await fetch(`${c.served.rest}/forward/anything`);
    expect(await response.json()).toEqual({ handled: 'locally' });
    expect(c.upstream.requests).toEqual([]);
  });

  it('case 13: the rest of the path is re-encoded (a %3F stays data) and dot segments are refused before anything is sent', async () => {
    c.upstream.reset();
    await fetch(`${c.served.rest}/forward/a%20b%3Fc/d`, { method: 'PUT' });
    expect(c.upstream.only()).toMatchObject({ path: '/v1/a%20b%3Fc/d', queryRecord: {} });
    c.upstream.reset();
    const response = await fetch(`${c.served.rest}/forward/x%2F..%2Fadmin`, { method: 'PUT' }); // decoded: x/../admin
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('CAP_INPUT_INVALID');
    expect(c.upstream.requests).toEqual([]);
  });

  it('case 13: a bound secret echoed by the upstream is redacted from the forwarded answer', async () => {
    const response = await fetch(`${c.served.rest}/forward/echo-token`, { method: 'PUT' });
    expect(await response.text()).toBe('token was Bearer [redacted]');
  });
});
