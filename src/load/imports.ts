// Follows `consumes` imports (`import` + `location` + optional `as`): the location is a path relative to the
// capability file's folder (naftiko-semantics §1.4); the named namespace is taken from the shared file's root `consumes`.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import { loadSource } from './read.js';
import { isRecord } from './shape.js';
import { pointerOf, type SourceFile } from './source.js';

export interface ImportedConsumes {
  /** The consumes entry from the shared file, with `namespace` replaced by `as` when given. */
  entry: Record<string, unknown>;
  /** Where the entry lives, for diagnostics about its operations. */
  source: SourceFile;
  pointer: string;
}

export async function loadImports(
  source: SourceFile,
  document: Record<string, unknown>,
  baseDir: string,
): Promise<{ imports: Map<number, ImportedConsumes>; diagnostics: Diagnostic[] }> {
  const imports = new Map<number, ImportedConsumes>();
  const diagnostics: Diagnostic[] = [];
  const consumes = (document.capability as { consumes?: unknown } | undefined)?.consumes;
  if (!Array.isArray(consumes)) return { imports, diagnostics };

  for (const [index, entry] of consumes.entries()) {
    if (!entry || typeof entry !== 'object' || typeof entry.location !== 'string') continue;
    const here = pointerOf('capability', 'consumes', index);
    const path = locationToPath(entry.location, baseDir);
    if (path === null) {
      diagnostics.push(diagnose(source, here + '/location', 'error', 'CAP_LOAD_IMPORT', `cannot import ${entry.location}: not a valid path or file: URI`, {
        hint: 'use a path relative to this capability file, e.g. ./shared/stigg.yaml',
      }));
      continue;
    }
    const loaded = await loadSource(path);
    if (!loaded.source || loaded.diagnostics.length > 0) {
      diagnostics.push(diagnose(source, here + '/location', 'error', 'CAP_LOAD_IMPORT', `cannot import ${entry.location}: ${loaded.diagnostics[0]?.message ?? 'unreadable'}`, {
        hint: 'the location is resolved relative to this capability file',
      }));
      diagnostics.push(...loaded.diagnostics.filter((d) => d.code === 'CAP_LOAD_YAML'));
      continue;
    }
    const shared = loaded.source.toJS();
    const candidates: unknown[] = isRecord(shared) && Array.isArray(shared.consumes) ? shared.consumes : [];
    const at = candidates.findIndex((c) => c && typeof c === 'object' && (c as { namespace?: unknown }).namespace === entry.import);
    if (at < 0) {
      const available = candidates.map((c) => (c as { namespace?: unknown })?.namespace).filter(Boolean);
      diagnostics.push(diagnose(source, here + '/import', 'error', 'CAP_LOAD_IMPORT', `namespace "${String(entry.import)}" is not in ${entry.location}`, {
        hint: available.length ? `it declares: ${available.join(', ')}` : 'the file has no root-level `consumes` list',
      }));
      continue;
    }
    const copy = structuredClone(candidates[at]) as Record<string, unknown>;
    if (typeof entry.as === 'string' && entry.as) copy.namespace = entry.as;
    imports.set(index, { entry: copy, source: loaded.source, pointer: pointerOf('consumes', at) });
  }
  return { imports, diagnostics };
}

/** Accepts a plain relative/absolute path or a `file:` URI (`file:///./x` and `file://./x` mean relative); null when invalid. */
function locationToPath(location: string, baseDir: string): string | null {
  const relative = /^file:\/\/\/?\.\//.exec(location);
  if (relative) return resolve(baseDir, location.slice(relative[0].length - 2));
  if (location.includes('\0')) return null;
  if (!location.startsWith('file:')) return resolve(baseDir, location);
  try {
    return fileURLToPath(location);
  } catch {
    return null;
  }
}
