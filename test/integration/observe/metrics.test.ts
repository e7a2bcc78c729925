// Metrics (issue 10 §2): the control adapter's /metrics scraped and parsed after known calls. Request counts by
// adapter/operation/status and latency histograms match the calls made over REST and MCP; upstream calls are counted
// by namespace/operation/status with latency, upstream failures by kind; in-flight requests; Node process metrics.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectMcp } from '../../helpers/mcp-clients.js';
import type { Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';
import { FLEET_KEY, memoryLogger, parsePrometheus, sampleValue, serveObserved, until, type Sample } from './support.js';

let upstream: Upstream;
let served: Served;
let control: string;

beforeAll(async () => {
  upstream = await startUpstream();
  served = await serveObserved(upstream.url, memoryLogger().logger, {}, 500);
  control = served.urlOf('control');
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});
beforeEach(() => upstream.handle(undefined));

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`${control}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  return { text, samples: parsePrometheus(text) };
}

const rest = { adapter: 'fleet-api', kind: 'rest', operation: 'get-ship' };

describe('Prometheus metrics on the control adapter', () => {
  it('REST requests are counted by adapter, operation and status, with a latency histogram', async () => {
    const before = (await scrape()).samples;
    for (let i = 0; i < 3; i++) expect((await fetch(`${served.rest}/ships/${i}`)).status).toBe(200);
    upstream.handle(() => ({ status: 404, body: { error: 'no such ship' } }));
    expect((await fetch(`${served.rest}/ships/404`)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the counts are taken when each response closes
    const { samples, text } = await scrape();
    const delta = (name: string, labels: Record<string, string>) => sampleValue(samples, name, labels) - sampleValue(before, name, labels);
    // Each line is written when the response closes; the scrape above follows the last response.
    expect(delta('capability_requests_total', { ...rest, status: '200' })).toBe(3);
    expect(delta('capability_requests_total', { ...rest, status: '404' })).toBe(1);
    expect(delta('capability_request_duration_seconds_count', rest)).toBe(4);
    expect(delta('capability_request_duration_seconds_bucket', { ...rest, le: '+Inf' })).toBe(4);
    expect(sampleValue(samples, 'capability_request_duration_seconds_sum', rest)).toBeGreaterThan(0);
    expect(delta('capability_upstream_requests_total', { namespace: 'registry', operation: 'get-ship', status: '200' })).toBe(3);
    expect(delta('capability_upstream_requests_total', { namespace: 'registry', operation: 'get-ship', status: '404' })).toBe(1);
    expect(delta('capability_upstream_request_duration_seconds_count', { namespace: 'registry', operation: 'get-ship' })).toBe(4);
    // Labels come from the capability: no request path (the IMO numbers) appears anywhere.
    expect(text).not.toMatch(/ships\/\d/);
    expect(text).not.toContain(FLEET_KEY);
  });

  it('MCP tool calls are counted by tool; a failed tool (isError) counts with the status REST would answer', async () => {
    const before = (await scrape()).samples;
    const client = await connectMcp('2026-07-28', served.mcp);
    try {
      await client.callTool('list-ships', {});
      await client.callTool('get-ship', { imo: '1' });
      upstream.handle(() => ({ status: 500, body: { error: 'down' } }));
      expect((await client.callTool('get-ship', { imo: '2' })).isError).toBe(true);
    } finally {
      await client.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { samples } = await scrape();
    const delta = (name: string, labels: Record<string, string>) => sampleValue(samples, name, labels) - sampleValue(before, name, labels);
    const mcp = { adapter: 'fleet-tools', kind: 'mcp' };
    expect(delta('capability_requests_total', { ...mcp, operation: 'list-ships', status: '200' })).toBe(1);
    expect(delta('capability_requests_total', { ...mcp, operation: 'get-ship', status: '200' })).toBe(1);
    expect(delta('capability_requests_total', { ...mcp, operation: 'get-ship', status: '500' })).toBe(1);
    expect(delta('capability_upstream_requests_total', { namespace: 'registry', operation: 'list-ships', status: '200' })).toBe(1);
    // The other MCP messages (discovery, tools/list, ...) are counted by their MCP method name.
    expect(samples.some((s) => s.name === 'capability_requests_total' && s.labels.adapter === 'fleet-tools' && /^(server\/discover|initialize|tools\/list)$/.test(s.labels.operation!))).toBe(true);
  });

  it('a caller cannot mint series: unknown MCP methods count as "other", unknown tools as "tools/call"', async () => {
    const post = (body: unknown) =>
      fetch(served.mcp, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify(body),
      }).then((r) => r.text());
    await post({ jsonrpc: '2.0', id: 1, method: 'made/up-method-1234', params: {} });
    await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'no-such-tool-5678', arguments: {} } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { text, samples } = await scrape();
    expect(text).not.toContain('made/up-method-1234');
    expect(text).not.toContain('no-such-tool-5678');
    expect(sampleValue(samples, 'capability_requests_total', { adapter: 'fleet-tools', operation: 'other', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(samples.some((s) => s.name === 'capability_requests_total' && s.labels.adapter === 'fleet-tools' && s.labels.operation === 'tools/call')).toBe(true);
  });

  it('upstream failures are counted by kind: timeout and connect', async () => {
    const before = (await scrape()).samples;
    upstream.handle(() => ({ delayMs: 1_500 }));
    expect((await fetch(`${served.rest}/ships/slow`)).status).toBe(504);
    upstream.handle(() => ({ closeConnection: true }));
    expect((await fetch(`${served.rest}/ships/dropped`)).status).toBe(502);
    const { samples } = await scrape();
    const delta = (name: string, labels: Record<string, string>) => sampleValue(samples, name, labels) - sampleValue(before, name, labels);
    expect(delta('capability_upstream_errors_total', { namespace: 'registry', operation: 'get-ship', kind: 'timeout' })).toBe(1);
    expect(delta('capability_upstream_errors_total', { namespace: 'registry', operation: 'get-ship', kind: 'connect' })).toBe(1);
    expect(delta('capability_upstream_requests_total', { namespace: 'registry', operation: 'get-ship', status: 'error' })).toBe(2);
    expect(delta('capability_requests_total', { ...rest, status: '504' })).toBe(1);
    expect(delta('capability_requests_total', { ...rest, status: '502' })).toBe(1);
  });

  it('in-flight requests are a gauge per adapter', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream.handle(async () => {
      await held;
      return { status: 200, body: {} };
    });
    const pending = fetch(`${served.rest}/ships/held`);
    await until(() => upstream.requests.some((r) => r.path === '/ships/held'), 'the held request upstream');
    expect(sampleValue((await scrape()).samples, 'capability_requests_in_flight', { adapter: 'fleet-api' })).toBe(1);
    release();
    expect((await pending).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sampleValue((await scrape()).samples, 'capability_requests_in_flight', { adapter: 'fleet-api' })).toBe(0);
  });

  it('reloads are counted (the reload path calls metrics.reloads.inc()) and Node process metrics are there', async () => {
    served.runtime.metrics.reloads.inc();
    served.runtime.metrics.reloadFailures.inc();
    const { samples } = await scrape();
    expect(sampleValue(samples, 'capability_reloads_total')).toBe(1);
    expect(sampleValue(samples, 'capability_reload_failures_total')).toBe(1);
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    expect(samples.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
  });
});
