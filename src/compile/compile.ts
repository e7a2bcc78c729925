// Compile stage: a loaded, validated capability → CompiledCapability (frozen): request templates, invokers,
// tool listings and routes, built once per load. Compile problems become diagnostics at their YAML position.
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import type { Located, LoadedCapability } from '../load/load.js';
import { isRecord, records } from '../load/shape.js';
import { escapePointer } from '../load/source.js';
import { consumedOperations, exposedUnits, type ConsumedOperationRef } from '../load/walk.js';
import { secretValues, type Bindings } from '../resolve/bindings.js';
import { dirname } from 'node:path';
import type { AggregateFunction, ConsumesHttp, ExposedResource, ExposesControl, ExposesMcp, ExposesRest, ExposesSkill, Invocable, McpPrompt, McpResource, McpTool } from '../spec/capability.js';
import { functionsByRef, resolveRef, type FunctionRef } from './aggregates.js';
import { compileControlAdapter, type CompiledControlAdapter } from './control.js';
import { compileForward, type CompiledForward } from './forward.js';
import type { JsonSchemaObject } from './input-schema.js';
import { compileInboundAuth, inboundSecrets, type InboundAuth } from './inbound-auth.js';
import { compileInvoker, type CompiledInvoker } from './invoker.js';
import { compilePrompt, type CompiledPrompt } from './mcp-prompts.js';
import { compileDynamicResource, compileStaticResource, type CompiledResource } from './mcp-resources.js';
import { compileOutputSchema, type CompiledOutputSchema, type JsonSchema } from './output-schema.js';
import type { NameScope } from './names.js';
import { compilePagination, type PaginationPlan } from './pagination.js';
import { PlanError, type CallTarget } from './plan.js';
import { compileRequestTemplate, type RequestTemplate, type UpstreamLimits } from './request-template.js';
import { compileOperationResilience, compileResilience, ResilienceError } from './resilience.js';
import { compileSkillAdapter, type CompiledSkill, type CompiledSkillAdapter } from './skill.js';
import { compileText } from './template.js';
import { FormatError } from '../invoke/formats/index.js';
import { operationParameterNames } from './with-keys.js';

export interface CompiledRoute {
  readonly method: string;
  /** The resource path as written, e.g. `/v1/customers/{customerId}`. */
  readonly path: string;
  readonly invoker: CompiledInvoker;
  /** The operation's own `name`, if it has one (OpenAPI operationId). */
  readonly operationName?: string;
  /** Set when the declared outputs always map to an object (OpenAPI response schema). */
  readonly outputSchema?: JsonSchema;
}

export interface ToolListing {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JsonSchemaObject;
  outputSchema?: JsonSchema;
  annotations?: Record<string, unknown>;
}

export interface CompiledTool {
  readonly listing: ToolListing;
  readonly invoker: CompiledInvoker;
  /** Set when the declared outputs always map to an object: the listing's outputSchema and its check. */
  readonly output?: CompiledOutputSchema;
}

export interface CompiledMcpAdapter {
  readonly type: 'mcp';
  readonly namespace: string;
  /** 0 for the stdio transport (no port). */
  readonly port: number;
  readonly transport: 'http' | 'stdio';
  /** Inbound authentication of the HTTP endpoint (not used on stdio). */
  readonly auth?: InboundAuth;
  readonly description?: string;
  readonly tools: readonly CompiledTool[];
  readonly resources: readonly CompiledResource[];
  readonly prompts: readonly CompiledPrompt[];
  /** The skills of the capability's skill adapters, also offered over MCP (Skills extension). */
  readonly skills?: readonly CompiledSkill[];
}

/** A REST resource that forwards the requests no operation handles (naftiko-semantics §4.7). */
export interface CompiledForwardRoute {
  /** The resource path as written, e.g. `/forward/{{path}}`. */
  readonly path: string;
  readonly forward: CompiledForward;
}

export type CompiledAdapter =
  | {
      readonly type: 'rest';
      readonly namespace: string;
      readonly port: number;
      readonly auth?: InboundAuth;
      readonly routes: readonly CompiledRoute[];
      readonly forwards: readonly CompiledForwardRoute[];
    }
  | CompiledMcpAdapter
  | CompiledSkillAdapter
  | CompiledControlAdapter;

export type AdapterType = CompiledAdapter['type'];

