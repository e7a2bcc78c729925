// Rule: every `ref: namespace.function` names an aggregate function; the reference engine refuses to start otherwise
// (naftiko-semantics §6.3). The hint lists the functions that exist.
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { exposedUnits } from '../../load/walk.js';

export function refTargetExists(loaded: LoadedCapability): Diagnostic[] {
  const known = aggregateFunctions(loaded.document?.capability as { aggregates?: unknown } | undefined);
  const diagnostics: Diagnostic[] = [];
  for (const { unit, pointer } of exposedUnits(loaded)) {
    const ref = (unit as { ref?: unknown }).ref;
    if (typeof ref !== 'string' || known.has(ref)) continue;
    diagnostics.push(diagnose(loaded.source, `${pointer}/ref`, 'error', 'CAP_RULE_UNKNOWN_REF', `"${ref}" names no aggregate function`, {
      hint: known.size ? `aggregate functions: ${[...known].join(', ')}` : 'the capability declares no `aggregates`',
    }));
  }
  return diagnostics;
}

/** `namespace.name` of every function of `capability.aggregates`, ignoring entries of the wrong shape. */
function aggregateFunctions(capability: { aggregates?: unknown } | undefined): Set<string> {
  const known = new Set<string>();
  for (const aggregate of Array.isArray(capability?.aggregates) ? capability.aggregates : []) {
    const { namespace, functions } = (aggregate ?? {}) as { namespace?: unknown; functions?: unknown };
    if (typeof namespace !== 'string' || !Array.isArray(functions)) continue;
    for (const f of functions) if (typeof (f as { name?: unknown } | null)?.name === 'string') known.add(`${namespace}.${(f as { name: string }).name}`);
  }
  return known;
}
