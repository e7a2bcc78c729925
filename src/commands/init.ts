// `capability init [name]`: writes a starter capability file (<name>.yaml in the current folder, or --file) that
// validates as it is, and never overwrites an existing file.
import { writeFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CommandUsageError, type CommandIo } from './args.js';
import { starterCapability } from './init-template.js';

export const INIT_HELP = `Usage: capability init [name] [--file <path>]

Writes a starter capability file: one upstream API (bearer token from a bind), two operations,
exposed as REST routes and MCP tools, with comments saying what each part does. It validates
as written (\`capability validate --strict\`). An existing file is never overwritten.

  name           lower-case letters, digits and dashes (default: my-capability); also names the
                 namespaces and the token variable (<NAME>_API_TOKEN)
  --file <path>  where to write it (default: ./<name>.yaml)
  -h, --help     show this help`;

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
// The schema this package ships (one level up from src/ and dist/): in a project, node_modules/capability-runtime/schemas.
const SCHEMA_FILE = fileURLToPath(new URL('../../schemas/naftiko-1.0.0-alpha2.schema.json', import.meta.url));

export async function runInit(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: { file: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  if (values.help) {
    io.print(INIT_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new CommandUsageError(`init takes at most one name, got ${positionals.length}`);
  const name = positionals[0] ?? 'my-capability';
  if (!NAME.test(name)) throw new CommandUsageError(`the name "${name}" must be lower-case letters, digits and single dashes, starting with a letter (e.g. billing or crm-notes)`);
  const path = resolve(values.file ?? `${name}.yaml`);
  const text = starterCapability({
    name,
    label: name.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' '),
    tokenVariable: `${name.replace(/-/g, '_').toUpperCase()}_API_TOKEN`,
    // Relative to the new file, so the line keeps working when the project folder moves.
    schema: relative(dirname(path), SCHEMA_FILE).split('\\').join('/'),
    file: basename(path),
  });
  try {
    await writeFile(path, text, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      io.warn(`${relative(process.cwd(), path) || path} already exists: not overwritten (pick another name or --file)`);
      return 1;
    }
    io.warn(`cannot write ${path}: ${(e as Error).message}`);
    return 1;
  }
  const shown = relative(process.cwd(), path) || path;
  io.print(`wrote ${shown}\nnext: capability validate ${shown}   then   capability serve ${shown}`);
  return 0;
}