export interface CompiledCapability {
  readonly file: string;
  readonly label: string;
  /** `info.description`. */
  readonly description?: string;
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
  // A `resilience` block that cannot run is an error at its own key.
  const compileAt = <T>(pointer: string, source: LoadedCapability['source'], compile: () => T): T | undefined => {
    try {
      return compile();
    } catch (err) {
      if (!(err instanceof ResilienceError)) throw err;
      diagnostics.push(diagnose(source, `${pointer}/resilience${err.at}`, 'error', 'CAP_COMPILE', err.message));
      return undefined;
    }
  };

  const limits = new Map<ConsumesHttp, UpstreamLimits>();
  for (const c of consumes) {
    const cap = c.value['x-max-response-bytes'];
    if (cap !== undefined && !(Number.isSafeInteger(cap) && cap > 0)) {
      diagnostics.push(diagnose(c.source, `${c.pointer}/x-max-response-bytes`, 'error', 'CAP_COMPILE', `x-max-response-bytes must be a positive integer (bytes), got ${JSON.stringify(cap)}`));
    }
    limits.set(c.value, { maxResponseBytes: cap, policy: compileAt(c.pointer, c.source, () => compileResilience(c.value.resilience)) });
  }

  const templates = new Map<string, CallTarget>();
  const parameterNames = new Map<string, { accepted: Set<string>; shown: string[] }>();
  const failed = new Set<string>();
  for (const ref of consumedOperations(consumes)) {
    const key = `${ref.adapter.namespace}.${ref.operation.name}`;
    if (templates.has(key)) continue;
    try {
      const operationPolicy = compileAt(ref.pointer, ref.source, () => compileOperationResilience(ref.operation.resilience));
      // Schema files (protobuf, avro) are found beside the file that declares the operation (a shared file for imports).
      const request = compileRequestTemplate(ref.adapter, ref.resource, ref.operation, scope, { ...limits.get(ref.adapter), operationPolicy, schemaDir: dirname(ref.source.path) });
      const pagination = compileOperationPagination(ref, request, diagnostics);
      templates.set(key, { request, outputRawFormat: ref.operation.outputRawFormat, outputParameters: ref.operation.outputParameters, pagination });
      parameterNames.set(key, operationParameterNames(ref.resource, ref.operation, inputPrefixes));
    } catch (err) {
      failed.add(key);
      diagnostics.push(diagnose(ref.source, ref.pointer, 'error', err instanceof FormatError ? err.code : 'CAP_COMPILE', (err as Error).message));
    }
  }

  const functions = functionsByRef(loaded.document?.capability?.aggregates);
  const routes = new Map<string, CompiledRoute[]>();
  const tools = new Map<string, CompiledTool[]>();
  for (const u of exposedUnits(loaded)) {
    // `ref: ns.fn` runs the aggregate function; its `with` refers to the aggregate namespace (naftiko-semantics §6.3).
    const fn = typeof u.unit.ref === 'string' ? functions.get(u.unit.ref) : undefined;
    if (u.unit.ref !== undefined && !fn) continue; // reported by validate (ref-target-exists)
    const unit: Invocable = fn ? resolveRef(u.unit, fn.fn) : u.unit;
    if (callsOf(unit).some((c) => failed.has(c))) continue; // reported above
    const called = !fn && typeof u.unit.call === 'string' ? parameterNames.get(u.unit.call) : undefined;
    if (called && isRecord(u.unit.with)) {
      const unknown = Object.keys(u.unit.with).filter((key) => !called.accepted.has(key));
      // Against an operation that declares parameters an unknown key is a typo (error); against one that declares
      // none (a reference-spec mock) it is only a value that is never sent (warning).
      const severity = called.shown.length > 0 ? 'error' : 'warning';
      for (const key of unknown) {
        diagnostics.push(diagnose(loaded.source, `${u.pointer}/with/${escapePointer(key)}`, severity, 'CAP_COMPILE_UNKNOWN_WITH', `with key "${key}" names no parameter of ${u.unit.call}, so its value would never be sent`, {
          onKey: true,
          hint: called.shown.length ? `${u.unit.call} takes: ${called.shown.slice(0, 20).join(', ')}` : `${u.unit.call} declares no parameters`,
        }));
      }
      if (unknown.length > 0 && severity === 'error') continue;
    }
    const prefixes = new Set(fn ? ['tools', 'rest', fn.namespace] : [u.kind === 'rest' ? 'rest' : 'tools', u.adapter.namespace]);
    try {
      if (u.kind === 'rest') {
        const name = unit.name ?? `${u.unit.method} ${u.resource.path}`;
        const invoker = compileInvoker({ unit, name, inputPrefixes: prefixes, inheritedInputs: u.resource.inputParameters, kind: 'rest' }, templates, scope);
        const outputSchema = compileOutputSchema(unit.outputParameters)?.schema;
        push(routes, u.adapter.namespace, { method: String(u.unit.method).toUpperCase(), path: u.resource.path, invoker, operationName: unit.name, outputSchema });
      } else {
        const name = unit.name ?? '';
        const invoker = compileInvoker({ unit, name, inputPrefixes: prefixes, kind: 'mcp' }, templates, scope);
        const output = compileOutputSchema(unit.outputParameters);
        const listing = toolListing({ ...(unit as McpTool), name, hints: (u.unit as McpTool).hints }, invoker, fn?.fn.semantics);
        if (output) listing.outputSchema = output.schema;
        push(tools, u.adapter.namespace, output ? { listing, invoker, output } : { listing, invoker });
      }
    } catch (err) {
      // A step or mapping problem points at it; one inside a referenced function is reported at the `ref`.
      const at = err instanceof PlanError ? (fn ? '/ref' : err.at) : '';
      const code = err instanceof PlanError && err.unsupported ? 'CAP_COMPILE_UNSUPPORTED' : 'CAP_COMPILE';
      diagnostics.push(diagnose(loaded.source, `${u.pointer}${at}`, 'error', code, (err as Error).message));
    }
  }

