// One vendor's contract bench: Prism on the committed contract, the recording proxy in front of it, and the
// capability served in-process against the proxy (REST and MCP on free ports), with a real MCP client and
// fetch for REST. Every call goes through the runtime exactly as a deployed caller's would.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { prepareCapabilities } from '../../../src/prepare.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { findRejections } from './checker.js';
import { startPrism, type PrismServer } from './prism.js';
import { startRecordingProxy, type Exchange, type RecordingProxy } from './recording-proxy.js';

export interface ContractBenchOptions {
  /** The committed contract, e.g. test/contracts/togai/openapi.yaml. */
  spec: string;
  /** The capability file to serve. */
  capability: string;
  /** Bound variables (API keys) the capability needs. */
  env: Record<string, string>;
  /** The capability's consumes namespace, pointed at the recording proxy with --upstream semantics. */
  upstream: string;
}

export interface ListedTool {
  name: string;
  description?: string;
  inputSchema: { type: 'object'; properties?: Record<string, Record<string, unknown>>; required?: string[] };
  annotations?: Record<string, unknown>;
}

export interface ToolResult {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface RestResult {
  status: number;
  contentType: string;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

export interface ContractBench {
  prism: PrismServer;
  proxy: RecordingProxy;
  runtime: Runtime;
  restUrl: string;
  mcpUrl: string;
  /** REST routes the capability serves, as `METHOD /path/{param}`. */
  routes: string[];
  listTools(): Promise<ListedTool[]>;
  callTool(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  rest(method: string, path: string, options?: { query?: Record<string, string | string[]>; body?: unknown }): Promise<RestResult>;
  /** Exchanges recorded since the last reset(). */
  exchanges(): Exchange[];
  reset(): void;
  rejections(): string[];
  close(): Promise<void>;
}

export async function startContractBench(options: ContractBenchOptions): Promise<ContractBench> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    const prism = await startPrism(options.spec);
    cleanup.push(() => prism.close());
    const proxy = await startRecordingProxy(prism.url);
    cleanup.push(() => proxy.close());

    const prepared = await prepareCapabilities([options.capability], { env: options.env, upstreams: new Map([[options.upstream, proxy.url]]) });
    const errors = prepared.diagnostics.filter((d) => d.severity === 'error');
    if (!prepared.ok || errors.length > 0) throw new Error(`capability did not compile:\n${errors.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`).join('\n')}`);
    const adapters = prepared.capabilities.flatMap((c) => c.adapters);
    const runtime = await startRuntime(prepared.capabilities, { ports: new Map(adapters.map((a) => [a.namespace, 0])) });
    cleanup.push(() => runtime.close());
    const restUrl = runtime.adapters.find((a) => a.type === 'rest')!.url;
    const mcpUrl = runtime.adapters.find((a) => a.type === 'mcp')!.url;
    const routes = adapters.flatMap((a) => (a.type === 'rest' ? a.routes.map((r) => `${r.method} ${r.path}`) : []));

    const client = new Client({ name: 'contract-tests', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)));
    cleanup.push(() => client.close());

    return {
      prism,
      proxy,
      runtime,
      restUrl,
      mcpUrl,
      routes,
      async listTools() {
        return (await client.listTools()).tools as ListedTool[];
      },
      async callTool(name, args = {}) {
        return (await client.callTool({ name, arguments: args })) as ToolResult;
      },
      async rest(method, path, { query, body } = {}) {
        const url = new URL(path, restUrl);
        for (const [key, value] of Object.entries(query ?? {})) for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
        const response = await fetch(url, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text === '' ? undefined : JSON.parse(text) };
      },
      exchanges: () => proxy.exchanges,
      reset() {
        proxy.exchanges.length = 0;
      },
      rejections: () => findRejections(proxy.exchanges),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The text of a tool result's first content block, parsed as JSON when it is JSON. */
export function toolValue(result: ToolResult): unknown {
  const text = result.content.find((c) => c.type === 'text')?.text ?? '';
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `{ a: 1 }` at `$.data` etc.: the few JSONPath forms the capabilities' output mappings use. */
export function select(body: unknown, path: string): unknown {
  if (path === '$' || path === '$.') return body;
  let current: unknown = body;
  for (const m of path.slice(1).matchAll(/\.([A-Za-z_$][\w$-]*)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[m[1] ?? Number(m[2])];
  }
  return current;
}
