// The runtime: serves compiled capabilities. One Fastify app per adapter (REST routes, MCP at /mcp, a skill catalog
// at /skills, or the control plane; or MCP on stdio) behind a listening socket that outlives it (./runtime/listener.ts),
// ports assigned by ./ports.ts, one upstream client shared by all, reload by swapping apps (./runtime/reload-adapters.ts)
// and a graceful close. It tracks each adapter's state, which the control adapter reports as readiness.
import type { AdapterType, CompiledAdapter, CompiledCapability } from './compile/compile.js';
import type { ControlEndpoint } from './exposes/control/endpoints.js';
import type { McpEndpoint } from './exposes/mcp/endpoint.js';
import type { StdioMcpServer, StdioStreams } from './exposes/mcp/stdio.js';
import type { OpenApiInfo } from './exposes/rest/openapi.js';
import { LocalStore } from './invoke/policies/store.js';
import { policyDefaults } from './invoke/policies/types.js';
import type { UpstreamClient } from './invoke/upstream.js';
import type { Logger } from './observe/log.js';
import type { Metrics } from './observe/metrics.js';
import type { startMetricsServer } from './observe/metrics-server.js';
import type { Observer } from './observe/observer.js';
import type { Env } from './observe/start-tracing.js';
import { assignPorts } from './ports.js';
import { listen, type Listener } from './runtime/listener.js';
import { reloadAdapters, type AdapterChanges } from './runtime/reload-adapters.js';
import type { Mounted, PlannedAdapter, Slot } from './runtime/slot.js';

export interface RuntimeOptions {
  host?: string;
  /** `--port <exposes-namespace>=<port>` overrides. */
  ports?: ReadonlyMap<string, number>;
  timeoutMs?: number;
  /** Cap on every upstream response body, in bytes (`--max-response-bytes`); `x-max-response-bytes` on a consumes adapter wins. */
  maxResponseBytes?: number;
  /** Retries of idempotent calls for upstreams without `resilience.retry` (`--retries`, default 0). */
  retries?: number;
  /** Circuit breaker for upstreams without `resilience.circuitBreaker`: failures in 10 s that open it (`--circuit-breaker`). */
  circuitBreakerFailures?: number;
  /** Share rate limits and circuit breakers with other replicas through this Redis (`--redis`, REDIS_URL). */
  redisUrl?: string;
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
  /** Handlers for control endpoints this runtime provides beyond health and status, e.g. `{ 'POST /reload': ... }`. */
  control?: Readonly<Record<string, ControlEndpoint['handle']>>;
  /** Also serve GET /metrics alone on this port (`--metrics-port`; 0 = any free port). */
  metricsPort?: number;
  /** Where OTEL_* variables are read to turn traces on (process.env by default). */
  otelEnv?: Env;
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
  /** The adapters served now (a reload may add, remove or move some). */
  readonly adapters: ServedAdapter[];
  /** Stops accepting, lets requests in flight finish for up to the drain timeout, then cuts the rest. */
  close(): Promise<{ cut: number }>;
  /** Tells connected MCP clients that the tool list changed (`notifications/tools/list_changed`), e.g. after a reload. */
  announceToolsChanged(): void;
  /**
   * Serves `capabilities` instead of the current set, without closing a port that stays: an adapter whose graph
   * changed is swapped (requests in flight finish on the old one), a new one starts, a gone one stops, one whose
   * port changed restarts. Pass the same CompiledCapability object for a file that did not change.
   */
  reload(capabilities: readonly CompiledCapability[]): Promise<AdapterChanges>;
  /** This runtime's Prometheus metrics; the reloader counts in `metrics.reloads` / `metrics.reloadFailures`. */
  metrics: Metrics;
  /** URL of the `--metrics-port` listener, when there is one. */
  metricsUrl?: string;
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
  /** The runtime's metrics (the control adapter serves them at /metrics). */
  readonly metrics?: Metrics;
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
  /** Request logs, metrics and traces (src/observe/); absent when an adapter is mounted outside a runtime. */
  observer?: Observer;
  /** Whether this adapter listens and the runtime is not draining: `/health/ready` on its port (src/exposes/health-routes.ts). */
  ready?: () => boolean;
}

