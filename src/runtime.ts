// The runtime: serves compiled capabilities. One Fastify server per adapter (REST routes, MCP at /mcp, a skill
// catalog at /skills, or the control plane; or MCP on stdio), ports assigned by ./ports.ts, one upstream client shared
// by all, and a graceful close. It tracks each adapter's state, which the control adapter reports as readiness.
import type { FastifyInstance } from 'fastify';
import type { AdapterType, CompiledAdapter, CompiledCapability } from './compile/compile.js';
import { createControlServer } from './exposes/control/server.js';
import { createRestServer } from './exposes/rest/routes.js';
import type { OpenApiInfo } from './exposes/rest/openapi.js';
import { createMcpServer } from './exposes/mcp/server.js';
import { serveMcpStdio, type StdioStreams } from './exposes/mcp/stdio.js';
import { createSkillServer } from './exposes/skill/server.js';
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
  /** How long close() lets requests in flight finish before cutting them (`--drain-timeout`). */
  drainTimeoutMs?: number;
  /** Serve each REST adapter's OpenAPI document and docs page at /docs (default true; `serve --no-docs`). */
  docs?: boolean;
  /** Serve this MCP adapter on stdin/stdout (`transport: stdio`, or `serve --stdio`); the streams default to the process's. */
  stdio?: StdioStreams & { namespace: string };
}

export interface ServedAdapter {
  type: AdapterType;
  namespace: string;
  capability: string;
  url: string;
  port: number;
  /** Why the adapter is not on the port it declares, if it is not. */
  moved?: string;
}

export interface Runtime {
  adapters: ServedAdapter[];
  /** Stops accepting, lets requests in flight finish for up to the drain timeout, then cuts the rest. */
  close(): Promise<{ cut: number }>;
  /** Tells connected MCP clients that the tool list changed (`notifications/tools/list_changed`), e.g. after a reload. */
  announceToolsChanged(): void;
}

export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** The URL shown for an MCP adapter served on stdin/stdout. */
export const STDIO_URL = 'stdio';

export const DEFAULT_HOST = '127.0.0.1';

export type AdapterState = 'starting' | 'started' | 'stopping' | 'stopped';

/** What the runtime tells adapters about itself: where every adapter listens and whether it is up (read live). */
export interface RuntimeView {
  /** Epoch milliseconds when the runtime started. */
  readonly startedAt: number;
  /** True once shutdown has begun. */
  draining(): boolean;
  adapters(): readonly (ServedAdapter & { state: AdapterState })[];
}

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

