// A skill's files: the regular files under its folder (hidden files, symlinks leaving the folder and unsafe names
// are never listed or served), plus SKILL.md built from the capability when the folder has none.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { CompiledSkill } from '../../compile/skill.js';
import { CapError } from '../../errors/cap-error.js';
import { isSafeRelativePath, isSafeSegment } from '../../load/skill-paths.js';
import { mediaTypeOf } from '../media-types.js';

export const SKILL_MD = 'SKILL.md';
/** A skill folder is small; a bigger tree is cut off rather than walked without end. */
const MAX_FILES = 1000;
const MAX_DEPTH = 16;

export type SkillFile = { path: string; size: number; type: string } & ({ absolute: string } | { text: string });

/** Every file of the skill, sorted by path. */
export async function listSkillFiles(skill: CompiledSkill, urls: ReadonlyMap<string, string>): Promise<SkillFile[]> {
  const files: SkillFile[] = [];
  const root = skill.folder ? await realFolder(skill.folder) : undefined;
  if (root) await walk(root, '', 0, files);
  if (!files.some((f) => f.path === SKILL_MD)) files.push(derived(skill, urls));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One file by its request path; CAP_SKILL_PATH_INVALID for an unsafe path, CAP_SKILL_NOT_FOUND when absent. */
export async function findSkillFile(skill: CompiledSkill, path: string, urls: ReadonlyMap<string, string>): Promise<SkillFile> {
  if (!isSafeRelativePath(path)) {
    throw new CapError('CAP_SKILL_PATH_INVALID', `"${path}" is not a plain relative path inside skill "${skill.name}"`, { errors: [{ field: 'path', in: 'path', message: 'segments of letters, digits, ".", "_", "-"; no "..", no leading dot' }] });
  }
  const root = skill.folder ? await realFolder(skill.folder) : undefined;
  if (root) {
    const literal = join(root, ...path.split('/'));
    // The real path must be the literal one: no symlink anywhere on the way (as in the listing).
    const absolute = await realpath(literal).catch(() => undefined);
    if (absolute === literal && absolute.startsWith(root + sep)) {
      const info = await stat(absolute);
      if (info.isFile()) return { path, size: info.size, type: mediaTypeOf(path), absolute };
    }
  }
  if (path === SKILL_MD) return derived(skill, urls);
  throw new CapError('CAP_SKILL_NOT_FOUND', `skill "${skill.name}" has no file "${path}"`);
}

function derived(skill: CompiledSkill, urls: ReadonlyMap<string, string>): SkillFile {
  const text = skill.skillMd(urls);
  return { path: SKILL_MD, size: Buffer.byteLength(text), type: 'text/markdown', text };
}

async function realFolder(folder: string): Promise<string | undefined> {
  const real = await realpath(folder).catch(() => undefined);
  return real && (await stat(real)).isDirectory() ? real : undefined;
}

async function walk(dir: string, prefix: string, depth: number, files: SkillFile[]): Promise<void> {
  if (depth > MAX_DEPTH) return;
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (files.length >= MAX_FILES) return;
    if (!isSafeSegment(entry.name)) continue;
    const absolute = join(dir, entry.name);
    const info = await lstat(absolute);
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    // Symlinks are skipped: a link could point out of the folder, and a listed file must be one we serve.
    if (info.isDirectory()) await walk(absolute, path, depth + 1, files);
    else if (info.isFile()) files.push({ path, size: info.size, type: mediaTypeOf(path), absolute });
  }
}