  const forwards = new Map<string, CompiledForwardRoute[]>();
  for (const [a, e] of records<ExposesRest>(exposes)) {
    if (e.type !== 'rest') continue;
    for (const [r, resource] of records<ExposedResource>(e.resources)) {
      if (!isRecord(resource.forward)) continue;
      const target = consumes.find((c) => c.value.namespace === resource.forward!.targetNamespace);
      if (!target) continue; // reported by validate (forward-target-exists)
      try {
        push(forwards, e.namespace, { path: resource.path, forward: compileForward(target.value, resource.forward, scope, limits.get(target.value)) });
      } catch (err) {
        diagnostics.push(diagnose(loaded.source, `/capability/exposes/${a}/resources/${r}/forward`, 'error', 'CAP_COMPILE', (err as Error).message));
      }
    }
  }

  // Skill adapters point at rest/mcp adapters declared before or after them: they are compiled in a second pass.
  const adapters: (CompiledAdapter | { pending: ExposesSkill; pointer: string; auth?: InboundAuth })[] = [];
  const label = loaded.document?.info?.label ?? loaded.source.path;
  exposes.forEach((e, i) => {
    const at = `/capability/exposes/${i}`;
    if (e && 'address' in e && e.address !== undefined) {
      diagnostics.push(diagnose(loaded.source, `${at}/address`, 'warning', 'CAP_COMPILE_ADDRESS_IGNORED', `address "${String(e.address)}" is not used: adapters listen on 127.0.0.1 unless --host says otherwise`, {
        hint: 'pass --host to listen elsewhere',
      }));
    }
    let auth: InboundAuth | undefined;
    if (e && e.authentication !== undefined) {
      const compiledAuth = compileInboundAuth(e.authentication, loaded.source, `${at}/authentication`, scope);
      diagnostics.push(...compiledAuth.diagnostics);
      if (!compiledAuth.auth) return; // never served open
      auth = compiledAuth.auth;
    }
    if (e?.type === 'rest') adapters.push({ type: 'rest', namespace: e.namespace, port: e.port, auth, routes: routes.get(e.namespace) ?? [], forwards: forwards.get(e.namespace) ?? [] });
    else if (e?.type === 'mcp') {
      const mcp = e as ExposesMcp;
      const transport = mcp.transport === 'stdio' ? 'stdio' : 'http';
      const { resources, prompts } = compileMcpExtras(mcp, at, { loaded, functions, templates, scope, diagnostics });
      if (transport === 'stdio' && auth) {
        // stdio has no network peer to authenticate: the client started the process itself.
        diagnostics.push(diagnose(loaded.source, `${at}/authentication`, 'warning', 'CAP_COMPILE_UNSUPPORTED', '`authentication` does not apply to `transport: stdio` (the client starts the process); it is used only when the adapter is served over HTTP'));
      }
      adapters.push({ type: 'mcp', namespace: e.namespace, port: transport === 'stdio' ? 0 : Number(e.port), transport, auth, description: mcp.description, tools: tools.get(e.namespace) ?? [], resources, prompts });
    } else if (e?.type === 'skill') adapters.push({ pending: e as ExposesSkill, pointer: at, auth });
    else if (e?.type === 'control') adapters.push({ ...compileControlAdapter(e as ExposesControl, { label, specVersion: String(loaded.document?.naftiko ?? '') }), auth });
    else if (e) {
      diagnostics.push(diagnose(loaded.source, `${at}/type`, 'warning', 'CAP_COMPILE_UNSUPPORTED', `"${String((e as { type?: unknown }).type)}" adapters are not served by this runtime; it is skipped`));
    }
  });
  const business = adapters.filter((a): a is Extract<CompiledAdapter, { type: 'rest' | 'mcp' }> => 'type' in a && (a.type === 'rest' || a.type === 'mcp'));
  const withSkills = adapters.map((a) => {
    if (!('pending' in a)) return a;
    const skill = compileSkillAdapter(a.pending, a.pointer, business, { label, description: loaded.document?.info?.description, source: loaded.source });
    diagnostics.push(...skill.diagnostics);
    return { ...skill.adapter, auth: a.auth };
  });
  // An MCP adapter also offers the capability's skills; those of a protected skill adapter only if it is protected too.
  const skillsFor = (mcpAuth: InboundAuth | undefined) => withSkills.flatMap((a) => (a.type === 'skill' && (!a.auth || mcpAuth) ? a.skills : []));
  const compiledAdapters = withSkills.map((a) => (a.type === 'mcp' && skillsFor(a.auth).length > 0 ? { ...a, skills: skillsFor(a.auth) } : a));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const compiled: CompiledCapability = {
    file: loaded.source.path,
    label,
    description: typeof loaded.document?.info?.description === 'string' ? loaded.document.info.description : undefined,
    adapters: compiledAdapters,
    upstreams: consumes.map((c) => ({ namespace: c.value.namespace, baseUri: c.value.baseUri })),
    secrets: [...new Set([...secretValues(bindings), ...basicCredentialPairs(consumes, scope), ...compiledAdapters.flatMap((a) => inboundSecrets(a.auth))])]
      .filter((v) => v.length > 0)
      .sort((a, b) => b.length - a.length),
  };
  return { compiled: deepFreeze(compiled), diagnostics };
}

