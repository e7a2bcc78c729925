// The MCP fast path: the stateless requests that make up nearly all traffic (`tools/call`, `tools/list`, and `ping`
// on 2025-era revisions) and the official clients' handshake (2025-era `initialize` and `notifications/initialized`,
// 2026-07-28 `server/discover`; not with the Skills extension, whose server the SDK builds) answered straight from
// Fastify, without the SDK's per-request Server, transport, web Request/Response conversion and SSE stream. It takes
// a request only when it is certain to answer exactly what the SDK handler would (same status, framing and JSON;
// test/conformance/mcp/fast-path.test.ts compares both); anything else (other methods and notifications, batches,
// GET/DELETE, unusual headers or params, every error case) is not taken and goes to the SDK. The era decision is the
// SDK's classifyInboundRequest verdict, by our own rules where they vouch for it (./era-classifier.ts), so that the
// fast path loads neither the SDK nor zod (./sdk-loader.ts), and real clients' sessions never load them.
// A taken request is answered through a callback rather than a returned promise: a tools/call then costs one async
// function (the tool call itself) and no further promise layers, which matter per request (each is a promise, a
// microtask and the async-context hooks).
import type { IncomingHttpHeaders } from 'node:http';
import type { CompiledMcpAdapter, CompiledTool } from '../../compile/compile.js';
import type { Observation } from '../../observe/observation.js';
import { VERSION } from '../../version.js';
import { validCapabilities, validImplementation } from './envelope-era.js';
import { createClassifier } from './era-classifier.js';
import type { Classifier, Era } from './era-verdicts.js';
import { paginate } from './pagination.js';
import { isJsonContentType, MODERN_REVISION, SERVER_INFO_META_KEY, SUPPORTED_PROTOCOL_VERSIONS } from './protocol.js';
import { serverCapabilities, serverInstructions } from './server-identity.js';
import { answerToolJson, type ToolCallContext } from './tools.js';

export interface FastAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** Called once per taken request: with its answer, or with the error that kept the answer from being built. */
export type Respond = (answer: FastAnswer | Error) => void;

/**
 * false: the request is not taken, and the SDK handler answers it. true: `respond` is called (now or later).
 * `observation`: the HTTP request's (the fast path runs outside the async context that the SDK path needs).
 */
export type FastPath = (httpMethod: string, headers: IncomingHttpHeaders, body: unknown, respond: Respond, observation?: Observation) => boolean;

/** 2025-era revisions whose tools/* wire shapes are the ones our listings and results already have. */
const LEGACY_REVISIONS = new Set(['2025-06-18', '2025-11-25'].filter((v) => SUPPORTED_PROTOCOL_VERSIONS.includes(v)));

// The SDK answers a 2025-era request on a one-event SSE stream and a 2026-07-28 request as plain JSON.
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' };
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Takes the request (true) and passes its result's JSON to `send`, now or later; or leaves it to the SDK (false). */
type Handler = (params: Record<string, unknown>, era: Era, send: (resultJson: string) => void, fail: (err: unknown) => void, observation: Observation | undefined) => boolean;

