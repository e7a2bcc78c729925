// Compiles the JSON Schemas a capability declares (tool and route inputs, MCP output schemas) into ajv validators.
// What can be wrong with a schema is found at load time, as before: the JSON Schema 2020-12 meta-schema check (with
// the validator the build generated, src/generated-code.ts, instead of compiling the large meta-schema in every
// process) and the regular expressions. ajv's code generation itself (about a millisecond per schema) runs on the
// first call of the unit and is cached, so a capability with a thousand tools loads in well under a second; schemas
// with references are compiled at once, since only ajv resolves them. Identical schemas share one validator.
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

/** A validator with ajv's interface: call it, then read `errors`. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ValidateFunction['errors'];
}

/** Shared validators by schema text; bounded, since reloads keep bringing new schemas. */
const validators = new Map<string, SchemaValidator>();
const MAX_SHARED = 10_000;

export function compileJsonSchema(schema: Record<string, unknown>, use: SchemaUse): SchemaValidator {
  const key = `${use} ${JSON.stringify(schema)}`;
  let validator = validators.get(key);
  if (!validator) {
    checkSchema(schema);
    const ajv = instances[use];
    const found = inspect(schema);
    for (const format of found.formats) if (!ajv.formats[format]) ajv.addFormat(format, true);
    validator = found.refs ? compile(ajv, schema) : compileOnFirstCall(ajv, schema);
    if (validators.size >= MAX_SHARED) validators.clear();
    validators.set(key, validator);
  }
  return validator;
}

/** The validator lives as long as the unit that holds it: ajv's own cache (and `$id` registry) lets go of the schema. */
function compile(ajv: Ajv2020, schema: Record<string, unknown>): ValidateFunction {
  const validate = ajv.compile(schema);
  ajv.removeSchema(schema);
  return validate;
}

function compileOnFirstCall(ajv: Ajv2020, schema: Record<string, unknown>): SchemaValidator {
  let compiled: ValidateFunction | undefined;
  const validator: SchemaValidator = (data) => {
    compiled ??= compile(ajv, schema);
    const valid = compiled(data) as boolean;
    validator.errors = compiled.errors;
    return valid;
  };
  return validator;
}

interface Inspection {
  /** `format` values: one ajv does not know (e.g. `phone`) is an annotation, as JSON Schema 2020-12 says, and is
   * declared as such instead of ajv printing "unknown format ... ignored" on the console. */
  formats: Set<string>;
  /** Whether the schema references (`$ref`, `$dynamicRef`...), which only compiling resolves. */
  refs: boolean;
}

/** Walks the schema's subschemas: collects formats and references, and compiles each pattern as ajv would (throws). */
function inspect(schema: unknown, found: Inspection = { formats: new Set(), refs: false }): Inspection {
  if (Array.isArray(schema)) {
    for (const s of schema) inspect(s, found);
    return found;
  }
  if (!schema || typeof schema !== 'object') return found;
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'format' && typeof value === 'string') found.formats.add(value);
    else if (keyword === 'pattern' && typeof value === 'string') new RegExp(value, 'u');
    else if (REFERENCES.has(keyword)) found.refs = true;
    else if (SCHEMA_MAPS.has(keyword) && value && typeof value === 'object') {
      if (keyword === 'patternProperties') for (const pattern of Object.keys(value)) new RegExp(pattern, 'u');
      for (const s of Object.values(value)) inspect(s, found);
    } else if (SUBSCHEMAS.has(keyword)) inspect(value, found);
  }
  return found;
}

/** Keywords whose value is a schema or a list of schemas, and keywords whose value maps names to schemas. */
const SUBSCHEMAS = new Set(['items', 'prefixItems', 'additionalItems', 'contains', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'not', 'if', 'then', 'else', 'allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const REFERENCES = new Set(['$ref', '$dynamicRef', '$recursiveRef', '$id', '$anchor', '$dynamicAnchor']);
