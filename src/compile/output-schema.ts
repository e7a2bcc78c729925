// outputParameters → the MCP tool's `outputSchema` (JSON Schema 2020-12) and a validator for the mapped result,
// both built once. Only outputs that always map to a JSON object get one (MCP wants an object at the root):
// a single object output with `properties`, whose mapper fills every property (null when the path finds nothing).
import type { OutputParameter } from '../spec/capability.js';
import { compileJsonSchema } from './json-schema.js';

export type JsonSchema = Record<string, unknown>;

export interface CompiledOutputSchema {
  readonly schema: JsonSchema;
  /** True when the mapped value conforms (checked before it is sent as structuredContent). */
  conforms(value: unknown): boolean;
}

export function compileOutputSchema(outputs: readonly OutputParameter[] | undefined): CompiledOutputSchema | undefined {
  const usable = (outputs ?? []).filter((o) => o && (o.in === undefined || o.in === 'body'));
  if (usable.length !== 1) return undefined;
  const [output] = usable as [OutputParameter];
  if ((output.type ?? 'object') !== 'object' || !output.properties || output.value !== undefined) return undefined;
  const schema = objectSchema(output.properties);
  const validate = compileJsonSchema(schema, 'output');
  return { schema, conforms: (value) => validate(value) };
}

function objectSchema(properties: Record<string, OutputParameter>): JsonSchema {
  const schema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(Object.entries(properties).map(([name, p]) => [name, propertySchema(p)])),
    // The mapper always writes every declared property (null when nothing was found).
    required: Object.keys(properties),
  };
  return schema;
}

/** A property may always be null: a JSONPath that finds nothing yields null (naftiko-semantics §4.4). */
function propertySchema(p: OutputParameter | undefined): JsonSchema {
  if (!p) return {};
  if (p.value !== undefined && !(typeof p.value === 'string' && p.value.startsWith('$'))) return withDescription({ const: constantOf(p) }, p);
  const type = p.type ?? (p.properties ? 'object' : undefined);
  if (type === 'object' && p.properties) {
    const nested = objectSchema(p.properties);
    return withDescription({ anyOf: [nested, { type: 'null' }] }, p);
  }
  if (type === 'array') {
    const items = p.items ? itemSchema(p.items) : {};
    return withDescription({ type: ['array', 'null'], items }, p);
  }
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return withDescription({ type: [type, 'null'] }, p);
  return withDescription({}, p);
}

/** Array elements: mapped objects, a single mapped value (null when absent), or the element as is. */
function itemSchema(item: OutputParameter): JsonSchema {
  if (item.properties) return objectSchema(item.properties);
  return {};
}

function constantOf(p: OutputParameter): unknown {
  return p.value ?? null;
}

function withDescription(schema: JsonSchema, p: OutputParameter): JsonSchema {
  const description = (p as { description?: string }).description;
  return description ? { ...schema, description } : schema;
}
