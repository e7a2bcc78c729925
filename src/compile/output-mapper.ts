// outputParameters → one function from the upstream body to the result (naftiko-semantics §4.4).
// Deliberate difference from the reference engine: an object/array output with `mapping` and no
// properties/items/values passes the selected node through (§4.4 RECOMMENDED; the seeds' `mapping: $.`).
// A second one: for XML bodies an array output also takes a lone element (`{ listsFromSingles: true }`), see below.
import type { OutputParameter } from '../spec/capability.js';
import { compileJsonPath, type Extractor } from './jsonpath.js';
import type { NameScope, Params } from './names.js';
import { compileText } from './template.js';

/** Upstream body (and the call parameters, for `value` templates) → result. */
export type OutputMapper = (body: unknown, params?: Params) => unknown;

export interface OutputMapperOptions {
  /**
   * XML cannot tell a list of one from a single child: `<vessels><vessel>…</vessel></vessels>` reads as
   * `{vessel: {…}}`. The reference then maps an array output to null and returns the raw body (tutorial step 5,
   * `?status=active`); the author meant a list of one, so with this flag an array output wraps a lone element.
   */
  listsFromSingles?: boolean;
}

/** Formats whose trees cannot tell a one-element list from a single value. */
export const listsFromSinglesFor = (outputRawFormat: string | undefined): boolean => String(outputRawFormat ?? '').toLowerCase() === 'xml';

/** Returns null when there is nothing to map: the upstream body is the result. */
export function compileOutputMapper(outputs: readonly OutputParameter[] | undefined, scope?: NameScope, options: OutputMapperOptions = {}): OutputMapper | null {
  const usable = (outputs ?? []).filter((o) => o && (o.in === undefined || o.in === 'body'));
  if (usable.length === 0) return null;
  const toList = options.listsFromSingles ? asList : asArray;
  const mappers = usable.map((o) => compileOutput(o, scope, toList));
  // The first output that yields a value wins; when none does, the raw body is returned.
  return (body, params = {}) => {
    for (const map of mappers) {
      const value = map(body, params);
      if (value !== undefined) return value;
    }
    return body;
  };
}

/** A `value` that is not JSONPath: a constant, or a template over the call parameters. */
const isConstant = (output: OutputParameter): boolean => output.value !== undefined && !(typeof output.value === 'string' && output.value.startsWith('$'));

function compileOutput(output: OutputParameter, scope?: NameScope, toList: (v: unknown) => unknown[] | undefined = asArray): OutputMapper {
  if (isConstant(output)) {
    // `value` wins over `mapping` and always yields a string (naftiko-semantics §4.4).
    const render = compileValue(output.value, scope);
    return (_body, params = {}) => render(params);
  }
  const select: Extractor = compileJsonPath(String(output.mapping ?? output.value ?? '$'));
  const type = output.type ?? 'object';
  if (type === 'array') {
    if (!output.items) return (body) => toList(select(body));
    const item = compileItem(output.items, scope, toList);
    return (body, params) => toList(select(body))?.map((element) => item(element, params));
  }
  if (type === 'object') {
    if (output.values) {
      const each = compileItem(output.values, scope, toList);
      return (body, params) => {
        const selected = select(body);
        if (!isObject(selected)) return undefined;
        return Object.fromEntries(Object.entries(selected).map(([k, v]) => [k, each(v, params)]));
      };
    }
    if (output.properties) {
      const props = compileProperties(output.properties, scope, toList);
      // Property paths are evaluated against the selected node (the root when `mapping` is absent or `$`).
      return (body, params) => props(select(body) ?? body, params);
    }
    return select;
  }
  if (output.maxLength !== undefined) {
    const max = Number(output.maxLength);
    return (body) => {
      const v = select(body);
      return typeof v === 'string' ? v.slice(0, max) : v;
    };
  }
  return select;
}

type ToList = (v: unknown) => unknown[] | undefined;

function compileProperties(properties: Record<string, OutputParameter>, scope?: NameScope, toList: ToList = asArray): (node: unknown, params?: Params) => Record<string, unknown> {
  const entries = Object.entries(properties).map(([name, p]) => {
    // A nested object without `mapping` builds itself from the same node (naftiko-semantics case 20).
    const nested = p && p.type === 'object' && p.properties && p.mapping === undefined && !isConstant(p) ? compileProperties(p.properties, scope, toList) : null;
    return [name, nested ?? compileOutput(p, scope, toList)] as const;
  });
  return (node, params) => Object.fromEntries(entries.map(([name, map]) => [name, map(node, params) ?? null]));
}

function compileItem(item: OutputParameter, scope?: NameScope, toList: ToList = asArray): (element: unknown, params?: Params) => unknown {
  if (item.properties) return compileProperties(item.properties, scope, toList);
  if (item.mapping) {
    const select = compileJsonPath(item.mapping);
    return (element) => select(element) ?? null;
  }
  return (element) => element;
}

const asArray = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
/** asArray, but a lone element (not null, not missing) is a list of one. */
const asList = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : v === undefined || v === null ? undefined : [v]);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A `value`: rendered as text over the call parameters (numbers and booleans become their text, as in the reference). */
function compileValue(value: unknown, scope: NameScope | undefined): (params: Params) => string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (!scope || !text.includes('{{')) return () => text;
  const template = compileText(text, scope);
  return (params) => template.render(params);
}

export type MockBuilder = (params: Params) => unknown;

/**
 * A mock unit's result (naftiko-semantics §4.8): named outputs build an object, nested `properties` and array `items`
 * recurse, values are strings rendered over the caller's input, an output without a value is null. Undefined when
 * there is nothing to build (the adapter then answers 204).
 */
export function compileMock(outputs: readonly OutputParameter[] | undefined, scope?: NameScope): MockBuilder {
  const usable = (outputs ?? []).filter(Boolean);
  if (usable.length === 0) return () => undefined;
  if (usable.length === 1 && !usable[0]!.name) return compileMockValue(usable[0]!, scope);
  const entries = usable.map((o, i) => [o.name ?? (i === 0 ? 'value' : `value${i}`), compileMockValue(o, scope)] as const);
  return (params) => Object.fromEntries(entries.map(([k, build]) => [k, build(params)]));
}

function compileMockValue(output: OutputParameter, scope: NameScope | undefined): MockBuilder {
  if (output.properties) {
    const entries = Object.entries(output.properties).map(([k, p]) => [k, compileMockValue(p, scope)] as const);
    return (params) => Object.fromEntries(entries.map(([k, build]) => [k, build(params)]));
  }
  if (Array.isArray(output.value)) {
    const items = output.value.map((v) => compileValue(v, scope));
    return (params) => items.map((item) => item(params));
  }
  if (output.value !== undefined) return compileValue(output.value, scope);
  if (output.type === 'array' && output.items && (output.items.value !== undefined || output.items.properties)) {
    const item = compileMockValue(output.items, scope);
    return (params) => [item(params)];
  }
  return () => null;
}
