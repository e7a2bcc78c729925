// One runtime's observability: its logger, metrics and (when on) tracing, and the hook the upstream client calls
// around every exchange with a consumed API. The hook reads the current request's observation (./observation.ts) to
// send its request id and trace context upstream and to note how the call went for the request's log line.
import type { CapError } from '../errors/cap-error.js';
import { redactSecrets } from '../resolve/redaction.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { boundCounter, boundHistogram, seriesCache } from './metric-series.js';
import { currentObservation, elapsedMs, round, type Observation } from './observation.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { registerObserver } from './stdio-calls.js';
import type { Tracing } from './tracing.js';

export interface Observer {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracing?: Tracing;
  readonly upstream: UpstreamObserver;
}

/** Called by the upstream client (src/invoke/upstream.ts) around each request it sends. */
export interface UpstreamObserver {
  /** `observation`: the inbound request's, when the caller has it at hand (else the AsyncLocalStorage one). */
  start(call: { namespace: string; operation: string; method: string; origin: string }, observation?: Observation): UpstreamWatch;
}

export interface UpstreamWatch {
  /** Headers to add to the upstream request (x-request-id, traceparent); undefined when there are none. */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** The upstream answered with this status (the whole body was read). */
  answered(status: number): void;
  /** The exchange failed without a usable answer; `answered` when the status line had arrived. */
  failed(err: CapError, answered: boolean): void;
}

const ERROR_KINDS: Record<string, string> = {
  CAP_UPSTREAM_TIMEOUT: 'timeout',
  CAP_UPSTREAM_UNREACHABLE: 'connect',
  CAP_UPSTREAM_TOO_LARGE: 'too_large',
  CAP_UPSTREAM_REDIRECT: 'redirect',
};

/** timeout, connect, reset (the answer broke off), too_large, redirect, other. */
export function errorKindOf(err: CapError, answered: boolean): string {
  if (err.code === 'CAP_UPSTREAM_UNREACHABLE' && answered) return 'reset';
  return ERROR_KINDS[err.code] ?? 'other';
}

export function createObserver(options: { logger: Logger; metrics: Metrics; tracing?: Tracing; secrets: () => readonly string[] }): Observer {
  const { metrics, tracing } = options;
  // The upstream series of each consumed operation, bound on first use (./metric-series.ts).
  const seriesOf = seriesCache((namespace) =>
    seriesCache((operation) => {
      const byStatus = seriesCache((status) => boundCounter(metrics.upstreamRequests, { namespace, operation, status }));
      return { count: (status: string) => byStatus(status)(), duration: boundHistogram(metrics.upstreamDuration, { namespace, operation }) };
    }),
  );
  const upstream: UpstreamObserver = {
    start({ namespace, operation, method, origin }, given) {
      const observation = given ?? currentObservation();
      const start = process.hrtime.bigint();
      const span = tracing?.startClient(observation?.span, `${method} ${namespace}.${operation}`, {
        'http.request.method': method,
        'server.address': hostOf(origin),
        'capability.upstream.namespace': namespace,
        'capability.upstream.operation': operation,
      });
      const headers = span ? { ...(observation ? { [REQUEST_ID_HEADER]: observation.id } : {}), ...span.headers } : observation ? { [REQUEST_ID_HEADER]: observation.id } : undefined;
      const finish = (status: number | string) => {
        const ms = elapsedMs(start);
        const series = seriesOf(namespace)(operation);
        series.count(typeof status === 'number' ? String(status) : 'error');
        series.duration(ms / 1000);
        if (observation) (observation.upstream ??= []).push({ namespace, operation, status, ms: round(ms) });
      };
      return {
        headers,
        answered(status) {
          finish(status);
          span?.end(status);
        },
        failed(err, answered) {
          const kind = errorKindOf(err, answered);
          metrics.upstreamErrors.inc({ namespace, operation, kind });
          finish(kind);
          span?.end(err.data.upstreamStatus as number | undefined, redactSecrets(`${err.code}: ${err.message}`, options.secrets()));
        },
      };
    },
  };
  const observer: Observer = { logger: options.logger, metrics, tracing, upstream };
  registerObserver(observer);
  return observer;
}

const hostOf = (origin: string): string => {
  try {
    return new URL(origin).hostname;
  } catch {
    return origin;
  }
};
