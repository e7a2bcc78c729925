// Request templates: URL building with percent-encoded path values, query arrays as repeated keys, headers and
// auth from bindings, typed JSON bodies, and `in: body` parameters sent as the whole body.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ConsumesHttp } from '../spec/capability.js';
import type { NameScope } from './names.js';
import { compileRequestTemplate } from './request-template.js';

const scope: NameScope = {
  bindings: { names: new Map([['KEY', 'KEY'], ['env.KEY', 'KEY']]), values: new Map([['KEY', 'sk_live_1']]), missing: new Set() },
  inputPrefixes: new Set(['tools', 'rest']),
};

function template(adapter: Partial<ConsumesHttp>, path: string, operation: Record<string, unknown>) {
  const a = { type: 'http', namespace: 'api', baseUri: 'https://api.example.com/v2', ...adapter } as ConsumesHttp;
  return compileRequestTemplate(a, { name: 'r', path }, { name: 'op', method: 'GET', ...operation } as never, scope);
}

describe('request templates', () => {
  it('percent-encodes path values and accepts {x} and {{x}} placeholders', () => {
    const t = template({}, '/customers/{customer_id}/items/{{item}}', {});
    expect(t.build({ customer_id: 'a b/c?', item: 'ü#1' }).path).toBe('/v2/customers/a%20b%2Fc%3F/items/%C3%BC%231');
    expect(t.origin).toBe('https://api.example.com');
  });

  it('fails naming the path parameter when it has no value', () => {
    const t = template({}, '/customers/{id}', {});
    expect(() => t.build({})).toThrow(expect.objectContaining({ code: 'CAP_INPUT_INVALID', message: 'missing value for path parameter "id"' }));
  });

  it('sends query arrays as repeated keys and skips absent optional parameters', () => {
    const t = template({}, '/customers', { inputParameters: [{ name: 'ids', in: 'query' }, { name: 'limit', in: 'query' }, { name: 'q', in: 'query' }] });
    expect(t.build({ ids: ['a', 'b'], limit: 5 }).path).toBe('/v2/customers?ids=a&ids=b&limit=5');
  });

  it('fails when a required query parameter is missing', () => {
    const t = template({}, '/x', { inputParameters: [{ name: 'start_time', in: 'query', required: true }] });
    expect(() => t.build({})).toThrow(/missing required query parameter "start_time"/);
  });

  it('applies header, cookie and api-key authentication from bindings', () => {
    const t = template({ authentication: { type: 'apikey', key: 'X-Api-Key', value: '{{KEY}}', placement: 'header' } }, '/x', {
      inputParameters: [{ name: 'X-Trace', in: 'header' }, { name: 'session', in: 'cookie' }],
    });
    const built = t.build({ 'X-Trace': 't-1', session: 's 1' });
    expect(built.headers).toMatchObject({ 'x-api-key': 'sk_live_1', 'x-trace': 't-1', cookie: 'session=s%201' });
  });

  it('puts query api keys and bearer tokens where they belong', () => {
    expect(template({ authentication: { type: 'apikey', key: 'key', value: '{{KEY}}', placement: 'query' } }, '/x', {}).build({}).path).toBe('/v2/x?key=sk_live_1');
    expect(template({ authentication: { type: 'bearer', token: '{{env.KEY}}' } }, '/x', {}).build({}).headers.authorization).toBe('Bearer sk_live_1');
  });

  it('renders a typed JSON body and sets its content type', () => {
    const t = template({}, '/companies', { method: 'POST', body: { type: 'json', data: { keys: '{{tools.keys}}', name: '{{tools.name}}', traits: '{{tools.traits}}' } } });
    const built = t.build({ keys: { stripe_id: 'cus_1' }, name: 'Acme' });
    expect(built.method).toBe('POST');
    expect(built.headers['content-type']).toBe('application/json');
    expect(JSON.parse(built.body!)).toEqual({ keys: { stripe_id: 'cus_1' }, name: 'Acme' });
  });

  it('sends an `in: body` parameter as the whole JSON body when there is no body template', () => {
    const t = template({}, '/customers', { method: 'POST', inputParameters: [{ name: 'body', in: 'body', type: 'object' }] });
    expect(JSON.parse(t.build({ body: { name: 'Acme', ingest_aliases: ['a'] } }).body!)).toEqual({ name: 'Acme', ingest_aliases: ['a'] });
    expect(t.build({}).body).toBeUndefined();
  });

  it('lists the inputs the request reads, without bound variables', () => {
    const t = template({ authentication: { type: 'bearer', token: '{{KEY}}' } }, '/c/{id}', {
      inputParameters: [{ name: 'limit', in: 'query', type: 'integer', description: 'Page size' }],
      body: { type: 'json', data: { name: '{{tools.name}}' } },
    });
    expect(t.inputs).toEqual([
      { name: 'id', in: 'path', required: true, type: undefined, description: undefined },
      { name: 'limit', in: 'query', required: false, type: 'integer', description: 'Page size' },
      { name: 'name', in: 'body', required: false, type: undefined, description: undefined },
    ]);
  });

  // Issue 6 item 16: several vendors refuse requests without a User-Agent.
  it('sends User-Agent capability-runtime/<version> unless the file declares its own', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(template({}, '/x', {}).build({}).headers['user-agent']).toBe(`capability-runtime/${version}`);
    const own = template({ inputParameters: [{ name: 'User-Agent', in: 'header', value: 'acme-billing/2' }] }, '/x', {});
    expect(own.build({}).headers['user-agent']).toBe('acme-billing/2');
  });

  // Issue 6 item 4: a header value undici would refuse is bad input naming the field, never sent.
  it.each([
    ['CR LF', 'a\r\nX-Injected: 1', 'a carriage return (CR)'],
    ['LF', 'a\nb', 'a line feed (LF)'],
    ['NUL', 'a\u0000b', 'a NUL character'],
    ['non-Latin-1', 'snow ☃', 'a character beyond Latin-1'],
  ])('refuses a caller header value with %s as CAP_INPUT_INVALID naming the header', (_label, value, what) => {
    const t = template({}, '/x', { inputParameters: [{ name: 'X-Trace', in: 'header' }] });
    expect(() => t.build({ 'X-Trace': value })).toThrow(
      expect.objectContaining({ code: 'CAP_INPUT_INVALID', data: { errors: [{ field: 'X-Trace', in: 'header', message: `contains ${what}, which an HTTP header cannot carry` }] } }),
    );
    expect(t.build({ 'X-Trace': 'café latin-1 ok' }).headers['x-trace']).toBe('café latin-1 ok');
  });

  it('refuses a bound credential that cannot travel in a header as CAP_SECRET_INVALID, without quoting it', () => {
    const bad: NameScope = { ...scope, bindings: { ...scope.bindings, values: new Map([['KEY', 'sk_live_1\r\n']]) } };
    const a = { type: 'http', namespace: 'api', baseUri: 'https://api.example.com', authentication: { type: 'bearer', token: '{{KEY}}' } } as ConsumesHttp;
    const t = compileRequestTemplate(a, { name: 'r', path: '/x' }, { name: 'op', method: 'GET' } as never, bad);
    let thrown: { code?: string; message?: string } | undefined;
    try {
      t.build({});
    } catch (err) {
      thrown = err as { code?: string; message?: string };
    }
    expect(thrown?.code).toBe('CAP_SECRET_INVALID');
    expect(thrown?.message).toContain('"authorization"');
    expect(thrown?.message).not.toContain('sk_live_1');
  });

  it('refuses at compile time a header name that is not a token or that the HTTP client manages itself', () => {
    expect(() => template({}, '/x', { inputParameters: [{ name: 'Bad Header', in: 'header' }] })).toThrow('"Bad Header" is not a valid HTTP header name');
    expect(() => template({}, '/x', { inputParameters: [{ name: 'Transfer-Encoding', in: 'header', value: 'chunked' }] })).toThrow(/set by the HTTP client itself/);
  });

  it('carries the per-upstream response cap', () => {
    const a = { type: 'http', namespace: 'api', baseUri: 'https://api.example.com' } as ConsumesHttp;
    expect(compileRequestTemplate(a, { name: 'r', path: '/x' }, { name: 'op', method: 'GET' } as never, scope, { maxResponseBytes: 512 }).maxResponseBytes).toBe(512);
  });
});
