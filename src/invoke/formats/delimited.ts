// CSV, TSV and PSV → an array of row objects keyed by the header row, every value a string (naftiko-semantics §3.6).
import { csvLibrary } from './lazy-library.js';

export const DELIMITERS = { csv: ',', tsv: '\t', psv: '|' } as const;

export function compileDelimited(delimiter: string): (text: string) => unknown {
  const { parse } = csvLibrary();
  const options = { columns: true, delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, trim: false, cast: false } as const;
  return (text) => parse(text, options) as Record<string, string>[];
}
