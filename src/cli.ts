// The `capability` command line: serve, validate and list. Argument parsing and printing only.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import type { CompiledAdapter } from './compile/compile.js';
import { formatDiagnostic, type Diagnostic } from './errors/diagnostic.js';
import { controlEndpoints } from './exposes/control/endpoints.js';
import type { Logger } from './observe/log.js';
import { prepareCapabilities, type PrepareOptions, type Prepared } from './prepare.js';
import { reloadControlHandlers } from './reload/control.js';
import { createReloader, type Reloader } from './reload/reloader.js';
import { watchForChanges } from './reload/watch.js';
import { DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_HOST, planAdapters, startRuntime, type RuntimeOptions } from './runtime.js';
import { releaseSchemaValidators } from './validate/schema-validators.js';
import { installShutdownSignals, type ShutdownSignals } from './shutdown-signals.js';
import { warmAfterListening } from './startup/warm-after-listening.js';
import { commandSummaries, isModuleCommand, runModuleCommand } from './commands/index.js';

const HELP: Record<string, string> = {
  main: `capability: serve Naftiko capability files as REST routes and MCP tools

Usage:
  capability serve <file|dir>... [options]     start the REST, MCP, skill and control adapters
  capability validate <file|dir>... [--strict] check files; exit 0 when valid, 1 when not
  capability list <file|dir>... [--json]       show the tools and routes and what each calls
${commandSummaries()}

Run \`capability <command> --help\` for the options of a command.`,
  serve: `Usage: capability serve <file|dir>... [options]

Serves every capability file given (a folder means its top-level *.yaml files).

Options:
  --host <host>                         interface to listen on (default ${DEFAULT_HOST})
  --allow-host <name>                   also accept this host name in Host and Origin headers (repeatable)
  --port <exposes-namespace>=<port>     listen port for one adapter (repeatable; 0 = any free port)
  --upstream <consumes-namespace>=<uri> base URI for one consumed API (repeatable)
  --dotenv <file>                       read bound variables from a .env file (the environment wins)
  --upstream-timeout <ms>               upstream request timeout (default 30000)
  --drain-timeout <ms>                  on SIGINT/SIGTERM, how long requests in flight may finish
                                        before they are cut (default ${DEFAULT_DRAIN_TIMEOUT_MS})
  --max-response-bytes <n>              cap on an upstream response body (default 8388608 = 8 MiB)
  --retries <n>                         retries of idempotent calls for upstreams that declare no
                                        resilience.retry (default 0)
  --circuit-breaker <failures>          circuit breaker for upstreams that declare none: opens after
                                        this many failures in 10 s, for 10 s (default off)
  --redis <url>                         share rate limits and circuit breakers with other replicas
                                        (default REDIS_URL; without either, state is per process)
  --stdio                               serve the MCP adapter on stdin/stdout (for desktop clients)
  --watch                               reload when a served file, a file it names or a served folder changes
  --log-level <level>                   fatal, error, warn, info (default), debug, trace or silent
                                        (or LOG_LEVEL); LOG_FORMAT=json|pretty (pretty when stderr is a terminal)
  --metrics-port <port>                 also serve Prometheus GET /metrics alone on this port
  --no-docs                             do not serve the OpenAPI document and docs page at /docs on REST adapters
  --strict                              treat deviations from the Naftiko schema as errors
  -h, --help                            show this help

An MCP adapter with \`transport: stdio\` (or the only MCP adapter, with --stdio) speaks line-delimited
JSON-RPC on stdin/stdout; everything else the command prints then goes to stderr. It stops when stdin closes.
When adapters declare the same port, the first (files in the order given, folders in name
order) keeps it and each later one gets the next higher port that no adapter declares.
SIGHUP (and --watch, and POST /reload on a control adapter with management.reload) reloads: changed
files are validated and compiled first and swapped in only when valid (an invalid change keeps the
previous version serving and prints its diagnostics); ports stay open, requests in flight finish.
SIGINT or SIGTERM (also during start-up) stops accepting, lets requests in flight finish for up to
--drain-timeout, then cuts the rest and says how many; a second SIGINT/SIGTERM exits at once (130/143).
(--env-file is the old name of --dotenv: Node 20 itself rejects it with "node: <file>: not found"
when the file is missing.)
Exit codes: 0 after SIGINT/SIGTERM, 1 when a server cannot start, 2 when a capability is invalid
or there is nothing to serve (no REST or MCP adapter).`,
  validate: `Usage: capability validate <file|dir>... [--strict]

Checks capability files against the Naftiko JSON Schema and the runtime's semantic rules.
Prints file:line:col  severity  code  message for every finding.

Options:
  --strict     treat deviations from the Naftiko schema as errors
  -h, --help   show this help

Exit codes: 0 when valid (warnings are printed), 1 when not.`,
  list: `Usage: capability list <file|dir>... [--json] [--port <ns>=<port>]... [--host <host>]

Lists each adapter with its URL, and every route and tool with the upstream call it makes.

Options:
  --json       machine-readable output
  -h, --help   show this help`,
};

