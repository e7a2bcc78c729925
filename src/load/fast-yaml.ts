// The fast path of YAML parsing: js-yaml's event parser reads a well-formed file several times faster than the
// `yaml` library does cold (the four shipped files: about 60 ms against 500 ms of CPU), and its events carry source
// offsets, so positions are answered from them. It only vouches for plain documents: anything else (a syntax
// error, a duplicate key, an alias, a tag, a non-scalar key, deep nesting, a BOM or a lone CR) returns undefined
// and the exact path (./parse-yaml.ts) reads the file, so findings and values never depend on which path ran.
// A position the events cannot give exactly as the exact path would (a block scalar, an empty value, an anchored
// node, a key that the core schema reads as a number) is asked of the exact path, parsed on first need.
import { constructFromEvents, CORE_SCHEMA, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, type Event } from 'js-yaml';
import { MAX_NESTING_DEPTH } from './limits.js';
import { lineStarts, positionIn } from './lines.js';
import { pointerSegments, type ParsedYaml, type Positions } from './positions.js';

type ScalarEvent = Extract<Event, { type: typeof EVENT_ID.SCALAR }>;

/** Undefined when the exact path must read `text`; `exact` gives the exact path's positions when a lookup needs them. */
export function parseYamlFast(text: string, exact: () => Positions): ParsedYaml | undefined {
  if (text.charCodeAt(0) === 0xfeff || /\r(?!\n)/.test(text) || text.includes('__proto__')) return undefined;
  let events: Event[];
  let value: unknown;
  try {
    events = parseEvents(text, { maxDepth: MAX_NESTING_DEPTH });
    if (!isPlain(events, text)) return undefined;
    const documents = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, maxAliases: 0 });
    if (documents.length !== 1) return undefined;
    value = documents[0];
  } catch {
    return undefined; // the exact path reports it
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return { value, problems: [], positions: eventPositions(text, events, exact) };
}

/** One document; no alias or tag; scalar keys, unique as written; nesting within MAX_NESTING_DEPTH. */
function isPlain(events: readonly Event[], text: string): boolean {
  // Per open node (the document, then collections): how many children so far, and a mapping's keys as written.
  const stack: { collection: boolean; count: number; keys?: Set<string> }[] = [];
  let documents = 0;
  let depth = 0;
  for (const event of events) {
    const parent = stack[stack.length - 1];
    const isKey = parent?.keys !== undefined && parent.count % 2 === 0;
    if (parent) parent.count++;
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1) return false;
        stack.push({ collection: false, count: 0 });
        break;
      case EVENT_ID.ALIAS:
        return false;
      case EVENT_ID.POP:
        if (stack.pop()?.collection) depth--;
        break;
      case EVENT_ID.SCALAR:
        if (event.tagStart !== -1) return false;
        if (isKey) {
          const key = getScalarValue(text, event);
          if (parent!.keys!.has(key)) return false;
          parent!.keys!.add(key);
        }
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        if (event.tagStart !== -1 || isKey || ++depth > MAX_NESTING_DEPTH) return false;
        stack.push({ collection: true, count: 0, keys: event.type === EVENT_ID.MAPPING ? new Set() : undefined });
        break;
    }
  }
  return documents === 1;
}

/** A node of the position tree; `start` is -1 when the events cannot tell where the exact path would put it. */
interface PositionNode {
  start: number;
  entries?: Map<string, { keyStart: number; value: PositionNode }>;
  /** Some key of this mapping reads as a non-string (`0x1F`, `~`): a lookup that misses it is not sure. */
  unsureKeys?: boolean;
  items?: PositionNode[];
}

/** Positions from the events: the tree is built on the first lookup (most files never need one). */
function eventPositions(text: string, events: readonly Event[], exact: () => Positions): Positions {
  let root: PositionNode | undefined;
  let starts: number[] | undefined;
  let fallback: Positions | undefined;
  return {
    position(pointer, onKey) {
      root ??= positionTree(text, events);
      const offset = offsetOf(root, pointer, onKey);
      if (offset === undefined) return (fallback ??= exact()).position(pointer, onKey);
      return positionIn((starts ??= lineStarts(text)), offset);
    },
  };
}

/** The same walk as the exact path's; undefined where this tree is not sure of the answer. */
function offsetOf(root: PositionNode, pointer: string, onKey: boolean): number | undefined {
  let node = root;
  let offset = node.start;
  if (offset < 0) return undefined;
  const segments = pointerSegments(pointer);
  for (const [i, segment] of segments.entries()) {
    if (node.entries) {
      const entry = node.entries.get(segment);
      if (!entry) return node.unsureKeys ? undefined : offset;
      if (i === segments.length - 1 && onKey) return entry.keyStart < 0 ? undefined : entry.keyStart;
      node = entry.value;
    } else if (node.items) {
      const item = node.items[Number(segment)];
      if (item === undefined) return offset;
      node = item;
    } else {
      return offset;
    }
    if (node.start < 0) return undefined;
    offset = node.start;
  }
  return offset;
}

function positionTree(text: string, events: readonly Event[]): PositionNode {
  const root: PositionNode = { start: -1 };
  const stack: { node: PositionNode; pendingKey?: { text: string | undefined; start: number } }[] = [];
  const attach = (node: PositionNode) => {
    const top = stack[stack.length - 1];
    if (!top) return Object.assign(root, node);
    if (top.node.items) top.node.items.push(node);
    else if (top.pendingKey) {
      if (top.pendingKey.text === undefined) top.node.unsureKeys = true;
      else top.node.entries!.set(top.pendingKey.text, { keyStart: top.pendingKey.start, value: node });
      top.pendingKey = undefined;
    }
    return node;
  };
  for (const event of events) {
    const top = stack[stack.length - 1];
    switch (event.type) {
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const start = event.anchorStart === -1 ? event.start : -1;
        const node = attach(event.type === EVENT_ID.MAPPING ? { start, entries: new Map() } : { start, items: [] });
        stack.push({ node });
        break;
      }
      case EVENT_ID.SCALAR:
        if (top?.node.entries && !top.pendingKey) top.pendingKey = { text: keyText(text, event), start: scalarStart(event) };
        else attach({ start: scalarStart(event) });
        break;
      case EVENT_ID.POP:
        stack.pop();
        break;
    }
  }
  return root;
}

/** Where the exact path's node starts: plain at the text, quoted at the quote; block scalars and empty values: unsure. */
function scalarStart(event: ScalarEvent): number {
  if (event.valueStart < 0 || event.anchorStart !== -1) return -1;
  switch (event.style) {
    case SCALAR_STYLE.PLAIN:
      return event.valueStart;
    case SCALAR_STYLE.SINGLE_QUOTED:
    case SCALAR_STYLE.DOUBLE_QUOTED:
      return event.valueStart - 1;
    default:
      return -1;
  }
}

/** The key as the exact path compares it (String of the core-schema value); undefined when that may differ from the text. */
function keyText(text: string, event: ScalarEvent): string | undefined {
  const key = getScalarValue(text, event);
  if (event.style !== SCALAR_STYLE.PLAIN) return key;
  if (/^(?:0|[1-9][0-9]{0,14})$/.test(key)) return key;
  return key === '' || /^[-+.~0-9]/.test(key) || /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/.test(key) ? undefined : key;
}
