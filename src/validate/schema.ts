// JSON Schema validation of a capability document (one validator per schema version and dialect: schema-validators.ts) → diagnostics.
// --strict reports the schema's verdict as errors (with the runtime extensions only when the document declares them).
// Lenient mode (the default) accepts the runtime extensions, rejects only what cannot run and reports the rest
// (unknown keys, missing descriptions, constructs of a later version...) as warnings with a hint, because the
// reference engine does not validate on load (naftiko-semantics §1.9).
import type { ErrorObject } from 'ajv/dist/2020.js';
import { diagnose, type Diagnostic, type Severity } from '../errors/diagnostic.js';
import { escapePointer, type SourceFile } from '../load/source.js';
import { DIALECT_KEY, LATEST_VERSION, RUNTIME_EXTENSIONS, sameRulesAsLatest, SUPPORTED_VERSIONS } from './schema-sources.js';
import { schemaValidator } from './schema-validators.js';

export { DIALECT_KEY, RUNTIME_EXTENSIONS, SUPPORTED_VERSIONS };

const errorKey = (e: ErrorObject) => `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;

/** Ajv's errors minus the noise of the discriminated chains and, optionally, the version const. */
function run(version: string, extended: boolean, document: Record<string, unknown>, ignoreVersion: boolean): ErrorObject[] {
  const validate = schemaValidator(version, extended);
  if (validate(document)) return [];
  return (validate.errors ?? []).filter((e) => !['if', 'then', 'else'].includes(e.keyword) && !(ignoreVersion && e.keyword === 'const' && e.instancePath === '/naftiko'));
}

export function validateSchema(source: SourceFile, document: Record<string, unknown>, strict: boolean): Diagnostic[] {
  const declared = String(document.naftiko ?? '');
  const known = (SUPPORTED_VERSIONS as readonly string[]).includes(declared);
  const version = known ? declared : LATEST_VERSION;
  const diagnostics: Diagnostic[] = [];
  // Without any `naftiko` key the schema's own `required` error says so.
  if (!known && document.naftiko !== undefined) {
    diagnostics.push(diagnose(source, '/naftiko', strict ? 'error' : 'warning', 'CAP_SCHEMA_VERSION', `unsupported naftiko version "${declared}"; checked against ${LATEST_VERSION}`, {
      hint: `use one of: ${SUPPORTED_VERSIONS.join(', ')}`,
    }));
  }
  const dialect = document[DIALECT_KEY];
  const extended = dialect === RUNTIME_EXTENSIONS;
  if (dialect !== undefined && !extended) {
    diagnostics.push(diagnose(source, `/${DIALECT_KEY}`, strict ? 'error' : 'warning', 'CAP_SCHEMA_DIALECT', `unknown dialect ${JSON.stringify(dialect)}; checked against the plain Naftiko schema`, {
      hint: `the only dialect is "${RUNTIME_EXTENSIONS}" (see schemas/README.md)`,
    }));
  }
  const context: Context = { source, version, extended, document };
  // An unknown dialect is reported once above, not again as an unknown root property or a wrong value.
  const isDialectKey = (e: ErrorObject) =>
    (e.keyword === 'additionalProperties' && e.instancePath === '' && (e.params as { additionalProperty?: string }).additionalProperty === DIALECT_KEY) || e.instancePath === `/${DIALECT_KEY}`;

  if (strict) {
    const errors = run(version, extended, document, !known).filter((e) => !isDialectKey(e));
    const extensionKeys = extended || errors.length === 0 ? new Set<string>() : extensionUses(version, errors, document);
    return [...diagnostics, ...report(errors, context, () => 'error', (e) => (extensionKeys.has(errorKey(e)) ? EXTENSION_HINT : undefined))];
  }
  // Lenient: the runtime's extensions are always accepted, and what decides runnability is the newest schema (every
  // construct this runtime knows); deviations that only the declared version rejects are warnings.
  const errors = run(LATEST_VERSION, true, document, true).filter((e) => !isDialectKey(e));
  const latestKeys = new Set(errors.map(errorKey));
  // A version with the latest's rules (bar the version const) has no deviations of its own: nothing more to run.
  const versionOnly = sameRulesAsLatest(version) ? [] : run(version, true, document, true).filter((e) => !latestKeys.has(errorKey(e)) && !isDialectKey(e));
  return [
    ...diagnostics,
    ...report(versionOnly, context, () => 'warning', laterVersionHint(document, version, latestKeys)),
    ...report(errors, context, (e) => (isTolerated(e) ? 'warning' : 'error')),
  ];
}

/** Keys of the errors that the runtime-extensions dialect would accept: uses of an extension without the opt-in. */
function extensionUses(version: string, errors: readonly ErrorObject[], document: Record<string, unknown>): Set<string> {
  const remaining = new Set(run(version, true, document, true).map(errorKey));
  return new Set(errors.map(errorKey).filter((k) => !remaining.has(k)));
}

interface Context {
  source: SourceFile;
  version: string;
  extended: boolean;
  document: Record<string, unknown>;
}

const EXTENSION_HINT = `a runtime extension (the default mode accepts it); declare \`${DIALECT_KEY}: ${RUNTIME_EXTENSIONS}\` at the top of the file to accept it under --strict too (other Naftiko tools still reject it)`;

