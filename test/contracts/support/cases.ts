// Contract cases: one MCP tool call or REST request through the capability, the one upstream request it must
// make, and the output mapping its answer must go through. runCase() asserts all of it against the bench.
import { expect } from 'vitest';
import type { ContractBench } from './harness.js';
import { select, toolValue } from './harness.js';

export interface ExpectedUpstream {
  method: string;
  /** Path as the vendor sees it (percent-encoded as sent). */
  path: string;
  /** Query as recorded by the proxy; {} when absent. */
  query?: Record<string, string | string[]>;
  /** JSON body; undefined for a request without a body. */
  body?: unknown;
  /**
   * A paged list (the capability declares `pagination`): after the first request, the mock's cursor (`cursor`, a
   * top-level field of each answer, sent back as the query parameter of the same name) is followed until it repeats
   * or ends, and the answer is the first page with every page's `items` and the last cursor.
   */
  pages?: { items: string; cursor: string };
}

interface CaseBase {
  upstream: ExpectedUpstream;
  /** The JSONPath the capability's output mapping applies to the vendor's answer ('$' passes it through). */
  mapping: string;
}

export interface ToolCase extends CaseBase {
  tool: string;
  args: Record<string, unknown>;
}

export interface RestCase extends CaseBase {
  /** The route as declared, `METHOD /v1/things/{id}`. */
  route: string;
  /** The concrete path to request (route parameters filled in); defaults to the route's path. */
  path?: string;
  query?: Record<string, string | string[]>;
  body?: unknown;
}

export interface AuthExpectation {
  header: string;
  value: string;
}

/** The request(s) the case must make, each accepted by the vendor mock; returns the first exchange and the answer the capability must give. */
function expectAcceptedRequests(bench: ContractBench, upstream: ExpectedUpstream, auth: AuthExpectation) {
  expect(bench.rejections(), 'the vendor mock rejected a request').toEqual([]);
  const exchanges = bench.exchanges();
  const count = upstream.pages ? Math.max(1, exchanges.length) : 1;
  expect(exchanges.map((e) => `${e.method} ${e.path}`)).toEqual(Array.from({ length: count }, () => `${upstream.method} ${upstream.path}`));
  exchanges.forEach((exchange, i) => {
    const cursor = i === 0 ? {} : { [upstream.pages!.cursor]: field(exchanges[i - 1]!.responseBody, upstream.pages!.cursor) };
    expect(exchange.query).toEqual({ ...(upstream.query ?? {}), ...cursor });
    expect(exchange.requestBody).toEqual(upstream.body);
    expect(exchange.requestHeaders[auth.header.toLowerCase()]).toBe(auth.value);
    expect(exchange.violations.filter((v) => v.location[0] === 'request')).toEqual([]);
    expect(exchange.status).toBeGreaterThanOrEqual(200);
    expect(exchange.status).toBeLessThan(300);
  });
  const [exchange] = exchanges;
  if (!upstream.pages || exchange.responseBody === undefined) return { exchange, responseBody: exchange.responseBody };
  const { items, cursor } = upstream.pages;
  const all = exchanges.flatMap((e) => field(e.responseBody, items) as unknown[]);
  const responseBody = { ...(exchange.responseBody as object), [items]: all, [cursor]: field(exchanges[exchanges.length - 1]!.responseBody, cursor) ?? null };
  return { exchange, responseBody };
}

const field = (body: unknown, name: string): unknown => (body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined);

export async function runToolCase(bench: ContractBench, c: ToolCase, auth: AuthExpectation): Promise<void> {
  bench.reset();
  const result = await bench.callTool(c.tool, c.args);
  const { responseBody } = expectAcceptedRequests(bench, c.upstream, auth);
  expect(result.isError ?? false, JSON.stringify(result.content)).toBe(false);
  const expected = responseBody === undefined ? undefined : select(responseBody, c.mapping);
  if (responseBody !== undefined) expect(expected, `mapping ${c.mapping} selects nothing in the vendor answer`).toBeDefined();
  expect(toolValue(result)).toEqual(expected);
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) expect(result.structuredContent).toEqual(expected);
  else expect(result.structuredContent).toBeUndefined();
}

export async function runRestCase(bench: ContractBench, c: RestCase, auth: AuthExpectation): Promise<void> {
  bench.reset();
  const [method, routePath] = c.route.split(' ') as [string, string];
  const answer = await bench.rest(method, c.path ?? routePath, { query: c.query, body: c.body });
  const { exchange, responseBody } = expectAcceptedRequests(bench, c.upstream, auth);
  if (responseBody === undefined) {
    expect(answer.status).toBe(204);
    expect(answer.body).toBeUndefined();
    return;
  }
  expect(answer.status, JSON.stringify(answer.body)).toBe(exchange.status);
  expect(answer.contentType).toMatch(/^application\/json/);
  const expected = select(responseBody, c.mapping);
  expect(expected, `mapping ${c.mapping} selects nothing in the vendor answer`).toBeDefined();
  expect(answer.body).toEqual(expected);
}

/** Checks a tool's listed input schema: every property typed and described, and the required list. */
export function expectDescribedInputs(tool: { name: string; inputSchema: { properties?: Record<string, Record<string, unknown>>; required?: string[] } }): void {
  for (const [name, property] of Object.entries(tool.inputSchema.properties ?? {})) {
    expect(property.type, `${tool.name}.${name} has no type`).toBeTypeOf('string');
    expect(property.description, `${tool.name}.${name} has no description`).toBeTypeOf('string');
  }
}
