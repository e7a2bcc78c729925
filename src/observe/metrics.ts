// Prometheus metrics (prom-client). Each runtime owns a registry of its own (several runtimes can live in one process,
// as in tests); the Node process metrics are process-wide, so they live in one shared registry made on first scrape.
// Labels come from the capability (adapter namespaces, operation and tool names, consumed namespaces), never from
// request paths or caller input, so the number of series is bounded by the capability files.
// prom-client is imported when a runtime starts, so `validate` and `list` do not load it.
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { commonJs } from '../common-js.js';

/** Buckets in seconds, from a fast local mock (1 ms) to an upstream near its timeout (30 s). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface Metrics {
  readonly registry: Registry;
  /** `capability_requests_total{adapter,kind,operation,status}` */
  readonly requests: Counter<'adapter' | 'kind' | 'operation' | 'status'>;
  /** `capability_request_duration_seconds{adapter,kind,operation}` */
  readonly requestDuration: Histogram<'adapter' | 'kind' | 'operation'>;
  /** `capability_requests_in_flight{adapter}` */
  readonly inFlight: Gauge<'adapter'>;
  /** `capability_upstream_requests_total{namespace,operation,status}` (status: HTTP status, or `error`) */
  readonly upstreamRequests: Counter<'namespace' | 'operation' | 'status'>;
  /** `capability_upstream_request_duration_seconds{namespace,operation}` */
  readonly upstreamDuration: Histogram<'namespace' | 'operation'>;
  /** `capability_upstream_errors_total{namespace,operation,kind}` (timeout, connect, too_large, redirect, ...) */
  readonly upstreamErrors: Counter<'namespace' | 'operation' | 'kind'>;
  /** `capability_reloads_total`: the reload path calls `metrics.reloads.inc()` after a graph was swapped in. */
  readonly reloads: Counter;
  /** `capability_reload_failures_total`: a reload refused (invalid files kept the old graph serving). */
  readonly reloadFailures: Counter;
  /** The Prometheus text exposition of this runtime's metrics and the process metrics. */
  scrape(): Promise<string>;
}

/** Prometheus text format 0.0.4 (prom-client's Registry.PROMETHEUS_CONTENT_TYPE). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

let processRegistry: Registry | undefined;

export async function createMetrics(): Promise<Metrics> {
  const { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } = commonJs(await import('prom-client'));
  // Node process metrics (`process_*`, `nodejs_*`), collected once per process however many runtimes it holds.
  const processMetrics = (): Registry => {
    if (!processRegistry) {
      processRegistry = new Registry();
      collectDefaultMetrics({ register: processRegistry });
    }
    return processRegistry;
  };
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: 'capability_requests_total', help: 'Requests answered, by adapter, operation and status', labelNames: ['adapter', 'kind', 'operation', 'status'], registers }),
    requestDuration: new Histogram({
      name: 'capability_request_duration_seconds',
      help: 'Time from arrival to the last byte of the answer',
      labelNames: ['adapter', 'kind', 'operation'],
      buckets: BUCKETS,
      registers,
    }),
    inFlight: new Gauge({ name: 'capability_requests_in_flight', help: 'Requests being answered now', labelNames: ['adapter'], registers }),
    upstreamRequests: new Counter({
      name: 'capability_upstream_requests_total',
      help: 'Calls to consumed APIs, by consumed namespace, operation and HTTP status (error when none came)',
      labelNames: ['namespace', 'operation', 'status'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'capability_upstream_request_duration_seconds',
      help: 'Duration of calls to consumed APIs, body read included',
      labelNames: ['namespace', 'operation'],
      buckets: BUCKETS,
      registers,
    }),
    upstreamErrors: new Counter({
      name: 'capability_upstream_errors_total',
      help: 'Calls to consumed APIs that got no usable answer, by kind (timeout, connect, too_large, redirect, other)',
      labelNames: ['namespace', 'operation', 'kind'],
      registers,
    }),
    reloads: new Counter({ name: 'capability_reloads_total', help: 'Successful reloads (a new graph swapped in)', registers }),
    reloadFailures: new Counter({ name: 'capability_reload_failures_total', help: 'Reloads refused (the old graph kept serving)', registers }),
    scrape: async () => `${await registry.metrics()}\n${await processMetrics().metrics()}`,
  };
}
