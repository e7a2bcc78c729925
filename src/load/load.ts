// Load stage: capability files → LoadedCapability (document with positions, imports followed); never throws on bad input.
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import type { ConsumesHttp, NaftikoDocument } from '../spec/capability.js';
import { loadImports } from './imports.js';
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

/** Reads and parses one YAML file; syntax errors become diagnostics with the parser's position. */
export async function loadSource(path: string): Promise<{ source?: SourceFile; diagnostics: Diagnostic[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    return { diagnostics: [{ code: 'CAP_LOAD_READ', severity: 'error', message: `cannot read ${path}: ${reason}`, file: path, pointer: '', line: 1, col: 1 }] };
  }
  const source = new SourceFile(path, text);
  const diagnostics = source.document.errors.map((e): Diagnostic => {
    const { line, col } = source.lineCounter.linePos(e.pos[0]);
    return {
      code: 'CAP_LOAD_YAML',
      severity: 'error',
      message: `YAML syntax error: ${e.message.split('\n')[0]}`,
      file: path,
      pointer: '',
      line,
      col,
      hint: 'fix the YAML syntax at this position (check indentation, quotes and colons)',
    };
  });
  if (diagnostics.length === 0) {
    const value = source.toJS();
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      diagnostics.push(diagnose(source, '', 'error', 'CAP_LOAD_NOT_A_DOCUMENT', 'the file is not a YAML mapping', { hint: 'a capability file starts with `naftiko:` and `capability:` keys' }));
    }
  }
  return { source, diagnostics };
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
