// Input schemas for exposed units: declared inputParameters, or (when none are declared) derived from `with`, the
// consumed operation's parameters and its template placeholders (naftiko-semantics §5.3 RECOMMENDED). Validators
// are compiled here, once.
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { FieldError } from '../errors/cap-error.js';
import type { InputParameter } from '../spec/capability.js';
import { compileJsonSchema } from './json-schema.js';
import type { RequestInput, RequestTemplate } from './request-template.js';

export interface JsonSchemaObject {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
}

const SCHEMA_KEYWORDS = ['pattern', 'items', 'properties', 'additionalProperties', 'enum', 'format', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'default', 'examples'] as const;

/** From declared parameters. Tools default to required (Naftiko McpToolInputParameter); REST params to optional, path params required. */
export function declaredInputSchema(parameters: readonly InputParameter[], requiredByDefault: boolean): JsonSchemaObject {
  const properties: JsonSchemaObject['properties'] = {};
  const required: string[] = [];
  for (const p of parameters) {
    const property: Record<string, unknown> = {};
    if (p.type) property.type = p.type;
    if (p.description) property.description = p.description;
    for (const k of SCHEMA_KEYWORDS) if (p[k] !== undefined) property[k] = p[k];
    if (p.type === 'array' && property.items === undefined) property.items = {};
    // `required` is the parameter's own flag (Naftiko), so an object's required fields are `requiredProperties`.
    if (p.requiredProperties) property.required = p.requiredProperties;
    properties[p.name] = property;
    if (p.in === 'path' || (p.required ?? requiredByDefault)) required.push(p.name);
  }
  return required.length ? { type: 'object', properties, required } : { type: 'object', properties };
}

/** Derived from `with` references (key → input name) and what the consumed request reads. */
export function derivedInputSchema(request: RequestTemplate | undefined, withInputs: ReadonlyMap<string, string>, withKeys: ReadonlySet<string>): JsonSchemaObject {
  const properties: JsonSchemaObject['properties'] = {};
  const required = new Set<string>();
  const target = request ? `${request.namespace}.${request.operation}` : 'the call';
  const describe = (input: RequestInput | undefined, key: string) =>
    input?.description ?? (input ? `Sent as ${input.in} value "${key}" of ${target}` : `Passed to ${target} as "${key}"`);
  const add = (name: string, input: RequestInput | undefined, key: string) => {
    const property: Record<string, unknown> = {};
    if (input?.type) property.type = input.type;
    if (input?.type === 'array') property.items = {};
    property.description = describe(input, key);
    properties[name] = property;
    if (input?.required) required.add(name);
  };
  for (const [key, name] of withInputs) add(name, request?.inputs.find((i) => i.name === key), key);
  for (const input of request?.inputs ?? []) {
    if (!withKeys.has(input.name) && !properties[input.name]) add(input.name, input, input.name);
  }
  return required.size ? { type: 'object', properties, required: [...required] } : { type: 'object', properties };
}

export type InputValidator = (input: Record<string, unknown>) => FieldError[] | null;

/** REST inputs arrive as strings (path, query, headers), so their validator coerces; MCP arguments are JSON and are not coerced. */
export function compileInputValidator(schema: JsonSchemaObject, coerce: boolean, locations?: ReadonlyMap<string, string>): InputValidator {
  const validate = compileJsonSchema(schema as unknown as Record<string, unknown>, coerce ? 'coercing-input' : 'input');
  return (input) => (validate(input) ? null : (validate.errors ?? []).map((e) => toFieldError(e, locations)));
}

function toFieldError(e: ErrorObject, locations?: ReadonlyMap<string, string>): FieldError {
  const missing = e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : undefined;
  const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const field = missing !== undefined ? [...path, missing].join('.') : path.join('.');
  const top = missing !== undefined && path.length === 0 ? missing : path[0];
  const message = missing !== undefined ? 'is required' : (e.message ?? 'is invalid') + (e.keyword === 'enum' ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '');
  const where = top !== undefined ? locations?.get(top) : undefined;
  return where ? { field, in: where, message } : { field, message };
}