/** For an error only the declared version raises: which later version accepts it. */
function laterVersionHint(document: Record<string, unknown>, version: string, latestKeys: ReadonlySet<string>): (e: ErrorObject) => string | undefined {
  const later = SUPPORTED_VERSIONS.slice(SUPPORTED_VERSIONS.indexOf(version as (typeof SUPPORTED_VERSIONS)[number]) + 1);
  const remaining = new Map<string, ReadonlySet<string>>();
  const rejects = (v: string, key: string) => {
    // A version with the latest's rules rejects what the latest rejected: no need to load its validator.
    if (!remaining.has(v)) remaining.set(v, sameRulesAsLatest(v) ? latestKeys : new Set(run(v, true, document, true).map(errorKey)));
    return remaining.get(v)!.has(key);
  };
  return (e) => {
    const accepting = later.find((v) => !rejects(v, errorKey(e)));
    return `not part of Naftiko ${version}; it belongs to ${accepting ?? 'a later version'}. This runtime runs it; declare naftiko: "${accepting ?? LATEST_VERSION}" if the file is meant for that version`;
  };
}

function report(errors: readonly ErrorObject[], context: Context, severityOf: (e: ErrorObject) => Severity, hintOf: (e: ErrorObject) => string | undefined = () => undefined): Diagnostic[] {
  const deepest = new Set(errors.filter((e) => !isUnion(e)).map((e) => e.instancePath));
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of errors) {
    // A union error is only noise when a more precise error sits at or below it.
    if (isUnion(error) && [...deepest].some((p) => p.startsWith(error.instancePath))) continue;
    const severity = severityOf(error);
    const d = toDiagnostic(context, error, severity);
    const hint = hintOf(error) ?? d.hint ?? (severity === 'warning' ? 'this runtime (like the reference engine) runs it anyway; other Naftiko tools reject it' : undefined);
    if (hint) d.hint = hint;
    const key = `${d.pointer}|${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      diagnostics.push(d);
    }
  }
  return diagnostics;
}

const isUnion = (e: ErrorObject): boolean => e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'not';

/** Properties whose absence leaves a runnable document: documentation, and sub-structure the runtime passes through. */
const OPTIONAL_IN_PRACTICE = new Set(['description', 'label', 'info', 'properties', 'items']);

/** Deviations the runtime runs anyway (lenient mode): unknown keys, name patterns, long texts, missing documentation. */
function isTolerated(e: ErrorObject): boolean {
  // An unknown top-level key is a misspelt section (`capabilty:`): an error, or the file would serve nothing.
  if (e.keyword === 'additionalProperties') return e.instancePath !== '';
  // maxLength only bounds skill descriptions and metadata text; propertyNames only carries a name pattern (bind keys).
  if (['pattern', 'propertyNames', 'maxLength'].includes(e.keyword)) return true;
  if (e.keyword !== 'required') return false;
  const missing = String((e.params as { missingProperty?: string }).missingProperty);
  if (OPTIONAL_IN_PRACTICE.has(missing)) return true;
  // An input parameter without `type` accepts any JSON value; the runtime still builds the request.
  return missing === 'type' && /\/inputParameters\/\d+$/.test(e.instancePath);
}

function toDiagnostic(context: Context, e: ErrorObject, severity: Severity): Diagnostic {
  const { source, version } = context;
  const params = e.params as Record<string, unknown>;
  const schemaName = `Naftiko ${version}${context.extended ? ` + ${RUNTIME_EXTENSIONS}` : ''} schema`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const near = e.instancePath === '' ? closest(name, TOP_LEVEL_KEYS) : undefined;
      const hint = near
        ? `did you mean "${near}"?`
        : e.instancePath === ''
          ? `a capability file has these top-level sections: ${TOP_LEVEL_KEYS.join(', ')}`
          : severity === 'error'
            ? 'remove it, or check its spelling and indentation'
            : name === 'title' && e.instancePath === '/info'
              ? 'Naftiko calls it `label`; rename it'
              : 'ignored by this runtime (and by the reference engine); check its spelling, or remove it';
      return diagnose(source, `${e.instancePath}/${escapePointer(name)}`, severity, 'CAP_SCHEMA_UNKNOWN_PROPERTY', `property "${name}" is not in the ${schemaName}`, { onKey: true, hint });
    }
    case 'required': {
      const name = String(params.missingProperty);
      return diagnose(source, e.instancePath, severity, 'CAP_SCHEMA_REQUIRED', `missing required property "${name}"`, { hint: requiredHint(name, e.instancePath, context.document, severity) });
    }
    case 'pattern':
      return diagnose(source, e.instancePath, severity, 'CAP_SCHEMA_PATTERN', `value does not match the pattern ${String(params.pattern)}`, {
        hint: severity === 'warning' ? 'this runtime accepts it; other Naftiko tools may not' : undefined,
      });
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

function requiredHint(name: string, pointer: string, document: Record<string, unknown>, severity: Severity): string | undefined {
  if (name === 'naftiko' && pointer === '' && 'ikanos' in document) return 'this is an Ikanos document (root `ikanos:`, collections keyed by name): another shape, which this runtime does not read';
  if (severity === 'error') return undefined;
  if (name === 'label' && pointer === '/info' && typeof (document.info as Record<string, unknown> | undefined)?.title === 'string') return 'found `title`: Naftiko calls it `label`';
  if (name === 'properties' || name === 'items') return `this runtime passes the mapped node through; the Naftiko schema wants \`${name}\` listed`;
  if (name === 'type') return 'without a type, any JSON value is accepted';
  if (name === 'description' && /\/inputParameters\/\d+$/.test(pointer)) return 'agents and API users see this parameter without a description';
  return 'the runtime runs without it; other Naftiko tools require it';
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
