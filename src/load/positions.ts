// What a parsed YAML file answers about itself: where the node at a JSON pointer starts (line and column), so that
// every finding can say file:line:col. Two implementations: over the `yaml` library's Document (./parse-yaml.ts) and
// over the fast parser's events (./fast-yaml.ts).

export interface Positions {
  /** 1-based line and column of the node at `pointer` (its key with `onKey`), or of the deepest existing ancestor. */
  position(pointer: string, onKey: boolean): { line: number; col: number };
}

/** Why the text cannot be used: syntax errors, duplicate keys, too deep nesting, alias problems. */
export interface YamlProblem {
  /** `syntax`: the text is not YAML; `structure`: it parses but cannot be used (duplicate key, depth, aliases). */
  kind: 'syntax' | 'structure';
  line: number;
  col: number;
  message: string;
}

export interface ParsedYaml {
  /** Plain JS value; null when there are problems. */
  value: unknown;
  problems: YamlProblem[];
  positions: Positions;
}

export const NO_POSITIONS: Positions = { position: () => ({ line: 1, col: 1 }) };

const unescapePointer = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');
export const pointerSegments = (pointer: string): string[] => (pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer));
