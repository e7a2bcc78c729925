// invoke(): one call of an exposed unit, shared by REST and MCP. Validates input, runs the unit's plan (one call,
// steps or a mock) and maps the result. Returns a result or throws a CapError; it knows nothing of HTTP servers or JSON-RPC.
import type { CompiledInvoker } from '../compile/invoker.js';
import type { CompiledCall } from '../compile/plan.js';
import type { Params } from '../compile/names.js';
import type { RequestTemplate, UpstreamRequest } from '../compile/request-template.js';
import { CapError } from '../errors/cap-error.js';
import type { Observation } from '../observe/observation.js';
import { collectPages, type Page } from './pages.js';
import { runSteps } from './steps.js';
import type { UpstreamClient } from './upstream.js';

export interface InvokeResult {
  /** Upstream status (e.g. 201 passes through); 200 for mocks and step mappings. */
  status: number;
  /** The mapped JSON value, or undefined when there is no body. */
  value: unknown;
}

/** `observation`: the inbound request, when the adapter has it at hand (for the request id and trace context sent upstream). */
export async function invoke(invoker: CompiledInvoker, input: Record<string, unknown>, upstream: UpstreamClient, observation?: Observation): Promise<InvokeResult> {
  const errors = invoker.validateInput(input);
  if (errors) {
    const fields = errors.map((e) => `${e.field} ${e.message}`).join('; ');
    throw new CapError('CAP_INPUT_INVALID', `invalid input: ${fields}`, { errors });
  }
  const plan = invoker.plan;
  if (plan.kind === 'mock') {
    const value = plan.build(input);
    return { status: value === undefined ? 204 : 200, value };
  }
  if (plan.kind === 'steps') return runSteps(plan, input, (call, params) => sendCall(call, params, upstream, observation));
  const params = plan.call.withParams(input);
  const { status, body } = await sendCall(plan.call, params, upstream, observation);
  if (body === undefined) return { status, value: undefined };
  return { status, value: plan.mapOutput ? plan.mapOutput(body, params) : body };
}

/** Builds and sends one consumed call (every page of it, when it declares pagination); an upstream error status is a CAP_UPSTREAM_STATUS failure. */
export async function sendCall(call: CompiledCall, params: Params, upstream: UpstreamClient, observation?: Observation): Promise<{ status: number; body: unknown }> {
  const request = call.request;
  if (call.pagination) return collectPages(call.pagination, params, (p) => request.build(p), (built) => fetchPage(request, built, upstream, observation), request);
  const { status, body } = await fetchPage(request, request.build(params), upstream, observation);
  return { status, body };
}

/** Sends one built request and reads its body; an upstream error status is a CAP_UPSTREAM_STATUS failure. */
async function fetchPage(request: RequestTemplate, built: UpstreamRequest, upstream: UpstreamClient, observation: Observation | undefined): Promise<Page> {
  const response = await upstream.send(request.namespace, request.origin, built, { maxResponseBytes: request.maxResponseBytes, policy: request.policy, operationPolicy: request.operationPolicy, operation: request.operation, observation });
  const body = request.readBody(response);
  if (response.status >= 400) {
    throw new CapError('CAP_UPSTREAM_STATUS', `upstream "${request.namespace}" answered ${response.status} to ${request.operation}`, {
      upstream: request.namespace,
      upstreamStatus: response.status,
      upstreamBody: body,
    });
  }
  return { status: response.status, body, headers: response.headers ?? {} };
}
