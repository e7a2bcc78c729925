// Reload of the served files (`serve --watch`, SIGHUP, the control adapter's POST /reload): every served file is
// checked against the digest of what it was built from (./fingerprint.ts); a changed file goes through the whole
// pipeline again (load → validate → resolve → compile) and only a valid result replaces the old one. An invalid file
// keeps its previous version serving and its diagnostics are reported. The runtime then swaps the adapters.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CompiledCapability } from '../compile/compile.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../errors/diagnostic.js';
import { expandPaths } from '../load/load.js';
import type { Logger } from '../observe/log.js';
import { prepareCapabilities, type PrepareOptions, type Prepared } from '../prepare.js';
import { releaseSchemaValidators } from '../validate/schema-validators.js';
import type { Runtime } from '../runtime.js';
import type { AdapterChanges } from '../runtime/reload-adapters.js';
import { reportLine } from './control.js';
import { locationsIn } from './dependencies.js';
import { fingerprint } from './fingerprint.js';

export type ReloadTrigger = 'watch' | 'SIGHUP' | 'control';

export interface ReloadReport {
  /** False when a changed file is invalid (its previous version keeps serving) or an adapter could not start. */
  ok: boolean;
  trigger: ReloadTrigger;
  files: { changed: string[]; added: string[]; removed: string[]; invalid: string[] };
  adapters: AdapterChanges;
  /** Findings of the files that changed (errors of invalid ones, warnings of the others). */
  diagnostics: Diagnostic[];
  durationMs: number;
}

export interface ReloaderOptions {
  /** The files and folders given to `serve`. */
  paths: readonly string[];
  /** Prepare options for each reload (a function, so the --dotenv file is read again). */
  prepareOptions: () => PrepareOptions;
  /** Files every capability depends on (the --dotenv file). */
  sharedInputs?: readonly string[];
  runtime: Runtime;
  /** What `serve` prepared and started with. */
  initial: Prepared;
  logger: Logger;
  /** Where diagnostics of changed files are printed (stderr). */
  warn?: (line: string) => void;
}

export interface Reloader {
  reload(trigger: ReloadTrigger): Promise<ReloadReport>;
  /** Every file and folder a change in which may change what is served (for the watcher). */
  inputs(): string[];
}

interface FileState {
  digest: string;
  /** The locations the file names (imports, bind files, skill and resource folders, prompt files). */
  locations: string[];
  /** The version that serves (absent for a shared consumes file, or a file that was never valid). */
  capability?: CompiledCapability;
  /** Errors of the file's current text, when it is invalid. */
  errors?: Diagnostic[];
}

