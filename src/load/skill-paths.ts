// Skill file paths: what a segment may contain, and where a skill's `location` points on disk. Shared by the
// validate rule (instruction paths), the compile stage (location → folder) and the skill adapter (request paths).
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One path segment: letters, digits, `.`, `_`, `-`; not `.` or `..`, and not hidden (a leading dot). */
const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export const isSafeSegment = (segment: string): boolean => SAFE_SEGMENT.test(segment) && segment.length <= 255;

/** `a/b.md`: relative, `/`-separated, every segment safe. */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.length > 1024) return false;
  return path.split('/').every(isSafeSegment);
}

/** `file:///abs/dir` → `/abs/dir`; `file:///./dir` or `file://./dir` → relative to `baseDir` (the capability's folder). */
export function locationToFolder(location: string, baseDir: string): string {
  if (!location.startsWith('file:')) throw new Error(`skill location "${location}" must be a file: URI`);
  const relative = /^file:\/\/\/?\.\//.exec(location);
  const folder = relative ? resolve(baseDir, location.slice(relative[0].length - 2)) : fileURLToPath(location);
  if (!isAbsolute(folder)) throw new Error(`skill location "${location}" does not name a folder`);
  return folder;
}
