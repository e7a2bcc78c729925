// Compile stage: a loaded, validated capability → CompiledCapability (frozen): request templates, invokers,
// tool listings and routes, built once per load. Compile problems become diagnostics at their YAML position.
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import type { Located, LoadedCapability } from '../load/load.js';
import { consumedOperations, exposedUnits } from '../load/walk.js';
import { secretValues, type Bindings } from '../resolve/bindings.js';
import type { ConsumesHttp, ExposesMcp, McpTool } from '../spec/capability.js';
import type { JsonSchemaObject } from './input-schema.js';
import { compileInboundAuth, inboundSecrets, type InboundAuth } from './inbound-auth.js';
import { compileInvoker, type CompiledInvoker } from './invoker.js';
import type { NameScope } from './names.js';
import { compileRequestTemplate, type RequestTemplate } from './request-template.js';
import { compileText } from './template.js';

export interface CompiledRoute {
  readonly method: string;
  /** The resource path as written, e.g. `/v1/customers/{customerId}`. */
  readonly path: string;
  readonly invoker: CompiledInvoker;
}

export interface ToolListing {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JsonSchemaObject;
  annotations?: Record<string, unknown>;
}

export interface CompiledTool {
  readonly listing: ToolListing;
  readonly invoker: CompiledInvoker;
}

export type CompiledAdapter =
  | { readonly type: 'rest'; readonly namespace: string; readonly port: number; readonly auth?: InboundAuth; readonly routes: readonly CompiledRoute[] }
  | { readonly type: 'mcp'; readonly namespace: string; readonly port: number; readonly auth?: InboundAuth; readonly description?: string; readonly tools: readonly CompiledTool[] };

export interface CompiledCapability {
  readonly file: string;
  readonly label: string;
  readonly adapters: readonly CompiledAdapter[];
  readonly upstreams: readonly { namespace: string; baseUri: string }[];
  /** Bound values, longest first: redacted from everything the runtime sends back. */
  readonly secrets: readonly string[];
}

