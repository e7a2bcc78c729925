// `capability call <file> <tool|"METHOD /path"> [--arg k=v]... [--json '{...}']`: runs one MCP tool or REST operation
// from the shell through the same path a server uses (prepare → compile → invoke), with no server started. The
// result's JSON goes to stdout; a failure is printed on stderr as `CODE: detail` and its problem JSON, exit 1.
import { parseArgs } from 'node:util';
import type { CompiledCapability, CompiledRoute, CompiledTool } from '../compile/compile.js';
import type { JsonSchemaObject } from '../compile/input-schema.js';
import { formatDiagnostic } from '../errors/diagnostic.js';
import { callTool } from '../exposes/mcp/tools.js';
import { problemOf, resultText } from '../exposes/respond.js';
import { invoke } from '../invoke/invoke.js';
import { createUpstreamClient } from '../invoke/upstream.js';
import { silentLogger } from '../observe/log.js';
import { prepareCapabilities } from '../prepare.js';
import { CommandUsageError, environmentWith, keyValuePairs, positiveInteger, type CommandIo } from './args.js';

export const CALL_HELP = `Usage: capability call <file> <tool | "METHOD /path" | operation-name> [options]

Runs one MCP tool (by name) or REST operation (by "METHOD /path", or by its name when no tool
has that name; --adapter picks a REST adapter's) of the capability through the same invoke path as \`serve\`
(input validation, upstream request, output mapping), without starting a server. Prints the
result as JSON on stdout; a failure prints its code and problem JSON on stderr and exits 1.

Options:
  --arg <name>=<value>                  one input (repeatable); the value is JSON when the input is not a
                                        string (--arg limit=10, --arg tags='["a"]'), text otherwise
  --json '<object>'                     all inputs as one JSON object (--arg values win)
  --adapter <exposes-namespace>         which adapter, when several have a tool or route of that name
  --upstream <consumes-namespace>=<uri> base URI for one consumed API (repeatable)
  --dotenv <file>                       read bound variables from a .env file (the environment wins)
  --upstream-timeout <ms>               upstream request timeout (default 30000)
  --strict                              treat deviations from the Naftiko schema as errors
  -h, --help                            show this help

Exit codes: 0 on success, 1 on any problem (invalid file, unknown tool, bad input, upstream failure).`;

