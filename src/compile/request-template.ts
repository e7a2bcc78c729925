// Consumed operation → RequestTemplate: method, URL with percent-encoded path values, query, headers, auth and a
// body renderer, all compiled once. build(params) is the only per-request work.
import { CapError } from '../errors/cap-error.js';
import type { UpstreamAuth } from '../invoke/auth/authenticate.js';
import type { OperationPolicy, UpstreamPolicy } from '../invoke/policies/types.js';
import { acceptFor, compileBodyReader, type BodyReader } from '../invoke/formats/index.js';
import type { ConsumedInputParameter, ConsumedOperation, ConsumedResource, ConsumesHttp } from '../spec/capability.js';
import { USER_AGENT } from '../version.js';
import { checkHeaderName, headerValueProblem } from './header-rules.js';
import { compileJsonText } from './json-text-template.js';
import { compileInputKey, stringify, type Getter, type NameScope, type Params } from './names.js';
import { compileJson, compileText, TemplateError } from './template.js';

export interface UpstreamRequest {
  method: string;
  /** Path and query, relative to the origin. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Digest or OAuth 2 client credentials, handled by the upstream client (src/invoke/auth/). */
  auth?: UpstreamAuth;
}

export interface RequestTemplate {
  readonly namespace: string;
  readonly operation: string;
  readonly method: string;
  /** scheme://host[:port] of the upstream; one connection pool per origin. */
  readonly origin: string;
  /** `GET https://api.example.com/items/{id}`, for listings and messages. */
  readonly summary: string;
  /** Names the request reads from the call parameters, with where they go (for derived input schemas). */
  readonly inputs: readonly RequestInput[];
  /** Per-upstream cap on the response body (`x-max-response-bytes` on the consumes adapter), if set. */
  readonly maxResponseBytes?: number;
  /** The consumes adapter's `resilience` policies (one object per adapter: the upstream's state is shared by its operations). */
  readonly policy?: UpstreamPolicy;
  /** The operation's own `resilience` (idempotent, timeouts). */
  readonly operationPolicy?: OperationPolicy;
  build(params: Params): UpstreamRequest;
  /** The upstream body → JSON per the operation's outputRawFormat (compiled once). */
  readonly readBody: BodyReader;
}

/** What the consumes adapter (and the operation) declare about calling the upstream, compiled once. */
export interface UpstreamLimits {
  maxResponseBytes?: number;
  policy?: UpstreamPolicy;
  operationPolicy?: OperationPolicy;
  /** Where schema files (protobuf, avro) of the operation are found. */
  schemaDir?: string;
}

export interface RequestInput {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie' | 'body';
  type?: string;
  description?: string;
  required: boolean;
}

interface CompiledParameter {
  name: string;
  in: string;
  required: boolean;
  get: Getter;
  /** True when the value comes from binds and constants only (never from the caller). */
  bound: boolean;
}

