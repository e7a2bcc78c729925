// Rule: a REST resource's `forward.targetNamespace` names a consumed adapter (the reference answers 404 instead).
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { isRecord, records } from '../../load/shape.js';
import { pointerOf } from '../../load/source.js';

export function forwardTargetExists(loaded: LoadedCapability): Diagnostic[] {
  const consumed = loaded.consumes.map((c) => c.value.namespace);
  const diagnostics: Diagnostic[] = [];
  for (const [a, adapter] of records<{ type?: unknown; resources?: unknown }>(loaded.document?.capability?.exposes)) {
    if (adapter.type !== 'rest') continue;
    for (const [r, resource] of records<{ forward?: { targetNamespace?: unknown } }>(adapter.resources)) {
      const target = isRecord(resource.forward) ? resource.forward.targetNamespace : undefined;
      if (target === undefined || consumed.includes(target as string)) continue;
      diagnostics.push(diagnose(loaded.source, pointerOf('capability', 'exposes', a, 'resources', r, 'forward', 'targetNamespace'), 'error', 'CAP_RULE_UNKNOWN_FORWARD', `forward target "${String(target)}" names no consumed adapter`, {
        hint: `consumed namespaces: ${consumed.join(', ') || 'none'}`,
      }));
    }
  }
  return diagnostics;
}