const OPTIONS = {
  host: { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  port: { type: 'string', multiple: true },
  upstream: { type: 'string', multiple: true },
  dotenv: { type: 'string' },
  'env-file': { type: 'string' },
  'upstream-timeout': { type: 'string' },
  'drain-timeout': { type: 'string' },
  'max-response-bytes': { type: 'string' },
  retries: { type: 'string' },
  'circuit-breaker': { type: 'string' },
  redis: { type: 'string' },
  'log-level': { type: 'string' },
  'metrics-port': { type: 'string' },
  strict: { type: 'boolean' },
  stdio: { type: 'boolean' },
  watch: { type: 'boolean' },
  'no-docs': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export class UsageError extends Error {}

export async function main(argv: readonly string[], out = process.stdout, err = process.stderr): Promise<number | undefined> {
  const print = (text: string) => out.write(text + '\n');
  const warn = (text: string) => err.write(text + '\n');
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    print(HELP.main!);
    return command ? 0 : 1;
  }
  if (isModuleCommand(command)) return runModuleCommand(command, rest, { print, warn });
  if (!HELP[command] || command === 'main') {
    warn(`unknown command "${command}"\n\n${HELP.main}`);
    return 1;
  }
  // Installed by bin/capability.js before the CLI loaded; only `serve` keeps it (the others stop at once).
  const signals = installShutdownSignals();
  signals.setWarn(warn);
  if (command !== 'serve') signals.release();
  try {
    const { values, positionals } = parseArgs({ args: [...rest], options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help) {
      print(HELP[command]!);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError(`${command} needs at least one capability file or folder`);
    if (values['env-file'] !== undefined) {
      // Node 20 intercepts `--env-file` even after the script name and exits 9 when the file is missing.
      if (values.dotenv !== undefined) throw new UsageError('--env-file is the old name of --dotenv; give only --dotenv');
      warn('warning: --env-file is deprecated, use --dotenv (Node 20 itself rejects --env-file when the file is missing)');
    }
    const envFile = values.dotenv ?? values['env-file'];
    const envFlag = values.dotenv !== undefined ? '--dotenv' : '--env-file';
    const env = envFile !== undefined ? { ...parseEnv(readEnvFile(envFile, envFlag)), ...process.env } : process.env;
    const prepareOptions: PrepareOptions = { strict: values.strict, env, upstreams: pairs(values.upstream, '--upstream', (v) => v) };
    const prepared = await prepareCapabilities(positionals, prepareOptions);
    if (command === 'validate') return validate(prepared, print, warn);
    const ports = pairs(values.port, '--port', toPort);
    const timeoutMs = values['upstream-timeout'] === undefined ? undefined : positiveInt(values['upstream-timeout'], '--upstream-timeout');
    const drainTimeoutMs = values['drain-timeout'] === undefined ? undefined : positiveInt(values['drain-timeout'], '--drain-timeout');
    const maxResponseBytes = values['max-response-bytes'] === undefined ? undefined : positiveInt(values['max-response-bytes'], '--max-response-bytes', 'bytes');
    if (command === 'list') return list(prepared, { host: values.host, ports }, values.json === true, print, warn);
    if (!prepared.ok) return reportInvalid(prepared, warn, 2);
    const stdio = stdioNamespace(prepared, values.stdio === true);
    // On stdio, stdout carries protocol messages only: whatever the command prints goes to stderr.
    const logger = await loggerFor(values['log-level'], env);
    const metricsPort = values['metrics-port'] === undefined ? undefined : toPort(values['metrics-port'], `--metrics-port ${values['metrics-port']}`);
    const options: RuntimeOptions = { host: values.host, ports, timeoutMs, drainTimeoutMs, maxResponseBytes, allowedHosts: values['allow-host'], stdio, logger, metricsPort, otelEnv: env, docs: values['no-docs'] !== true, ...resilienceOptions(values, env) };
    // A reload reads the --dotenv file again (the previous values stay when it cannot be read).
    const reload: ReloadSetup = {
      paths: positionals,
      watch: values.watch === true,
      sharedInputs: envFile !== undefined ? [envFile] : [],
      prepareOptions: () => {
        if (envFile === undefined) return prepareOptions;
        try {
          prepareOptions.env = { ...parseEnv(readEnvFile(envFile, envFlag)), ...process.env };
        } catch (e) {
          warn(`reload: ${(e as Error).message}; the previous values stay`);
        }
        return prepareOptions;
      },
    };
    return await serve(prepared, options, signals, stdio ? warn : print, warn, reload);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      warn(`${(e as Error).message}\n\n${HELP[command]}`);
      return 1;
    }
    throw e;
  }
}

/** `--retries`, `--circuit-breaker` and `--redis` (or REDIS_URL). */
function resilienceOptions(values: { retries?: string; 'circuit-breaker'?: string; redis?: string }, env: NodeJS.ProcessEnv): Partial<RuntimeOptions> {
  const count = (v: string | undefined, flag: string) => (v === undefined || v === '0' ? undefined : positiveInt(v, flag, 'count'));
  const redisUrl = values.redis ?? (env.REDIS_URL || undefined);
  return { retries: count(values.retries, '--retries'), circuitBreakerFailures: count(values['circuit-breaker'], '--circuit-breaker'), redisUrl };
}

function validate(prepared: Prepared, print: (s: string) => void, warn: (s: string) => void): number {
  for (const d of prepared.diagnostics) warn(formatDiagnostic(d));
  const { errors, warnings } = prepared.counts;
  const files = prepared.capabilities.length + prepared.shared.length;
  print(prepared.ok ? `valid: ${files} file(s), ${warnings} warning(s)` : `invalid: ${errors} error(s), ${warnings} warning(s)`);
  return prepared.ok ? 0 : 1;
}

function list(prepared: Prepared, options: { host?: string; ports: Map<string, number> }, json: boolean, print: (s: string) => void, warn: (s: string) => void): number {
  if (!prepared.ok) return reportInvalid(prepared, warn, 1);
  const plan = planAdapters(prepared.capabilities, options);
  const rows = plan.map((p) => ({ type: p.type, namespace: p.namespace, url: p.url, capability: relative(process.cwd(), p.capability), units: unitsOf(p.adapter) }));
  if (json) {
    print(JSON.stringify(rows, null, 2));
    return 0;
  }
  for (const row of rows) {
    print(`${row.type.padEnd(4)} ${row.namespace}  ${row.url}  (${row.capability})`);
    for (const u of row.units) {
      if ('skill' in u) print(`       ${`skill ${u.skill}`.padEnd(58)} → ${u.tools.map((t) => `${t.name} (${t.from ?? t.instruction})`).join(', ') || 'no tools'}`);
      else if ('endpoint' in u) print(`       ${u.available ? u.endpoint : `${u.endpoint.padEnd(58)} → not provided yet (503)`}`);
      else {
        const label = 'route' in u ? u.route : 'tool' in u ? u.tool : 'resource' in u ? `resource ${u.resource}` : `prompt ${u.prompt}`;
        const target = 'files' in u ? `files in ${u.files}` : 'prompt' in u ? 'prompt' : (u.call ?? 'mock');
        print(`       ${label.padEnd(58)} → ${target}${u.upstream ? `  ${u.upstream}` : ''}`);
      }
    }
  }
  return 0;
}

/** What `list` shows under an adapter: routes, tools, skills or control endpoints. */
function unitsOf(adapter: CompiledAdapter) {
  switch (adapter.type) {
    case 'rest':
      return [
        ...adapter.routes.map((r) => ({ route: `${r.method} ${r.path}`, name: r.invoker.name, call: r.invoker.call ?? null, upstream: r.invoker.request?.summary ?? null })),
        ...adapter.forwards.map((f) => ({ route: `* ${f.path}`, name: 'forward', call: `forward ${f.forward.namespace}`, upstream: f.forward.target })),
      ];
    case 'mcp':
      return [
        ...adapter.tools.map((t) => ({ tool: t.listing.name, call: t.invoker.call ?? null, upstream: t.invoker.request?.summary ?? null })),
        ...adapter.resources.map((r) =>
          r.kind === 'static'
            ? { resource: `${r.baseUri}/…`, call: null, upstream: null, files: r.root }
            : { resource: r.listing?.uri ?? r.template!.listing.uriTemplate, call: r.invoker.call ?? null, upstream: r.invoker.request?.summary ?? null },
        ),
        ...adapter.prompts.map((pr) => ({ prompt: pr.listing.name, call: null, upstream: null })),
      ];
    case 'skill':
      return adapter.skills.map((s) => ({
        skill: s.name,
        tools: (s.detail.tools as { name: string; invocationRef?: { targetNamespace: string; action: string }; instruction?: string }[]).map((t) => ({
          name: t.name,
          from: t.invocationRef ? `${t.invocationRef.targetNamespace}.${t.invocationRef.action}` : undefined,
          instruction: t.instruction,
        })),
      }));
    case 'control':
      // What `serve` provides beyond the registry's own handlers (reload).
      return controlEndpoints(reloadControlHandlers(() => undefined))
        .filter((e) => adapter.features[e.feature])
        .map((e) => ({ endpoint: `${e.method} ${e.url.replace(':traceId', '{traceId}')}`, available: e.handle !== undefined }));
  }
}

/** Which MCP adapter owns stdin/stdout: the one declaring `transport: stdio`, or with --stdio the only MCP adapter. */
function stdioNamespace(prepared: Prepared, flag: boolean): RuntimeOptions['stdio'] {
  const mcp = prepared.capabilities.flatMap((c) => c.adapters).filter((a) => a.type === 'mcp');
  const declared = mcp.filter((a) => a.transport === 'stdio');
  if (declared.length > 1) throw new UsageError(`several MCP adapters declare transport: stdio (${declared.map((a) => a.namespace).join(', ')}); serve one at a time`);
  if (declared.length === 1) return { namespace: declared[0]!.namespace };
  if (!flag) return undefined;
  if (mcp.length !== 1) throw new UsageError(`--stdio serves exactly one MCP adapter; found ${mcp.length}${mcp.length ? ` (${mcp.map((a) => a.namespace).join(', ')})` : ''}`);
  return { namespace: mcp[0]!.namespace };
}

interface ReloadSetup {
  paths: readonly string[];
  watch: boolean;
  sharedInputs: readonly string[];
  prepareOptions: () => PrepareOptions;
}

async function serve(
  prepared: Prepared,
  options: RuntimeOptions,
  signals: ShutdownSignals,
  print: (s: string) => void,
  warn: (s: string) => void,
  reload: ReloadSetup,
): Promise<number | undefined> {
  if (!prepared.ok) return reportInvalid(prepared, warn, 2);
  printServeWarnings(prepared.diagnostics, warn);
  if (planAdapters(prepared.capabilities, options).length === 0) {
    const files = [...prepared.capabilities.map((c) => c.file), ...prepared.shared].map((f) => relative(process.cwd(), f));
    warn(`nothing to serve: ${files.join(', ') || 'the files given'} declare no REST or MCP adapter under capability.exposes${prepared.shared.length ? ' (shared consumes files are imported by capabilities, not served)' : ''}`);
    return 2;
  }
  if (signals.received) {
    warn(`${signals.received}: stopped before serving`);
    return 0;
  }
  let runtime: Awaited<ReturnType<typeof startRuntime>>;
  let clientGone: () => void = () => undefined;
  const stdinEnded = new Promise<string>((resolve) => (clientGone = () => resolve('stdin closed')));
  const logger = options.logger ?? (await import('./observe/log.js')).createLogger();
  let reloader: Reloader | undefined;
  options = { ...options, logger, control: { ...options.control, ...reloadControlHandlers(() => reloader) } };
  try {
    runtime = await startRuntime(prepared.capabilities, options.stdio ? { ...options, stdio: { ...options.stdio, onEnd: clientGone } } : options);
  } catch (e) {
    warn(`cannot start: ${(e as Error).message}`);
    return 1;
  }
  if (signals.received) {
    warn(`${signals.received}: stopping during start-up`);
    await runtime.close();
    return 0;
  }
  for (const a of runtime.adapters) {
    print(`${a.type.padEnd(4)} ${a.namespace}  ${a.url}${a.moved ? `  (${a.moved})` : ''}`);
  }
  if (runtime.metricsUrl) warn(`metrics ${runtime.metricsUrl}`);
  warnOpenAdapters(prepared, options.host ?? DEFAULT_HOST, warn);
  releaseSchemaValidators(); // needed again only by a reload, which loads them again (memory, issue 9)
  warmAfterListening(); // what the first requests would load (ajv's compiler), on the idle loop (issue 9)
  reloader = createReloader({ ...reload, runtime, initial: prepared, logger, warn });
  const onHangUp = () => void reloader!.reload('SIGHUP').catch(() => undefined);
  process.on('SIGHUP', onHangUp);
  const watcher = reload.watch ? watchForChanges(reloader, { logger }) : undefined;
  // A desktop client ends an stdio server by closing its stdin.
  const reason = await Promise.race([signals.first, stdinEnded]);
  watcher?.close();
  process.off('SIGHUP', onHangUp);
  const drainMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  warn(`${reason}: stopping (finishing requests in flight for up to ${drainMs} ms${signals.received ? `; ${reason} again exits at once` : ''})`);
  const { cut } = await runtime.close();
  if (cut > 0) warn(`drain timeout: ${cut} request(s) still in flight after ${drainMs} ms were cut`);
  return 0;
}

/** Beyond loopback, an adapter without `authentication` is open to anyone who can reach the address: say so loudly. */
function warnOpenAdapters(prepared: Prepared, host: string, warn: (s: string) => void): void {
  if (isLoopback(host)) return;
  for (const capability of prepared.capabilities) {
    for (const adapter of capability.adapters) {
      if (adapter.auth) continue;
      warn(`WARNING: ${adapter.type} adapter "${adapter.namespace}" (${relative(process.cwd(), capability.file)}) has no authentication and listens on ${host}: anyone who can reach it can ${OPEN_TO[adapter.type]}; add an \`authentication\` block or serve on 127.0.0.1`);
    }
  }
}

const OPEN_TO: Record<CompiledAdapter['type'], string> = {
  rest: 'call every route',
  mcp: 'call every tool',
  skill: 'read every skill and its files',
  control: 'read its health and status',
};

const isLoopback = (host: string): boolean => /^127\./.test(host) || host === '::1' || host === '[::1]' || host.toLowerCase() === 'localhost';

/** Unset secrets are named one by one; schema deviations are summarised per file (`validate` shows them all). */
function printServeWarnings(diagnostics: readonly Diagnostic[], warn: (s: string) => void): void {
  const deviations = new Map<string, number>();
  for (const d of diagnostics) {
    if (d.code === 'CAP_LOAD_TOO_MANY_FINDINGS' && d.severity === 'warning') continue;
    if (d.code.startsWith('CAP_SCHEMA')) deviations.set(d.file, (deviations.get(d.file) ?? 0) + 1);
    else warn(formatDiagnostic(d));
  }
  for (const [file, count] of deviations) {
    warn(`${relative(process.cwd(), file)}: ${count} deviation(s) from the Naftiko schema accepted; run \`capability validate\` to see them`);
  }
}

function reportInvalid(prepared: Prepared, warn: (s: string) => void, code: number): number {
  for (const d of prepared.diagnostics) warn(formatDiagnostic(d));
  if (prepared.diagnostics.length === 0) warn('no capability files found');
  return code;
}

function pairs<T>(items: readonly string[] | undefined, flag: string, parse: (v: string, item: string) => T): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} expects <namespace>=<value>, got "${item}"`);
    map.set(item.slice(0, at), parse(item.slice(at + 1), item));
  }
  return map;
}

function toPort(value: string, item: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${item}: the port must be an integer from 0 to 65535`);
  return port;
}

function positiveInt(value: string, flag: string, unit = 'milliseconds'): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer (${unit}), got "${value}"`);
  return n;
}

/** `--log-level` wins over LOG_LEVEL; lines are pretty on a terminal unless LOG_FORMAT=json (LOG_FORMAT=pretty forces them). */
/** The serve logger (pino loads here, so that validate and list never load it). */
async function loggerFor(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<Logger> {
  const { createLogger, isLogLevel, LOG_LEVELS } = await import('./observe/log.js');
  const level = flag ?? env.LOG_LEVEL?.trim().toLowerCase() ?? 'info';
  if (!isLogLevel(level)) throw new UsageError(`${flag !== undefined ? '--log-level' : 'LOG_LEVEL'} must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  if (format !== undefined && format !== 'json' && format !== 'pretty') throw new UsageError(`LOG_FORMAT must be json or pretty, got "${format}"`);
  return createLogger({ level, pretty: format === 'pretty' || (format === undefined && process.stderr.isTTY === true) });
}

function readEnvFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
}
