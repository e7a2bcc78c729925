// YAML text → document, with every problem as a positioned finding and nothing thrown: syntax errors (the first one
// and those independent of it), duplicate keys, too deep nesting, unresolved aliases and alias bombs. Linear in the
// size of the text: the parser stops after MAX_SYNTAX_ERRORS, duplicate keys are found with one Set per mapping.
// This is the exact path, built on the `yaml` library (loaded on first use); most files never reach it because the
// fast parser (./fast-yaml.ts) reads them first and hands over only what it cannot vouch for.
import type { CST, Document, LineCounter, Node } from 'yaml';
import { parseYamlFast } from './fast-yaml.js';
import { MAX_ALIAS_COUNT, MAX_NESTING_DEPTH, MAX_RECOVERY_BYTES, MAX_REPORTED_SYNTAX_ERRORS, MAX_SYNTAX_ERRORS } from './limits.js';
import { lineStarts, positionIn } from './lines.js';
import { pointerSegments, type ParsedYaml, type Positions, type YamlProblem } from './positions.js';
import { yamlLib } from './yaml-lib.js';

/** Text → value, problems and positions: the fast parser when it can vouch for the result, else the exact path. */
export function parseYaml(text: string): ParsedYaml {
  return parseYamlFast(text, () => exactParse(text).positions) ?? exactParse(text);
}

const OPTIONS = { prettyErrors: false, uniqueKeys: false, logLevel: 'error' } as const;

interface Composed {
  document: Document | null;
  errors: { offset: number; message: string }[];
  /** More than MAX_SYNTAX_ERRORS: the rest of the text was not read. */
  gaveUp: boolean;
}

/** parseDocument with a bound on the number of errors kept and on the tokens read after too many errors. */
function compose(text: string, lineCounter?: LineCounter): Composed {
  const tokens: CST.Token[] = [];
  let errorTokens = 0;
  let gaveUp = false;
  const { Composer, Parser } = yamlLib();
  for (const token of new Parser(lineCounter?.addNewLine).parse(text)) {
    tokens.push(token);
    if (token.type === 'error' && ++errorTokens > MAX_SYNTAX_ERRORS) {
      gaveUp = true;
      break;
    }
  }
  const errors: { offset: number; message: string }[] = [];
  const composer = new Composer(OPTIONS);
  // Keep the first errors only: one broken construct can make the composer report an error per token.
  (composer as unknown as { onError: (source: unknown, code: string, message: string, warning?: boolean) => void }).onError = (source, _code, message, warning) => {
    if (!warning && errors.length < MAX_SYNTAX_ERRORS) errors.push({ offset: offsetOf(source), message: /call stack/i.test(message) ? 'nesting is too deep to parse' : message });
  };
  let document: Document | null = null;
  for (const doc of composer.compose(tokens, true, text.length)) {
    if (!document) document = doc;
    else {
      errors.push({ offset: doc.range[0], message: 'the file holds more than one YAML document (a second `---`)' });
      break;
    }
  }
  // Unexpected top-level tokens are added to the document's errors directly, not through onError.
  for (const e of document?.errors ?? []) errors.push({ offset: e.pos[0], message: e.message });
  errors.sort((a, b) => a.offset - b.offset);
  if (gaveUp && errors.length === 0) errors.push({ offset: 0, message: `over ${MAX_SYNTAX_ERRORS} syntax errors` });
  return { document: gaveUp ? null : document, errors, gaveUp };
}

const offsetOf = (source: unknown): number =>
  typeof source === 'number' ? source : Array.isArray(source) ? Number(source[0]) : Number((source as { offset?: number } | null)?.offset ?? 0);

