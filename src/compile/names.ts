// Placeholder names → getters, decided once at compile time. A name is a bound variable (secrets win over caller
// input), or a caller input reached directly or through a `tools.` / `rest.` / <exposes-namespace>. prefix.
import { CapError } from '../errors/cap-error.js';
import type { Bindings } from '../resolve/bindings.js';

export type Params = Readonly<Record<string, unknown>>;
/** Reads one value for a request; `undefined` means "no value". */
export type Getter = (params: Params) => unknown;

export interface NameScope {
  bindings: Bindings;
  /** Prefixes that mean "the caller's input": tools, rest and every exposes namespace of the capability. */
  inputPrefixes: ReadonlySet<string>;
  /** Credentials and adapter-level values: a name that is not a bound variable is refused, never read from caller input. */
  bindingsOnly?: boolean;
}

export function compileName(name: string, scope: NameScope): Getter {
  const variable = scope.bindings.names.get(name);
  if (variable !== undefined) {
    const value = scope.bindings.values.get(variable);
    if (value !== undefined) return () => value;
    return () => {
      throw new CapError('CAP_SECRET_MISSING', `${variable} is not set; set it in the environment (or with --dotenv) and restart`);
    };
  }
  if (scope.bindingsOnly) throw new Error(`{{${name}}} is not a bound variable; credentials and adapter-level values come from binds only`);
  const dot = name.indexOf('.');
  const key = dot > 0 && scope.inputPrefixes.has(name.slice(0, dot)) ? name.slice(dot + 1) : name;
  return compileInputKey(key);
}

/** Looks a key up in the call parameters: exact name, then its kebab/snake twin, then a dotted path. */
export function compileInputKey(key: string): Getter {
  const twin = key.includes('-') ? key.replace(/-/g, '_') : key.includes('_') ? key.replace(/_/g, '-') : undefined;
  const path = key.includes('.') ? key.split('.') : undefined;
  return (params) => {
    if (params[key] !== undefined) return params[key];
    if (twin !== undefined && params[twin] !== undefined) return params[twin];
    if (path) return walk(params, path);
    return undefined;
  };
}

function walk(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** How a value reads inside text: strings as they are, other JSON as JSON, no value as nothing. */
export function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
