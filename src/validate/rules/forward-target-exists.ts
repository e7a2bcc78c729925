// Rule: a REST resource's `forward.targetNamespace` names a consumed adapter (the reference answers 404 instead).
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { pointerOf } from '../../load/source.js';

export function forwardTargetExists(loaded: LoadedCapability): Diagnostic[] {
  const consumed = loaded.consumes.map((c) => c.value.namespace);
  const diagnostics: Diagnostic[] = [];
  (loaded.document?.capability?.exposes ?? []).forEach((adapter, a) => {
    if (adapter?.type !== 'rest' || !Array.isArray(adapter.resources)) return;
    adapter.resources.forEach((resource, r) => {
      const target = resource?.forward?.targetNamespace;
      if (target === undefined || consumed.includes(target)) return;
      diagnostics.push(diagnose(loaded.source, pointerOf('capability', 'exposes', a, 'resources', r, 'forward', 'targetNamespace'), 'error', 'CAP_RULE_UNKNOWN_FORWARD', `forward target "${String(target)}" names no consumed adapter`, {
        hint: `consumed namespaces: ${consumed.join(', ') || 'none'}`,
      }));
    });
  });
  return diagnostics;
}
