// Serves one capability file for a test: prepareCapabilities + startRuntime with every adapter on a free port of
// 127.0.0.1 and every consumed API pointed at a test upstream. The caller closes it (afterAll / onTestFinished).
import { fileURLToPath } from 'node:url';
import { silentLogger, type Logger } from '../../src/observe/log.js';
import { prepareCapabilities, type Prepared } from '../../src/prepare.js';
import { startRuntime, type Runtime, type RuntimeOptions, type ServedAdapter } from '../../src/runtime.js';

export const SEEDS_DIR = fileURLToPath(new URL('../fixtures/seeds/', import.meta.url));
export const seedFile = (name: 'schematic' | 'metronome' | 'stigg' | 'togai'): string => `${SEEDS_DIR}${name}.yaml`;

export interface ServeOptions {
  /** The environment the capability's `binds` read (never process.env). */
  env: Record<string, string | undefined>;
  /** Base URL every consumed namespace is pointed at (`--upstream ns=url`). */
  upstreamUrl: string;
  /** Per consumed namespace, a base URL that wins over `upstreamUrl` (capabilities that consume several APIs). */
  upstreamUrls?: Record<string, string>;
  /** Upstream timeout passed to startRuntime. */
  timeoutMs?: number;
  /** The runtime's logger (tests that read log lines pass one with a memory destination; logs are dropped otherwise). */
  logger?: Logger;
  /** Further runtime options (maxResponseBytes, ...). */
  runtime?: Omit<RuntimeOptions, 'ports' | 'timeoutMs' | 'logger'>;
}

export interface Served {
  /** Base URL of the REST adapter (no trailing slash). */
  rest: string;
  /** URL of the MCP endpoint (`…/mcp`). */
  mcp: string;
  adapters: ServedAdapter[];
  /** URL of one adapter by its exposes namespace (MCP: `…/mcp`). */
  urlOf(namespace: string): string;
  prepared: Prepared;
  runtime: Runtime;
  close(): Promise<void>;
}

/** Serves one capability file. Throws with the diagnostics when it does not prepare. */
export async function serveCapability(file: string, options: ServeOptions): Promise<Served> {
  // A first pass learns the consumed and exposed namespaces, so that every one can be overridden.
  const probe = await prepareCapabilities([file], { env: options.env });
  if (!probe.ok || probe.capabilities.length !== 1) throw new Error(`cannot prepare ${file}:\n${describe(probe)}`);
  const capability = probe.capabilities[0]!;
  const upstreams = new Map(capability.upstreams.map((u) => [u.namespace, options.upstreamUrls?.[u.namespace] ?? options.upstreamUrl] as const));
  const prepared = await prepareCapabilities([file], { env: options.env, upstreams });
  if (!prepared.ok) throw new Error(`cannot prepare ${file}:\n${describe(prepared)}`);
  const ports = new Map(capability.adapters.map((a) => [a.namespace, 0] as const));
  const runtime = await startRuntime(prepared.capabilities, { ...options.runtime, ports, timeoutMs: options.timeoutMs, logger: options.logger ?? silentLogger() });
  const find = (type: 'rest' | 'mcp') => runtime.adapters.find((a) => a.type === type)?.url ?? '';
  const urlOf = (namespace: string) => {
    const adapter = runtime.adapters.find((a) => a.namespace === namespace);
    if (!adapter) throw new Error(`no adapter "${namespace}" in ${file}`);
    return adapter.url;
  };
  return { rest: find('rest'), mcp: find('mcp'), adapters: runtime.adapters, urlOf, prepared, runtime, close: () => runtime.close() };
}

function describe(prepared: Prepared): string {
  return prepared.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`)
    .join('\n');
}
