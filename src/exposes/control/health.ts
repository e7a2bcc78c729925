// Bodies of the health and status endpoints, from the runtime's view of its adapters (naftiko-semantics §6.2).
import type { CompiledControlAdapter } from '../../compile/control.js';
import type { RuntimeView } from '../../runtime.js';
import { VERSION } from '../../version.js';

export interface ControlView {
  runtime: RuntimeView;
  adapter: CompiledControlAdapter;
}

export const liveBody = () => ({ status: 'UP' });

const adapterRows = (view: ControlView) => view.runtime.adapters().map((a) => ({ type: a.type, namespace: a.namespace, port: a.port, state: a.state }));

/** Ready when every adapter other than control ones listens, and the runtime is not draining. */
export function readyBody(view: ControlView): { status: number; body: unknown } {
  const adapters = view.runtime.adapters();
  const ready = !view.runtime.draining() && adapters.every((a) => a.type === 'control' || a.state === 'started');
  return { status: ready ? 200 : 503, body: { status: ready ? 'UP' : 'DEGRADED', adapters: adapterRows(view) } };
}

/** One adapter's own readiness, on its own port (../health-routes.ts): status only, the list stays on the control adapter. */
export function adapterReadyBody(ready: boolean): { status: number; body: { status: 'UP' | 'DEGRADED' } } {
  return { status: ready ? 200 : 503, body: { status: ready ? 'UP' : 'DEGRADED' } };
}

export function statusBody(view: ControlView): unknown {
  return {
    capability: view.adapter.capability,
    engine: { name: 'capability-runtime', version: VERSION, node: process.versions.node },
    uptime: isoDuration(Date.now() - view.runtime.startedAt),
    adapters: adapterRows(view),
  };
}

/** 93784500 ms → `PT26H3M4.5S` (ISO-8601 duration, hours as the largest unit like java.time.Duration). */
export function isoDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  const parts = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds || (!hours && !minutes) ? `${seconds}S` : ''}`;
  return `PT${parts}`;
}
