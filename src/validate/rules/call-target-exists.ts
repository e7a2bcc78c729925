// Rule: every `call: ns.op` (of a unit, a step or an aggregate function) names a consumed operation; otherwise say which ones exist.
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { consumedOperations, invocables } from '../../load/walk.js';

export function callTargetExists(loaded: LoadedCapability): Diagnostic[] {
  const known = new Set([...consumedOperations(loaded.consumes)].map((o) => `${o.adapter.namespace}.${o.operation.name}`));
  const diagnostics: Diagnostic[] = [];
  const check = (call: unknown, pointer: string) => {
    if (typeof call !== 'string' || known.has(call)) return;
    const [namespace] = call.split('.');
    const sameNamespace = [...known].filter((k) => k.startsWith(`${namespace}.`));
    const hint = sameNamespace.length
      ? `operations in "${namespace}": ${sameNamespace.map((k) => k.slice(namespace!.length + 1)).join(', ')}`
      : `consumed namespaces: ${[...new Set([...known].map((k) => k.split('.')[0]))].join(', ') || 'none'}`;
    diagnostics.push(diagnose(loaded.source, pointer, 'error', 'CAP_RULE_UNKNOWN_CALL', `"${call}" names no consumed operation`, { hint }));
  };
  for (const { unit, pointer } of invocables(loaded)) {
    check(unit.call, `${pointer}/call`);
    if (!Array.isArray(unit.steps)) continue;
    unit.steps.forEach((step, i) => {
      if (step && step.type === 'call') check(step.call, `${pointer}/steps/${i}/call`);
    });
  }
  return diagnostics;
}