/** Where each adapter will listen, without starting anything (also used by `capability list`). */
export function planAdapters(capabilities: readonly CompiledCapability[], options: RuntimeOptions = {}): PlannedAdapter[] {
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
  // Loaded when a runtime starts, so that `validate` and `list` stay light.
  const [{ addLogSecrets, createLogger }, { createUpstreamClient }, { createMetrics }, { createObserver }, { startTracingFromEnv }] = await Promise.all([
    import('./observe/log.js'),
    import('./invoke/upstream.js'),
    import('./observe/metrics.js'),
    import('./observe/observer.js'),
    import('./observe/start-tracing.js'),
  ]);
  const logger = options.logger ?? createLogger();
  // Every bound value ever served (a reload adds the new ones): redacted from logs and spans.
  const allSecrets: string[] = [];
  const addSecrets = (served: readonly CompiledCapability[]) => {
    for (const capability of served) {
      addLogSecrets(logger, capability.secrets);
      for (const secret of capability.secrets) if (!allSecrets.includes(secret)) allSecrets.push(secret);
    }
  };
  addSecrets(capabilities);
  // ioredis loads only when replicas share state.
  const store = options.redisUrl ? await (await import('./invoke/policies/redis-store.js')).openPolicyStore(options.redisUrl, logger) : new LocalStore();
  const metrics = await createMetrics();
  const tracing = await startTracingFromEnv(options.otelEnv ?? process.env, logger);
  const observer = createObserver({ logger, metrics, tracing, secrets: () => allSecrets });
  const upstream: UpstreamClient = createUpstreamClient({
    timeoutMs: options.timeoutMs,
    maxResponseBytes: options.maxResponseBytes,
    defaults: policyDefaults(options),
    store,
    observer: observer.upstream,
  });
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  // One slot per served adapter; a reload swaps what is mounted in a slot (src/runtime/reload-adapters.ts).
  const slots: Slot[] = [];
  let draining = false;
  const view: RuntimeView = {
    startedAt: Date.now(),
    draining: () => draining,
    adapters: () => slots.map((slot) => ({ ...served(slot.entry), state: slot.state })),
    metrics,
  };
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  const stdioServers: StdioMcpServer[] = [];
  const retiring = new Set<Promise<void>>();
  const isStarted = (entry: PlannedAdapter) => () =>
    !draining && slots.some((s) => s.entry.type === entry.type && s.entry.namespace === entry.namespace && s.state === 'started');
  const contextOf = (entry: PlannedAdapter): AdapterContext => ({ upstream, secrets: entry.secrets, logger, host, allowedHosts: options.allowedHosts ?? [], observer, ready: isStarted(entry) });
  // Which capability each adapter comes from (a reload adds the new ones): a REST adapter's docs page is titled after it.
  const capabilityOf = new WeakMap<CompiledAdapter, CompiledCapability>();
  const remember = (served: readonly CompiledCapability[]) => {
    for (const capability of served) for (const adapter of capability.adapters) capabilityOf.set(adapter, capability);
  };
  remember(capabilities);
  const docsOf = (adapter: CompiledAdapter): OpenApiInfo | undefined => {
    const capability = capabilityOf.get(adapter);
    return options.docs !== false && capability ? { title: capability.label, description: capability.description } : undefined;
  };
  const mount = (entry: PlannedAdapter, previous?: Mounted): Promise<Mounted> =>
    createServer(entry.adapter, contextOf(entry), view, { control: options.control, mcpEndpoint: previous?.endpoint, docs: docsOf(entry.adapter) });
  const start = async (slot: Slot): Promise<void> => {
    slot.listener = await listen(slot.mounted!.app, host, slot.entry.port);
    slot.entry.port = slot.listener.port; // port 0: the OS chose one
    slot.entry.url = urlOf(host, slot.entry.port, slot.entry.type);
    slot.state = 'started';
  };
  /** `cutAfterMs`: connections still open then are cut (a reload does not wait on an open stream, or on itself). */
  const stop = async (slot: Slot, cutAfterMs?: number): Promise<void> => {
    slot.state = 'stopping';
    slot.mounted?.drain?.();
    const cut = cutAfterMs === undefined ? undefined : setTimeout(() => slot.listener?.server.closeAllConnections(), cutAfterMs);
    await Promise.allSettled([slot.mounted?.app.close(), slot.listener?.close()]);
    clearTimeout(cut);
    await slot.mounted?.close?.().catch(() => undefined);
    slot.state = 'stopped';
  };
  /** After a swap: the old app finishes its requests in flight (up to the drain timeout), then closes. */
  const retire = (listener: Listener, old: Mounted): void => {
    const done = listener
      .idle(old.app, drainTimeoutMs)
      .then(() => old.app.close())
      .then(
        () => undefined,
        () => undefined,
      );
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
  };
  const graceful = async () => {
    // Readiness flips first; other adapters stop accepting and finish requests in flight; control goes last.
    draining = true;
    const isControl = (s: Slot) => s.entry.type === 'control';
    for (const group of [slots.filter((s) => !isControl(s)), slots.filter(isControl)]) {
      await Promise.allSettled(group.map((s) => (s.listener ? stop(s) : undefined)));
    }
    await Promise.allSettled([...stdioServers.map((s) => s.close()), ...retiring]);
    for (const s of slots) s.state = 'stopped';
    await upstream.close().catch(() => undefined); // already destroyed when the drain timed out
    await metricsServer?.close();
    await tracing?.shutdown().catch((err: unknown) => logger.warn({ err }, 'traces could not be exported at shutdown'));
  };
  const inFlight = () => slots.reduce((n, s) => n + (s.listener?.inFlight() ?? 0), 0);
  const drainAndClose = async (): Promise<{ cut: number }> => {
    logger.info({ drainTimeoutMs }, 'runtime stopping');
    let timer: NodeJS.Timeout | undefined;
    const drained = graceful().then(() => true);
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), drainTimeoutMs)));
    const done = await Promise.race([drained, expired]);
    clearTimeout(timer);
    if (done) return { cut: 0 };
    // The drain timed out: cut the requests still in flight and their upstream calls.
    const cut = inFlight();
    for (const s of slots) s.listener?.server.closeAllConnections();
    await upstream.destroy?.();
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    return { cut };
  };
  const closeAll = async (): Promise<{ cut: number }> => {
    const result = await drainAndClose();
    logger.info({ cut: result.cut }, result.cut ? `runtime stopped; ${result.cut} request(s) cut at the drain timeout` : 'runtime stopped');
    return result;
  };
  const servedNow = (plan: PlannedAdapter[]): PlannedAdapter[] =>
    plan.filter((entry) => {
      if (entry.url !== STDIO_URL || (entry.adapter.type === 'mcp' && entry.namespace === options.stdio?.namespace)) return true;
      // Only one adapter can own stdin/stdout, and only when asked (the CLI decides which).
      logger.warn({ adapter: entry.namespace }, 'MCP adapter declares transport: stdio but is not served (serve it alone, or with --stdio)');
      return false;
    });
  for (const entry of servedNow(planAdapters(capabilities, options))) slots.push({ entry, planned: entry.port, state: 'starting' });
  // Control adapters listen first, so a probe sees "not ready" until every other adapter listens.
  const order = [...slots].sort((a, b) => Number(b.entry.type === 'control') - Number(a.entry.type === 'control'));
  const startSlot = async (slot: Slot): Promise<void> => {
    const { entry } = slot;
    if (entry.url === STDIO_URL) {
      const { serveMcpStdio } = await import('./exposes/mcp/stdio.js');
      slot.stdio = serveMcpStdio(entry.adapter as Extract<CompiledAdapter, { type: 'mcp' }>, contextOf(entry), options.stdio);
      stdioServers.push(slot.stdio);
      slot.state = 'started';
      return;
    }
    slot.mounted = await mount(entry);
    await start(slot);
  };
  try {
    const isControl = (slot: Slot) => slot.entry.type === 'control';
    for (const slot of order.filter(isControl)) await startSlot(slot);
    // The others start together (start-up time, issue 9); the first failure is reported once all have settled.
    const failed = (await Promise.allSettled(order.filter((slot) => !isControl(slot)).map(startSlot))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (options.metricsPort !== undefined) metricsServer = await (await import('./observe/metrics-server.js')).startMetricsServer(metrics, { host, port: options.metricsPort, logger });
  } catch (err) {
    await closeAll();
    throw err;
  }
  logger.info(
    { adapters: slots.map(({ entry: e }) => ({ type: e.type, namespace: e.namespace, url: e.url })), metrics: metricsServer?.url, tracing: tracing ? 'otlp' : 'off' },
    'runtime started',
  );
  let reloading = Promise.resolve();
  return {
    get adapters() {
      return slots.map((slot) => served(slot.entry));
    },
    metrics,
    metricsUrl: metricsServer?.url,
    close: closeAll,
    announceToolsChanged: () => {
      for (const s of [...slots.map((slot) => slot.mounted), ...stdioServers]) s?.announceToolsChanged?.();
    },
    reload(next) {
      // One reload at a time, in the order asked.
      const run = reloading.then(() => {
        addSecrets(next);
        remember(next);
        const prepareStdio = (slot: Slot, entry: PlannedAdapter) =>
          slot.stdio ? slot.stdio.prepareSwap(entry.adapter as Extract<CompiledAdapter, { type: 'mcp' }>, contextOf(entry)) : { refused: 'this MCP adapter on stdio is not served' };
        return reloadAdapters({ slots, plan: servedNow(planAdapters(next, options)), mount, start, stop: (slot) => stop(slot, drainTimeoutMs), retire, prepareStdio, logger });
      });
      reloading = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
  };
}

const served = ({ adapter: _a, secrets: _s, ...rest }: PlannedAdapter): ServedAdapter => ({ ...rest });

/** Mounts one adapter; its module is imported the first time an adapter of its type is served. */
async function createServer(
  adapter: CompiledAdapter,
  context: AdapterContext,
  view: RuntimeView,
  { control, mcpEndpoint, docs }: { control?: RuntimeOptions['control']; mcpEndpoint?: McpEndpoint; docs?: OpenApiInfo },
): Promise<Mounted> {
  switch (adapter.type) {
    case 'rest':
      return { app: (await import('./exposes/rest/routes.js')).createRestServer(adapter, context, docs) };
    case 'mcp':
      return (await import('./exposes/mcp/server.js')).createMcpServer(adapter, context, view, { endpoint: mcpEndpoint });
    case 'skill':
      return { app: (await import('./exposes/skill/server.js')).createSkillServer(adapter, context, view) };
    case 'control':
      return { app: (await import('./exposes/control/server.js')).createControlServer(adapter, context, view, control) };
  }
}