const OPTIONS = {
  arg: { type: 'string', multiple: true },
  json: { type: 'string' },
  adapter: { type: 'string' },
  upstream: { type: 'string', multiple: true },
  dotenv: { type: 'string' },
  'upstream-timeout': { type: 'string' },
  strict: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Target = { kind: 'tool'; adapter: string; tool: CompiledTool } | { kind: 'route'; adapter: string; route: CompiledRoute };

export async function runCall(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    io.print(CALL_HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new CommandUsageError(`call needs a capability file and a tool or route, got ${positionals.length} argument(s)`);
  const [file, name] = positionals as [string, string];
  const timeoutMs = positiveInteger(values['upstream-timeout'], '--upstream-timeout');
  const prepared = await prepareCapabilities([file], { strict: values.strict, env: environmentWith(values.dotenv), upstreams: keyValuePairs(values.upstream, '--upstream') });
  if (!prepared.ok) {
    for (const d of prepared.diagnostics) io.warn(formatDiagnostic(d));
    if (prepared.diagnostics.length === 0) io.warn(`no capability in ${file}`);
    return 1;
  }
  // Unset secrets matter here (the call would fail with CAP_SECRET_MISSING); schema deviations do not.
  for (const d of prepared.diagnostics) if (!d.code.startsWith('CAP_SCHEMA')) io.warn(formatDiagnostic(d));

  const found = findTargets(prepared.capabilities, name, values.adapter);
  if (found.length !== 1) {
    io.warn(found.length === 0 ? noSuchTarget(prepared.capabilities, name, values.adapter) : `"${name}" is in several adapters (${found.map((t) => t.adapter).join(', ')}); pick one with --adapter`);
    return 1;
  }
  const target = found[0]!;
  const capability = prepared.capabilities.find((c) => c.adapters.some((a) => a.namespace === target.adapter))!;
  const invoker = target.kind === 'tool' ? target.tool.invoker : target.route.invoker;
  const input = callInput(values.json, keyValuePairs(values.arg, '--arg'), invoker.inputSchema);
  if (target.kind === 'route' && invoker.declaredInputs === null && input.body === undefined) {
    // A REST operation without declared inputs also sees the whole JSON body as `body` (what the server would get).
    input.body = Object.fromEntries(Object.entries(input).filter(([k]) => !target.route.path.includes(`{${k}}`)));
  }

  const upstream = createUpstreamClient({ timeoutMs });
  try {
    const text = await runTarget(target, input, upstream, capability.secrets);
    if (text.ok) {
      if (text.json !== '') io.print(JSON.stringify(JSON.parse(text.json), null, 2));
      return 0;
    }
    io.warn(text.error);
    return 1;
  } finally {
    await upstream.close().catch(() => undefined);
  }
}

async function runTarget(
  target: Target,
  input: Record<string, unknown>,
  upstream: ReturnType<typeof createUpstreamClient>,
  secrets: readonly string[],
): Promise<{ ok: true; json: string } | { ok: false; error: string }> {
  if (target.kind === 'tool') {
    // The MCP adapter's own tool call: output-schema check and isError text included.
    const result = await callTool(target.tool, input, { upstream, secrets, logger: silentLogger(), adapter: target.adapter });
    const text = result.content[0]?.text ?? '';
    return result.isError ? { ok: false, error: text } : { ok: true, json: text };
  }
  try {
    const { value } = await invoke(target.route.invoker, input, upstream);
    return { ok: true, json: resultText(value, secrets) };
  } catch (err) {
    const { problem, text } = problemOf(err, secrets);
    return { ok: false, error: `${problem.code}: ${problem.detail}\n${text}` };
  }
}

/** MCP tools by name first; then REST operations by `METHOD /path`, or by their `name` when no tool has it. */
function findTargets(capabilities: readonly CompiledCapability[], name: string, only: string | undefined): Target[] {
  const wanted = routeKey(name);
  const tools: Target[] = [];
  const routes: Target[] = [];
  for (const adapter of capabilities.flatMap((c) => c.adapters)) {
    if (only !== undefined && adapter.namespace !== only) continue;
    if (adapter.type === 'mcp') {
      for (const tool of adapter.tools) if (tool.listing.name === name) tools.push({ kind: 'tool', adapter: adapter.namespace, tool });
    } else if (adapter.type === 'rest') {
      for (const route of adapter.routes) {
        if (routeKey(`${route.method} ${route.path}`) === wanted || route.operationName === name) routes.push({ kind: 'route', adapter: adapter.namespace, route });
      }
    }
  }
  if (tools.length > 0) return tools;
  const byPath = routes.filter((t) => t.kind === 'route' && routeKey(`${t.route.method} ${t.route.path}`) === wanted);
  return byPath.length > 0 ? byPath : routes;
}

/** `get /v1/x/{{id}}` and `GET /v1/x/{id}` name the same route. */
const routeKey = (text: string): string => {
  const [method = '', ...path] = text.trim().split(/\s+/);
  return `${method.toUpperCase()} ${path.join(' ').replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, '{$1}')}`;
};

function noSuchTarget(capabilities: readonly CompiledCapability[], name: string, only: string | undefined): string {
  const known: string[] = [];
  for (const adapter of capabilities.flatMap((c) => c.adapters)) {
    if (only !== undefined && adapter.namespace !== only) continue;
    if (adapter.type === 'mcp') known.push(...adapter.tools.map((t) => t.listing.name));
    if (adapter.type === 'rest') known.push(...adapter.routes.map((r) => `"${r.method} ${r.path}"`));
  }
  const where = only !== undefined ? ` in adapter "${only}"` : '';
  return `no tool or REST operation "${name}"${where}; known: ${known.join(', ') || 'none'}`;
}

/** --json gives the base object; each --arg sets one input, parsed as JSON unless the input is a string. */
function callInput(json: string | undefined, args: ReadonlyMap<string, string>, schema: JsonSchemaObject): Record<string, unknown> {
  let input: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new CommandUsageError(`--json is not valid JSON: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CommandUsageError('--json must be a JSON object of inputs');
    input = { ...(parsed as Record<string, unknown>) };
  }
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  for (const [name, text] of args) input[name] = takesText(properties[name]?.type) ? text : jsonOrText(text);
  return input;
}

const takesText = (type: unknown): boolean => type === 'string' || (Array.isArray(type) && type.length > 0 && type.every((t) => t === 'string' || t === 'null'));

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