const PATHS: Record<AdapterType, string> = { rest: '', mcp: '/mcp', skill: '/skills', control: '' };
const urlOf = (host: string, port: number, type: AdapterType): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}${PATHS[type]}`;

export async function startRuntime(capabilities: readonly CompiledCapability[], options: RuntimeOptions = {}): Promise<Runtime> {
  const host = options.host ?? DEFAULT_HOST;
  const logger = options.logger ?? createLogger();
  for (const capability of capabilities) addLogSecrets(logger, capability.secrets);
  const upstream: UpstreamClient = createUpstreamClient({ timeoutMs: options.timeoutMs, maxResponseBytes: options.maxResponseBytes });
  const plan = planAdapters(capabilities, options);
  type Entry = (typeof plan)[number];
  const states = new Map<Entry, AdapterState>(plan.map((e) => [e, 'starting']));
  let draining = false;
  const view: RuntimeView = {
    startedAt: Date.now(),
    draining: () => draining,
    adapters: () => plan.map((entry) => ({ ...served(entry), state: states.get(entry) ?? 'starting' })),
  };
  const servers: { app?: FastifyInstance; close?: () => Promise<void>; announceToolsChanged?: () => void; entry: Entry }[] = [];
  let inFlight = 0;
  const graceful = async () => {
    // Readiness flips first; other adapters stop accepting and finish requests in flight; control goes last.
    draining = true;
    const isControl = (s: (typeof servers)[number]) => s.entry.type === 'control';
    for (const group of [servers.filter((s) => !isControl(s)), servers.filter(isControl)]) {
      for (const s of group) states.set(s.entry, 'stopping');
      await Promise.allSettled(group.map((s) => (s.app ? closeGracefully(s.app) : undefined)));
      for (const s of group) states.set(s.entry, 'stopped');
    }
    await Promise.allSettled(servers.map((s) => s.close?.()));
    await upstream.close().catch(() => undefined); // already destroyed when the drain timed out
  };
  const closeAll = async (): Promise<{ cut: number }> => {
    let timer: NodeJS.Timeout | undefined;
    const drained = graceful().then(() => true);
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS)));
    const done = await Promise.race([drained, expired]);
    clearTimeout(timer);
    if (done) return { cut: 0 };
    // The drain timed out: cut the requests still in flight and their upstream calls.
    const cut = inFlight;
    for (const s of servers) s.app?.server.closeAllConnections();
    await upstream.destroy?.();
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    return { cut };
  };
  // Control adapters listen first, so a probe sees "not ready" until every other adapter listens.
  const order = [...plan].sort((a, b) => Number(b.type === 'control') - Number(a.type === 'control'));
  try {
    for (const entry of order) {
      const context: AdapterContext = { upstream, secrets: entry.secrets, logger, host, allowedHosts: options.allowedHosts ?? [] };
      if (entry.url === STDIO_URL) {
        if (entry.adapter.type === 'mcp' && entry.namespace === options.stdio?.namespace) {
          servers.push({ ...serveMcpStdio(entry.adapter, context, options.stdio), entry });
          states.set(entry, 'started');
        } else {
          // Only one adapter can own stdin/stdout, and only when asked (the CLI decides which).
          logger.warn({ adapter: entry.namespace }, 'MCP adapter declares transport: stdio but is not served (serve it alone, or with --stdio)');
          plan.splice(plan.indexOf(entry), 1);
        }
        continue;
      }
      const capability = capabilities.find((c) => c.adapters.includes(entry.adapter));
      const docs = options.docs !== false && capability ? { title: capability.label, description: capability.description } : undefined;
      const server = createServer(entry.adapter, context, view, docs);
      servers.push({ ...server, entry });
      server.app.server.on('request', (_req, res) => {
        inFlight++;
        res.once('close', () => inFlight--);
      });
      await server.app.listen({ host, port: entry.port });
      const address = server.app.server.address();
      if (typeof address === 'object' && address) entry.port = address.port; // port 0: the OS chose one
      entry.url = urlOf(host, entry.port, entry.type);
      states.set(entry, 'started');
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return {
    adapters: plan.map(served),
    close: closeAll,
    announceToolsChanged: () => {
      for (const s of servers) s.announceToolsChanged?.();
    },
  };
}

const served = ({ adapter: _a, secrets: _s, ...rest }: ServedAdapter & { adapter: CompiledAdapter; secrets: readonly string[] }): ServedAdapter => rest;

function createServer(
  adapter: CompiledAdapter,
  context: AdapterContext,
  view: RuntimeView,
  docs: OpenApiInfo | undefined,
): { app: FastifyInstance; close?: () => Promise<void>; announceToolsChanged?: () => void } {
  switch (adapter.type) {
    case 'rest':
      return { app: createRestServer(adapter, context, docs) };
    case 'mcp':
      return createMcpServer(adapter, context, view);
    case 'skill':
      return { app: createSkillServer(adapter, context, view) };
    case 'control':
      return { app: createControlServer(adapter, context, view) };
  }
}

/**
 * Stops accepting and waits for requests in flight. A keep-alive connection that was busy when closing began would
 * otherwise hold the server open until its keep-alive timeout, so connections are closed as soon as they go idle.
 */
async function closeGracefully(app: FastifyInstance): Promise<void> {
  const timer = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearInterval(timer);
  }
}
