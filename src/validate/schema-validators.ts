// One validator per Naftiko version and dialect, made once per process. `npm run build` generates them as standalone
// code (dist/validate/generated/, scripts/generate-validators.mjs), which loads in milliseconds where compiling the
// schemas with ajv takes hundreds. A generated validator is used only while its digest matches the schema files; when
// it is missing or stale (schemas edited without a rebuild) the schema is compiled here, with the same ajv options.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { SCHEMA_AJV_OPTIONS, schemaDigest, schemaFor, validatorName } from './schema-sources.js';

const require = createRequire(import.meta.url);

/** Where the build writes the generated validators; the same place seen from src/validate and dist/validate. */
export const GENERATED_DIR = fileURLToPath(new URL('../../dist/validate/generated/', import.meta.url));

export const generatedPath = (version: string, extended: boolean): string => `${GENERATED_DIR}${validatorName(version, extended)}.cjs`;

interface GeneratedModule {
  (data: unknown): boolean;
  digest?: string;
}

const validators = new Map<string, { validate: ValidateFunction; origin: 'generated' | 'compiled' }>();

export function schemaValidator(version: string, extended: boolean): ValidateFunction {
  return entry(version, extended).validate;
}

/** How the validator of this version and dialect was made (tests check that the build's code is the one used). */
export function schemaValidatorOrigin(version: string, extended: boolean): 'generated' | 'compiled' {
  return entry(version, extended).origin;
}

function entry(version: string, extended: boolean) {
  const key = validatorName(version, extended);
  let found = validators.get(key);
  if (!found) {
    const generated = loadGenerated(version, extended);
    found = generated ? { validate: generated, origin: 'generated' } : { validate: compile(version, extended), origin: 'compiled' };
    validators.set(key, found);
  }
  return found;
}

function loadGenerated(version: string, extended: boolean): ValidateFunction | undefined {
  const path = generatedPath(version, extended);
  if (!existsSync(path)) return undefined;
  const validate = require(path) as GeneratedModule;
  return validate.digest === schemaDigest(version, extended) ? (validate as unknown as ValidateFunction) : undefined;
}

/** The slow path: ajv is loaded only here, so a process using the generated validators never compiles a schema. */
function compile(version: string, extended: boolean): ValidateFunction {
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as (ajv: InstanceType<typeof Ajv2020>) => void;
  const ajv = new Ajv2020(SCHEMA_AJV_OPTIONS);
  addFormats(ajv);
  return ajv.compile(schemaFor(version, extended));
}
