// The runtime: serves compiled capabilities. One Fastify server per adapter (REST routes, or MCP at /mcp),
// ports assigned by ./ports.ts, one upstream client shared by all, and a graceful close.
import type { FastifyInstance } from 'fastify';
import type { CompiledAdapter, CompiledCapability } from './compile/compile.js';
import { createRestServer } from './exposes/rest/routes.js';
import { createMcpServer } from './exposes/mcp/server.js';
import { serveMcpStdio, type StdioStreams } from './exposes/mcp/stdio.js';
import { createUpstreamClient, type UpstreamClient } from './invoke/upstream.js';
import { addLogSecrets, createLogger, type Logger } from './observe/log.js';
import { assignPorts } from './ports.js';

export interface RuntimeOptions {
  host?: string;
  /** `--port <exposes-namespace>=<port>` overrides. */
  ports?: ReadonlyMap<string, number>;
  timeoutMs?: number;
  /** Cap on every upstream response body, in bytes (`--max-response-bytes`); `x-max-response-bytes` on a consumes adapter wins. */
  maxResponseBytes?: number;
  /** Where the runtime logs (JSON lines on stderr by default). */
  logger?: Logger;
  /** Host names accepted in Host and Origin headers besides localhost and the listen address (`--allow-host`). */
  allowedHosts?: readonly string[];
  /** Serve this MCP adapter on stdin/stdout (`transport: stdio`, or `serve --stdio`); the streams default to the process's. */
  stdio?: StdioStreams & { namespace: string };
}

export interface ServedAdapter {
  type: 'rest' | 'mcp';
  namespace: string;
  capability: string;
  url: string;
  port: number;
  /** Why the adapter is not on the port it declares, if it is not. */
  moved?: string;
}

export interface Runtime {
  adapters: ServedAdapter[];
  close(): Promise<void>;
  /** Tells connected MCP clients that the tool list changed (`notifications/tools/list_changed`), e.g. after a reload. */
  announceToolsChanged(): void;
}

/** The URL shown for an MCP adapter served on stdin/stdout. */
export const STDIO_URL = 'stdio';

export const DEFAULT_HOST = '127.0.0.1';

/** What every adapter is given when it is mounted. */
export interface AdapterContext {
  upstream: UpstreamClient;
  /** Bound values of the adapter's capability, longest first: redacted from everything sent back or logged. */
  secrets: readonly string[];
  logger: Logger;
  /** The interface the runtime listens on. */
  host: string;
  /** Extra host names accepted in Host and Origin headers. */
  allowedHosts: readonly string[];
}

/** Where each adapter will listen, without starting anything (also used by `capability list`). */
export function planAdapters(capabilities: readonly CompiledCapability[], options: RuntimeOptions = {}): (ServedAdapter & { adapter: CompiledAdapter; secrets: readonly string[] })[] {
  const host = options.host ?? DEFAULT_HOST;
  const entries = capabilities.flatMap((c) => c.adapters.map((adapter) => ({ capability: c, adapter })));
  const isStdio = (a: CompiledAdapter) => a.type === 'mcp' && (a.transport === 'stdio' || a.namespace === options.stdio?.namespace);
  const networked = entries.filter((e) => !isStdio(e.adapter));
  const ports = assignPorts(networked.map((e) => ({ namespace: e.adapter.namespace, declared: e.adapter.port })), options.ports ?? new Map());
  return entries.map(({ capability, adapter }) => {
    const base = { type: adapter.type, namespace: adapter.namespace, capability: capability.file, adapter, secrets: capability.secrets };
    if (isStdio(adapter)) return { ...base, url: STDIO_URL, port: 0 };
    const { port, moved } = ports[networked.findIndex((e) => e.adapter === adapter)]!;
    return { ...base, url: urlOf(host, port, adapter.type), port, moved };
  });
}

const urlOf = (host: string, port: number, type: 'rest' | 'mcp'): string =>
  `http://${host.includes(':') ? `[${host}]` : host}:${port}${type === 'mcp' ? '/mcp' : ''}`;

export async function startRuntime(capabilities: readonly CompiledCapability[], options: RuntimeOptions = {}): Promise<Runtime> {
  const host = options.host ?? DEFAULT_HOST;
  const logger = options.logger ?? createLogger();
  for (const capability of capabilities) addLogSecrets(logger, capability.secrets);
  const upstream: UpstreamClient = createUpstreamClient({ timeoutMs: options.timeoutMs, maxResponseBytes: options.maxResponseBytes });
  const plan = planAdapters(capabilities, options);
  const servers: { app?: FastifyInstance; close?: () => Promise<void>; announceToolsChanged?: () => void }[] = [];
  const closeAll = async () => {
    // Stop accepting, let in-flight requests finish, then release upstream connections.
    await Promise.allSettled(servers.map((s) => s.app?.close()));
    await Promise.allSettled(servers.map((s) => s.close?.()));
    await upstream.close();
  };
  try {
    for (const entry of [...plan]) {
      const context: AdapterContext = { upstream, secrets: entry.secrets, logger, host, allowedHosts: options.allowedHosts ?? [] };
      if (entry.url === STDIO_URL) {
        if (entry.adapter.type === 'mcp' && entry.namespace === options.stdio?.namespace) servers.push(serveMcpStdio(entry.adapter, context, options.stdio));
        else {
          // Only one adapter can own stdin/stdout, and only when asked (the CLI decides which).
          logger.warn({ adapter: entry.namespace }, 'MCP adapter declares transport: stdio but is not served (serve it alone, or with --stdio)');
          plan.splice(plan.indexOf(entry), 1);
        }
        continue;
      }
      const server = entry.adapter.type === 'rest' ? { app: createRestServer(entry.adapter, context) } : createMcpServer(entry.adapter, context);
      servers.push(server);
      await server.app.listen({ host, port: entry.port });
      const address = server.app.server.address();
      if (typeof address === 'object' && address) entry.port = address.port; // port 0: the OS chose one
      entry.url = urlOf(host, entry.port, entry.type);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return {
    adapters: plan.map(({ adapter: _a, secrets: _s, ...served }) => served),
    close: closeAll,
    announceToolsChanged: () => {
      for (const s of servers) s.announceToolsChanged?.();
    },
  };
}