export function createReloader(options: ReloaderOptions): Reloader {
  const { runtime, logger } = options;
  const unchangedAdapters = (): AdapterChanges => ({ replaced: [], added: [], removed: [], restarted: [], unchanged: runtime.adapters.map((a) => a.namespace), failed: [] });
  const warn = options.warn ?? (() => undefined);
  const shared = (options.sharedInputs ?? []).map((p) => resolve(p));
  const files = new Map<string, FileState>();
  const digestOf = (file: string, locations: readonly string[]) => fingerprint([file, ...locations, ...shared]);
  const locationsOf = (file: string) => {
    try {
      return locationsIn(file, readFileSync(file, 'utf8'));
    } catch {
      return [];
    }
  };
  // The state the process started with.
  const initialByFile = new Map(options.initial.capabilities.map((c) => [resolve(c.file), c]));
  for (const file of [...initialByFile.keys(), ...options.initial.shared.map((f) => resolve(f))]) {
    // The loader already read the file: its locations come with what was prepared (no second parse at start-up).
    const locations = options.initial.locations?.get(file) ?? locationsOf(file);
    files.set(file, { digest: digestOf(file, locations), locations, capability: initialByFile.get(file) });
  }

  const run = async (trigger: ReloadTrigger): Promise<{ report: ReloadReport; quiet: boolean }> => {
    const started = Date.now();
    const report: ReloadReport = { ok: true, trigger, files: { changed: [], added: [], removed: [], invalid: [] }, adapters: unchangedAdapters(), diagnostics: [], durationMs: 0 };
    // Changes are staged and kept only once the runtime has taken them (a failed swap leaves the old state).
    const staged = new Map(files);
    const { files: listed } = await expandPaths(options.paths);
    const current = [...new Set(listed.map((f) => resolve(f)))];
    let servedChanged = false;
    // A watch event that changed nothing served (another file in a watched folder) is not worth a log line.
    let begun = false;
    const begin = () => {
      if (!begun) logger.info({ trigger }, 'reload started');
      begun = true;
    };
    if (trigger !== 'watch') begin();
    const prepareOptions = options.prepareOptions();
    for (const file of current) {
      const previous = staged.get(file);
      const locations = locationsOf(file);
      const digest = digestOf(file, locations);
      if (previous && previous.digest === digest) {
        if (previous.errors) {
          // Still invalid: reported again when asked (SIGHUP, POST /reload), not on every watch event.
          report.files.invalid.push(file);
          report.diagnostics.push(...previous.errors);
          if (trigger !== 'watch') for (const d of previous.errors) warn(formatDiagnostic(d));
        }
        continue;
      }
      begin();
      const prepared = await prepareCapabilities([file], prepareOptions);
      // `--upstream` names are checked against all files at start-up, not one file at a time.
      const findings = prepared.diagnostics.filter((d) => d.code !== 'CAP_RESOLVE_OVERRIDE');
      report.diagnostics.push(...findings);
      for (const d of findings) warn(formatDiagnostic(d));
      if (hasErrors(findings)) {
        report.files.invalid.push(file);
        staged.set(file, { digest, locations, capability: previous?.capability, errors: findings.filter((d) => d.severity === 'error') });
        logger.warn({ file, errors: findings.filter((d) => d.severity === 'error').length, kept: previous?.capability !== undefined }, 'reload: invalid change, the previous version keeps serving');
        continue;
      }
      const capability = prepared.capabilities[0];
      (previous ? report.files.changed : report.files.added).push(file);
      if (capability || previous?.capability) servedChanged = true;
      staged.set(file, { digest, locations, capability });
    }
    for (const file of [...staged.keys()]) {
      if (current.includes(file)) continue;
      begin();
      report.files.removed.push(file);
      if (staged.get(file)!.capability) servedChanged = true;
      staged.delete(file);
    }
    if (servedChanged) {
      const capabilities = current.map((f) => staged.get(f)?.capability).filter((c): c is CompiledCapability => c !== undefined);
      report.adapters = await runtime.reload(capabilities);
    }
    files.clear();
    for (const [file, state] of staged) files.set(file, state);
    report.ok = report.files.invalid.length === 0 && report.adapters.failed.length === 0;
    report.durationMs = Date.now() - started;
    return { report, quiet: !begun };
  };

  let queue: Promise<unknown> = Promise.resolve();
  return {
    reload(trigger) {
      const next = queue.then(async () => {
        // The schema validators were loaded again to check the files: released once the reload is over (memory).
        const { report, quiet } = await run(trigger).finally(releaseSchemaValidators);
        if (!quiet) (report.ok ? runtime.metrics.reloads : runtime.metrics.reloadFailures).inc();
        if (log(logger, report, quiet)) warn(reportLine(report));
        // Where new and moved adapters listen now, as `serve` prints them at start-up.
        for (const a of runtime.adapters) {
          if (report.adapters.added.includes(a.namespace) || report.adapters.restarted.includes(a.namespace)) warn(`  ${a.type.padEnd(4)} ${a.namespace}  ${a.url}`);
        }
        return report;
      });
      queue = next.catch(() => undefined);
      return next.catch((err: unknown) => {
        // Building an adapter failed (a bug): nothing was swapped, the previous version keeps serving.
        runtime.metrics.reloadFailures.inc();
        logger.error({ trigger, err }, 'reload failed; the previous version keeps serving');
        throw err;
      });
    },
    inputs: () => [...new Set([...options.paths.map((p) => resolve(p)), ...files.keys(), ...[...files.values()].flatMap((s) => s.locations), ...shared])],
  };
}

/** Logs the end of a reload; false when a watch event changed nothing (logged at debug only). */
function log(logger: Logger, report: ReloadReport, quiet: boolean): boolean {
  const { files, adapters } = report;
  const fileCounts = { changed: files.changed.length, added: files.added.length, removed: files.removed.length, invalid: files.invalid.length };
  const adapterCounts = {
    replaced: adapters.replaced.length,
    added: adapters.added.length,
    removed: adapters.removed.length,
    restarted: adapters.restarted.length,
    unchanged: adapters.unchanged.length,
    failed: adapters.failed.length,
  };
  const fields = { trigger: report.trigger, ok: report.ok, durationMs: report.durationMs, files: fileCounts, adapters: adapterCounts };
  if (quiet) logger.debug(fields, 'reload: nothing changed');
  else logger.info(fields, 'reload finished');
  for (const failure of adapters.failed) logger.error({ adapter: failure.namespace }, `reload: ${failure.message}`);
  return !quiet;
}
