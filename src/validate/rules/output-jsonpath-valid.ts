// Rule: every JSONPath in an exposed unit's outputParameters compiles (with its filters), so a typo fails `validate`
// instead of every call at request time. Uses the compile stage's own parser so the two cannot disagree.
import { compileJsonPath } from '../../compile/jsonpath.js';
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { isRecord, records } from '../../load/shape.js';
import { escapePointer } from '../../load/source.js';
import { exposedUnits } from '../../load/walk.js';

export function outputJsonPathValid(loaded: LoadedCapability): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const check = (output: Record<string, unknown>, pointer: string, depth: number): void => {
    if (depth > 32) return;
    for (const field of ['mapping', 'value'] as const) {
      const expression = output[field];
      if (typeof expression !== 'string' || !(field === 'mapping' || expression.startsWith('$'))) continue;
      try {
        compileJsonPath(expression);
      } catch (err) {
        diagnostics.push(diagnose(loaded.source, `${pointer}/${field}`, 'error', 'CAP_RULE_INVALID_JSONPATH', (err as Error).message, {
          hint: 'a JSONPath starts with $, e.g. $.data.items[*].id or $.items[?(@.active == true)]',
        }));
      }
    }
    if (isRecord(output.properties)) {
      for (const [name, nested] of Object.entries(output.properties)) if (isRecord(nested)) check(nested, `${pointer}/properties/${escapePointer(name)}`, depth + 1);
    }
    for (const field of ['items', 'values'] as const) if (isRecord(output[field])) check(output[field] as Record<string, unknown>, `${pointer}/${field}`, depth + 1);
  };
  for (const { unit, pointer } of exposedUnits(loaded)) {
    for (const [i, output] of records(unit.outputParameters)) check(output, `${pointer}/outputParameters/${i}`, 0);
  }
  return diagnostics;
}
