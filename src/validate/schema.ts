// JSON Schema validation of a capability document (ajv, compiled once per schema version) → diagnostics.
// Lenient mode (the default) reports deviations the runtime can still run as warnings; --strict makes them errors.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import { escapePointer, type SourceFile } from '../load/source.js';
import { isRuntimeExtension } from './extensions.js';

export const SUPPORTED_VERSIONS = ['1.0.0-alpha1', '1.0.0-alpha2'] as const;
const DEFAULT_VERSION = '1.0.0-alpha2';

const validators = new Map<string, ValidateFunction>();

function validatorFor(version: string): ValidateFunction {
  let validate = validators.get(version);
  if (!validate) {
    const url = new URL(`../../schemas/naftiko-${version}.schema.json`, import.meta.url);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(url, 'utf8')));
    validators.set(version, validate);
  }
  return validate;
}

export function validateSchema(source: SourceFile, document: Record<string, unknown>, strict: boolean): Diagnostic[] {
  const declared = String(document.naftiko ?? '');
  const known = (SUPPORTED_VERSIONS as readonly string[]).includes(declared);
  const version = known ? declared : DEFAULT_VERSION;
  const diagnostics: Diagnostic[] = [];
  if (!known) {
    diagnostics.push(diagnose(source, '/naftiko', strict ? 'error' : 'warning', 'CAP_SCHEMA_VERSION', `unsupported naftiko version "${declared}"; checked against ${DEFAULT_VERSION}`, {
      hint: `use one of: ${SUPPORTED_VERSIONS.join(', ')}`,
    }));
  }
  const validate = validatorFor(version);
  if (validate(document)) return diagnostics;

  const errors = (validate.errors ?? []).filter(
    (e) =>
      !['if', 'then', 'else'].includes(e.keyword) &&
      !(e.keyword === 'const' && e.instancePath === '/naftiko' && !known) &&
      !(!strict && e.keyword === 'additionalProperties' && isRuntimeExtension(e.instancePath, String((e.params as { additionalProperty?: unknown }).additionalProperty))),
  );
  const deepest = new Set(errors.filter((e) => !isUnion(e)).map((e) => e.instancePath));
  const seen = new Set<string>();
  for (const error of errors) {
    // A union error is only noise when a more precise error sits at or below it.
    if (isUnion(error) && [...deepest].some((p) => p.startsWith(error.instancePath))) continue;
    const d = toDiagnostic(source, error, version, strict);
    const key = `${d.pointer}|${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      diagnostics.push(d);
    }
  }
  return diagnostics;
}

const isUnion = (e: ErrorObject): boolean => e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'not';

/** Deviations the runtime tolerates: unknown properties (below the top level), name patterns and object outputs without properties. */
function isTolerated(e: ErrorObject): boolean {
  // An unknown top-level key is a misspelt section (`capabilty:`): an error, or the file would serve nothing.
  if (e.keyword === 'additionalProperties') return e.instancePath !== '';
  if (e.keyword === 'pattern') return true;
  return e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === 'properties';
}

function toDiagnostic(source: SourceFile, e: ErrorObject, version: string, strict: boolean): Diagnostic {
  const severity = strict || !isTolerated(e) ? 'error' : 'warning';
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const near = e.instancePath === '' ? closest(name, TOP_LEVEL_KEYS) : undefined;
      return diagnose(source, `${e.instancePath}/${escapePointer(name)}`, severity, 'CAP_SCHEMA_UNKNOWN_PROPERTY', `property "${name}" is not in the Naftiko ${version} schema`, {
        onKey: true,
        hint: near
          ? `did you mean "${near}"?`
          : e.instancePath === ''
            ? `a capability file has these top-level sections: ${TOP_LEVEL_KEYS.join(', ')}`
            : severity === 'warning'
              ? 'accepted by this runtime; remove it if other Naftiko tools must read this file'
              : 'remove it, or check its spelling and indentation',
      });
    }
    case 'required': {
      const name = String(params.missingProperty);
      const hint = name === 'properties' ? 'this runtime passes the mapped node through; the official schema wants `properties` listed' : undefined;
      return diagnose(source, e.instancePath, severity, 'CAP_SCHEMA_REQUIRED', `missing required property "${name}"`, { hint });
    }
    case 'pattern':
      return diagnose(source, e.instancePath, severity, 'CAP_SCHEMA_PATTERN', `value does not match the pattern ${String(params.pattern)}`);
    case 'enum':
      return diagnose(source, e.instancePath, severity, 'CAP_SCHEMA_ENUM', `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`);
    case 'const':
      return diagnose(source, e.instancePath, severity, 'CAP_SCHEMA_CONST', `must be ${JSON.stringify(params.allowedValue)}`);
    case 'false schema': {
      // Our schemas forbid keys that cannot be combined (e.g. `port` with `transport: stdio`) with a false schema.
      const name = e.instancePath.split('/').pop() ?? '';
      return diagnose(source, e.instancePath, severity, 'CAP_SCHEMA_CONFLICT', `property "${name}" cannot be combined with the other properties here`, { onKey: true });
    }
    case 'type':
      return diagnose(source, e.instancePath, severity, 'CAP_SCHEMA_TYPE', `must be of type ${String(params.type)}`);
    default:
      return diagnose(source, e.instancePath, severity, 'CAP_SCHEMA', e.message ?? 'does not match the schema');
  }
}

const TOP_LEVEL_KEYS = ['naftiko', 'info', 'binds', 'capability', 'consumes'];

/** The known name within edit distance 2 of a misspelt one, if any. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(name.toLowerCase(), key);
    if (distance <= 2 && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
