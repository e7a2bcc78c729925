// Cases 2 and 3 (naftiko-semantics §2.8, §3.4): each request body type reaches the upstream with its media type and
// its own encoding; a URI template that cannot be resolved is an error and nothing is sent (never the literal).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectMcp, resultText, type McpTestClient } from '../../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';

let upstream: Upstream;
let served: Served;
let mcp: McpTestClient;

beforeAll(async () => {
  upstream = await startUpstream();
  served = await serveCapability(new URL('bodies-capability.yaml', import.meta.url).pathname, { env: {}, upstreamUrl: upstream.url });
  mcp = await connectMcp('2026-07-28', served.mcp);
});
afterAll(async () => {
  await mcp?.close();
  await served?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

async function call(tool: string, args: Record<string, unknown>) {
  const result = await mcp.callTool(tool, args);
  expect(result.isError ?? false, resultText(result)).toBe(false);
  const sent = upstream.only();
  return { type: sent.headers['content-type'], body: sent.bodyText, method: sent.method, path: sent.path };
}

describe('case 3: request body media types', () => {
  it('case 3: json data is rendered with its JSON types', async () => {
    const sent = await call('send-json', { imo: 'IMO-9321483' });
    expect(sent.type).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({ imo: 'IMO-9321483', tags: ['IMO-9321483', 'fixed'], count: 3 });
  });

  it('case 3: text is sent as text/plain without JSON quotes (the reference engine sends JSON; its schema means plain text)', async () => {
    expect(await call('send-text', { imo: 'IMO-9321483' })).toMatchObject({ type: 'text/plain', body: 'ship IMO-9321483 reporting' });
  });

  it('case 3: xml is sent as application/xml', async () => {
    expect(await call('send-xml', { imo: 'IMO-9321483' })).toMatchObject({ type: 'application/xml', body: '<ship><imo>IMO-9321483</imo></ship>' });
  });

  it('case 3: formUrlEncoded is real form encoding, not the JSON the reference engine sends (MCP and REST)', async () => {
    const sent = await call('send-form', { imo: 'IMO 93/21' });
    expect(sent.type).toBe('application/x-www-form-urlencoded');
    expect(sent.body).toBe('imo=IMO+93%2F21&note=a+b%26c%3Dd');
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({ imo: 'IMO 93/21', note: 'a b&c=d' });

    upstream.reset();
    const response = await fetch(`${served.rest}/form`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ imo: 'IMO-1' }) });
    expect(response.status).toBe(200);
    expect(upstream.only().bodyText).toBe('imo=IMO-1&note=a+b%26c%3Dd');
  });

  it('case 3: sparql is sent as application/sparql-query', async () => {
    expect(await call('send-sparql', { imo: 'IMO-9321483' })).toMatchObject({ type: 'application/sparql-query', body: 'SELECT ?s WHERE { ?s <urn:imo> "IMO-9321483" }' });
  });

  it('case 3: a plain string body is rendered and sent as application/json', async () => {
    const sent = await call('send-string', { imo: 'IMO-9321483' });
    expect(sent.type).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({ imo: 'IMO-9321483' });
  });
});

describe('case 2: unresolved templates in the URI', () => {
  it('case 2: a path placeholder without a value is an input error naming it; nothing reaches the upstream', async () => {
    const result = await mcp.callTool('put-order', {});
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('CAP_INPUT_INVALID');
    expect(resultText(result)).toContain('orderId');

    const response = await fetch(`${served.rest}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe('CAP_INPUT_INVALID');
    expect(problem.errors.map((e) => e.field)).toContain('orderId');
    expect(upstream.requests).toEqual([]);
  });

  it('case 2: with the value the request is built; a body placeholder without a value renders empty', async () => {
    const sent = await call('put-order', { orderId: 'o-1' });
    expect(sent).toMatchObject({ method: 'PUT', path: '/orders/o-1' });
    expect(sent.body).not.toContain('{{');
    expect(sent.body).toBe('');
  });

  it('case 2: a value that itself looks like a template is sent encoded, never as a template', async () => {
    const sent = await call('put-order', { orderId: '{{orderId}}' });
    expect(sent.path).toBe('/orders/%7B%7BorderId%7D%7D');
  });
});
