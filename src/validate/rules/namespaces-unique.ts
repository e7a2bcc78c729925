// Rule: consumes, exposes and bind namespaces are unique within a capability (Spectral naftiko-namespaces-unique).
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { isRecord, records, text } from '../../load/shape.js';
import { pointerOf } from '../../load/source.js';

export function namespacesUnique(loaded: LoadedCapability): Diagnostic[] {
  const doc = loaded.document;
  const declared: { namespace: string; pointer: string }[] = [];
  for (const [i, b] of records(doc?.binds)) declared.push({ namespace: text(b.namespace) ?? '', pointer: pointerOf('binds', i, 'namespace') });
  // An imported entry's pointer is in the shared file, so its clash is reported at the capability's consumes list.
  loaded.consumes.forEach((c) => declared.push({ namespace: text(c.value?.namespace) ?? '', pointer: c.source === loaded.source ? `${c.pointer}/namespace` : '/capability/consumes' }));
  const capability = isRecord(doc?.capability) ? doc.capability : {};
  for (const [i, e] of records(capability.exposes)) declared.push({ namespace: text(e.namespace) ?? '', pointer: pointerOf('capability', 'exposes', i, 'namespace') });

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
