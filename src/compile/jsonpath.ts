// JSONPath expressions checked and pre-parsed once. Definite paths ($.a.b[0]) are walked directly;
// others (wildcards, filters, recursion) go to jsonpath-plus with the pre-parsed path and return all matches.
import { JSONPath } from 'jsonpath-plus';

export type Extractor = (value: unknown) => unknown;

const DEFINITE = /^\$(?:\.[A-Za-z_$][\w$-]*|\[\d+\]|\['[^']*'\]|\["[^"]*"\])*$/;
const SEGMENT = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;

export function compileJsonPath(expression: string): Extractor {
  const expr = expression.trim() === '$.' ? '$' : expression.trim();
  if (!expr.startsWith('$')) throw new Error(`JSONPath ${JSON.stringify(expression)} must start with $`);
  if (DEFINITE.test(expr)) {
    const segments = [...expr.matchAll(SEGMENT)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4])!));
    return (value) => {
      let current = value;
      for (const segment of segments) {
        if (current === null || typeof current !== 'object') return undefined;
        current = (current as Record<string | number, unknown>)[segment];
      }
      return current;
    };
  }
  const path = JSONPath.toPathArray(expr).slice();
  if (path.length === 0) throw new Error(`JSONPath ${JSON.stringify(expression)} is empty`);
  JSONPath({ path: expr, json: {}, wrap: true }); // throws on a syntax error, at load time
  for (const segment of path) checkScript(expression, segment);
  return (value) => {
    if (value === null || typeof value !== 'object') return undefined;
    const found = JSONPath({ path: path as unknown as string, json: value as object, wrap: true }) as unknown[];
    return found.length === 0 ? undefined : found;
  };
}

interface ScriptClass {
  new (code: string): unknown;
}
// jsonpath-plus parses filter scripts only when it first evaluates them (on a response); parse them now instead.
const SafeScript = (JSONPath as unknown as { prototype: { safeVm: { Script: ScriptClass } } }).prototype.safeVm.Script;

/** A `?(…)` filter or `(…)` script segment must be a complete expression in jsonpath-plus's safe evaluator. */
function checkScript(expression: string, segment: unknown): void {
  if (typeof segment !== 'string' || !(segment.startsWith('?(') || segment.startsWith('('))) return;
  if (!segment.endsWith(')')) throw new Error(`JSONPath ${JSON.stringify(expression)}: the filter ${segment} is not closed with ")]"`);
  const code = (segment.startsWith('?') ? segment.slice(2, -1) : segment.slice(1, -1))
    .replaceAll('@parentProperty', '_$_parentProperty')
    .replaceAll('@parent', '_$_parent')
    .replaceAll('@property', '_$_property')
    .replaceAll('@root', '_$_root')
    .replaceAll('@path', '_$_path')
    .replaceAll(/@([.\s)[])/gu, '_$_v$1')
    .replaceAll(/@$/gu, '_$_v');
  try {
    new SafeScript(code);
  } catch (err) {
    throw new Error(`JSONPath ${JSON.stringify(expression)}: invalid filter ${segment}: ${(err as Error).message}`);
  }
}
