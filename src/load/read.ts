// Reads and parses one YAML file into a SourceFile; unreadable files and syntax errors become diagnostics.
import { readFile, stat } from 'node:fs/promises';
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import { MAX_FILE_BYTES } from './limits.js';
import { SourceFile } from './source.js';

/** Reads and parses one YAML file; syntax errors become diagnostics with the parser's position. */
export async function loadSource(path: string): Promise<{ source?: SourceFile; diagnostics: Diagnostic[] }> {
  let text: string;
  try {
    const size = (await stat(path)).size;
    if (size > MAX_FILE_BYTES) return tooLarge(path, size);
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    return { diagnostics: [{ code: 'CAP_LOAD_READ', severity: 'error', message: `cannot read ${path}: ${reason}`, file: path, pointer: '', line: 1, col: 1 }] };
  }
  const source = new SourceFile(path, text);
  const diagnostics = source.problems.map((p): Diagnostic => ({
    code: 'CAP_LOAD_YAML',
    severity: 'error',
    message: p.kind === 'syntax' ? `YAML syntax error: ${p.message}` : p.message,
    file: path,
    pointer: '',
    line: p.line,
    col: p.col,
    hint: p.kind === 'syntax' ? 'fix the YAML syntax at this position (check indentation, quotes, colons and brackets)' : undefined,
  }));
  if (diagnostics.length === 0) {
    const value = source.toJS();
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      diagnostics.push(diagnose(source, '', 'error', 'CAP_LOAD_NOT_A_DOCUMENT', 'the file is not a YAML mapping', { hint: 'a capability file starts with `naftiko:` and `capability:` keys' }));
    }
  }
  return { source, diagnostics };
}

/** Refused before reading: parsing cost and memory grow with the size of the file. */
function tooLarge(path: string, size: number): { source: SourceFile; diagnostics: Diagnostic[] } {
  return {
    source: new SourceFile(path, null),
    diagnostics: [{ code: 'CAP_LOAD_TOO_LARGE', severity: 'error', message: `the file is ${size} bytes; a capability file may be at most ${MAX_FILE_BYTES} bytes`, file: path, pointer: '', line: 1, col: 1, hint: 'split large consumes declarations into shared files and import them' }],
  };
}