/** `handshake`: whether the fast path answers the handshake too (false when the SDK's McpServer adds to it). */
export function createFastPath(adapter: CompiledMcpAdapter, context: ToolCallContext, handshake = true): FastPath {
  const classify = createClassifier();
  const toolsByName = new Map<string, CompiledTool>(adapter.tools.map((t) => [t.listing.name, t]));
  const listings = adapter.tools.map((t) => t.listing);
  // What the SDK adds to every 2026-07-28 result (resultType, and for cacheable lists the cache fields), then its identity.
  const serverInfo = `"_meta":${JSON.stringify({ [SERVER_INFO_META_KEY]: { name: adapter.namespace, version: VERSION } })}`;
  const modernTail = `,"resultType":"complete",${serverInfo}`;
  const modernListTail = `,"resultType":"complete","ttlMs":0,"cacheScope":"private",${serverInfo}`;
  // The handshake's answers, but for the revision an `initialize` names (the SDK echoes one it supports).
  const identity = { capabilities: serverCapabilities(adapter), instructions: serverInstructions(adapter) };
  const serverInfoJson = JSON.stringify({ name: adapter.namespace, version: VERSION });
  const identityJson = JSON.stringify(identity).slice(1, -1);
  const discovered = `{"supportedVersions":${JSON.stringify([MODERN_REVISION])},${identityJson}${modernListTail}}`;
  // tools/list pages are the same for every caller: serialized once, on first use, per cursor and era.
  const pages = new Map<string, string>();
  const listPage = (cursor: string | undefined, era: Era): string => {
    const key = `${era}:${cursor ?? ''}`;
    let text = pages.get(key);
    if (text === undefined) {
      const { page, nextCursor } = paginate(listings, 'tools', cursor); // throws on a cursor we did not issue: the SDK answers that
      const result = JSON.stringify(nextCursor ? { tools: page, nextCursor } : { tools: page });
      text = era === 'modern' ? `${result.slice(0, -1)}${modernListTail}}` : result;
      if (pages.size < 1000) pages.set(key, text); // bounded: callers choose cursors
    }
    return text;
  };

  const handlers: Record<string, Handler> = {
    'tools/call': (params, era, send, fail, observation) => {
      const { name, arguments: args } = params;
      if (typeof name !== 'string' || !onlyKeys(params, CALL_KEYS)) return false;
      if (args !== undefined && !isPlainObject(args)) return false;
      const tool = toolsByName.get(name);
      if (!tool) return false; // the SDK's -32602 names the known tools
      // Every failure of the call is an isError result; this catch only meets a broken runtime (answered 500).
      answerToolJson(tool, args, context, era === 'modern' ? modernTail : '', send, observation).catch(fail);
      return true;
    },
    'tools/list': (params, era, send) => {
      const { cursor } = params;
      if (!onlyKeys(params, LIST_KEYS) || (cursor !== undefined && typeof cursor !== 'string')) return false;
      let page: string;
      try {
        page = listPage(cursor, era);
      } catch {
        return false;
      }
      send(page);
      return true;
    },
    // 2026-07-28 clients ask once what the server offers.
    'server/discover': (params, era, send) => {
      if (!handshake || era !== 'modern' || !onlyKeys(params, META_KEYS)) return false;
      send(discovered);
      return true;
    },
    // 2025-era keep-alive; 2026-07-28 has no ping (the SDK answers -32601).
    ping: (params, era, send) => {
      if (era !== 'legacy' || !onlyKeys(params, META_KEYS)) return false;
      send('{}');
      return true;
    },
  };

  return (httpMethod, headers, body, respond, observation) => {
    if (httpMethod !== 'POST' || !isPlainObject(body) || !onlyKeys(body, MESSAGE_KEYS)) return false;
    const { jsonrpc, id, method, params = {} } = body;
    if (jsonrpc !== '2.0' || typeof method !== 'string' || !isPlainObject(params)) return false;
    if (id === undefined) return handshake && method === 'notifications/initialized' && initialized(headers, body, params, respond);
    if (!isRequestId(id)) return false;
    if (method === 'initialize') return handshake && initialize(headers, id, params, respond);
    const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
    if (!handler || !plainMeta(params._meta)) return false;
    if (!isJsonContentType(headers['content-type'])) return false;
    const era = eraOf(classify, headers, body, method, params);
    if (!era) return false;
    // The answer's text is built in one template per era (no intermediate message string to copy again).
    const idJson = idJsonOf(id);
    const send = era === 'modern' ? (json: string) => respond(modernAnswer(json, idJson)) : (json: string) => respond(legacyAnswer(json, idJson));
    return handler(params, era, send, (err) => respond(err instanceof Error ? err : new Error(String(err))), observation);
  };

  /**
   * A 2025-era client's first request: taken when the SDK would accept it as it stands (no revision header yet, a
   * revision the fast path answers, client info and capabilities of their schema's shape, no `_meta`) and answered as
   * the SDK does, with the revision echoed.
   */
  function initialize(headers: IncomingHttpHeaders, id: string | number, params: Record<string, unknown>, respond: Respond): boolean {
    const { protocolVersion, capabilities, clientInfo } = params;
    if (headers['mcp-protocol-version'] !== undefined || !acceptsJsonAndSse(headers) || !isJsonContentType(headers['content-type'])) return false;
    if (!onlyKeys(params, INITIALIZE_KEYS) || typeof protocolVersion !== 'string' || !LEGACY_REVISIONS.has(protocolVersion)) return false;
    if (!validCapabilities(capabilities) || (capabilities as Record<string, unknown>).tasks !== undefined || !validImplementation(clientInfo)) return false;
    const result = `{"protocolVersion":${JSON.stringify(protocolVersion)},"serverInfo":${serverInfoJson},${identityJson}}`;
    respond(legacyAnswer(result, idJsonOf(id)));
    return true;
  }

  /** The notification that ends a 2025-era handshake: accepted (202, no body), as the SDK does with every notification. */
  function initialized(headers: IncomingHttpHeaders, body: Record<string, unknown>, params: Record<string, unknown>, respond: Respond): boolean {
    if (!onlyKeys(params, META_KEYS) || !plainMeta(params._meta) || !isJsonContentType(headers['content-type'])) return false;
    if (eraOf(classify, headers, body, 'notifications/initialized', params) !== 'legacy') return false;
    respond(ACCEPTED);
    return true;
  }
}

