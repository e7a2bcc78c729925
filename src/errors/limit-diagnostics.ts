// Caps the diagnostics shown per file: a broken file yields its first findings and one "and N more" line.
// Errors are kept first, then warnings other than schema deviations, then schema deviations (the most numerous).
import { MAX_DIAGNOSTICS_PER_FILE } from '../load/limits.js';
import type { Diagnostic } from './diagnostic.js';

const rank = (d: Diagnostic): number => (d.severity === 'error' ? 0 : d.code.startsWith('CAP_SCHEMA') ? 2 : 1);

export function limitPerFile(diagnostics: readonly Diagnostic[], max = MAX_DIAGNOSTICS_PER_FILE): Diagnostic[] {
  const byFile = new Map<string, number[]>();
  diagnostics.forEach((d, i) => {
    const list = byFile.get(d.file);
    if (list) list.push(i);
    else byFile.set(d.file, [i]);
  });
  const keep = new Set<number>();
  const summaries: Diagnostic[] = [];
  for (const [file, indexes] of byFile) {
    const chosen = indexes.length <= max ? indexes : [...indexes].sort((a, b) => rank(diagnostics[a]!) - rank(diagnostics[b]!) || a - b).slice(0, max);
    for (const i of chosen) keep.add(i);
    const left = indexes.length - chosen.length;
    if (left > 0) {
      const errors = indexes.filter((i) => !keep.has(i) && diagnostics[i]!.severity === 'error').length;
      summaries.push({ code: 'CAP_LOAD_TOO_MANY_FINDINGS', severity: errors > 0 ? 'error' : 'warning', message: `and ${left} more finding(s) in this file (${errors} error(s)); fix the ones above first`, file, pointer: '', line: 1, col: 1 });
    }
  }
  return [...diagnostics.filter((_, i) => keep.has(i)), ...summaries];
}
