// Media types of files served from disk (MCP static resources, skill folders), by extension; anything else is a
// byte stream. Text types are read and sent as UTF-8 text, others as bytes (base64 in MCP).
import { extname } from 'node:path';

const BY_EXTENSION: Record<string, string> = {
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.xml': 'application/xml',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.py': 'text/x-python',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.ts': 'text/plain',
  '.sh': 'text/x-shellscript',
  '.sql': 'application/sql',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
};

export const mediaTypeOf = (path: string): string => BY_EXTENSION[extname(path).toLowerCase()] ?? 'application/octet-stream';

export const isTextMediaType = (type: string): boolean => /^text\//.test(type) || /[/+](json|yaml|xml|sql|javascript)\b/.test(type);

/** The Content-Type header: text types say their charset (files are read as UTF-8). */
export function contentTypeOf(path: string): string {
  const type = mediaTypeOf(path);
  return isTextMediaType(type) ? `${type}; charset=utf-8` : type;
}
