// Rule: a consumed `in: path` parameter must appear in its resource path (seed 004 `get-customer` does not).
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { records } from '../../load/shape.js';
import { consumedOperations, pathPlaceholders } from '../../load/walk.js';
import type { ConsumedInputParameter } from '../../spec/capability.js';

export function pathParameterInPath(loaded: LoadedCapability): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const { resource, operation, source, pointer } of consumedOperations(loaded.consumes)) {
    const placeholders = new Set(pathPlaceholders(String(resource.path ?? '')));
    for (const [i, p] of records<ConsumedInputParameter>(operation.inputParameters)) {
      if (p.in === 'path' && typeof p.name === 'string' && !placeholders.has(p.name)) {
        diagnostics.push(diagnose(source, `${pointer}/inputParameters/${i}`, 'warning', 'CAP_RULE_PATH_PARAMETER_UNUSED', `path parameter "${p.name}" does not appear in the path ${resource.path}; its value is not sent`, {
          hint: `add {${p.name}} to the resource path`,
        }));
      }
    }
  }
  return diagnostics;
}
