// The control adapter's POST /reload: runs the same reload as --watch and SIGHUP and answers what changed (200), or
// the diagnostics of the invalid files whose previous version keeps serving (422). The control adapter's inbound
// authentication guards it like every other control endpoint.
import { relative } from 'node:path';
import type { ControlEndpoint } from '../exposes/control/endpoints.js';
import type { Reloader, ReloadReport } from './reloader.js';

export function reloadControlHandlers(reloader: () => Reloader | undefined): Record<string, NonNullable<ControlEndpoint['handle']>> {
  return {
    'POST /reload': async () => {
      const current = reloader();
      if (!current) return { status: 503, body: { status: 'STARTING', message: 'the runtime is still starting; try again' } };
      const report = await current.reload('control');
      return { status: report.ok ? 200 : 422, body: reportBody(report) };
    },
  };
}

/** The report with paths relative to the working directory and diagnostics as plain fields. */
export function reportBody(report: ReloadReport): unknown {
  const rel = (file: string) => relative(process.cwd(), file) || file;
  return {
    status: report.ok ? 'RELOADED' : 'INVALID',
    files: Object.fromEntries(Object.entries(report.files).map(([k, v]) => [k, v.map(rel)])),
    adapters: report.adapters,
    diagnostics: report.diagnostics.map((d) => ({ file: rel(d.file), line: d.line, col: d.col, severity: d.severity, code: d.code, message: d.message, ...(d.hint ? { hint: d.hint } : {}) })),
    durationMs: report.durationMs,
  };
}

/** One line for stderr: `reload (SIGHUP): 1 file changed ...; adapters: 1 replaced ...`. */
export function reportLine(report: ReloadReport): string {
  const count = (items: readonly unknown[], word: string) => (items.length ? [`${items.length} ${word}`] : []);
  const { files, adapters } = report;
  const fileParts = [...count(files.changed, 'changed'), ...count(files.added, 'added'), ...count(files.removed, 'removed'), ...count(files.invalid, 'invalid (previous version kept)')];
  const adapterParts = [
    ...count(adapters.replaced, 'replaced'),
    ...count(adapters.added, 'started'),
    ...count(adapters.removed, 'stopped'),
    ...count(adapters.restarted, 'restarted on a new port'),
    ...count(adapters.failed, 'failed'),
  ];
  const failures = adapters.failed.map((f) => `\n  ${f.namespace}: ${f.message}`).join('');
  return `reload (${report.trigger}): files ${fileParts.join(', ') || 'unchanged'}; adapters ${adapterParts.join(', ') || 'unchanged'}${failures}`;
}