/** The exact path: the `yaml` library's parser and composer, every problem positioned. */
export function exactParse(text: string): ParsedYaml {
  const lineCounter = new (yamlLib().LineCounter)();
  const first = compose(text, lineCounter);
  const positions = documentPositions(first.document, lineCounter);
  if (first.errors.length > 0) {
    const at = (offset: number) => lineCounter.linePos(offset);
    if (text.length <= MAX_RECOVERY_BYTES) return { positions, value: null, problems: independentSyntaxErrors(text, first, at) };
    // Too large to re-parse once per error: the first error only, and how far the parser got.
    const problems = [syntax(at(first.errors[0]!.offset), first.errors[0]!.message)];
    if (first.errors.length > 1) problems.push(syntax(problems[0]!, `${first.gaveUp ? `over ${MAX_SYNTAX_ERRORS}` : first.errors.length - 1} more syntax errors follow (probably caused by this one); fix it first`));
    return { positions, value: null, problems };
  }
  const document = first.document!;
  const problems = structureProblems(document, lineCounter);
  if (problems.length > 0) return { positions, value: null, problems };
  try {
    return { positions, value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), problems: [] };
  } catch (err) {
    return { positions, value: null, problems: aliasProblems(document, lineCounter, err as Error) };
  }
}

/** Positions over the `yaml` Document: walk the pointer through its maps and sequences. */
function documentPositions(document: Document | null, lineCounter: LineCounter): Positions {
  const { isMap, isPair, isScalar, isSeq } = yamlLib();
  const offsetOf = (pointer: string, onKey: boolean): number => {
    let node: unknown = document?.contents;
    let offset = rangeStart(node) ?? 0;
    const segments = pointerSegments(pointer);
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
  };
  return {
    position(pointer, onKey) {
      const { line, col } = lineCounter.linePos(offsetOf(pointer, onKey));
      return { line, col };
    },
  };
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

const syntax = (pos: { line: number; col: number }, message: string): YamlProblem => ({ kind: 'syntax', ...pos, message: message.split('\n')[0]! });

/**
 * The first syntax error, then each later one that survives when the lines of the earlier ones are neutralised
 * (a broken line becomes `key: ~`): an unclosed `[` reports one error, not one per following token.
 */
function independentSyntaxErrors(text: string, first: Composed, at: (offset: number) => { line: number; col: number }): YamlProblem[] {
  const lines = text.split('\n');
  const reported: YamlProblem[] = [];
  let errors = first.errors;
  let position = at;
  let current = text;
  while (errors.length > 0 && reported.length < MAX_REPORTED_SYNTAX_ERRORS) {
    const reportedAt = position(errors[0]!.offset);
    const pos = position(whereItStarts(current, errors[0]!.offset, errors[0]!.message));
    if (reported.length > 0 && pos.line <= reported[reported.length - 1]!.line) break; // neutralising did not help
    reported.push(syntax(pos, errors[0]!.message));
    // Neutralise the broken construct: from where it opened to where the parser noticed (a few lines at most).
    const last = reportedAt.line - pos.line <= 3 ? reportedAt.line : pos.line;
    for (let line = pos.line; line <= last; line++) neutralise(lines, line - 1);
    current = lines.join('\n');
    const starts = lineStarts(current);
    position = (offset) => positionIn(starts, offset);
    errors = compose(current).errors;
  }
  if (errors.length > 0 && reported.length === MAX_REPORTED_SYNTAX_ERRORS) {
    const last = reported[reported.length - 1]!;
    reported.push(syntax({ line: last.line, col: last.col }, `more syntax errors follow line ${last.line}; fix these first`));
  }
  return reported;
}

/**
 * The parser reports an unclosed bracket or quote where it gave up (often the next line or the end of the file);
 * the author needs the place it was opened.
 */
function whereItStarts(text: string, offset: number, message: string): number {
  if (/closing "quote/.test(message)) return Math.max(0, text.lastIndexOf('"', offset - 1));
  if (/closing 'quote/.test(message)) return Math.max(0, text.lastIndexOf("'", offset - 1));
  const flow = /flow (sequence|mapping)/i.exec(message);
  if (!flow) return offset;
  const [open, close] = flow[1]!.toLowerCase() === 'sequence' ? ['[', ']'] : ['{', '}'];
  let depth = 0;
  for (let i = Math.min(offset, text.length - 1); i >= 0 && offset - i < 100_000; i--) {
    if (text[i] === close) depth++;
    else if (text[i] === open && depth-- === 0) return i;
  }
  return offset;
}

/** Replaces a broken line by `key: ~` (or `- ~`), keeping its indentation, so the lines around it still parse. */
function neutralise(lines: string[], index: number): void {
  if (index < 0 || index >= lines.length) return;
  const m = /^(\s*(?:-\s+)*)([\w$.-]+\s*:(?=\s|$))?/.exec(lines[index]!)!;
  const indent = m[1]!.replace(/\t/g, ' ');
  lines[index] = m[2] ? `${indent}${m[2]} ~` : `${indent}${m[1]!.includes('-') ? '~' : '_: ~'}`;
}

/** Duplicate keys and too deep nesting, in one iterative walk (no recursion: depth is what is being checked). */
function structureProblems(document: Document, lineCounter: LineCounter): YamlProblem[] {
  const { isMap, isPair, isScalar, isSeq } = yamlLib();
  const problems: YamlProblem[] = [];
  const stack: [unknown, number][] = [[document.contents, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_NESTING_DEPTH) {
      problems.push({ kind: 'structure', ...lineCounter.linePos(node.range?.[0] ?? 0), message: `nesting is deeper than ${MAX_NESTING_DEPTH} levels` });
      break;
    }
    if (isMap(node)) {
      const keys = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (keys.has(key)) problems.push({ kind: 'structure', ...lineCounter.linePos(pair.key.range?.[0] ?? 0), message: `duplicate key "${key.slice(0, 80)}" (a mapping's keys must be unique)` });
          keys.add(key);
        }
        stack.push([pair.key, depth + 1], [pair.value, depth + 1]);
      }
    } else for (const item of node.items) stack.push([item, depth + 1]);
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** toJS failed: an alias names no anchor before it, or aliases expand to too many nodes. */
function aliasProblems(document: Document, lineCounter: LineCounter, err: Error): YamlProblem[] {
  const { isAlias, isMap, isSeq } = yamlLib();
  const aliases: Node[] = [];
  const stack: unknown[] = [document.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) aliases.push(node);
    else if (isMap(node)) for (const pair of node.items) stack.push(pair.key, pair.value);
    else if (isSeq(node)) stack.push(...node.items);
  }
  aliases.sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0));
  const at = (node: Node | undefined) => lineCounter.linePos(node?.range?.[0] ?? 0);
  if (/unresolved alias/i.test(err.message)) {
    const anchors = new Map<string, number>();
    const problems: YamlProblem[] = [];
    // An alias resolves to an anchor defined before it: collect anchors in document order, then check each alias.
    const nodes: Node[] = [];
    const walk: unknown[] = [document.contents];
    while (walk.length > 0) {
      const node = walk.pop();
      if (!node || typeof node !== 'object') continue;
      nodes.push(node as Node);
      if (isMap(node)) for (let i = node.items.length - 1; i >= 0; i--) walk.push(node.items[i]!.value, node.items[i]!.key);
      else if (isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) walk.push(node.items[i]);
    }
    for (const node of nodes.sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0))) {
      const anchor = (node as { anchor?: string }).anchor;
      if (anchor && !isAlias(node)) anchors.set(anchor, node.range?.[0] ?? 0);
      if (isAlias(node) && !anchors.has(node.source)) {
        problems.push({ kind: 'structure', ...at(node), message: `unresolved alias *${node.source}: no anchor &${node.source} is defined before it` });
      }
    }
    if (problems.length > 0) return problems;
  }
  if (/excessive alias count/i.test(err.message)) {
    return [{ kind: 'structure', ...at(aliases[0]), message: `aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} alias expansions; a "billion laughs" document?)` }];
  }
  return [{ kind: 'structure', ...at(aliases[0]), message: `cannot read the YAML: ${err.message.split('\n')[0]}` }];
}
