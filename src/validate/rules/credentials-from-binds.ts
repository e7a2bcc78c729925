// Rule: consumed credentials, adapter-level parameters and the credentials an exposed adapter checks take their values
// from binds only. A placeholder there that no bind declares would otherwise fall through to caller input, letting a
// caller choose the vendor credential (or the token it is checked against).
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { placeholderNames } from '../../load/walk.js';

const CREDENTIAL_FIELDS = ['token', 'key', 'value', 'username', 'password', 'clientId', 'clientSecret'];

export function credentialsFromBinds(loaded: LoadedCapability): Diagnostic[] {
  // A shared consumes document has no binds of its own: its placeholders are checked in each capability importing it.
  if (!loaded.document?.capability) return [];
  const bound = boundNames(loaded);
  const hint = 'declare it under `binds` (an environment variable or a key of a file: location), e.g. binds: [{namespace: env, keys: {NAME: NAME}}]';
  const diagnostics: Diagnostic[] = [];
  for (const { value: adapter, source, pointer } of loaded.consumes) {
    const auth = adapter.authentication as Record<string, unknown> | undefined;
    if (auth && typeof auth === 'object') {
      for (const field of CREDENTIAL_FIELDS) {
        for (const name of placeholderNames(auth[field])) {
          if (bound.has(name)) continue;
          diagnostics.push(diagnose(source, `${pointer}/authentication/${field}`, 'error', 'CAP_RULE_UNBOUND_CREDENTIAL', `{{${name}}} in the authentication of "${adapter.namespace}" is not a bound variable; credentials come from binds only`, { hint }));
        }
      }
    }
    const parameters = Array.isArray(adapter.inputParameters) ? adapter.inputParameters : [];
    parameters.forEach((p, i) => {
      if (!p || typeof p !== 'object') return;
      const at = `${pointer}/inputParameters/${i}`;
      if (p.value === undefined) {
        diagnostics.push(diagnose(source, at, 'error', 'CAP_RULE_UNBOUND_CREDENTIAL', `adapter-level parameter "${String(p.name)}" of "${adapter.namespace}" has no value; it is sent with every call and cannot take caller input`, {
          hint: 'give it a `value` (a constant or a bound {{VARIABLE}}), or declare it on the operations that take it from the caller',
        }));
        return;
      }
      for (const name of placeholderNames(p.value)) {
        if (bound.has(name)) continue;
        diagnostics.push(diagnose(source, `${at}/value`, 'error', 'CAP_RULE_UNBOUND_CREDENTIAL', `{{${name}}} in adapter-level parameter "${String(p.name)}" of "${adapter.namespace}" is not a bound variable; adapter-level values come from binds only`, { hint }));
      }
    });
  }
  const exposes = loaded.document?.capability?.exposes;
  (Array.isArray(exposes) ? exposes : []).forEach((adapter, a) => {
    const auth = adapter && typeof adapter === 'object' ? (adapter.authentication as Record<string, unknown> | undefined) : undefined;
    if (!auth || typeof auth !== 'object') return;
    for (const field of CREDENTIAL_FIELDS) {
      for (const name of placeholderNames(auth[field])) {
        if (bound.has(name)) continue;
        diagnostics.push(diagnose(loaded.source, `/capability/exposes/${a}/authentication/${field}`, 'error', 'CAP_RULE_UNBOUND_CREDENTIAL', `{{${name}}} in the authentication of exposed adapter "${String(adapter.namespace)}" is not a bound variable; the credentials it checks come from binds only`, { hint }));
      }
    }
  });
  return diagnostics;
}

/** VAR, <bindNamespace>.VAR and env.VAR for every declared bind key (naftiko-semantics §2.4). */
function boundNames(loaded: LoadedCapability): Set<string> {
  const names = new Set<string>();
  const binds = Array.isArray(loaded.document?.binds) ? loaded.document.binds : [];
  for (const bind of binds) {
    if (!bind || typeof bind.keys !== 'object' || bind.keys === null) continue;
    for (const variable of Object.keys(bind.keys)) {
      names.add(variable);
      names.add(`env.${variable}`);
      if (typeof bind.namespace === 'string') names.add(`${bind.namespace}.${variable}`);
    }
  }
  return names;
}