export function compileRequestTemplate(
  adapter: ConsumesHttp,
  resource: ConsumedResource,
  operation: ConsumedOperation,
  scope: NameScope,
  limits: UpstreamLimits = {},
): RequestTemplate {
  const base = new URL(adapter.baseUri);
  const inputs: RequestInput[] = [];
  const method = String(operation.method).toUpperCase();
  const declaredPath = [...(adapter.inputParameters ?? []), ...(operation.inputParameters ?? [])].filter((p) => p?.in === 'path');
  // A resource path written without its leading `/` (`databases/{{id}}/query`, as in the reference fixtures) still joins with one.
  const resourcePath = resource.path && !resource.path.startsWith('/') ? `/${resource.path}` : (resource.path ?? '');
  const renderPath = compilePath(base.pathname.replace(/\/$/, '') + resourcePath, scope, inputs, declaredPath);

  // Adapter-level parameters go with every call: their values come from constants and binds, never from the caller.
  const boundScope: NameScope = { ...scope, bindingsOnly: true };
  const sendable = (p: ConsumedInputParameter | undefined) => p && p.in !== 'path' && p.in !== 'environment';
  const operationParameters = (operation.inputParameters ?? []).filter(sendable).map((p) => compileParameter(p, scope, inputs));
  const parameters = [...(adapter.inputParameters ?? []).filter(sendable).map((p) => compileParameter(p, boundScope, inputs)), ...operationParameters];
  // An operation parameter rendered from a `value` is visible to the body template under its own name
  // (naftiko-semantics §2.3, case 8: `search: "{{term}}"` then `{{search}}` in the body).
  const valued = new Set((operation.inputParameters ?? []).filter((p) => sendable(p) && p!.value !== undefined).map((p) => p!.name));
  const writtenBack = operationParameters.filter((p) => valued.has(p.name));
  const query = parameters.filter((p) => p.in === 'query');
  const headers = parameters.filter((p) => p.in === 'header');
  const cookies = parameters.filter((p) => p.in === 'cookie');
  const auth = compileAuthentication(adapter, boundScope);
  const authHeaders = authHeaderNames(adapter);
  const body = compileBody(operation, scope, inputs);
  const readBody = compileBodyReader(operation.outputRawFormat, operation.outputSchema, adapter.namespace, limits.schemaDir);
  const accept = acceptFor(operation.outputRawFormat);
  const needsSearch = query.length > 0 || (adapter.authentication?.type === 'apikey' && adapter.authentication.placement === 'query');

  return {
    namespace: adapter.namespace,
    operation: operation.name,
    method,
    origin: base.origin,
    summary: `${method} ${base.origin}${base.pathname.replace(/\/$/, '')}${resourcePath}`,
    inputs,
    readBody,
    maxResponseBytes: limits.maxResponseBytes,
    policy: limits.policy,
    operationPolicy: limits.operationPolicy,
    build(params) {
      // Only what the operation declares is built per call: no query object, cookie list or body when it has none.
      const search = needsSearch ? new URLSearchParams() : NO_QUERY;
      // A User-Agent header parameter of the file replaces the default one (several vendors refuse requests without).
      const out: Record<string, string> = { accept, 'user-agent': USER_AGENT };
      for (const p of query) appendQuery(search, p.name, read(p, params));
      for (const p of headers) {
        const v = read(p, params);
        if (v !== undefined) out[p.name.toLowerCase()] = checkedHeader(p, stringify(v));
      }
      if (cookies.length) {
        const cookie = cookies.flatMap((p) => {
          const v = read(p, params);
          return v === undefined ? [] : [`${p.name}=${encodeURIComponent(stringify(v))}`];
        });
        if (cookie.length) out.cookie = cookie.join('; ');
      }
      const dynamic = auth(out, search, params);
      for (const name of authHeaders) if (out[name] !== undefined) checkedHeader({ name, in: 'header', bound: true }, out[name]!);
      const rendered = body?.(writtenBack.length > 0 ? withWrittenBack(writtenBack, params) : params);
      if (rendered) out['content-type'] = rendered.contentType;
      const qs = needsSearch ? search.toString() : '';
      const request: UpstreamRequest = { method, path: qs ? `${renderPath(params)}?${qs}` : renderPath(params), headers: out, body: rendered?.text };
      if (dynamic) request.auth = dynamic;
      return request;
    },
  };
}

/** The query of an operation that declares none: never appended to (needsSearch is false). */
const NO_QUERY = new URLSearchParams();

/**
 * A header value undici would refuse (CR, LF, NUL, other controls, characters beyond Latin-1) never reaches the
 * upstream: from the caller it is bad input naming the field; from binds it is the operator's to fix. The value
 * itself is never quoted.
 */
function checkedHeader(p: Pick<CompiledParameter, 'name' | 'in' | 'bound'>, value: string): string {
  const problem = headerValueProblem(value);
  if (!problem) return value;
  if (p.bound) {
    throw new CapError('CAP_SECRET_INVALID', `the bound value sent in header "${p.name}" ${problem}; fix the variable it comes from`);
  }
  throw new CapError('CAP_INPUT_INVALID', `header parameter "${p.name}" ${problem}`, { errors: [{ field: p.name, in: 'header', message: problem }] });
}

function authHeaderNames(adapter: ConsumesHttp): string[] {
  const auth = adapter.authentication;
  if (auth?.type === 'bearer' || auth?.type === 'basic') return ['authorization'];
  if (auth?.type === 'apikey' && auth.placement !== 'query') return [String(auth.key).toLowerCase()];
  return [];
}

function withWrittenBack(parameters: readonly CompiledParameter[], params: Params): Params {
  const out: Record<string, unknown> = { ...params };
  for (const p of parameters) {
    const value = p.get(params);
    if (value !== undefined) out[p.name] = value;
  }
  return out;
}

