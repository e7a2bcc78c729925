// outputParameters → one function from the upstream body to the result (naftiko-semantics §4.4).
// Deliberate difference from the reference engine: an object/array output with `mapping` and no
// properties/items/values passes the selected node through (§4.4 RECOMMENDED; the seeds' `mapping: $.`).
import type { OutputParameter } from '../spec/capability.js';
import { compileJsonPath, type Extractor } from './jsonpath.js';

export type OutputMapper = (body: unknown) => unknown;

/** Returns null when there is nothing to map: the upstream body is the result. */
export function compileOutputMapper(outputs: readonly OutputParameter[] | undefined): OutputMapper | null {
  const usable = (outputs ?? []).filter((o) => o && (o.in === undefined || o.in === 'body'));
  if (usable.length === 0) return null;
  const mappers = usable.map(compileOutput);
  // The first output that yields a value wins; when none does, the raw body is returned.
  return (body) => {
    for (const map of mappers) {
      const value = map(body);
      if (value !== undefined) return value;
    }
    return body;
  };
}

function compileOutput(output: OutputParameter): OutputMapper {
  if (output.value !== undefined && !(typeof output.value === 'string' && output.value.startsWith('$'))) {
    const constant = mockValue(output);
    return () => constant;
  }
  const select: Extractor = compileJsonPath(String(output.mapping ?? output.value ?? '$'));
  const type = output.type ?? 'object';
  if (type === 'array') {
    if (!output.items) return (body) => asArray(select(body));
    const item = compileItem(output.items);
    return (body) => asArray(select(body))?.map(item);
  }
  if (type === 'object') {
    if (output.values) {
      const each = compileItem(output.values);
      return (body) => {
        const selected = select(body);
        if (!isObject(selected)) return undefined;
        return Object.fromEntries(Object.entries(selected).map(([k, v]) => [k, each(v)]));
      };
    }
    if (output.properties) {
      const props = compileProperties(output.properties);
      // Property paths are evaluated against the selected node (the root when `mapping` is absent or `$`).
      return (body) => props(select(body) ?? body);
    }
    return select;
  }
  if (type === 'string' && output.maxLength !== undefined) {
    const max = output.maxLength;
    return (body) => {
      const v = select(body);
      return typeof v === 'string' ? v.slice(0, max) : v;
    };
  }
  return select;
}

function compileProperties(properties: Record<string, OutputParameter>): (node: unknown) => Record<string, unknown> {
  const entries = Object.entries(properties).map(([name, p]) => {
    const nested = p && p.type === 'object' && p.properties && p.mapping === undefined ? compileProperties(p.properties) : null;
    return [name, nested ?? compileOutput(p)] as const;
  });
  return (node) => Object.fromEntries(entries.map(([name, map]) => [name, map(node) ?? null]));
}

function compileItem(item: OutputParameter): (element: unknown) => unknown {
  if (item.properties) return compileProperties(item.properties);
  if (item.mapping) {
    const select = compileJsonPath(item.mapping);
    return (element) => select(element) ?? null;
  }
  return (element) => element;
}

const asArray = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A mock output's value: named outputs build an object, nested objects/arrays recurse (naftiko-semantics §4.8). */
export function mockValue(output: OutputParameter): unknown {
  if (output.properties) return Object.fromEntries(Object.entries(output.properties).map(([k, p]) => [k, mockValue(p)]));
  if (output.type === 'array' && Array.isArray(output.value)) return output.value;
  return output.value ?? null;
}
