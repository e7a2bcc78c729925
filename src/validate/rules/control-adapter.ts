// Rule: a capability has at most one control adapter, and its port is not one of its business adapters' ports
// (naftiko-semantics §6.2: the management plane has its own port).
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { pointerOf } from '../../load/source.js';

export function controlAdapter(loaded: LoadedCapability): Diagnostic[] {
  const exposes = Array.isArray(loaded.document?.capability?.exposes) ? loaded.document!.capability!.exposes! : [];
  const diagnostics: Diagnostic[] = [];
  let first: number | undefined;
  exposes.forEach((e, i) => {
    if (e?.type !== 'control') return;
    if (first !== undefined) {
      diagnostics.push(diagnose(loaded.source, pointerOf('capability', 'exposes', i), 'error', 'CAP_RULE_CONTROL_DUPLICATE', `a capability has at most one control adapter; the first is exposes[${first}]`, { hint: 'remove this one' }));
      return;
    }
    first = i;
    const clash = exposes.findIndex((other, j) => j !== i && other?.type !== 'control' && other && 'port' in other && other.port !== undefined && Number(other.port) === Number(e.port));
    if (clash >= 0) {
      const other = exposes[clash]!;
      diagnostics.push(diagnose(loaded.source, pointerOf('capability', 'exposes', i, 'port'), 'error', 'CAP_RULE_CONTROL_PORT', `the control adapter's port ${String(e.port)} is also the port of ${other.type} adapter "${String(other.namespace)}"`, {
        hint: 'give the control adapter a port of its own',
      }));
    }
  });
  return diagnostics;
}
