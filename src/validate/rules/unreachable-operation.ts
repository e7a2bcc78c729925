// Rule: two operations with one method on one REST resource; only the first can ever run (seed 000 `/v1/insights`).
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { exposedUnits } from '../../load/walk.js';

export function unreachableOperation(loaded: LoadedCapability): Diagnostic[] {
  const first = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const u of exposedUnits(loaded)) {
    if (u.kind !== 'rest') continue;
    const key = `${u.adapter.namespace} ${String(u.unit.method).toUpperCase()} ${u.resource.path}`;
    const winner = first.get(key);
    if (winner === undefined) first.set(key, u.unit.name ?? '(unnamed)');
    else {
      diagnostics.push(diagnose(loaded.source, u.pointer, 'warning', 'CAP_RULE_UNREACHABLE_OPERATION', `${u.unit.method} ${u.resource.path} is already handled by "${winner}"; "${u.unit.name ?? '(unnamed)'}" is unreachable`, {
        hint: 'give this operation its own path',
      }));
    }
  }
  return diagnostics;
}
