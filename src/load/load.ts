// Load stage: capability files → LoadedCapability (document with positions, imports followed); never throws on bad input.
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { ConsumesHttp, NaftikoDocument } from '../spec/capability.js';
import { loadImports } from './imports.js';
import { loadSource } from './read.js';
import { pointerOf, SourceFile } from './source.js';

/** A value with the file and JSON pointer it came from (imported consumes live in another file). */
export interface Located<T> {
  value: T;
  source: SourceFile;
  pointer: string;
}

export interface LoadedCapability {
  source: SourceFile;
  /** The document as plain JS (null when it did not parse). */
  document: NaftikoDocument | null;
  /** Every HTTP consumes adapter, inline or imported, in declaration order. */
  consumes: Located<ConsumesHttp>[];
  diagnostics: Diagnostic[];
}

export async function loadCapability(path: string): Promise<LoadedCapability> {
  const absolute = resolve(path);
  const { source, diagnostics } = await loadSource(absolute);
  if (!source || diagnostics.some((d) => d.severity === 'error')) {
    return { source: source ?? new SourceFile(absolute, ''), document: null, consumes: [], diagnostics };
  }
  const document = source.toJS() as NaftikoDocument;
  const { imports, diagnostics: importDiagnostics } = await loadImports(source, document as unknown as Record<string, unknown>, dirname(absolute));
  const entries = Array.isArray(document.capability?.consumes) ? document.capability.consumes : Array.isArray(document.consumes) ? document.consumes : [];
  const base = document.capability ? ['capability', 'consumes'] : ['consumes'];
  const consumes: Located<ConsumesHttp>[] = [];
  entries.forEach((entry, index) => {
    const imported = imports.get(index);
    if (imported) consumes.push({ value: imported.entry as unknown as ConsumesHttp, source: imported.source, pointer: imported.pointer });
    else if (entry && typeof entry === 'object' && !('location' in entry)) consumes.push({ value: entry as ConsumesHttp, source, pointer: pointerOf(...base, index) });
  });
  return { source, document, consumes, diagnostics: [...diagnostics, ...importDiagnostics] };
}

/**
 * Expands command-line arguments into capability files: files are taken as given; a directory
 * contributes its top-level *.yaml / *.yml files in name order (sub-folders hold imported files).
 */
export async function expandPaths(args: readonly string[]): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => null);
    if (!info) missing.push(arg);
    else if (info.isDirectory()) {
      const names = (await readdir(arg)).filter((n) => /\.ya?ml$/.test(n)).sort();
      for (const name of names) files.push(join(arg, name));
    } else files.push(arg);
  }
  return { files, missing };
}
