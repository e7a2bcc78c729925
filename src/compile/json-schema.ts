// Compiles the JSON Schemas a capability declares (tool and route inputs, MCP output schemas) into ajv validators,
// once per distinct schema: a thousand tools with the same input shape share one validator. Each schema is checked
// against the JSON Schema 2020-12 meta-schema first, as ajv does by default, but with the meta-schema validator the
// build generated (src/generated-code.ts) instead of compiling the large meta-schema in every process.
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { loadGenerated } from '../generated-code.js';

const require = createRequire(import.meta.url);

/** `input`: JSON arguments as sent; `coercing-input`: strings from a URL or headers, coerced; `output`: first error only. */
export type SchemaUse = 'input' | 'coercing-input' | 'output';

// validateSchema: false because checkSchema below does what ajv would do, from generated code.
const base = { strict: false, validateSchema: false } as const;
const instances: Record<SchemaUse, Ajv2020> = {
  input: new Ajv2020({ ...base, allErrors: true }),
  'coercing-input': new Ajv2020({ ...base, allErrors: true, coerceTypes: 'array' }),
  output: new Ajv2020({ ...base, allErrors: false }),
};
for (const ajv of Object.values(instances)) (addFormats as unknown as (a: Ajv2020) => void)(ajv);

export const META_SCHEMA_VALIDATOR = 'json-schema-2020-12';
export const META_SCHEMA_URI = 'https://json-schema.org/draft/2020-12/schema';
/** The generated meta-schema validator depends only on ajv (its code generator and its copy of the meta-schema). */
export const metaSchemaDigest = (): string => `ajv@${(require('ajv/package.json') as { version: string }).version}`;

let metaSchema: ((schema: unknown) => boolean) | undefined;

/** Throws ajv's own "schema is invalid: ..." error for a schema that breaks the meta-schema. */
function checkSchema(schema: Record<string, unknown>): void {
  const ajv = instances.input;
  metaSchema ??= loadGenerated<ValidateFunction>(META_SCHEMA_VALIDATOR, metaSchemaDigest()) ?? ((s) => ajv.validateSchema(s as Record<string, unknown>, true) as boolean);
  if (!metaSchema(schema)) throw new Error(`schema is invalid: ${ajv.errorsText((metaSchema as ValidateFunction).errors)}`);
}

const compiled = new Map<string, ValidateFunction>();

export function compileJsonSchema(schema: Record<string, unknown>, use: SchemaUse): ValidateFunction {
  const key = `${use} ${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (!validate) {
    checkSchema(schema);
    const ajv = instances[use];
    declareFormats(ajv, schema);
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * A `format` ajv does not know (e.g. `phone`) is an annotation, as JSON Schema 2020-12 says: declared as such, it is
 * accepted silently instead of ajv printing "unknown format ... ignored" on the console.
 */
function declareFormats(ajv: Ajv2020, schema: unknown): void {
  if (Array.isArray(schema)) {
    for (const s of schema) declareFormats(ajv, s);
    return;
  }
  if (!schema || typeof schema !== 'object') return;
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'format' && typeof value === 'string' && !ajv.formats[value]) ajv.addFormat(value, true);
    else if (SCHEMA_MAPS.has(keyword) && value && typeof value === 'object') for (const s of Object.values(value)) declareFormats(ajv, s);
    else if (SUBSCHEMAS.has(keyword)) declareFormats(ajv, value);
  }
}

/** Keywords whose value is a schema or a list of schemas, and keywords whose value maps names to schemas. */
const SUBSCHEMAS = new Set(['items', 'prefixItems', 'additionalItems', 'contains', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'not', 'if', 'then', 'else', 'allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
