// Rule: a consumed credential or adapter-level parameter whose whole value is the name of a bound variable, without
// braces (`token: "REGISTRY_TOKEN"`, as the shipyard tutorial's step-11 shared file writes it), is sent as that text,
// as the reference engine does. It almost always means `{{REGISTRY_TOKEN}}`: a warning says so, the file still loads.
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';

const CREDENTIAL_FIELDS = ['token', 'key', 'value', 'username', 'password', 'clientId', 'clientSecret'];

export function bindNameAsLiteral(loaded: LoadedCapability): Diagnostic[] {
  if (!loaded.document?.capability) return [];
  const variables = boundVariables(loaded);
  if (variables.size === 0) return [];
  const diagnostics: Diagnostic[] = [];
  const check = (value: unknown, where: string, source: LoadedCapability['source'], what: string) => {
    if (typeof value !== 'string' || !variables.has(value.trim())) return;
    const name = value.trim();
    diagnostics.push(diagnose(source, where, 'warning', 'CAP_RULE_BIND_NAME_LITERAL', `${what} is the text "${name}", the name of a bound variable; it is sent as written, not the bound value`, {
      hint: `write "{{${name}}}" to send the value of the bound variable`,
    }));
  };
  for (const { value: adapter, source, pointer } of loaded.consumes) {
    const auth = adapter.authentication as Record<string, unknown> | undefined;
    if (auth && typeof auth === 'object') {
      for (const field of CREDENTIAL_FIELDS) check(auth[field], `${pointer}/authentication/${field}`, source, `${field} in the authentication of "${adapter.namespace}"`);
    }
    const parameters = Array.isArray(adapter.inputParameters) ? adapter.inputParameters : [];
    parameters.forEach((p, i) => {
      if (p && typeof p === 'object') check(p.value, `${pointer}/inputParameters/${i}/value`, source, `adapter-level parameter "${String(p.name)}" of "${adapter.namespace}"`);
    });
  }
  return diagnostics;
}

function boundVariables(loaded: LoadedCapability): Set<string> {
  const names = new Set<string>();
  for (const bind of Array.isArray(loaded.document?.binds) ? loaded.document.binds : []) {
    if (bind && typeof bind.keys === 'object' && bind.keys !== null) for (const variable of Object.keys(bind.keys)) names.add(variable);
  }
  return names;
}
