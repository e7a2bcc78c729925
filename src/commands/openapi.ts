// `capability openapi <file> [--adapter ns] [--yaml]`: prints a REST adapter's OpenAPI 3.1 document, the same one
// `serve` publishes at /docs/json on that adapter.
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { formatDiagnostic } from '../errors/diagnostic.js';
import { buildOpenApi } from '../exposes/rest/openapi.js';
import { prepareCapabilities } from '../prepare.js';
import { CommandUsageError, environmentWith, type CommandIo } from './args.js';

export const OPENAPI_HELP = `Usage: capability openapi <file> [--adapter <exposes-namespace>] [--yaml]

Prints a REST adapter's routes as an OpenAPI 3.1 document (JSON, or YAML with --yaml): paths,
parameters, request bodies, response schemas where the outputs are known, problem+json failures
and the adapter's authentication. \`serve\` publishes the same document at /docs/json on each REST
adapter, with a docs page at /docs.

Options:
  --adapter <exposes-namespace>   which REST adapter, when the file has several
  --yaml                          YAML instead of JSON
  --dotenv <file>                 read bound variables from a .env file (the environment wins)
  --strict                        treat deviations from the Naftiko schema as errors
  -h, --help                      show this help`;

export async function runOpenApi(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { adapter: { type: 'string' }, yaml: { type: 'boolean' }, dotenv: { type: 'string' }, strict: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.print(OPENAPI_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new CommandUsageError(`openapi needs one capability file, got ${positionals.length}`);
  const prepared = await prepareCapabilities(positionals, { strict: values.strict, env: environmentWith(values.dotenv) });
  if (!prepared.ok) {
    for (const d of prepared.diagnostics) io.warn(formatDiagnostic(d));
    return 1;
  }
  const rest = prepared.capabilities.flatMap((c) => c.adapters.filter((a) => a.type === 'rest').map((adapter) => ({ capability: c, adapter })));
  const chosen = values.adapter === undefined ? rest : rest.filter((r) => r.adapter.namespace === values.adapter);
  if (chosen.length !== 1) {
    const names = rest.map((r) => r.adapter.namespace).join(', ') || 'none';
    io.warn(chosen.length === 0 ? `no REST adapter${values.adapter ? ` "${values.adapter}"` : ''} in ${positionals[0]} (REST adapters: ${names})` : `${positionals[0]} has several REST adapters (${names}); pick one with --adapter`);
    return 1;
  }
  const { capability, adapter } = chosen[0]!;
  if (adapter.type !== 'rest') return 1;
  const document = buildOpenApi(adapter, { title: capability.label, description: capability.description });
  io.print(values.yaml ? stringify(document).trimEnd() : JSON.stringify(document, null, 2));
  return 0;
}
