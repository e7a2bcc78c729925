// Reads and parses one YAML file into a SourceFile; unreadable files and syntax errors become diagnostics.
import { readFile } from 'node:fs/promises';
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import { SourceFile } from './source.js';

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
