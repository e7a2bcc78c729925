// OpenTelemetry traces, off by default. They turn on when the standard OTEL_* variables ask for them
// (OTEL_TRACES_EXPORTER=otlp, or an OTLP endpoint is set); only then is the SDK loaded (./tracing-sdk.ts, a dynamic
// import), so a runtime without tracing pays neither the start-up nor the per-request cost.

export type Env = Readonly<Record<string, string | undefined>>;

export interface TracingConfig {
  protocol: 'http/protobuf' | 'http/json';
  /** Full URL of the traces endpoint (…/v1/traces). */
  url: string;
  serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES, parsed. */
  resource: Record<string, string>;
}

/** The trace context a caller sent: W3C `traceparent`/`tracestate` from HTTP headers or MCP `params._meta`. */
export type TraceCarrier = { readonly [key: string]: unknown };

export interface ServerSpan {
  /** Names and finishes the span (status is the one the caller saw). */
  end(name: string, status: number, attributes: Readonly<Record<string, string | number | undefined>>, error?: string): void;
}

export interface ClientSpan {
  /** `traceparent` (and `tracestate`) to send with the upstream request. */
  readonly headers: Readonly<Record<string, string>>;
  end(status: number | undefined, error?: string): void;
}

export interface Tracing {
  startServer(carrier: TraceCarrier, startedAt: number, kind: string): ServerSpan;
  startClient(parent: ServerSpan | undefined, name: string, attributes: Readonly<Record<string, string | number>>): ClientSpan;
  /** Exports what is buffered, then stops. */
  shutdown(): Promise<void>;
}

const DEFAULT_ENDPOINT = 'http://localhost:4318';

/**
 * Reads the OTEL_* variables: undefined when traces are off, an error message when they ask for something this runtime
 * does not do (the runtime then serves without traces and says why).
 */
export function tracingConfigOf(env: Env): TracingConfig | undefined | { unsupported: string } {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || undefined;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined;
  const wanted = exporters.length > 0 ? exporters.includes('otlp') : endpoint !== undefined || base !== undefined;
  if (!wanted) {
    const other = exporters.find((e) => e !== 'none');
    return other ? { unsupported: `OTEL_TRACES_EXPORTER=${other} is not supported (use otlp); traces are off` } : undefined;
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    return { unsupported: `OTLP protocol ${protocol} is not supported (use http/protobuf or http/json); traces are off` };
  }
  // Per the specification, a signal-specific endpoint is used as it is; the general one gets /v1/traces appended.
  const url = endpoint ?? `${(base ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
  const resource = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || resource['service.name'] || 'capability-runtime';
  return { protocol, url, serviceName, resource };
}

/** `key1=value1,key2=value2` with percent-encoded values (OTEL_RESOURCE_ATTRIBUTES). Malformed pairs are skipped. */
function parseResourceAttributes(text: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    try {
      attributes[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // not percent-decodable: skipped, like the SDK does
    }
  }
  return attributes;
}

/** How long shutdown waits for the last spans to be exported (an unreachable collector must not hold the exit). */
export const TRACES_SHUTDOWN_MS = 5_000;

/** Loads the SDK and starts exporting. */
export async function startTracing(config: TracingConfig): Promise<Tracing> {
  const { createSdkTracing } = await import('./tracing-sdk.js');
  const tracing = await createSdkTracing(config);
  const bounded = (work: Promise<void>) =>
    Promise.race([work, new Promise<void>((resolve) => setTimeout(resolve, TRACES_SHUTDOWN_MS).unref())]);
  return { ...tracing, shutdown: () => bounded(tracing.shutdown()) };
}
