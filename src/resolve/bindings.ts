// Bindings: the values of `binds` (environment variables or a `file:` location), resolved once per load.
// Visible to templates as VAR, <bindNamespace>.VAR and env.VAR (naftiko-semantics §2.4, RECOMMENDED).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlLib } from '../load/yaml-lib.js';
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import type { LoadedCapability } from '../load/load.js';
import { pointerOf } from '../load/source.js';

/** The provider of an unreadable bind file: its keys are not reported again one by one. */
const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

export interface Bindings {
  /** Template name (VAR, ns.VAR, env.VAR) → variable name. */
  readonly names: ReadonlyMap<string, string>;
  /** Variable name → value; absent when the provider had no value. */
  readonly values: ReadonlyMap<string, string>;
  /** Declared variables that have no value: calls that need one fail with CAP_SECRET_MISSING. */
  readonly missing: ReadonlySet<string>;
}

export function resolveBindings(loaded: LoadedCapability, env: Readonly<Record<string, string | undefined>>): { bindings: Bindings; diagnostics: Diagnostic[] } {
  const names = new Map<string, string>();
  const values = new Map<string, string>();
  const missing = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const binds = Array.isArray(loaded.document?.binds) ? loaded.document.binds : [];

  binds.forEach((bind, b) => {
    if (!bind || typeof bind.keys !== 'object' || bind.keys === null) return;
    let provider: Record<string, unknown> = env;
    let from = 'environment variable';
    if (typeof bind.location === 'string') {
      const read = readLocation(bind.location, dirname(loaded.source.path));
      if ('error' in read) {
        // A file the author pointed at must be there: serving without it would fail every call (case 41).
        diagnostics.push(diagnose(loaded.source, pointerOf('binds', b, 'location'), 'error', 'CAP_RESOLVE_BIND_LOCATION', `cannot read bind location ${bind.location}: ${read.error}`, {
          hint: 'only file: locations are supported; relative paths are resolved against the capability file',
        }));
        provider = EMPTY;
      } else provider = read.values;
      from = `key in ${bind.location}`;
    }
    for (const [variable, key] of Object.entries(bind.keys)) {
      for (const name of [variable, `${bind.namespace}.${variable}`, `env.${variable}`]) names.set(name, variable);
      const value = provider[String(key)];
      if (typeof bind.location === 'string' && !(String(key) in provider) && provider !== EMPTY) {
        // A key missing from a bind file is a mistake in a file the author controls: a load error (naftiko-semantics
        // §1.3, case 41). An unset environment variable stays a warning below: deployments set those later.
        missing.add(variable);
        diagnostics.push(diagnose(loaded.source, pointerOf('binds', b, 'keys', variable), 'error', 'CAP_RESOLVE_BIND_KEY', `key "${String(key)}" (for ${variable}) is not in ${bind.location}`, {
          hint: `add ${String(key)} at the top level of the file, or fix the key name`,
        }));
        continue;
      }
      if (value === undefined || value === null || value === '') {
        missing.add(variable);
        diagnostics.push(diagnose(loaded.source, pointerOf('binds', b, 'keys', variable), 'warning', 'CAP_RESOLVE_BIND_UNSET', `${variable} has no value (${from} ${String(key)} is not set); calls that need it will fail`, {
          hint: from === 'environment variable' ? `export ${String(key)}=... or pass --dotenv` : undefined,
        }));
      } else {
        values.set(variable, String(value));
        missing.delete(variable);
      }
    }
  });
  return { bindings: { names, values, missing }, diagnostics };
}

function readLocation(location: string, baseDir: string): { values: Record<string, unknown> } | { error: string } {
  if (!location.startsWith('file:')) return { error: 'unsupported scheme' };
  const relative = /^file:\/\/\/?\.\//.exec(location);
  try {
    const path = relative ? resolve(baseDir, location.slice(relative[0].length - 2)) : fileURLToPath(location);
    const text = readFileSync(path, 'utf8');
    const values = /\.ya?ml$/i.test(path) ? yamlLib().parse(text) : JSON.parse(text);
    return values && typeof values === 'object' && !Array.isArray(values) ? { values } : { error: 'the file is not a mapping' };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Every bound value (all lengths: short ones are redacted as whole words), longest first. */
export const secretValues = (bindings: Bindings): string[] => [...new Set(bindings.values.values())].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
