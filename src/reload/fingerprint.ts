// A digest of what a served capability was built from: its file, the files and folders it names, and the --dotenv
// file. Equal digests mean a reload can keep the compiled capability (and its adapters) as they are.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_FILE_BYTES } from '../load/limits.js';

/** Folders (skill and resource locations) are summarised by their listing, this many entries deep at most. */
const MAX_LISTED = 1000;

export function fingerprint(paths: readonly string[]): string {
  const hash = createHash('sha256');
  for (const path of [...paths].sort()) {
    hash.update(`\0${path}\0`);
    hash.update(describe(path));
  }
  return hash.digest('hex');
}

function describe(path: string): string | Buffer {
  try {
    const info = statSync(path);
    if (info.isDirectory()) return listing(path);
    // Larger files are refused by the loader; their size and time still tell a change.
    return info.size > MAX_FILE_BYTES ? `large ${info.size} ${info.mtimeMs}` : readFileSync(path);
  } catch {
    return 'missing';
  }
}

/** Names, sizes and modification times under a folder (files are read at request time, so content is not needed). */
function listing(root: string): string {
  const lines: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (lines.length >= MAX_LISTED) return;
      const path = join(dir, name);
      try {
        const info = statSync(path);
        lines.push(`${path.slice(root.length)} ${info.isDirectory() ? 'dir' : `${info.size} ${info.mtimeMs}`}`);
        if (info.isDirectory()) walk(path, depth + 1);
      } catch {
        lines.push(`${path.slice(root.length)} gone`);
      }
    }
  };
  walk(root, 0);
  return lines.join('\n');
}
