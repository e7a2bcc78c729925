// SourceFile: one YAML file with its parsed document and line counter, so any JSON pointer maps to line:col.
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import { parseYaml, type YamlProblem } from './parse-yaml.js';

export class SourceFile {
  readonly path: string;
  readonly text: string;
  /** The parsed document; null when the text was not parsed (too large) or the parser gave up. */
  readonly document: Document | null;
  readonly lineCounter = new LineCounter();
  /** Why the text cannot be used: syntax errors, duplicate keys, too deep nesting, alias problems. */
  readonly problems: readonly YamlProblem[];
  private readonly value: unknown;

  /** `text` null: the file was not parsed (e.g. too large); positions then point at 1:1. */
  constructor(path: string, text: string | null) {
    this.path = path;
    this.text = text ?? '';
    const parsed = text === null ? { document: null, value: null, problems: [] } : parseYaml(text, this.lineCounter);
    this.document = parsed.document;
    this.value = parsed.value;
    this.problems = parsed.problems;
  }

  /** Plain JS value of the document (null when it has problems); computed once, never throws. */
  toJS(): unknown {
    return this.value;
  }

  /** 1-based line and column of the node at `pointer`, or of the deepest existing ancestor. */
  position(pointer: string, onKey = false): { line: number; col: number } {
    const offset = this.offsetOf(pointer, onKey);
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, col };
  }

  private offsetOf(pointer: string, onKey: boolean): number {
    let node: unknown = this.document?.contents;
    let offset = rangeStart(node) ?? 0;
    const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
    for (const [i, segment] of segments.entries()) {
      const last = i === segments.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment);
        if (!pair) return offset;
        if (last && onKey) return rangeStart(pair.key) ?? offset;
        node = pair.value;
        offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
      } else if (isSeq(node)) {
        node = node.items[Number(segment)];
        if (node === undefined) return offset;
        offset = rangeStart(node) ?? offset;
      } else {
        return offset;
      }
    }
    return offset;
  }
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

const unescapePointer = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');
export const escapePointer = (s: string | number): string => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
export const pointerOf = (...segments: (string | number)[]): string => segments.map((s) => '/' + escapePointer(s)).join('');
