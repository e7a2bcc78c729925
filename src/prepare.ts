// Runs load → validate → resolve → compile for a set of capability files, collecting every diagnostic.
// Shared by `serve`, `validate` and `list`.
import { compileCapability, type CompiledCapability } from './compile/compile.js';
import { hasErrors, type Diagnostic } from './errors/diagnostic.js';
import { expandPaths, loadCapability } from './load/load.js';
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
  diagnostics: Diagnostic[];
  /** Files that are shared consumes documents (imported by capabilities, not served themselves). */
  shared: string[];
  ok: boolean;
}

export async function prepareCapabilities(paths: readonly string[], options: PrepareOptions = {}): Promise<Prepared> {
  const { files, missing } = await expandPaths(paths);
  const diagnostics: Diagnostic[] = missing.map((m) => ({ code: 'CAP_LOAD_READ', severity: 'error' as const, message: `no such file or directory: ${m}`, file: m, pointer: '', line: 1, col: 1 }));
  const capabilities: CompiledCapability[] = [];
  const shared: string[] = [];
  const seenUpstreams = new Set<string>();

  for (const file of files) {
    const loaded = await loadCapability(file);
    diagnostics.push(...loaded.diagnostics);
    if (!loaded.document || hasErrors(loaded.diagnostics)) continue;
    const findings = validateCapability(loaded, { strict: options.strict });
    diagnostics.push(...findings);
    if (!loaded.document.capability) {
      shared.push(loaded.source.path);
      continue;
    }
    if (hasErrors(findings)) continue;
    const { bindings, diagnostics: bindDiagnostics } = resolveBindings(loaded, options.env ?? process.env);
    diagnostics.push(...bindDiagnostics);
    for (const c of loaded.consumes) seenUpstreams.add(c.value.namespace);
    const consumes = applyUpstreamOverrides(loaded.consumes, options.upstreams ?? new Map());
    const { compiled, diagnostics: compileDiagnostics } = compileCapability(loaded, consumes, bindings);
    diagnostics.push(...compileDiagnostics);
    if (compiled) capabilities.push(compiled);
  }
  for (const namespace of options.upstreams?.keys() ?? []) {
    if (!seenUpstreams.has(namespace)) {
      diagnostics.push({ code: 'CAP_RESOLVE_OVERRIDE', severity: 'error', message: `--upstream names "${namespace}", which no capability consumes (known: ${[...seenUpstreams].join(', ') || 'none'})`, file: '<command line>', pointer: '', line: 1, col: 1 });
    }
  }
  return { capabilities, diagnostics, shared, ok: !hasErrors(diagnostics) && files.length > 0 };
}
