// Validate stage: JSON Schema plus the semantic rules the schema cannot express → Diagnostic[].
import type { Diagnostic } from '../errors/diagnostic.js';
import type { LoadedCapability } from '../load/load.js';
import { bindNameAsLiteral } from './rules/bind-name-as-literal.js';
import { callTargetExists } from './rules/call-target-exists.js';
import { consumedAdapterShape } from './rules/consumed-adapter-shape.js';
import { controlAdapter } from './rules/control-adapter.js';
import { credentialsFromBinds } from './rules/credentials-from-binds.js';
import { forwardTargetExists } from './rules/forward-target-exists.js';
import { namespacesUnique } from './rules/namespaces-unique.js';
import { outputJsonPathValid } from './rules/output-jsonpath-valid.js';
import { pathParameterInPath } from './rules/path-parameter-in-path.js';
import { refTargetExists } from './rules/ref-target-exists.js';
import { skillTools } from './rules/skill-tools.js';
import { unreachableOperation } from './rules/unreachable-operation.js';
import { validateSchema } from './schema.js';

const RULES = [callTargetExists, refTargetExists, forwardTargetExists, unreachableOperation, pathParameterInPath, namespacesUnique, credentialsFromBinds, skillTools, controlAdapter, outputJsonPathValid, consumedAdapterShape, bindNameAsLiteral];

export function validateCapability(loaded: LoadedCapability, options: { strict?: boolean } = {}): Diagnostic[] {
  if (!loaded.document) return [];
  return [...validateSchema(loaded.source, loaded.document as unknown as Record<string, unknown>, options.strict ?? false), ...RULES.flatMap((rule) => rule(loaded))];
}
