// Compile stage of a control adapter: which endpoint groups its `management` and `observability` flags turn on
// (defaults of naftiko-semantics §6.2), and what `/status` says about its capability.
import type { ExposesControl } from '../spec/capability.js';
import type { InboundAuth } from './inbound-auth.js';

/** Endpoint groups of the management plane. */
export interface ControlFeatures {
  health: boolean;
  info: boolean;
  reload: boolean;
  scripting: boolean;
  metrics: boolean;
  traces: boolean;
}

export interface CompiledControlAdapter {
  readonly type: 'control';
  /** Control adapters have no namespace in the spec; `control` names it in `--port control=<port>` and listings. */
  readonly namespace: string;
  readonly port: number;
  readonly auth?: InboundAuth;
  readonly features: Readonly<ControlFeatures>;
  readonly capability: Readonly<{ label: string; specVersion: string }>;
}

export const CONTROL_NAMESPACE = 'control';

export function compileControlAdapter(adapter: ExposesControl, capability: { label: string; specVersion: string }): CompiledControlAdapter {
  const management = adapter.management ?? {};
  const observability = adapter.observability ?? {};
  const observed = observability.enabled !== false;
  const features: ControlFeatures = {
    health: management.health !== false,
    info: management.info === true,
    reload: management.reload === true,
    scripting: management.scripting !== undefined,
    metrics: observed && observability.metrics?.local?.enabled !== false,
    traces: observed && observability.traces?.local?.enabled !== false,
  };
  return { type: 'control', namespace: CONTROL_NAMESPACE, port: Number(adapter.port), features, capability };
}
