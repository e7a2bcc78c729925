// Compiles the JSON Schemas a capability declares (tool and route inputs, MCP output schemas) into ajv validators.
// What can be wrong with a schema is found at load time, as before: the JSON Schema 2020-12 meta-schema check (with
// the validator the build generated, src/generated-code.ts, instead of compiling the large meta-schema in every
// process) and the regular expressions. ajv's code generation itself (about a millisecond per schema) runs on the
// first call of the unit and is cached, so a capability with a thousand tools loads in well under a second; schemas
// with references are compiled at once, since only ajv resolves them. Identical schemas share one validator.
import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { loadGenerated } from '../generated-code.js';

const require = createRequire(import.meta.url);

/** `input`: JSON arguments as sent; `coercing-input`: strings from a URL or headers, coerced; `output`: first error only. */
export type SchemaUse = 'input' | 'coercing-input' | 'output';

// validateSchema: false because checkSchema below does what ajv would do, from generated code.
const OPTIONS: Record<SchemaUse, Record<string, unknown>> = {
  input: { strict: false, validateSchema: false, allErrors: true },
  'coercing-input': { strict: false, validateSchema: false, allErrors: true, coerceTypes: 'array' },
  output: { strict: false, validateSchema: false, allErrors: false },
};
const instances = new Map<SchemaUse, Ajv2020>();

/** ajv's compiler is loaded on first need (a unit's first call), not by `validate`, `list` or a start-up. */
function instance(use: SchemaUse): Ajv2020 {
  let ajv = instances.get(use);
  if (!ajv) {
    const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    ajv = new Ajv(OPTIONS[use]);
    (require('ajv-formats') as (a: Ajv2020) => void)(ajv);
    instances.set(use, ajv);
  }
  return ajv;
}

export const META_SCHEMA_VALIDATOR = 'json-schema-2020-12';
export const META_SCHEMA_URI = 'https://json-schema.org/draft/2020-12/schema';
/** The generated meta-schema validator depends only on ajv (its code generator and its copy of the meta-schema). */
export const metaSchemaDigest = (): string => `ajv@${(require('ajv/package.json') as { version: string }).version}`;

let metaSchema: ((schema: unknown) => boolean) | undefined;

/** Throws ajv's own "schema is invalid: ..." error for a schema that breaks the meta-schema. */
function checkSchema(schema: Record<string, unknown>): void {
  metaSchema ??= loadGenerated<ValidateFunction>(META_SCHEMA_VALIDATOR, metaSchemaDigest()) ?? ((s) => instance('input').validateSchema(s as Record<string, unknown>, true) as boolean);
  if (!metaSchema(schema)) throw new Error(`schema is invalid: ${instance('input').errorsText((metaSchema as ValidateFunction).errors)}`);
}

/** A validator with ajv's interface: call it, then read `errors`. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Shared validators by schema text; bounded, since reloads keep bringing new schemas. */
const validators = new Map<string, SchemaValidator>();
const MAX_SHARED = 10_000;

export function compileJsonSchema(schema: Record<string, unknown>, use: SchemaUse): SchemaValidator {
  const key = `${use} ${JSON.stringify(schema)}`;
  let validator = validators.get(key);
  if (!validator) {
    checkSchema(schema);
    const found = inspect(schema);
    validator = found.refs ? compile(use, schema, found.formats) : compileOnFirstCall(use, schema, found.formats);
    if (validators.size >= MAX_SHARED) validators.clear();
    validators.set(key, validator);
  }
  return validator;
}

/**
 * A format ajv does not know (e.g. `phone`) is an annotation, as JSON Schema 2020-12 says: declared as such, instead
 * of ajv printing "unknown format ... ignored" on the console. ajv's own cache (and `$id` registry) lets go of the
 * schema once compiled: the validator is kept by the units that use it (and the bounded map above), nothing else.
 */
function compile(use: SchemaUse, schema: Record<string, unknown>, formats: ReadonlySet<string>): ValidateFunction {
  const ajv = instance(use);
  for (const format of formats) if (!ajv.formats[format]) ajv.addFormat(format, true);
  const validate = ajv.compile(schema);
  ajv.removeSchema(schema);
  return validate;
}

/** The uses of validators made to compile on their first call: whose ajv instances `warmSchemaCompiler` makes ahead. */
const awaited = new Set<SchemaUse>();

function compileOnFirstCall(use: SchemaUse, schema: Record<string, unknown>, formats: ReadonlySet<string>): SchemaValidator {
  awaited.add(use);
  let compiled: ValidateFunction | undefined;
  const validator: SchemaValidator = (data) => {
    compiled ??= compile(use, schema, formats);
    const valid = compiled(data) as boolean;
    validator.errors = compiled.errors;
    return valid;
  };
  return validator;
}

/**
 * One step of loading ajv's compiler ahead of the first call (src/startup/warm-after-listening.ts), for a use that a
 * validator waits for: first its ajv instance (the first one also loads ajv's modules, the largest part of a unit's
 * first call), then one throwaway schema of the shape routes and tools declare, compiled and dropped (ajv's code
 * generator runs cold the first time: this takes that off the first real call). Returns false once nothing is left.
 * The instances are the ones a first call would have made; no format is declared, no validator kept.
 */
export function warmSchemaCompiler(): boolean {
  for (const use of awaited) {
    if (!instances.has(use)) {
      instance(use);
      return true;
    }
    awaited.delete(use);
    const ajv = instance(use);
    ajv.compile(WARM_UP_SCHEMA);
    ajv.removeSchema(WARM_UP_SCHEMA);
    return true;
  }
  return false;
}

const WARM_UP_SCHEMA = {
  type: 'object',
  properties: { id: { type: 'string', description: 'an id' }, count: { type: 'integer' }, flag: { type: 'boolean' }, tags: { type: 'array', items: {} }, filter: { type: 'object' } },
  required: ['id'],
};

interface Inspection {
  /** `format` values, declared to ajv when unknown to it. */
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
