// Runs load → validate → resolve → compile for a set of capability files, collecting every diagnostic.
// Shared by `serve`, `validate` and `list`.
import { compileCapability, type CompiledCapability } from './compile/compile.js';
import { resolve } from 'node:path';
import { hasErrors, type Diagnostic } from './errors/diagnostic.js';
import { limitPerFile } from './errors/limit-diagnostics.js';
import { expandPaths, loadCapability } from './load/load.js';
import { locationsInDocument } from './reload/dependencies.js';
import { resolveBindings } from './resolve/bindings.js';
import { applyUpstreamOverrides } from './resolve/overrides.js';
import { validateCapability } from './validate/validate.js';

export interface PrepareOptions {
  strict?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  /** `--upstream <consumes-namespace>=<baseUri>` overrides. */
  upstreams?: ReadonlyMap<string, string>;
}

export interface Prepared {
  capabilities: CompiledCapability[];
  /** Findings to print: at most MAX_DIAGNOSTICS_PER_FILE per file, then an "and N more" line. */
  diagnostics: Diagnostic[];
  /** Counts over every finding, including those left out of `diagnostics`. */
  counts: { errors: number; warnings: number };
  /** Files that are shared consumes documents (imported by capabilities, not served themselves). */
  shared: string[];
  /** The files and folders each loaded file names (absolute paths), for the reloader to watch and fingerprint. */
  locations: Map<string, string[]>;
  ok: boolean;
}

export async function prepareCapabilities(paths: readonly string[], options: PrepareOptions = {}): Promise<Prepared> {
  const { files, missing } = await expandPaths(paths);
  const diagnostics: Diagnostic[] = missing.map((m) => ({ code: 'CAP_LOAD_READ', severity: 'error' as const, message: `no such file or directory: ${m}`, file: m, pointer: '', line: 1, col: 1 }));
  const capabilities: CompiledCapability[] = [];
  const shared: string[] = [];
  const seenUpstreams = new Set<string>();
  const locations = new Map<string, string[]>();

  for (const file of files) {
    try {
      await prepareOne(file, options, { capabilities, diagnostics, shared, seenUpstreams, locations });
    } catch (err) {
      // Last line of defence: a stage threw on some input. That is a bug to fix, reported here without a stack trace.
      diagnostics.push({ code: 'CAP_INTERNAL', severity: 'error', message: `internal error while loading this file (${describe(err)}); please report it with the file`, file: resolve(file), pointer: '', line: 1, col: 1 });
    }
  }
  for (const namespace of options.upstreams?.keys() ?? []) {
    if (!seenUpstreams.has(namespace)) {
      diagnostics.push({ code: 'CAP_RESOLVE_OVERRIDE', severity: 'error', message: `--upstream names "${namespace}", which no capability consumes (known: ${[...seenUpstreams].join(', ') || 'none'})`, file: '<command line>', pointer: '', line: 1, col: 1 });
    }
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const counts = { errors, warnings: diagnostics.length - errors };
  return { capabilities, diagnostics: limitPerFile(diagnostics), counts, shared, locations, ok: errors === 0 && files.length > 0 };
}

interface Collected {
  capabilities: CompiledCapability[];
  diagnostics: Diagnostic[];
  shared: string[];
  seenUpstreams: Set<string>;
  locations: Map<string, string[]>;
}

async function prepareOne(file: string, options: PrepareOptions, { capabilities, diagnostics, shared, seenUpstreams, locations }: Collected): Promise<void> {
  // Findings are appended one by one: spreading a very long list into push() would overflow the stack.
  const add = (found: readonly Diagnostic[]) => {
    for (const d of found) diagnostics.push(d);
  };
  const loaded = await loadCapability(file);
  add(loaded.diagnostics);
  if (loaded.document) locations.set(loaded.source.path, locationsInDocument(loaded.source.path, loaded.document));
  if (!loaded.document || hasErrors(loaded.diagnostics)) return;
  const findings = validateCapability(loaded, { strict: options.strict });
  add(findings);
  if (!loaded.document.capability) {
    shared.push(loaded.source.path);
    return;
  }
  if (hasErrors(findings)) return;
  const { bindings, diagnostics: bindDiagnostics } = resolveBindings(loaded, options.env ?? process.env);
  add(bindDiagnostics);
  for (const c of loaded.consumes) seenUpstreams.add(c.value.namespace);
  const consumes = applyUpstreamOverrides(loaded.consumes, options.upstreams ?? new Map());
  const { compiled, diagnostics: compileDiagnostics } = compileCapability(loaded, consumes, bindings);
  add(compileDiagnostics);
  if (compiled) capabilities.push(compiled);
}

const describe = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err)).slice(0, 200);
