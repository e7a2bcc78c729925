// The files and folders a capability file reads besides itself: every `location` it names (consumes imports, bind
// files, skill folders, MCP resource folders and prompt files). Used to watch them and to notice that they changed.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYaml } from '../load/parse-yaml.js';

/** At most this many locations per file are followed (a hostile file could list thousands). */
const MAX_LOCATIONS = 200;

/** Absolute paths of the locations named in `text` (the content of the capability file at `file`). */
export function locationsIn(file: string, text: string): string[] {
  // An unparsable file (value null) is reported by the loader.
  return locationsInDocument(file, parseYaml(text).value);
}

/** The same, from the file's already parsed document (what `serve` loaded at start-up). */
export function locationsInDocument(file: string, document: unknown): string[] {
  const baseDir = dirname(file);
  const found = new Set<string>();
  const visit = (node: unknown, depth: number): void => {
    if (found.size >= MAX_LOCATIONS || depth > 64 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'location' && typeof value === 'string') {
        const path = locationPath(value, baseDir);
        if (path) found.add(path);
      } else visit(value, depth + 1);
    }
  };
  visit(document, 0);
  return [...found];
}

/** `./x.yaml`, `file:///./x` and `file://./x` are relative to the capability's folder; `file:///abs` is absolute; other schemes are not files. */
function locationPath(location: string, baseDir: string): string | undefined {
  if (location.includes('\0')) return undefined;
  const relative = /^file:\/\/\/?\.\//.exec(location);
  if (relative) return resolve(baseDir, safeDecode(location.slice(relative[0].length)));
  if (location.startsWith('file:')) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined;
    }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(location)) return undefined;
  return resolve(baseDir, location);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
