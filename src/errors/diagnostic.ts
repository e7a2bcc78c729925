// Diagnostic: a load-time finding (load, validate, resolve, compile) with its position in a YAML file.
import type { SourceFile } from '../load/source.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  file: string;
  /** JSON pointer into the file's document, e.g. `/capability/exposes/0`. */
  pointer: string;
  line: number;
  col: number;
  hint?: string;
}

/** Builds a diagnostic at a pointer; `onKey` points at the property name instead of its value. */
export function diagnose(
  source: SourceFile,
  pointer: string,
  severity: Severity,
  code: string,
  message: string,
  options: { hint?: string; onKey?: boolean } = {},
): Diagnostic {
  const { line, col } = source.position(pointer, options.onKey);
  return { code, severity, message, file: source.path, pointer, line, col, hint: options.hint };
}

export function formatDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
  const file = d.file.startsWith(cwd + '/') ? d.file.slice(cwd.length + 1) : d.file;
  const at = d.pointer ? ` (at ${d.pointer})` : '';
  const hint = d.hint ? `\n    hint: ${d.hint}` : '';
  return `${file}:${d.line}:${d.col}  ${d.severity}  ${d.code}  ${d.message}${at}${hint}`;
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');
