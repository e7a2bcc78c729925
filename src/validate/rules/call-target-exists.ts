// Rule: every `call: ns.op` names a consumed operation; otherwise say which ones exist.
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { consumedOperations, exposedUnits } from '../../load/walk.js';

export function callTargetExists(loaded: LoadedCapability): Diagnostic[] {
  const known = new Set([...consumedOperations(loaded.consumes)].map((o) => `${o.adapter.namespace}.${o.operation.name}`));
  const diagnostics: Diagnostic[] = [];
  for (const { unit, pointer } of exposedUnits(loaded)) {
    if (typeof unit.call !== 'string' || known.has(unit.call)) continue;
    const [namespace] = unit.call.split('.');
    const sameNamespace = [...known].filter((k) => k.startsWith(`${namespace}.`));
    const hint = sameNamespace.length
      ? `operations in "${namespace}": ${sameNamespace.map((k) => k.slice(namespace!.length + 1)).join(', ')}`
      : `consumed namespaces: ${[...new Set([...known].map((k) => k.split('.')[0]))].join(', ') || 'none'}`;
    diagnostics.push(diagnose(loaded.source, `${pointer}/call`, 'error', 'CAP_RULE_UNKNOWN_CALL', `"${unit.call}" names no consumed operation`, { hint }));
  }
  return diagnostics;
}
