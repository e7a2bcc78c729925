// Mustache templates parsed once (mustache.parse) into render functions. HTML escaping is never applied
// (naftiko-semantics §2.1). JSON data trees render per node so that placeholders keep their JSON type (§2.7).
import mustache from 'mustache';
import { compileName, stringify, type Getter, type NameScope, type Params } from './names.js';

export interface TextTemplate {
  /** Placeholder names in order of appearance. */
  readonly names: readonly string[];
  /** The getter when the whole template is exactly one placeholder, so callers can keep the value's type. */
  readonly single?: Getter;
  /** One getter per placeholder, in order of appearance. */
  readonly getters?: readonly Getter[];
  render(params: Params): string;
}

export class TemplateError extends Error {}

const hasPlaceholder = (text: string): boolean => text.includes('{{');

export function compileText(text: string, scope: NameScope): TextTemplate {
  if (!hasPlaceholder(text)) return { names: [], render: () => text };
  let tokens: unknown[][];
  try {
    tokens = mustache.parse(text) as unknown[][];
  } catch (err) {
    throw new TemplateError(`invalid template ${JSON.stringify(text)}: ${(err as Error).message}`);
  }
  const parts: (string | Getter)[] = [];
  const names: string[] = [];
  for (const token of tokens) {
    const [kind, value] = token as [string, string];
    if (kind === 'text') parts.push(value);
    else if (kind === 'name' || kind === '&') {
      names.push(value);
      parts.push(compileName(value, scope));
    } else throw new TemplateError(`template ${JSON.stringify(text)} uses a {{${kind}…}} section, which is not supported; use plain {{name}} placeholders`);
  }
  const single = parts.length === 1 && typeof parts[0] === 'function' ? parts[0] : undefined;
  return {
    names,
    single,
    getters: parts.filter((p): p is Getter => typeof p === 'function'),
    render: (params) => parts.map((p) => (typeof p === 'string' ? p : stringify(p(params)))).join(''),
  };
}

/** Renders a JSON tree; `undefined` means "no value" (the property is omitted). */
export type JsonRenderer = (params: Params) => unknown;

export function compileJson(data: unknown, scope: NameScope, names: string[] = []): JsonRenderer {
  if (typeof data === 'string') {
    const template = compileText(data, scope);
    names.push(...template.names);
    if (template.single && /^\s*\{\{\{?[^{}]+\}?\}\}\s*$/.test(data)) return template.single;
    if (template.names.length === 0) return () => data;
    return (params) => template.render(params);
  }
  if (Array.isArray(data)) {
    const items = data.map((item) => compileJson(item, scope, names));
    return (params) => items.map((item) => item(params)).filter((v) => v !== undefined);
  }
  if (data !== null && typeof data === 'object') {
    const entries = Object.entries(data).map(([key, value]) => [key, compileJson(value, scope, names)] as const);
    return (params) => {
      const out: Record<string, unknown> = {};
      for (const [key, render] of entries) {
        const value = render(params);
        if (value !== undefined) out[key] = value;
      }
      return out;
    };
  }
  return () => data;
}
