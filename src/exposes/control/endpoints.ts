// The control adapter's endpoints as a small registry: each names the feature flag that turns it on and, when this
// runtime implements it, its handler. An endpoint without a handler answers 503 CAP_CONTROL_UNAVAILABLE; one whose
// flag is off answers 404 naming the flag. Metrics, traces and reload plug in here by giving a handler.
import type { ControlFeatures } from '../../compile/control.js';
import { CapError } from '../../errors/cap-error.js';
import { METRICS_CONTENT_TYPE } from '../../observe/metrics.js';
import { liveBody, readyBody, statusBody, type ControlView } from './health.js';

export interface ControlAnswer {
  status: number;
  /** Sent as JSON, unless `contentType` says the body is text of another type. */
  body: unknown;
  contentType?: string;
}

/** Prometheus text of the runtime's metrics (src/observe/metrics.ts). */
async function metricsAnswer(view: ControlView): Promise<ControlAnswer> {
  const metrics = view.runtime.metrics;
  if (!metrics) throw new CapError('CAP_CONTROL_UNAVAILABLE', 'GET /metrics: this control adapter runs without a metrics registry');
  return { status: 200, body: await metrics.scrape(), contentType: METRICS_CONTENT_TYPE };
}

export interface ControlEndpoint {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  feature: keyof ControlFeatures;
  /** The YAML switch that turns the feature on, for the 404 message. */
  flag: string;
  handle?: (view: ControlView) => ControlAnswer | Promise<ControlAnswer>;
}

export const CONTROL_ENDPOINTS: readonly ControlEndpoint[] = [
  { method: 'GET', url: '/health/live', feature: 'health', flag: 'management.health', handle: () => ({ status: 200, body: liveBody() }) },
  { method: 'GET', url: '/health/ready', feature: 'health', flag: 'management.health', handle: (view) => readyBody(view) },
  { method: 'GET', url: '/status', feature: 'info', flag: 'management.info', handle: (view) => ({ status: 200, body: statusBody(view) }) },
  { method: 'GET', url: '/metrics', feature: 'metrics', flag: 'observability.metrics.local.enabled', handle: metricsAnswer },
  // Arrive with the operations work (a trace ring buffer, reload by swapping graphs):
  { method: 'GET', url: '/traces', feature: 'traces', flag: 'observability.traces.local.enabled' },
  { method: 'GET', url: '/traces/:traceId', feature: 'traces', flag: 'observability.traces.local.enabled' },
  { method: 'POST', url: '/reload', feature: 'reload', flag: 'management.reload' },
  // `script` steps are not run by this runtime, so there is nothing to govern.
  { method: 'GET', url: '/scripting', feature: 'scripting', flag: 'management.scripting' },
  { method: 'PUT', url: '/scripting', feature: 'scripting', flag: 'management.scripting' },
];

/** The registry with handlers supplied by other parts of the runtime (e.g. `{ '/metrics': ... }`). */
export function controlEndpoints(extra: Readonly<Record<string, ControlEndpoint['handle']>> = {}): ControlEndpoint[] {
  return CONTROL_ENDPOINTS.map((e) => (extra[`${e.method} ${e.url}`] ? { ...e, handle: extra[`${e.method} ${e.url}`] } : e));
}
