// SourceFile: one YAML file with its parsed value and where each node starts, so any JSON pointer maps to line:col.
import { parseYaml } from './parse-yaml.js';
import { NO_POSITIONS, type Positions, type YamlProblem } from './positions.js';

export class SourceFile {
  readonly path: string;
  readonly text: string;
  /** Why the text cannot be used: syntax errors, duplicate keys, too deep nesting, alias problems. */
  readonly problems: readonly YamlProblem[];
  private readonly value: unknown;
  private readonly positions: Positions;

  /** `text` null: the file was not parsed (e.g. too large); positions then point at 1:1. */
  constructor(path: string, text: string | null) {
    this.path = path;
    this.text = text ?? '';
    const parsed = text === null ? { value: null, problems: [], positions: NO_POSITIONS } : parseYaml(text);
    this.value = parsed.value;
    this.problems = parsed.problems;
    this.positions = parsed.positions;
  }

  /** Plain JS value of the document (null when it has problems); computed once, never throws. */
  toJS(): unknown {
    return this.value;
  }

  /** 1-based line and column of the node at `pointer`, or of the deepest existing ancestor. */
  position(pointer: string, onKey = false): { line: number; col: number } {
    return this.positions.position(pointer, onKey);
  }
}

export const escapePointer = (s: string | number): string => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
export const pointerOf = (...segments: (string | number)[]): string => segments.map((s) => '/' + escapePointer(s)).join('');
