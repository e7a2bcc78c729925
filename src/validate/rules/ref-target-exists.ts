// Rule: every `ref: ns.fn` names an aggregate function, and no function is declared twice (naftiko-semantics §6.3).
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { aggregateFunctions, exposedUnits } from '../../load/walk.js';

export function refTargetExists(loaded: LoadedCapability): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const known = new Set<string>();
  for (const { ref, pointer } of aggregateFunctions(loaded)) {
    if (known.has(ref)) {
      diagnostics.push(diagnose(loaded.source, `${pointer}/name`, 'error', 'CAP_RULE_DUPLICATE_FUNCTION', `aggregate function "${ref}" is declared more than once`, {
        hint: 'give each function of an aggregate its own name',
      }));
    }
    known.add(ref);
  }
  for (const { unit, pointer } of exposedUnits(loaded)) {
    if (unit.ref === undefined || known.has(String(unit.ref))) continue;
    diagnostics.push(diagnose(loaded.source, `${pointer}/ref`, 'error', 'CAP_RULE_UNKNOWN_REF', `ref "${String(unit.ref)}" names no aggregate function`, {
      hint: known.size ? `available refs: ${[...known].join(', ')}` : 'declare the function under capability.aggregates (namespace + functions)',
    }));
  }
  return diagnostics;
}
