// Case 21 (naftiko-semantics §3.6, §7): outputRawFormat conversions on the reference's own sample bytes, end to end.
// A recording upstream answers each sample file; the REST route and the MCP tool (real SDK client) must return the
// JSON tree the reference converter builds, and the output mapping must read it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcp, resultJson, type McpTestClient } from '../../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';

const here = (name: string) => new URL(name, import.meta.url);
const sample = (name: string) => readFileSync(here(name), 'utf8');

const BODIES: Record<string, { file: string; type: string }> = {
  '/api/users/csv': { file: 'sample-users.csv', type: 'text/csv' },
  '/api/users/tsv': { file: 'sample-users.tsv', type: 'text/tab-separated-values' },
  '/api/users/psv': { file: 'sample-users.psv', type: 'text/plain' },
  '/api/users/xml': { file: 'sample-users.xml', type: 'application/xml' },
  '/api/users/yaml': { file: 'sample-users.yaml', type: 'application/yaml' },
  '/api/products': { file: 'sample-products.html', type: 'text/html' },
  '/api/readme': { file: 'sample-readme.md', type: 'text/markdown' },
};

const USERS = [
  { id: '1', name: 'Alice Smith', email: 'alice@example.com' },
  { id: '2', name: 'Bob Johnson', email: 'bob@example.com' },
  { id: '3', name: 'Carol White', email: 'carol@example.com' },
];

let upstream: Upstream;
let served: Served;
let mcp: McpTestClient;

beforeAll(async () => {
  upstream = await startUpstream((request) => {
    const body = BODIES[request.path];
    if (!body) return { status: 404, body: { error: 'no such sample' } };
    return { status: 200, body: sample(body.file), headers: { 'content-type': body.type } };
  });
  served = await serveCapability(here('formats-capability.yaml').pathname, { env: {}, upstreamUrl: upstream.url });
  mcp = await connectMcp('2026-07-28', served.mcp);
});

afterAll(async () => {
  await mcp?.close();
  await served?.close();
  await upstream?.close();
});

async function rest(path: string): Promise<unknown> {
  const response = await fetch(`${served.rest}${path}`);
  expect(response.status).toBe(200);
  return response.json();
}

async function tool(name: string): Promise<unknown> {
  const result = await mcp.callTool(name, {});
  expect(result.isError ?? false).toBe(false);
  return resultJson(result);
}

describe('case 21: outputRawFormat conversions (real sample bytes, REST and MCP)', () => {
  for (const format of ['csv', 'tsv', 'psv'] as const) {
    it(`case 21: ${format} rows become objects keyed by the header row, every value a string`, async () => {
      upstream.reset();
      expect(await rest(`/raw/${format}`)).toEqual(USERS);
      expect(upstream.only().path).toBe(`/api/users/${format}`);
      expect(upstream.only().headers.accept).toMatch(format === 'psv' ? /^text\/plain/ : format === 'csv' ? /^text\/csv/ : /^text\/tab-separated-values/);
      expect(await tool(`users-${format}`)).toEqual(USERS);
    });
  }

  it('case 21: csv rows feed the output mapping', async () => {
    expect(await rest('/csv-names')).toEqual(USERS.map((u) => ({ name: u.name })));
  });

  it('case 21: xml drops the root element, repeated children become an array of string leaves', async () => {
    expect(await rest('/raw/xml')).toEqual({ user: USERS });
    expect(await tool('users-xml')).toEqual({ user: USERS });
    expect(await rest('/xml/users')).toEqual(USERS.map(({ id, email }) => ({ id, email })));
  });

  it('case 21: yaml is parsed as is', async () => {
    expect(await rest('/raw/yaml')).toEqual({ users: USERS });
    expect(await tool('users-yaml')).toEqual({ users: USERS });
  });

  it('case 21: html tables scoped by the outputSchema CSS selector', async () => {
    const products = [
      { Name: 'Widget', Price: '$42', Stock: '150' },
      { Name: 'Gadget', Price: '$99', Stock: '30' },
    ];
    expect(await tool('products-html')).toEqual({ tables: [products] });
    expect(await rest('/html/products')).toEqual(products.map((p) => ({ name: p.Name, price: p.Price })));
  });

  it('case 21: markdown front matter, tables and sections; outputSchema filters sections by heading prefix', async () => {
    const table = [
      { Feature: 'HTML support', Status: 'GA' },
      { Feature: 'Markdown support', Status: 'Beta' },
    ];
    const whole = (await tool('readme-markdown')) as { frontMatter: unknown; tables: unknown; sections: { heading: string; level: number; content: string }[] };
    expect(whole.frontMatter).toEqual({ title: 'Product Release Notes', version: '2.1.0' });
    expect(whole.tables).toEqual([table]);
    // As the reference reads it: content is the plain text of the section without its table.
    expect(whole.sections).toEqual([{ heading: 'Overview', level: 2, content: 'This release introduces table extraction for markdown.' }]);
    expect(await tool('readme-overview')).toEqual(whole);
    // The heading prefix filters sections only; tables are the document's (reference behaviour).
    expect(await tool('readme-none')).toEqual({ frontMatter: whole.frontMatter, tables: [table], sections: [] });
    expect(await rest('/markdown/features')).toEqual(table.map((r) => ({ feature: r.Feature, status: r.Status })));
  });
});
