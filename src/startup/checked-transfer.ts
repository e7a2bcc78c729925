// CheckedFiles ⇄ plain data that a worker can post (structured clone): a SourceFile becomes its path, text, value and
// problems, rebuilt on the other side without parsing (positions are found again on the first lookup, src/load/source.ts).
// One message carries everything, so objects shared between a document and its consumes stay shared.
import type { Diagnostic } from '../errors/diagnostic.js';
import type { Located } from '../load/load.js';
import type { YamlProblem } from '../load/positions.js';
import { SourceFile } from '../load/source.js';
import type { CheckedFile, CheckedFiles } from '../prepare.js';
import type { ConsumesHttp, NaftikoDocument } from '../spec/capability.js';

interface PlainSource {
  path: string;
  text: string | null;
  value: unknown;
  problems: readonly YamlProblem[];
}

interface PlainLoaded {
  /** Index into `sources`. */
  source: number;
  document: NaftikoDocument | null;
  consumes: { value: ConsumesHttp; source: number; pointer: string }[];
  diagnostics: Diagnostic[];
}

export interface PlainCheckedFiles {
  files: string[];
  missing: string[];
  sources: PlainSource[];
  checked: (Omit<CheckedFile, 'loaded'> & { loaded?: PlainLoaded })[];
}

export function toPlain({ files, missing, checked }: CheckedFiles): PlainCheckedFiles {
  const sources: PlainSource[] = [];
  const indexOf = new Map<SourceFile, number>();
  const add = (source: SourceFile): number => {
    let at = indexOf.get(source);
    if (at === undefined) {
      at = sources.push({ path: source.path, text: source.unparsed ? null : source.text, value: source.toJS(), problems: source.problems }) - 1;
      indexOf.set(source, at);
    }
    return at;
  };
  return {
    files,
    missing,
    sources,
    checked: checked.map(({ loaded, ...rest }) => ({
      ...rest,
      loaded: loaded && {
        source: add(loaded.source),
        document: loaded.document,
        consumes: loaded.consumes.map((c) => ({ value: c.value, source: add(c.source), pointer: c.pointer })),
        diagnostics: loaded.diagnostics,
      },
    })),
  };
}

export function fromPlain({ files, missing, sources, checked }: PlainCheckedFiles): CheckedFiles {
  const rebuilt = sources.map((s) => new SourceFile(s.path, s.text, { value: s.value, problems: s.problems }));
  return {
    files,
    missing,
    checked: checked.map(({ loaded, ...rest }) => ({
      ...rest,
      loaded: loaded && {
        source: rebuilt[loaded.source]!,
        document: loaded.document,
        consumes: loaded.consumes.map((c): Located<ConsumesHttp> => ({ value: c.value, source: rebuilt[c.source]!, pointer: c.pointer })),
        diagnostics: loaded.diagnostics,
      },
    })),
  };
}
