// Output mapping and mocks conformance (naftiko-semantics §4.4, §4.8, §7 cases 16, 18, 19, 20), through REST and
// both MCP client generations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultJson } from '../../helpers/mcp-clients.js';
import { serveFixture, type Conformance } from './harness.js';

// The upstream document the reference tests map (ResourceRestletTest, ResolverTest, OutputMappingExtensionTest).
const DOC = {
  user: { id: 'u-1', name: 'Alice' },
  rows: [{ name: 'A' }, { other: 'B' }],
  map: { a: { id: 10 }, b: { other: 20 } },
  long: 'abcdefghijkl',
  data: { id: 1 },
};

describe('output mapping: cases 16, 18, 19', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('case-16-19-output-mapping.yaml', () => ({ body: DOC }));
  });
  afterAll(() => c?.close());

  const call = async (tool: string, args: Record<string, unknown> = {}) => {
    const results = await Promise.all(c.clients.map((client) => client.callTool(tool, args)));
    const values = results.map(resultJson);
    expect(values[1]).toEqual(values[0]); // both client generations read the same result
    return values[0];
  };

  it('case 16: {"user":{"id":"u-1","name":"Alice"}} + properties $.user.id/$.user.name → {"id":"u-1","name":"Alice"}', async () => {
    expect(await call('map-user')).toEqual({ id: 'u-1', name: 'Alice' });
    const response = await fetch(`${c.served.rest}/users/current`);
    expect(await response.json()).toEqual({ id: 'u-1', name: 'Alice' });
  });

  it('case 18: a mock builds {"status":"ready","payload":{"id":"42","tags":["active"]}}, values rendered over the input, a scalar without value null (REST)', async () => {
    c.upstream.reset();
    const response = await fetch(`${c.served.rest}/preview?name=Nina`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', payload: { id: '42', tags: ['active'] }, greeting: 'Hello, Nina!', missing: null });
    expect(c.upstream.requests).toEqual([]);
  });

  it('case 18: a mock tool answers from its named values without calling anything (MCP)', async () => {
    c.upstream.reset();
    expect(await call('preview', { name: 'Nina' })).toEqual({ status: 'ready', greeting: 'Hello, Nina!' });
    expect(c.upstream.requests).toEqual([]);
  });

  it('case 18: a mock with nothing to build answers 204', async () => {
    const response = await fetch(`${c.served.rest}/empty`);
    expect(response.status).toBe(204);
  });

  it('case 19: array items.properties relative to each element, a missing one null', async () => {
    expect(await call('rows')).toEqual([{ name: 'A' }, { name: null }]);
  });

  it('case 19: a values map, {a: 10, b: null}', async () => {
    expect(await call('values')).toEqual({ a: 10, b: null });
  });

  it('case 19: `value` wins over the upstream body and yields a string, even for type number', async () => {
    expect(await call('constant')).toBe('10');
  });

  it('case 19: maxLength truncates a string', async () => {
    expect(await call('truncated')).toBe('abcde');
  });

  it('case 19: an object where an array is mapped yields nothing, so the raw body is returned', async () => {
    expect(await call('not-array')).toEqual(DOC);
  });

  it('mapping $. on an object returns the upstream body (what authors mean; the reference engine returns {}, §8.4)', async () => {
    expect(await call('whole')).toEqual(DOC);
  });
});

describe('case 20: nested-object-output-capability.yaml', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await serveFixture('nested-object-output-capability.yaml', () => ({
      body: {
        imo_number: 'IMO-9321483',
        vessel_name: 'Northern Star',
        operational_status: 'active',
        year_built: 2015,
        gross_tonnage: 42000,
        dimensions: { length_overall: 229 },
      },
    }));
  });
  afterAll(() => c?.close());

  it('case 20: a nested properties object without mapping builds specs:{…} from root-relative paths', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const result = await client.callTool('get-ship', { imo: 'IMO-9321483' });
      expect(result.structuredContent).toEqual({
        imo: 'IMO-9321483',
        name: 'Northern Star',
        status: 'active',
        specs: { yearBuilt: 2015, tonnage: 42000, length: 229 },
      });
      expect(c.upstream.only().path).toBe('/ships/IMO-9321483');
    }
  });
});
