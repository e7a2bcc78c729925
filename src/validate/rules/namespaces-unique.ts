// Rule: consumes, exposes and bind namespaces are unique within a capability (Spectral naftiko-namespaces-unique).
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { pointerOf } from '../../load/source.js';

export function namespacesUnique(loaded: LoadedCapability): Diagnostic[] {
  const doc = loaded.document;
  const declared: { namespace: string; pointer: string }[] = [];
  (doc?.binds ?? []).forEach((b, i) => declared.push({ namespace: b?.namespace, pointer: pointerOf('binds', i, 'namespace') }));
  // An imported entry's pointer is in the shared file, so its clash is reported at the capability's consumes list.
  loaded.consumes.forEach((c) => declared.push({ namespace: c.value.namespace, pointer: c.source === loaded.source ? `${c.pointer}/namespace` : '/capability/consumes' }));
  (doc?.capability?.exposes ?? []).forEach((e, i) => declared.push({ namespace: e?.namespace ?? '', pointer: pointerOf('capability', 'exposes', i, 'namespace') }));

  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const { namespace, pointer } of declared) {
    if (!namespace) continue;
    if (seen.has(namespace)) {
      diagnostics.push(diagnose(loaded.source, pointer, 'error', 'CAP_RULE_NAMESPACE_CLASH', `namespace "${namespace}" is declared more than once`, {
        hint: 'give each consumes, exposes and binds entry its own namespace (an import can be renamed with `as`)',
      }));
    }
    seen.add(namespace);
  }
  return diagnostics;
}
