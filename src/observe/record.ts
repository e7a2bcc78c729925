// The end of an observed request, shared by the HTTP hooks (./http-hooks.ts) and MCP over stdio (./stdio-calls.ts):
// request metrics, the one log line and the server span, from what the observation gathered.
import type { AdapterType } from '../compile/compile.js';
import { elapsedMs, round, type Observation } from './observation.js';
import type { Metrics } from './metrics.js';
import { boundCounter, boundHistogram, seriesCache } from './metric-series.js';
import type { Observer } from './observer.js';
import { writeRequestLine } from './request-line.js';
import type { TraceCarrier } from './tracing.js';

export interface Finished {
  /** The HTTP method (absent on stdio). */
  method?: string;
  /** The capability's route (`GET /ships/{imo}`), when one matched. */
  route?: string;
  /** The path without query, when no route matched. */
  path?: string;
  /** The route pattern alone, for the span's http.route. */
  pattern?: string;
  /** The route's operation name (REST), if any. */
  operation?: string;
  /** What the transport answered (an MCP isError result is 200 on HTTP). */
  httpStatus: number;
  aborted: boolean;
  /** The trace context of the caller, for a span not started yet. */
  carrier: TraceCarrier;
}

/** Nginx's "client closed request": the caller went away before the answer was sent. */
export const CLIENT_CLOSED = 499;

export function recordRequest(observer: Observer, adapter: { namespace: string; type: AdapterType }, observation: Observation, done: Finished): void {
  const { logger, metrics, tracing } = observer;
  const kind = adapter.type;
  const ms = elapsedMs(observation.start);
  const status = done.aborted ? CLIENT_CLOSED : (observation.status ?? done.httpStatus);
  const operation = observation.operation ?? done.operation ?? (kind === 'mcp' ? (observation.rpc ?? done.method ?? 'other') : (done.route ?? 'unmatched'));
  const series = requestSeries(metrics, adapter.namespace, kind, operation);
  series.count(status);
  series.duration(ms / 1000);
  const loggedMs = round(ms);
  const mcp = kind === 'mcp';
  const what = mcp ? (observation.rpc ? (observation.tool ? `${observation.rpc} ${observation.tool}` : observation.rpc) : observation.tool || done.method) : (done.route ?? done.path ?? done.method);
  const name = what ?? 'request';
  // Written as text (./request-line.ts): the fields of what pino wrote for an object with these keys, in this order.
  writeRequestLine(logger, {
    reqId: observation.id,
    // Generated ids (UUIDs) need neither escaping nor a scan.
    reqIdFromCaller: observation.idFromCaller !== false,
    adapter: adapter.namespace,
    kind,
    method: done.method,
    route: done.route,
    path: done.route === undefined ? done.path : undefined,
    operation: mcp ? undefined : operation,
    rpc: mcp ? observation.rpc : undefined,
    tool: mcp ? observation.tool : undefined,
    status,
    httpStatus: done.httpStatus !== status && !done.aborted ? done.httpStatus : undefined,
    code: observation.code || undefined,
    ms: loggedMs,
    upstream: observation.upstream,
    aborted: done.aborted,
    name,
    // Only an unmatched path comes from the caller; routes, methods, MCP methods and tool names are the capability's.
    nameFromOutside: !mcp && done.route === undefined && done.path !== undefined,
  });
  if (tracing) {
    const span = observation.span ?? tracing.startServer(done.carrier, observation.startedAt, kind);
    span.end(
      kind === 'mcp' ? name : (done.route ?? done.method ?? name),
      status,
      {
        'http.request.method': done.method,
        'http.route': done.pattern,
        'capability.adapter': adapter.namespace,
        'capability.operation': operation,
        'capability.request_id': observation.id,
        'mcp.method.name': observation.rpc,
        'gen_ai.tool.name': observation.tool,
        'error.type': observation.code,
      },
      observation.code,
    );
  }
}

interface RequestSeries {
  count(status: number): void;
  duration(seconds: number): void;
}

type Find<T> = (key: string) => T;
const requestSeriesOf = new WeakMap<Metrics, Find<Find<Find<RequestSeries>>>>();

/** The bound request series of one adapter operation (the status series bound on first use of each status). */
function requestSeries(metrics: Metrics, adapter: string, kind: string, operation: string): RequestSeries {
  let find = requestSeriesOf.get(metrics);
  if (!find) {
    find = seriesCache((a) =>
      seriesCache((k) =>
        seriesCache((o): RequestSeries => {
          const labels = { adapter: a, kind: k, operation: o };
          const byStatus = seriesCache((status) => boundCounter(metrics.requests, { ...labels, status }));
          const duration = boundHistogram(metrics.requestDuration, labels);
          return { count: (status) => byStatus(String(status))(), duration };
        }),
      ),
    );
    requestSeriesOf.set(metrics, find);
  }
  return find(adapter)(kind)(operation);
}
