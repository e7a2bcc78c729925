// Logs (issue 10 §2): one JSON line per request from REST and MCP adapters with the request id, the route or tool,
// status, duration and the upstream call; the request id comes from x-request-id (validated) or is generated, goes
// back in the response and upstream; bound secrets never reach a line. Real sockets, a logger writing to memory.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_GENERATIONS, connectMcp } from '../../helpers/mcp-clients.js';
import type { Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';
import { FLEET_KEY, memoryLogger, serveObserved, until, type Logged } from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let upstream: Upstream;
let served: Served;
let log: Logged;

beforeAll(async () => {
  upstream = await startUpstream();
  log = memoryLogger();
  served = await serveObserved(upstream.url, log.logger);
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});
beforeEach(() => {
  upstream.reset();
  upstream.handle(undefined);
  log.lines.length = 0;
});

const lastRequestLine = async (count = 1) => {
  await until(() => log.requests().length >= count, `${count} request log line(s)`);
  return log.requests().at(-1)!;
};

describe('request log lines', () => {
  it('a REST call logs one line: request id from x-request-id, route, operation, status, duration, upstream call', async () => {
    upstream.handle(() => ({ status: 200, body: { imo: '9321483', name: 'Northern Star' } }));
    const res = await fetch(`${served.rest}/ships/9321483`, { headers: { 'x-request-id': 'order-42.retry-1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('order-42.retry-1');
    expect(upstream.only().headers['x-request-id']).toBe('order-42.retry-1');
    // Traces are off (no OTEL_* variables): no trace context is invented for the upstream.
    expect(upstream.only().headers.traceparent).toBeUndefined();
    const line = await lastRequestLine();
    expect(line).toMatchObject({
      level: 30,
      reqId: 'order-42.retry-1',
      adapter: 'fleet-api',
      kind: 'rest',
      method: 'GET',
      route: 'GET /ships/{imo}',
      operation: 'get-ship',
      status: 200,
      upstream: { namespace: 'registry', operation: 'get-ship', status: 200 },
    });
    expect(line.ms).toBeTypeOf('number');
    expect((line.upstream as { ms: number }).ms).toBeLessThanOrEqual(line.ms as number);
    expect(line.msg).toMatch(/^GET \/ships\/\{imo\} 200 [\d.]+ms$/);
    expect(log.requests()).toHaveLength(1);
  });

  it('an x-request-id that is too long or not printable is replaced by a generated one (and that one is sent upstream)', async () => {
    for (const bad of ['x'.repeat(129), 'has space', 'tab\there']) {
      upstream.reset();
      const res = await fetch(`${served.rest}/ships/1`, { headers: { 'x-request-id': bad } });
      const id = res.headers.get('x-request-id')!;
      expect(id, bad).toMatch(UUID);
      expect(upstream.only().headers['x-request-id']).toBe(id);
    }
    const generated = await fetch(`${served.rest}/ships/2`);
    expect(generated.headers.get('x-request-id')).toMatch(UUID);
  });

  it('an upstream error status is logged with the status the caller got and the upstream status; the 5xx line has the request id', async () => {
    upstream.handle(() => ({ status: 503, body: { error: 'maintenance' } }));
    const res = await fetch(`${served.rest}/ships/1`);
    expect(res.status).toBe(503);
    const failureLine = () => log.entries().find((e) => e.code === 'CAP_UPSTREAM_STATUS' && e.level === 40);
    await until(() => log.requests().length === 1 && failureLine() !== undefined, 'request and failure lines');
    expect(log.requests()[0]).toMatchObject({ status: 503, code: 'CAP_UPSTREAM_STATUS', upstream: { status: 503 } });
    expect(failureLine()).toMatchObject({ reqId: res.headers.get('x-request-id'), adapter: 'fleet-api', upstream: 'registry' });
  });

  it('an unknown path is logged without its query string (it may hold a caller credential)', async () => {
    const res = await fetch(`${served.rest}/nowhere?api_key=caller-secret`);
    expect(res.status).toBe(404);
    // Problems carry the request id too (REST sets it with Fastify's headers, MCP on the raw response).
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    const line = await lastRequestLine();
    expect(line).toMatchObject({ adapter: 'fleet-api', path: '/nowhere', status: 404, code: 'CAP_ROUTE_NOT_FOUND', operation: 'unmatched' });
    expect(log.lines.join('')).not.toContain('caller-secret');
  });

  it('a refused Host header is logged too (the hooks run before the guard)', async () => {
    const { request } = await import('undici');
    const res = await request(`${served.rest}/ships/1`, { headers: { host: 'evil.example' } });
    await res.body.dump();
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(await lastRequestLine()).toMatchObject({ status: 403, code: 'CAP_REQUEST_FORBIDDEN' });
  });

  it.each(CLIENT_GENERATIONS)('MCP (%s client): a tools/call line names the tool; its upstream call carries the request id', async (generation) => {
    upstream.handle(() => ({ status: 200, body: { ships: [] } }));
    const client = await connectMcp(generation, served.mcp);
    try {
      log.lines.length = 0;
      const result = await client.callTool('list-ships', {});
      expect(result.isError).toBeFalsy();
      await until(() => log.requests().some((l) => l.rpc === 'tools/call'), 'tools/call line');
      const line = log.requests().find((l) => l.rpc === 'tools/call')!;
      expect(line).toMatchObject({ adapter: 'fleet-tools', kind: 'mcp', method: 'POST', tool: 'list-ships', status: 200, upstream: { namespace: 'registry', operation: 'list-ships', status: 200 } });
      expect(line.msg).toMatch(/^tools\/call list-ships 200 /);
      expect(upstream.requests.at(-1)!.headers['x-request-id']).toBe(line.reqId);
    } finally {
      await client.close();
    }
  });

  it('MCP: a failed tool (isError) is logged with the status REST would answer and its CAP_* code', async () => {
    upstream.handle(() => ({ status: 502, body: { error: 'bad gateway' } }));
    const client = await connectMcp('2026-07-28', served.mcp);
    try {
      log.lines.length = 0;
      const result = await client.callTool('get-ship', { imo: '1' });
      expect(result.isError).toBe(true);
      await until(() => log.requests().some((l) => l.rpc === 'tools/call'), 'tools/call line');
      expect(log.requests().find((l) => l.rpc === 'tools/call')).toMatchObject({ tool: 'get-ship', status: 502, httpStatus: 200, code: 'CAP_UPSTREAM_STATUS' });
    } finally {
      await client.close();
    }
  });

  it('bound secrets never reach a log line, even when the upstream echoes them into an error', async () => {
    upstream.handle((r) => ({ status: 500, body: { error: `key ${String(r.headers['x-registry-key'])} refused` } }));
    await fetch(`${served.rest}/ships/1`, { headers: { authorization: `Bearer ${FLEET_KEY}` } });
    const client = await connectMcp('2025', served.mcp);
    await client.callTool('get-ship', { imo: '1' });
    await client.close();
    expect(upstream.requests.every((r) => r.headers['x-registry-key'] === FLEET_KEY)).toBe(true);
    await until(() => log.requests().some((l) => l.rpc === 'tools/call'), 'tools/call line');
    expect(log.lines.length).toBeGreaterThan(2);
    expect(log.lines.join('\n')).not.toContain(FLEET_KEY);
  });
});