/** `user:password` of each basic-auth upstream (and `id:secret` of OAuth 2 clients): sent base64-encoded, so redacted as a pair too. */
function basicCredentialPairs(consumes: readonly Located<ConsumesHttp>[], scope: NameScope): string[] {
  const pairs: string[] = [];
  for (const { value } of consumes) {
    const auth = value.authentication;
    if (auth?.type !== 'basic' && auth?.type !== 'oauth2') continue;
    try {
      const bound: NameScope = { ...scope, bindingsOnly: true };
      const render = (field: unknown) => compileText(String(field ?? ''), bound).render({});
      // OAuth 2 client credentials go to the token endpoint as Basic with both parts form-encoded (RFC 6749 §2.3.1).
      if (auth.type === 'oauth2') pairs.push(`${encodeURIComponent(render(auth.clientId))}:${encodeURIComponent(render(auth.clientSecret))}`);
      else pairs.push(`${render(auth.username)}:${render(auth.password)}`);
    } catch {
      // an unset or unbound credential: nothing is sent, so there is nothing to redact
    }
  }
  return pairs;
}

/** The consumed operations a unit calls directly or in its steps. */
function callsOf(unit: Invocable): string[] {
  const steps = Array.isArray(unit.steps) ? unit.steps.flatMap((s) => (s && s.type === 'call' && typeof s.call === 'string' ? [s.call] : [])) : [];
  return typeof unit.call === 'string' ? [unit.call, ...steps] : steps;
}

/** Hints an aggregate function's semantics imply (naftiko-semantics §6.3): safe → read-only and not destructive. */
function hintsFrom(semantics: AggregateFunction['semantics']): NonNullable<McpTool['hints']> {
  const hints: NonNullable<McpTool['hints']> = {};
  if (semantics?.safe === true) Object.assign(hints, { readOnly: true, destructive: false });
  if (semantics?.safe === false) hints.readOnly = false;
  if (typeof semantics?.idempotent === 'boolean') hints.idempotent = semantics.idempotent;
  return hints;
}