function read(p: CompiledParameter, params: Params): unknown {
  const value = p.get(params);
  if (value === undefined && p.required) {
    throw new CapError('CAP_INPUT_INVALID', `missing required ${p.in} parameter "${p.name}"`, { errors: [{ field: p.name, in: p.in, message: 'is required' }] });
  }
  return value;
}

function appendQuery(search: URLSearchParams, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  // Arrays go as repeated keys (naftiko-semantics §3.3 RECOMMENDED): ids=a&ids=b
  if (Array.isArray(value)) for (const item of value) search.append(name, stringify(item));
  else search.append(name, stringify(value));
}

function compileParameter(p: ConsumedInputParameter, scope: NameScope, inputs: RequestInput[]): CompiledParameter {
  const required = p.required === true;
  if (p.in === 'header') checkHeaderName(p.name);
  if (p.value !== undefined) {
    const template = compileText(String(p.value), scope);
    const get: Getter = template.single ?? ((params) => template.render(params));
    for (const name of template.names) addInput(inputs, name, scope, p.in as RequestInput['in'], { required });
    const bound = scope.bindingsOnly === true || template.names.every((n) => scope.bindings.names.has(n));
    return { name: p.name, in: String(p.in), required, get, bound };
  }
  if (scope.bindingsOnly) throw new Error(`adapter-level parameter "${p.name}" has no value; it cannot take caller input`);
  addInput(inputs, p.name, scope, p.in as RequestInput['in'], { type: p.type, description: p.description, required });
  return { name: p.name, in: String(p.in), required, get: compileInputKey(p.name), bound: false };
}

/** Records a caller input unless the name is a bound variable (secrets are never caller inputs). */
function addInput(inputs: RequestInput[], name: string, scope: NameScope, where: RequestInput['in'], extra: Partial<RequestInput>): void {
  if (scope.bindings.names.has(name)) return;
  const dot = name.indexOf('.');
  const key = dot > 0 && scope.inputPrefixes.has(name.slice(0, dot)) ? name.slice(dot + 1) : name;
  if (key.includes('.') || inputs.some((i) => i.name === key)) return;
  inputs.push({ name: key, in: where, required: extra.required ?? false, type: extra.type, description: extra.description });
}

function compilePath(path: string, scope: NameScope, inputs: RequestInput[], declared: ConsumedInputParameter[]): (params: Params) => string {
  const parts: (string | { name: string; get: Getter })[] = [];
  let last = 0;
  for (const m of path.matchAll(/\{\{?\s*([^{}\s]+)\s*\}?\}/g)) {
    parts.push(path.slice(last, m.index));
    const name = m[1]!;
    const info = declared.find((p) => p.name === name);
    addInput(inputs, name, scope, 'path', { required: true, type: info?.type, description: info?.description });
    const template = compileText(`{{${name}}}`, scope);
    parts.push({ name, get: template.single! });
    last = m.index! + m[0].length;
  }
  parts.push(path.slice(last));
  if (parts.length === 1) {
    const fixed = parts[0] as string;
    return () => fixed;
  }
  return (params) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const value = part.get(params);
      if (value === undefined || value === null || value === '') {
        throw new CapError('CAP_INPUT_INVALID', `missing value for path parameter "${part.name}"`, { errors: [{ field: part.name, in: 'path', message: 'is required' }] });
      }
      out += encodeURIComponent(stringify(value));
    }
    return out;
  };
}

/** Sets static credentials on the request; returns the rendered credentials of a scheme the upstream client runs. */
type AuthApplier = (headers: Record<string, string>, search: URLSearchParams, params: Params) => UpstreamAuth | void;

