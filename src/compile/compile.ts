// Compile stage: a loaded, validated capability → CompiledCapability (frozen): request templates, invokers,
// tool listings and routes, built once per load. Compile problems become diagnostics at their YAML position.
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import type { Located, LoadedCapability } from '../load/load.js';
import { isRecord } from '../load/shape.js';
import { escapePointer } from '../load/source.js';
import { consumedOperations, exposedUnits } from '../load/walk.js';
import { secretValues, type Bindings } from '../resolve/bindings.js';
import { dirname } from 'node:path';
import type { ConsumesHttp, ExposesControl, ExposesMcp, ExposesSkill, McpTool } from '../spec/capability.js';
import { compileControlAdapter, type CompiledControlAdapter } from './control.js';
import type { JsonSchemaObject } from './input-schema.js';
import { compileInboundAuth, inboundSecrets, type InboundAuth } from './inbound-auth.js';
import { compileInvoker, type CompiledInvoker } from './invoker.js';
import { compilePrompt, type CompiledPrompt } from './mcp-prompts.js';
import { compileDynamicResource, compileStaticResource, type CompiledResource } from './mcp-resources.js';
import { compileOutputSchema, type CompiledOutputSchema, type JsonSchema } from './output-schema.js';
import type { NameScope } from './names.js';
import { compileRequestTemplate, type RequestTemplate } from './request-template.js';
import { compileSkillAdapter, type CompiledSkill, type CompiledSkillAdapter } from './skill.js';
import { compileText } from './template.js';
import { operationParameterNames } from './with-keys.js';

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

export type CompiledAdapter =
  | { readonly type: 'rest'; readonly namespace: string; readonly port: number; readonly auth?: InboundAuth; readonly routes: readonly CompiledRoute[] }
  | CompiledMcpAdapter
  | CompiledSkillAdapter
  | CompiledControlAdapter;