export function compileCapability(
  loaded: LoadedCapability,
  consumes: readonly Located<ConsumesHttp>[],
  bindings: Bindings,
): { compiled?: CompiledCapability; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const exposes = loaded.document?.capability?.exposes ?? [];
  const inputPrefixes = new Set(['tools', 'rest', ...exposes.map((e) => e?.namespace).filter((n): n is string => !!n)]);
  const scope: NameScope = { bindings, inputPrefixes };

  const templates = new Map<string, { request: RequestTemplate; outputRawFormat?: string }>();
  for (const ref of consumedOperations(consumes)) {
    const key = `${ref.adapter.namespace}.${ref.operation.name}`;
    if (templates.has(key)) continue;
    try {
      templates.set(key, { request: compileRequestTemplate(ref.adapter, ref.resource, ref.operation, scope), outputRawFormat: ref.operation.outputRawFormat });
    } catch (err) {
      diagnostics.push(diagnose(ref.source, ref.pointer, 'error', 'CAP_COMPILE', (err as Error).message));
    }
  }

  const routes = new Map<string, CompiledRoute[]>();
  const tools = new Map<string, CompiledTool[]>();
  for (const u of exposedUnits(loaded)) {
    const called = u.unit.call ? templates.get(u.unit.call) : undefined;
    if (u.unit.call && !called) continue; // reported by validate (call-target-exists) or above
    const prefixes = new Set([u.kind === 'rest' ? 'rest' : 'tools', u.adapter.namespace]);
    try {
      if (u.kind === 'rest') {
        const name = u.unit.name ?? `${u.unit.method} ${u.resource.path}`;
        const invoker = compileInvoker({ unit: u.unit, name, inputPrefixes: prefixes, inheritedInputs: u.resource.inputParameters, kind: 'rest' }, called?.request, called?.outputRawFormat, scope);
        push(routes, u.adapter.namespace, { method: String(u.unit.method).toUpperCase(), path: u.resource.path, invoker });
      } else {
        const invoker = compileInvoker({ unit: u.unit, name: u.unit.name, inputPrefixes: prefixes, kind: 'mcp' }, called?.request, called?.outputRawFormat, scope);
        push(tools, u.adapter.namespace, { listing: toolListing(u.unit as McpTool, invoker), invoker });
      }
    } catch (err) {
      diagnostics.push(diagnose(loaded.source, u.pointer, 'error', 'CAP_COMPILE', (err as Error).message));
    }
  }

  const adapters: CompiledAdapter[] = [];
  exposes.forEach((e, i) => {
    const at = `/capability/exposes/${i}`;
    if (e && 'address' in e && e.address !== undefined) {
      diagnostics.push(diagnose(loaded.source, `${at}/address`, 'warning', 'CAP_COMPILE_ADDRESS_IGNORED', `address "${String(e.address)}" is not used: adapters listen on 127.0.0.1 unless --host says otherwise`, {
        hint: 'pass --host to listen elsewhere',
      }));
    }
    let auth: InboundAuth | undefined;
    if ((e?.type === 'rest' || e?.type === 'mcp') && e.authentication !== undefined) {
      const compiledAuth = compileInboundAuth(e.authentication, loaded.source, `${at}/authentication`, scope);
      diagnostics.push(...compiledAuth.diagnostics);
      if (!compiledAuth.auth) return; // never served open
      auth = compiledAuth.auth;
    }
    if (e?.type === 'rest') adapters.push({ type: 'rest', namespace: e.namespace, port: e.port, auth, routes: routes.get(e.namespace) ?? [] });
    else if (e?.type === 'mcp') {
      if ((e as ExposesMcp).transport === 'stdio') {
        diagnostics.push(diagnose(loaded.source, `${at}/transport`, 'error', 'CAP_COMPILE_UNSUPPORTED', 'MCP stdio transport is not supported by this runtime yet', { hint: 'use `transport: http` with a port' }));
      } else adapters.push({ type: 'mcp', namespace: e.namespace, port: Number(e.port), auth, description: (e as ExposesMcp).description, tools: tools.get(e.namespace) ?? [] });
    } else if (e) {
      diagnostics.push(diagnose(loaded.source, `${at}/type`, 'warning', 'CAP_COMPILE_UNSUPPORTED', `"${String(e.type)}" adapters are not served by this runtime; it is skipped`));
    }
  });
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const compiled: CompiledCapability = {
    file: loaded.source.path,
    label: loaded.document?.info?.label ?? loaded.source.path,
    adapters,
    upstreams: consumes.map((c) => ({ namespace: c.value.namespace, baseUri: c.value.baseUri })),
    secrets: [...new Set([...secretValues(bindings), ...basicCredentialPairs(consumes, scope), ...adapters.flatMap((a) => inboundSecrets(a.auth))])]
      .filter((v) => v.length > 0)
      .sort((a, b) => b.length - a.length),
  };
  return { compiled: deepFreeze(compiled), diagnostics };
}

/** `user:password` of each basic-auth upstream: sent base64-encoded, so redacted as a pair too (its base64 form). */
function basicCredentialPairs(consumes: readonly Located<ConsumesHttp>[], scope: NameScope): string[] {
  const pairs: string[] = [];
  for (const { value } of consumes) {
    const auth = value.authentication;
    if (auth?.type !== 'basic') continue;
    try {
      const bound: NameScope = { ...scope, bindingsOnly: true };
      pairs.push(`${compileText(String(auth.username ?? ''), bound).render({})}:${compileText(String(auth.password ?? ''), bound).render({})}`);
    } catch {
      // an unset or unbound credential: nothing is sent, so there is nothing to redact
    }
  }
  return pairs;
}

function toolListing(tool: McpTool, invoker: CompiledInvoker): ToolListing {
  const listing: ToolListing = { name: tool.name, inputSchema: invoker.inputSchema };
  if (tool.label) listing.title = tool.label;
  if (tool.description) listing.description = tool.description.trim();
  const annotations: Record<string, unknown> = {};
  if (tool.label) annotations.title = tool.label;
  const hints = tool.hints ?? {};
  // Only hints the author set are emitted (naftiko-semantics §5.3): no defaults are invented.
  if (hints.readOnly !== undefined) annotations.readOnlyHint = hints.readOnly;
  if (hints.destructive !== undefined) annotations.destructiveHint = hints.destructive;
  if (hints.idempotent !== undefined) annotations.idempotentHint = hints.idempotent;
  if (hints.openWorld !== undefined) annotations.openWorldHint = hints.openWorld;
  if (Object.keys(annotations).length > 0) listing.annotations = annotations;
  return listing;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
