// SourceFile: one YAML file with its parsed document and line counter, so any JSON pointer maps to line:col.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export class SourceFile {
  readonly path: string;
  readonly text: string;
  readonly document: Document;
  readonly lineCounter = new LineCounter();

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
    this.document = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
  }

  /** Plain JS value of the document (null when it does not parse). */
  toJS(): unknown {
    return this.document.errors.length > 0 ? null : this.document.toJS({ maxAliasCount: 100 });
  }

  /** 1-based line and column of the node at `pointer`, or of the deepest existing ancestor. */
  position(pointer: string, onKey = false): { line: number; col: number } {
    const offset = this.offsetOf(pointer, onKey);
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, col };
  }

  private offsetOf(pointer: string, onKey: boolean): number {
    let node: unknown = this.document.contents;
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
