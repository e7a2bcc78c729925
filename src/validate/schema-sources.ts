// Which JSON Schema checks a document of a given Naftiko version and dialect, and the one ajv configuration that
// compiles it. Shared by the build step that generates standalone validators (scripts/generate-validators.mjs) and
// by the run-time fallback that compiles them, so both give the same verdicts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const SUPPORTED_VERSIONS = ['1.0.0-alpha1', '1.0.0-alpha2', '1.0.0-alpha3'] as const;
export const LATEST_VERSION = '1.0.0-alpha3';

/** The root key and value by which a document opts into the runtime extensions (schemas/runtime-extensions.json). */
export const DIALECT_KEY = 'x-dialect';
export const RUNTIME_EXTENSIONS = 'runtime-extensions';

/** The ajv options of every schema validator: all errors (diagnostics list them all), unknown keywords tolerated. */
export const SCHEMA_AJV_OPTIONS = { allErrors: true, strict: false } as const;

interface Overlay {
  addProperties: Record<string, Record<string, unknown>>;
  dropRequired: Record<string, string[]>;
}

const schemaUrl = (name: string) => new URL(`../../schemas/${name}`, import.meta.url);
const readText = (name: string): string => readFileSync(schemaUrl(name), 'utf8');

const filesOf = (version: string, extended: boolean): string[] => [`naftiko-${version}.schema.json`, ...(extended ? ['runtime-extensions.json'] : [])];

/** File name (without extension) of the generated validator for a version and dialect. */
export const validatorName = (version: string, extended: boolean): string => `naftiko-${version}${extended ? `+${RUNTIME_EXTENSIONS}` : ''}`;

/** Fingerprint of the schema files a validator is built from: a generated validator is used only while it matches. */
export function schemaDigest(version: string, extended: boolean): string {
  const hash = createHash('sha256');
  for (const file of filesOf(version, extended)) hash.update(file).update('\0').update(readText(file)).update('\0');
  return hash.digest('hex');
}

/** The schema a document of this version is checked against, with the runtime-extensions overlay when `extended`. */
export function schemaFor(version: string, extended: boolean): Record<string, unknown> {
  const schema = JSON.parse(readText(`naftiko-${version}.schema.json`)) as Record<string, unknown>;
  return extended ? withRuntimeExtensions(schema) : schema;
}

/**
 * Whether a version's schema has the same rules as the latest's: equal once the root's `$id`, `title` and
 * `description` and the `naftiko` property (the version const, which lenient mode ignores anyway) are set aside.
 * Then the version-only check of a document declaring it finds nothing and need not run (alpha2 and alpha3 are such a
 * pair): that spares loading and running a second large validator. Read from the schema files once per process.
 */
export function sameRulesAsLatest(version: string): boolean {
  if (version === LATEST_VERSION) return true;
  let same = sameAsLatest.get(version);
  if (same === undefined) {
    same = rulesOf(version) === rulesOf(LATEST_VERSION);
    sameAsLatest.set(version, same);
  }
  return same;
}

const sameAsLatest = new Map<string, boolean>();

/** The plain schema is enough: the runtime-extensions overlay turns equal schemas into equal schemas. */
function rulesOf(version: string): string {
  const { $id: _id, title: _title, description: _description, properties, ...rest } = schemaFor(version, false) as { properties: Record<string, unknown> } & Record<string, unknown>;
  const { naftiko: _naftiko, ...others } = properties;
  return JSON.stringify({ ...rest, properties: others });
}

/** Applies the overlay: a distinct `$id`, the dialect key at the root, added properties and relaxed `required` lists. */
function withRuntimeExtensions(schema: Record<string, unknown>): Record<string, unknown> {
  const overlay = JSON.parse(readText('runtime-extensions.json')) as Overlay;
  type Definition = { properties: Record<string, unknown>; required: string[] };
  const out = schema as { $id: string; properties: Record<string, unknown>; $defs: Record<string, Definition> };
  out.$id = out.$id.replace(/\.schema\.json$/, `+${RUNTIME_EXTENSIONS}.schema.json`);
  out.properties[DIALECT_KEY] = { const: RUNTIME_EXTENSIONS };
  // A definition a version does not have (alpha1 has no AuthOAuth2) gains nothing.
  for (const [name, properties] of Object.entries(overlay.addProperties)) if (out.$defs[name]) Object.assign(out.$defs[name].properties, properties);
  for (const [name, dropped] of Object.entries(overlay.dropRequired)) out.$defs[name]!.required = out.$defs[name]!.required.filter((r) => !dropped.includes(r));
  return out;
}