interface ExtrasContext {
  loaded: LoadedCapability;
  functions: ReadonlyMap<string, FunctionRef>;
  templates: ReadonlyMap<string, CallTarget>;
  scope: NameScope;
  diagnostics: Diagnostic[];
}

/** An MCP adapter's resources and prompts; each problem is a diagnostic at the resource or prompt. */
function compileMcpExtras(mcp: ExposesMcp, at: string, { loaded, functions, templates, scope, diagnostics }: ExtrasContext): { resources: CompiledResource[]; prompts: CompiledPrompt[] } {
  const baseDir = dirname(loaded.source.path);
  const resources: CompiledResource[] = [];
  for (const [j, resource] of records<McpResource>(mcp.resources)) {
    const pointer = `${at}/resources/${j}`;
    try {
      if (resource.location !== undefined) {
        resources.push(compileStaticResource(resource, baseDir));
        continue;
      }
      if (resource.call && !templates.has(resource.call)) throw new Error(`call "${resource.call}" names no consumed operation`);
      // A resource may run an aggregate function too (`ref`), with the same inheritance as a tool.
      const fn = typeof resource.ref === 'string' ? functions.get(resource.ref) : undefined;
      if (resource.ref !== undefined && !fn) throw new Error(`ref "${String(resource.ref)}" names no aggregate function; available refs: ${[...functions.keys()].join(', ') || 'none'}`);
      const unit = fn ? { ...resolveRef(resource, fn.fn), name: resource.name } : resource;
      const prefixes = new Set(fn ? ['tools', fn.namespace] : ['tools', mcp.namespace]);
      const invoker = compileInvoker({ unit, name: resource.name, inputPrefixes: prefixes, kind: 'mcp' }, templates, scope);
      resources.push(compileDynamicResource(resource, invoker));
    } catch (err) {
      diagnostics.push(diagnose(loaded.source, pointer, 'error', 'CAP_COMPILE', (err as Error).message));
    }
  }
  const prompts: CompiledPrompt[] = [];
  for (const [j, prompt] of records<McpPrompt>(mcp.prompts)) {
    try {
      prompts.push(compilePrompt(prompt, baseDir));
    } catch (err) {
      diagnostics.push(diagnose(loaded.source, `${at}/prompts/${j}`, 'error', 'CAP_COMPILE', (err as Error).message));
    }
  }
  return { resources, prompts };
}

function toolListing(tool: McpTool, invoker: CompiledInvoker, semantics?: AggregateFunction['semantics']): ToolListing {
  const listing: ToolListing = { name: tool.name, inputSchema: invoker.inputSchema };
  if (tool.label) listing.title = tool.label;
  if (tool.description) listing.description = tool.description.trim();
  const annotations: Record<string, unknown> = {};
  if (tool.label) annotations.title = tool.label;
  // Explicit hints win, field by field, over those derived from a referenced function's semantics.
  const hints = { ...hintsFrom(semantics), ...definedOnly(tool.hints ?? {}) };
  // Only hints the author set are emitted (naftiko-semantics §5.3): no defaults are invented.
  if (hints.readOnly !== undefined) annotations.readOnlyHint = hints.readOnly;
  if (hints.destructive !== undefined) annotations.destructiveHint = hints.destructive;
  if (hints.idempotent !== undefined) annotations.idempotentHint = hints.idempotent;
  if (hints.openWorld !== undefined) annotations.openWorldHint = hints.openWorld;
  if (Object.keys(annotations).length > 0) listing.annotations = annotations;
  return listing;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
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

/** The operation's `pagination`, compiled; a mistake in it is an error at the key that is wrong, and the call pages no further. */
function compileOperationPagination(ref: ConsumedOperationRef, request: RequestTemplate, diagnostics: Diagnostic[]): PaginationPlan | undefined {
  if (ref.operation.pagination === undefined) return undefined;
  try {
    return compilePagination(ref.operation.pagination, request);
  } catch (err) {
    const at = err instanceof PlanError ? err.at : '';
    diagnostics.push(diagnose(ref.source, `${ref.pointer}/pagination${at}`, 'error', 'CAP_COMPILE', `pagination: ${(err as Error).message}`));
    return undefined;
  }
}