export type AdapterType = CompiledAdapter['type'];

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

  const limits = new Map<ConsumesHttp, { maxResponseBytes?: number }>();
  for (const c of consumes) {
    const cap = c.value['x-max-response-bytes'];
    if (cap !== undefined && !(Number.isSafeInteger(cap) && cap > 0)) {
      diagnostics.push(diagnose(c.source, `${c.pointer}/x-max-response-bytes`, 'error', 'CAP_COMPILE', `x-max-response-bytes must be a positive integer (bytes), got ${JSON.stringify(cap)}`));
    }
    limits.set(c.value, { maxResponseBytes: cap });
  }

  const templates = new Map<string, { request: RequestTemplate; outputRawFormat?: string; parameters: { accepted: Set<string>; shown: string[] } }>();
  for (const ref of consumedOperations(consumes)) {
    const key = `${ref.adapter.namespace}.${ref.operation.name}`;
    if (templates.has(key)) continue;
    try {
      const request = compileRequestTemplate(ref.adapter, ref.resource, ref.operation, scope, limits.get(ref.adapter));
      templates.set(key, { request, outputRawFormat: ref.operation.outputRawFormat, parameters: operationParameterNames(ref.resource, ref.operation, inputPrefixes) });
    } catch (err) {
      diagnostics.push(diagnose(ref.source, ref.pointer, 'error', 'CAP_COMPILE', (err as Error).message));
    }
  }

  const routes = new Map<string, CompiledRoute[]>();
  const tools = new Map<string, CompiledTool[]>();
  for (const u of exposedUnits(loaded)) {
    const called = u.unit.call ? templates.get(u.unit.call) : undefined;
    if (u.unit.call && !called) continue; // reported by validate (call-target-exists) or above
    if (called && isRecord(u.unit.with)) {
      const unknown = Object.keys(u.unit.with).filter((key) => !called.parameters.accepted.has(key));
      // Against an operation that declares parameters an unknown key is a typo (error); against one that declares
      // none (a reference-spec mock) it is only a value that is never sent (warning).
      const severity = called.parameters.shown.length > 0 ? 'error' : 'warning';
      for (const key of unknown) {
        diagnostics.push(diagnose(loaded.source, `${u.pointer}/with/${escapePointer(key)}`, severity, 'CAP_COMPILE_UNKNOWN_WITH', `with key "${key}" names no parameter of ${u.unit.call}, so its value would never be sent`, {
          onKey: true,
          hint: called.parameters.shown.length ? `${u.unit.call} takes: ${called.parameters.shown.slice(0, 20).join(', ')}` : `${u.unit.call} declares no parameters`,
        }));
      }
      if (unknown.length > 0 && severity === 'error') continue;
    }
    const prefixes = new Set([u.kind === 'rest' ? 'rest' : 'tools', u.adapter.namespace]);
    try {
      if (u.kind === 'rest') {
        const name = u.unit.name ?? `${u.unit.method} ${u.resource.path}`;
        const invoker = compileInvoker({ unit: u.unit, name, inputPrefixes: prefixes, inheritedInputs: u.resource.inputParameters, kind: 'rest' }, called?.request, called?.outputRawFormat, scope);
        push(routes, u.adapter.namespace, { method: String(u.unit.method).toUpperCase(), path: u.resource.path, invoker });
      } else {
        const invoker = compileInvoker({ unit: u.unit, name: u.unit.name, inputPrefixes: prefixes, kind: 'mcp' }, called?.request, called?.outputRawFormat, scope);
        const output = compileOutputSchema(u.unit.outputParameters);
        const listing = toolListing(u.unit as McpTool, invoker);
        if (output) listing.outputSchema = output.schema;
        push(tools, u.adapter.namespace, output ? { listing, invoker, output } : { listing, invoker });
      }
    } catch (err) {
      diagnostics.push(diagnose(loaded.source, u.pointer, 'error', 'CAP_COMPILE', (err as Error).message));
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
    if (e?.type === 'rest') adapters.push({ type: 'rest', namespace: e.namespace, port: e.port, auth, routes: routes.get(e.namespace) ?? [] });
    else if (e?.type === 'mcp') {
      const mcp = e as ExposesMcp;
      const transport = mcp.transport === 'stdio' ? 'stdio' : 'http';
      const { resources, prompts } = compileMcpExtras(mcp, at, { loaded, templates, scope, diagnostics });
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
    adapters: compiledAdapters,
    upstreams: consumes.map((c) => ({ namespace: c.value.namespace, baseUri: c.value.baseUri })),
    secrets: [...new Set([...secretValues(bindings), ...basicCredentialPairs(consumes, scope), ...compiledAdapters.flatMap((a) => inboundSecrets(a.auth))])]
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

interface ExtrasContext {
  loaded: LoadedCapability;
  templates: ReadonlyMap<string, { request: RequestTemplate; outputRawFormat?: string }>;
  scope: NameScope;
  diagnostics: Diagnostic[];
}

/** An MCP adapter's resources and prompts; each problem is a diagnostic at the resource or prompt. */
function compileMcpExtras(mcp: ExposesMcp, at: string, { loaded, templates, scope, diagnostics }: ExtrasContext): { resources: CompiledResource[]; prompts: CompiledPrompt[] } {
  const baseDir = dirname(loaded.source.path);
  const resources: CompiledResource[] = [];
  (mcp.resources ?? []).forEach((resource, j) => {
    const pointer = `${at}/resources/${j}`;
    try {
      if (resource.location !== undefined) {
        resources.push(compileStaticResource(resource, baseDir));
        return;
      }
      const called = resource.call ? templates.get(resource.call) : undefined;
      if (resource.call && !called) throw new Error(`call "${resource.call}" names no consumed operation`);
      const invoker = compileInvoker({ unit: resource, name: resource.name, inputPrefixes: new Set(['tools', mcp.namespace]), kind: 'mcp' }, called?.request, called?.outputRawFormat, scope);
      resources.push(compileDynamicResource(resource, invoker));
    } catch (err) {
      diagnostics.push(diagnose(loaded.source, pointer, 'error', 'CAP_COMPILE', (err as Error).message));
    }
  });
  const prompts: CompiledPrompt[] = [];
  (mcp.prompts ?? []).forEach((prompt, j) => {
    try {
      prompts.push(compilePrompt(prompt, baseDir));
    } catch (err) {
      diagnostics.push(diagnose(loaded.source, `${at}/prompts/${j}`, 'error', 'CAP_COMPILE', (err as Error).message));
    }
  });
  return { resources, prompts };
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
