// Request templates: URL building with percent-encoded path values, query arrays as repeated keys, headers and
// auth from bindings, typed JSON bodies, and `in: body` parameters sent as the whole body.
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
});
