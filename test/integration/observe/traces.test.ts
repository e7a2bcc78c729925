// Traces (issue 10 §2): with the standard OTEL_* variables set, a server span per REST request and MCP tool call and
// a client span per upstream call are exported over OTLP to an in-process receiver; the W3C trace context is read
// from the caller (traceparent header, or params._meta for MCP) and sent upstream. Off without those variables.
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracingConfigOf } from '../../../src/observe/tracing.js';
import { connectMcp } from '../../helpers/mcp-clients.js';
import { startUpstream, type RecordedRequest, type Upstream } from '../../helpers/upstream.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';
import { FLEET_KEY, memoryLogger, serveObserved } from './support.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const MCP_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const MCP_CALLER_SPAN = 'b7ad6b7169203331';
const SERVER = 2;
const CLIENT = 3;

let upstream: Upstream;
let receiver: OtlpReceiver;
const upstreamCalls: Record<string, RecordedRequest> = {};

/** traceparent `00-<trace>-<parent>-<flags>` split into its fields. */
const parseTraceparent = (value: unknown) => {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(value));
  if (!match) throw new Error(`not a traceparent: ${String(value)}`);
  return { traceId: match[1]!, parentId: match[2]!, flags: match[3]! };
};

beforeAll(async () => {
  upstream = await startUpstream((r) => ({ status: r.path.endsWith('/broken') ? 500 : 200, body: { imo: r.path } }));
  receiver = await startOtlpReceiver();
  const otelEnv = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'fleet-under-test' };
  const served = await serveObserved(upstream.url, memoryLogger().logger, { otelEnv });
  try {
    // REST with the caller's trace context.
    const res = await fetch(`${served.rest}/ships/9321483`, { headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`, authorization: `Bearer ${FLEET_KEY}` } });
    expect(res.status).toBe(200);
    upstreamCalls.rest = upstream.requests.at(-1)!;
    // A failing REST call: the server span is an error.
    expect((await fetch(`${served.rest}/ships/broken`)).status).toBe(500);
    // MCP with the trace context in params._meta (how MCP 2026-07-28 carries it; any revision may send _meta).
    const legacy = new LegacyClient({ name: 'traces-test', version: '0.0.0' });
    await legacy.connect(new LegacyTransport(new URL(served.mcp)));
    await legacy.callTool({ name: 'get-ship', arguments: { imo: 'IMO-MCP' }, _meta: { traceparent: `00-${MCP_TRACE_ID}-${MCP_CALLER_SPAN}-01` } });
    upstreamCalls.mcp = upstream.requests.at(-1)!;
    await legacy.close();
    // A 2026-07-28 client without any trace context: a new trace starts here.
    const modern = await connectMcp('2026-07-28', served.mcp);
    await modern.callTool('list-ships', {});
    upstreamCalls.modern = upstream.requests.at(-1)!;
    await modern.close();
  } finally {
    await served.close(); // flushes the batch of spans to the receiver
  }
});
afterAll(async () => {
  await upstream?.close();
  await receiver?.close();
});

const spansOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
const one = (spans: ReceivedSpan[], kind: number, what: string): ReceivedSpan => {
  const found = spans.filter((s) => s.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${what} span, got ${found.length}: ${JSON.stringify(spans.map((s) => s.name))}`);
  return found[0]!;
};

describe('OpenTelemetry traces over OTLP', () => {
  it('a REST request: server span under the caller span, client span under it, traceparent sent upstream', () => {
    const spans = spansOf(TRACE_ID);
    const server = one(spans, SERVER, 'server');
    const client = one(spans, CLIENT, 'client');
    expect(server.parentSpanId).toBe(CALLER_SPAN);
    expect(server.name).toBe('GET /ships/{imo}');
    expect(server.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.route': '/ships/{imo}', 'http.response.status_code': 200, 'capability.adapter': 'fleet-api', 'capability.operation': 'get-ship' });
    expect(server.resource).toMatchObject({ 'service.name': 'fleet-under-test' });
    expect(client.parentSpanId).toBe(server.spanId);
    expect(client.name).toBe('GET registry.get-ship');
    expect(client.attributes).toMatchObject({ 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
    const sent = parseTraceparent(upstreamCalls.rest!.headers.traceparent);
    expect(sent).toStrictEqual({ traceId: TRACE_ID, parentId: client.spanId, flags: '01' });
  });

  it('a failing REST request marks its server and client spans as errors', () => {
    const server = receiver.spans.find((s) => s.kind === SERVER && s.attributes['http.response.status_code'] === 500)!;
    expect(server).toBeDefined();
    expect(server.status?.code).toBe(2);
    const client = receiver.spans.find((s) => s.kind === CLIENT && s.parentSpanId === server.spanId)!;
    expect(client.status?.code).toBe(2);
  });

  it('an MCP tool call: the trace context from params._meta is the parent; the span names the tool', () => {
    const spans = spansOf(MCP_TRACE_ID);
    const server = one(spans, SERVER, 'server');
    expect(server.parentSpanId).toBe(MCP_CALLER_SPAN);
    expect(server.name).toBe('tools/call get-ship');
    expect(server.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'get-ship', 'capability.adapter': 'fleet-tools' });
    const client = one(spans, CLIENT, 'client');
    expect(client.parentSpanId).toBe(server.spanId);
    expect(parseTraceparent(upstreamCalls.mcp!.headers.traceparent)).toMatchObject({ traceId: MCP_TRACE_ID, parentId: client.spanId });
  });

  it('an MCP call without trace context starts a new trace at the runtime', () => {
    const sent = parseTraceparent(upstreamCalls.modern!.headers.traceparent);
    const spans = spansOf(sent.traceId);
    const server = one(spans, SERVER, 'server');
    expect(server.parentSpanId).toBeUndefined();
    expect(server.name).toBe('tools/call list-ships');
    expect(one(spans, CLIENT, 'client').parentSpanId).toBe(server.spanId);
  });

  it('no bound secret is exported in any span', () => {
    expect(receiver.raw.length).toBeGreaterThan(0);
    for (const body of receiver.raw) expect(body).not.toContain(FLEET_KEY);
  });
});

describe('when traces are on', () => {
  it('is decided by the standard OTEL_* variables (off by default)', () => {
    expect(tracingConfigOf({})).toBeUndefined();
    expect(tracingConfigOf({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBeUndefined();
    expect(tracingConfigOf({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBeUndefined();
    expect(tracingConfigOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toMatchObject({ url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf', serviceName: 'capability-runtime' });
    expect(tracingConfigOf({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({ url: 'http://localhost:4318/v1/traces' });
    expect(tracingConfigOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom' })).toMatchObject({ url: 'http://c:4318/custom' });
    expect(tracingConfigOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_RESOURCE_ATTRIBUTES: 'service.name=fleet,deployment.environment=prod%20eu' })).toMatchObject({
      serviceName: 'fleet',
      resource: { 'deployment.environment': 'prod eu' },
    });
    expect(tracingConfigOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toStrictEqual({
      unsupported: 'OTLP protocol grpc is not supported (use http/protobuf or http/json); traces are off',
    });
    expect(tracingConfigOf({ OTEL_TRACES_EXPORTER: 'zipkin' })).toStrictEqual({ unsupported: 'OTEL_TRACES_EXPORTER=zipkin is not supported (use otlp); traces are off' });
  });

  it('the default protocol (http/protobuf) exports protobuf to the endpoint', async () => {
    const protoReceiver = await startOtlpReceiver();
    const served = await serveObserved(upstream.url, memoryLogger().logger, { otelEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: protoReceiver.url } });
    try {
      await fetch(`${served.rest}/ships/1`);
    } finally {
      await served.close();
    }
    expect(protoReceiver.protobuf.length).toBeGreaterThan(0);
    expect(protoReceiver.protobuf[0]!.contentType).toBe('application/x-protobuf');
    await protoReceiver.close();
  });
});