function compileAuthentication(adapter: ConsumesHttp, scope: NameScope): AuthApplier {
  const auth = adapter.authentication;
  if (!auth) return () => {};
  const text = (value: unknown) => compileText(String(value ?? ''), scope);
  switch (auth.type) {
    case 'bearer': {
      const token = text(auth.token);
      return (headers, _search, params) => {
        headers.authorization = `Bearer ${token.render(params)}`;
      };
    }
    case 'apikey': {
      const value = text(auth.value);
      if (auth.placement !== 'query') checkHeaderName(auth.key);
      if (auth.placement === 'query') return (_headers, search, params) => search.append(auth.key, value.render(params));
      return (headers, _search, params) => {
        headers[auth.key.toLowerCase()] = value.render(params);
      };
    }
    case 'basic': {
      const username = text(auth.username);
      const password = text(auth.password);
      return (headers, _search, params) => {
        headers.authorization = `Basic ${Buffer.from(`${username.render(params)}:${password.render(params)}`).toString('base64')}`;
      };
    }
    case 'digest': {
      const username = text(auth.username);
      const password = text(auth.password);
      return (_headers, _search, params) => ({ type: 'digest', username: username.render(params), password: password.render(params) });
    }
    case 'oauth2': {
      // Client credentials (README "Upstream authentication"): the token endpoint, id and secret come from binds.
      const tokenEndpoint = text(auth.tokenEndpoint);
      if (tokenEndpoint.names.length === 0) checkTokenEndpoint(String(auth.tokenEndpoint));
      const clientId = text(auth.clientId);
      const clientSecret = text(auth.clientSecret);
      const scopes = Array.isArray(auth.scopes) ? auth.scopes.map(String) : typeof auth.scopes === 'string' ? auth.scopes.split(/\s+/).filter(Boolean) : [];
      const audience = typeof auth.audience === 'string' && auth.audience !== '' ? auth.audience : undefined;
      const resource = typeof auth.resource === 'string' && auth.resource !== '' ? auth.resource : undefined;
      return (_headers, _search, params) => ({
        type: 'oauth2',
        tokenEndpoint: tokenEndpoint.render(params),
        clientId: clientId.render(params),
        clientSecret: clientSecret.render(params),
        scopes,
        audience,
        resource,
      });
    }
    default:
      throw new TemplateError(`authentication type "${String((auth as { type?: unknown }).type)}" is not supported for consumed APIs (use bearer, apikey, basic, digest or oauth2)`);
  }
}

function checkTokenEndpoint(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TemplateError(`oauth2 tokenEndpoint "${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TemplateError(`oauth2 tokenEndpoint "${value}" must be an http(s) URL`);
}

type BodyRenderer = (params: Params) => { text: string; contentType: string } | undefined;

const MEDIA_TYPES: Record<string, string> = { json: 'application/json', text: 'text/plain', xml: 'application/xml', sparql: 'application/sparql-query', raw: 'application/octet-stream' };

function compileBody(operation: ConsumedOperation, scope: NameScope, inputs: RequestInput[]): BodyRenderer | undefined {
  const body = operation.body;
  if (body === undefined || body === null) {
    // An `in: body` parameter without a body template is the JSON body (naftiko-semantics §3.3, seed 002).
    const declared = (operation.inputParameters ?? []).find((p) => p?.in === 'body');
    if (!declared) return undefined;
    addInput(inputs, declared.name, scope, 'body', { type: declared.type ?? 'object', description: declared.description, required: declared.required === true });
    const get = compileInputKey(declared.name);
    return (params) => {
      const value = get(params);
      return value === undefined ? undefined : { text: JSON.stringify(value), contentType: 'application/json' };
    };
  }
  const collect = (names: readonly string[]) => names.forEach((n) => addInput(inputs, n, scope, 'body', {}));
  if (typeof body === 'string') {
    const template = compileJsonText(body, scope) ?? compileText(body, scope);
    collect(template.names);
    return (params) => ({ text: template.render(params), contentType: 'application/json' });
  }
  if (body.type === 'json') {
    const names: string[] = [];
    const render = compileJson(body.data, scope, names);
    collect(names);
    return (params) => ({ text: JSON.stringify(render(params) ?? null), contentType: 'application/json' });
  }
  if (body.type === 'formUrlEncoded') {
    const names: string[] = [];
    const render = compileJson(body.data, scope, names);
    collect(names);
    return (params) => {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries((render(params) as Record<string, unknown>) ?? {})) appendQuery(form, k, v);
      return { text: form.toString(), contentType: 'application/x-www-form-urlencoded' };
    };
  }
  const mediaType = MEDIA_TYPES[body.type];
  if (!mediaType) throw new TemplateError(`request body type "${body.type}" is not supported (use json, text, xml, sparql, formUrlEncoded or raw)`);
  const template = compileText(typeof body.data === 'string' ? body.data : JSON.stringify(body.data), scope);
  collect(template.names);
  return (params) => ({ text: template.render(params), contentType: mediaType });
}
