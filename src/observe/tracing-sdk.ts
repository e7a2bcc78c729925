// The OpenTelemetry SDK side of ./tracing.ts, loaded only when traces are on. The provider is the runtime's own
// (not registered globally) and contexts are passed explicitly, so several runtimes in one process keep their spans
// apart and nothing else in the process is instrumented behind the user's back.
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { commonJs } from '../common-js.js';
import { VERSION } from '../version.js';
import type { ClientSpan, ServerSpan, TraceCarrier, Tracing, TracingConfig } from './tracing.js';

const propagator = new W3CTraceContextPropagator();

const carrierGetter = {
  keys: (carrier: TraceCarrier) => Object.keys(carrier),
  get: (carrier: TraceCarrier, key: string) => {
    const value = (carrier as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  },
};

const headerSetter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };

/** The SDK span behind a ServerSpan, for parenting client spans. */
const contexts = new WeakMap<ServerSpan, Context>();

export async function createSdkTracing(config: TracingConfig): Promise<Tracing> {
  const { OTLPTraceExporter } =
    config.protocol === 'http/json' ? commonJs(await import('@opentelemetry/exporter-trace-otlp-http')) : commonJs(await import('@opentelemetry/exporter-trace-otlp-proto'));
  const exporter = new OTLPTraceExporter({ url: config.url });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ ...config.resource, 'service.name': config.serviceName, 'service.version': config.resource['service.version'] ?? VERSION }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('capability-runtime', VERSION);

  return {
    startServer(carrier, startedAt, kind) {
      const parent = propagator.extract(ROOT_CONTEXT, carrier, carrierGetter);
      const span = tracer.startSpan(kind, { kind: SpanKind.SERVER, startTime: startedAt }, parent);
      const server: ServerSpan = {
        end(name, status, attributes, error) {
          span.updateName(name);
          setAttributes(span, attributes);
          span.setAttribute('http.response.status_code', status);
          // A server span is an error only when the server failed (4xx are the caller's; OTel HTTP conventions).
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
          span.end();
        },
      };
      contexts.set(server, trace.setSpan(parent, span));
      return server;
    },
    startClient(parent, name, attributes) {
      const parentContext = (parent && contexts.get(parent)) ?? context.active();
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parentContext);
      const headers: Record<string, string> = {};
      propagator.inject(trace.setSpan(parentContext, span), headers, headerSetter);
      return {
        headers,
        end(status, error) {
          if (status !== undefined) span.setAttribute('http.response.status_code', status);
          if (error !== undefined || (status !== undefined && status >= 400)) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
          span.end();
        },
      } satisfies ClientSpan;
    },
    shutdown: () => provider.shutdown(),
  };
}

function setAttributes(span: Span, attributes: Readonly<Record<string, string | number | undefined>>): void {
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) span.setAttribute(key, value);
}