const ACCEPTED: FastAnswer = { status: 202, headers: {}, body: '' };

const idJsonOf = (id: string | number): string => (typeof id === 'number' ? String(id) : JSON.stringify(id));

const modernAnswer = (resultJson: string, idJson: string): FastAnswer => ({ status: 200, headers: JSON_HEADERS, body: `{"result":${resultJson},"jsonrpc":"2.0","id":${idJson}}` });
const legacyAnswer = (resultJson: string, idJson: string): FastAnswer => ({ status: 200, headers: SSE_HEADERS, body: `event: message\ndata: {"result":${resultJson},"jsonrpc":"2.0","id":${idJson}}\n\n` });

const MESSAGE_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const CALL_KEYS = new Set(['name', 'arguments', '_meta']);
const LIST_KEYS = new Set(['cursor', '_meta']);
const META_KEYS = new Set(['_meta']);
const INITIALIZE_KEYS = new Set(['protocolVersion', 'capabilities', 'clientInfo']);

/**
 * Which era serves the request, when the SDK would serve it without refusing anything: a 2025-era request must
 * accept JSON and SSE and name a revision we answer like the SDK; a 2026-07-28 request must carry the standard
 * headers exactly as the body states them. Anything else (missing, mismatched, encoded or padded headers) is the
 * SDK's to answer. The era itself is the SDK's classifyInboundRequest verdict (./era-verdicts.ts).
 */
function eraOf(classify: Classifier, headers: IncomingHttpHeaders, body: Record<string, unknown>, method: string, params: Record<string, unknown>): Era | undefined {
  const version = headers['mcp-protocol-version'];
  const mcpMethod = headers['mcp-method'];
  const mcpName = headers['mcp-name'];
  if (typeof version !== 'string' || (mcpMethod !== undefined && typeof mcpMethod !== 'string') || (mcpName !== undefined && typeof mcpName !== 'string')) return undefined;
  const era = classify(version, mcpMethod, mcpName, body, method, params._meta as Record<string, unknown> | undefined);
  if (era === 'legacy') return acceptsJsonAndSse(headers) && LEGACY_REVISIONS.has(version) ? 'legacy' : undefined;
  if (era !== 'modern' || version !== MODERN_REVISION || mcpMethod !== method) return undefined;
  // Mcp-Name mirrors params.name on tools/call; an encoded (=?base64?...?=) name is the SDK's to decode.
  if (method === 'tools/call') return mcpName !== undefined && mcpName === params.name && !mcpName.startsWith('=?') ? 'modern' : undefined;
  return mcpName === undefined ? 'modern' : undefined;
}

/** A 2025-era POST must accept both answers the SDK may give (it refuses the request otherwise). */
function acceptsJsonAndSse(headers: IncomingHttpHeaders): boolean {
  const accept = headers.accept;
  return typeof accept === 'string' && accept.includes('application/json') && accept.includes('text/event-stream');
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isRequestId = (id: unknown): id is string | number => typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));

function onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

/** `_meta` absent, or an object whose progress token (if any) is one the SDK accepts. */
function plainMeta(meta: unknown): boolean {
  if (meta === undefined) return true;
  if (!isPlainObject(meta)) return false;
  const token = meta.progressToken;
  return token === undefined || typeof token === 'string' || (typeof token === 'number' && Number.isSafeInteger(token));
}
