// `forward` on a REST resource (naftiko-semantics §4.7): the consumed adapter's base URI, its own headers and
// authentication, compiled once. The request itself is copied per call by invoke/forward.ts.
import type { UpstreamRequest } from './request-template.js';
import { compileRequestTemplate, type UpstreamLimits } from './request-template.js';
import type { UpstreamPolicy } from '../invoke/policies/types.js';
import type { NameScope } from './names.js';
import type { ConsumesHttp, Forward } from '../spec/capability.js';

export interface CompiledForward {
  readonly namespace: string;
  readonly origin: string;
  /** `https://api.example.com/v1/…`, for listings. */
  readonly target: string;
  /** Lower-cased names of the caller's headers that may be passed on. */
  readonly trustedHeaders: readonly string[];
  /** The adapter's response size cap (`x-max-response-bytes`), if it sets one. */
  readonly maxResponseBytes?: number;
  /** The adapter's `resilience` policies, if it declares them. */
  readonly policy?: UpstreamPolicy;
  /** The adapter's base path (with any query its authentication adds) and its own headers and credentials. */
  base(): UpstreamRequest;
}

export function compileForward(adapter: ConsumesHttp, forward: Forward, scope: NameScope, limits: UpstreamLimits = {}): CompiledForward {
  // An operation without a path or parameters of its own: what remains is the adapter-level part of every call.
  const template = compileRequestTemplate(adapter, { name: 'forward', path: '' }, { name: 'forward', method: 'GET' }, scope, limits);
  return {
    namespace: adapter.namespace,
    origin: template.origin,
    target: `${template.summary.slice('GET '.length)}/…`,
    trustedHeaders: (Array.isArray(forward.trustedHeaders) ? forward.trustedHeaders : []).map((h) => String(h).toLowerCase()),
    maxResponseBytes: template.maxResponseBytes,
    policy: template.policy,
    base: () => template.build({}),
  };
}
