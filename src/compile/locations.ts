// `file:` locations of MCP resources and prompts → absolute paths, resolved once at load time.
// `file:///./x` and `file://./x` are relative to the capability file's folder (as for binds); `file:///abs` is absolute.
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export function locationPath(location: string, baseDir: string): string {
  if (!location.startsWith('file:')) throw new Error(`location "${location}" is not a file: URI`);
  const relative = /^file:\/\/\/?\.\//.exec(location);
  if (!relative) return fileURLToPath(location);
  const path = resolve(baseDir, decodeURIComponent(location.slice(relative[0].length)));
  // A relative location stays inside the capability's folder: `file:///./../../etc/passwd` is refused.
  if (path !== baseDir && !path.startsWith(baseDir.endsWith(sep) ? baseDir : baseDir + sep)) throw new Error(`location "${location}" leaves the capability's folder`);
  return path;
}
