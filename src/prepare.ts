// Runs load → validate → resolve → compile for a set of capability files, collecting every diagnostic.
// Shared by `serve`, `validate` and `list`.
import { compileCapability, type CompiledCapability } from './compile/compile.js';
import { resolve } from 'node:path';
import { hasErrors, type Diagnostic } from './errors/diagnostic.js';
import { limitPerFile } from './errors/limit-diagnostics.js';
import { expandPaths, loadCapability, type LoadedCapability } from './load/load.js';
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

/** Load and validate of one file: the part of the pipeline that yields plain data (a worker can run it, ./prepare-worker.ts). */
export interface CheckedFile {
  file: string;
  /** Absent when loading threw (a bug, reported as CAP_INTERNAL). */
  loaded?: LoadedCapability;
  /** The schema and semantic findings; absent when the file was not validated (it did not load) or validating threw. */
  findings?: Diagnostic[];
  /** The binds resolved against the `env` given to checkFiles (absent: resolved later, by prepareCapabilities). */
  bound?: ReturnType<typeof resolveBindings>;
  /** What threw, described (no stack trace): a bug, reported as CAP_INTERNAL. */
  internal?: string;
}

/** The files the paths name, each loaded and validated. */
export interface CheckedFiles {
  files: string[];
  missing: string[];
  checked: CheckedFile[];
}

/**
 * Expands the paths, loads and validates every file and, given `env`, resolves the binds of the valid ones (so that
 * their findings, which need positions, are made where the file was parsed).
 */
export async function checkFiles(paths: readonly string[], strict: boolean | undefined, env?: PrepareOptions['env']): Promise<CheckedFiles> {
  const { files, missing } = await expandPaths(paths);
  const checked: CheckedFile[] = [];
  for (const file of files) {
    try {
      checked.push({ file, loaded: await loadCapability(file) });
    } catch (err) {
      checked.push({ file, internal: describe(err) });
    }
  }
  for (const entry of checked) {
    const loaded = entry.loaded;
    if (!loaded?.document || hasErrors(loaded.diagnostics)) continue;
    try {
      entry.findings = validateCapability(loaded, { strict });
      if (env && loaded.document.capability && !hasErrors(entry.findings)) entry.bound = resolveBindings(loaded, env);
    } catch (err) {
      entry.internal = describe(err);
    }
  }
  return { files, missing, checked };
}

/** `checked`: the files already checked with the same `strict` and `env` (by the start-up worker); else done here. */
export async function prepareCapabilities(paths: readonly string[], options: PrepareOptions = {}, checked?: CheckedFiles): Promise<Prepared> {
  const { files, missing, checked: entries } = checked ?? (await checkFiles(paths, options.strict));
  const diagnostics: Diagnostic[] = missing.map((m) => ({ code: 'CAP_LOAD_READ', severity: 'error' as const, message: `no such file or directory: ${m}`, file: m, pointer: '', line: 1, col: 1 }));
  const capabilities: CompiledCapability[] = [];
  const shared: string[] = [];
  const seenUpstreams = new Set<string>();
  const locations = new Map<string, string[]>();

  for (const entry of entries) {
    try {
      prepareOne(entry, options, { capabilities, diagnostics, shared, seenUpstreams, locations });
    } catch (err) {
      internalError(diagnostics, entry.file, describe(err));
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

// Last line of defence: a stage threw on some input. That is a bug to fix, reported here without a stack trace.
const internalError = (diagnostics: Diagnostic[], file: string, what: string) =>
  diagnostics.push({ code: 'CAP_INTERNAL', severity: 'error', message: `internal error while loading this file (${what}); please report it with the file`, file: resolve(file), pointer: '', line: 1, col: 1 });

interface Collected {
  capabilities: CompiledCapability[];
  diagnostics: Diagnostic[];
  shared: string[];
  seenUpstreams: Set<string>;
  locations: Map<string, string[]>;
}

function prepareOne({ file, loaded, findings, bound, internal }: CheckedFile, options: PrepareOptions, { capabilities, diagnostics, shared, seenUpstreams, locations }: Collected): void {
  // Findings are appended one by one: spreading a very long list into push() would overflow the stack.
  const add = (found: readonly Diagnostic[]) => {
    for (const d of found) diagnostics.push(d);
  };
  if (loaded) {
    add(loaded.diagnostics);
    if (loaded.document) locations.set(loaded.source.path, locationsInDocument(loaded.source.path, loaded.document));
  }
  if (internal !== undefined) return void internalError(diagnostics, file, internal);
  if (!loaded?.document || hasErrors(loaded.diagnostics)) return;
  add(findings ?? []);
  if (!loaded.document.capability) {
    shared.push(loaded.source.path);
    return;
  }
  if (hasErrors(findings ?? [])) return;
  const { bindings, diagnostics: bindDiagnostics } = bound ?? resolveBindings(loaded, options.env ?? process.env);
  add(bindDiagnostics);
  for (const c of loaded.consumes) seenUpstreams.add(c.value.namespace);
  const consumes = applyUpstreamOverrides(loaded.consumes, options.upstreams ?? new Map());
  const { compiled, diagnostics: compileDiagnostics } = compileCapability(loaded, consumes, bindings);
  add(compileDiagnostics);
  if (compiled) capabilities.push(compiled);
}

const describe = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err)).slice(0, 200);
