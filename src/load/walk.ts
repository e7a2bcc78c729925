// Iterators over the loaded document's operations and exposed units, each with its source position.
import type { AggregateFunction, ConsumedOperation, ConsumedResource, ConsumesHttp, ExposedResource, ExposesMcp, ExposesRest, Invocable } from '../spec/capability.js';
import type { Located, LoadedCapability } from './load.js';
import { isRecord, records } from './shape.js';
import { pointerOf, type SourceFile } from './source.js';

export interface ConsumedOperationRef {
  adapter: ConsumesHttp;
  resource: ConsumedResource;
  operation: ConsumedOperation;
  source: SourceFile;
  pointer: string;
}

export function* consumedOperations(consumes: readonly Located<ConsumesHttp>[]): Generator<ConsumedOperationRef> {
  for (const { value: adapter, source, pointer } of consumes) {
    if (!isRecord(adapter)) continue;
    for (const [r, resource] of records<ConsumedResource>(adapter.resources)) {
      for (const [o, operation] of records<ConsumedOperation>(resource.operations)) {
        yield { adapter, resource, operation, source, pointer: `${pointer}${pointerOf('resources', r, 'operations', o)}` };
      }
    }
  }
}

export type ExposedUnit =
  | { kind: 'rest'; adapter: ExposesRest; resource: ExposedResource; unit: Invocable & { method: string }; pointer: string }
  | { kind: 'mcp'; adapter: ExposesMcp; unit: Invocable & { name: string }; pointer: string };

export function* exposedUnits(loaded: LoadedCapability): Generator<ExposedUnit> {
  const exposes = loaded.document?.capability?.exposes;
  if (!Array.isArray(exposes)) return;
  for (const [a, adapter] of records<ExposesRest | ExposesMcp>(exposes)) {
    if (adapter.type === 'rest') {
      for (const [r, resource] of records<ExposedResource>(adapter.resources)) {
        for (const [o, unit] of records<Invocable & { method: string }>(resource.operations)) {
          yield { kind: 'rest', adapter, resource, unit, pointer: pointerOf('capability', 'exposes', a, 'resources', r, 'operations', o) };
        }
      }
    } else if (adapter.type === 'mcp') {
      for (const [t, unit] of records<Invocable & { name: string }>(adapter.tools)) {
        yield { kind: 'mcp', adapter, unit, pointer: pointerOf('capability', 'exposes', a, 'tools', t) };
      }
    }
  }
}

export interface AggregateFunctionRef {
  /** `namespace.function`, what a `ref` names. */
  ref: string;
  fn: AggregateFunction;
  pointer: string;
}

export function* aggregateFunctions(loaded: LoadedCapability): Generator<AggregateFunctionRef> {
  const aggregates = loaded.document?.capability?.aggregates;
  if (!Array.isArray(aggregates)) return;
  for (const [a, aggregate] of aggregates.entries()) {
    if (!aggregate || !Array.isArray(aggregate.functions)) continue;
    for (const [f, fn] of aggregate.functions.entries()) {
      if (fn && typeof fn === 'object') yield { ref: `${aggregate.namespace}.${fn.name}`, fn, pointer: pointerOf('capability', 'aggregates', a, 'functions', f) };
    }
  }
}

/** Every unit that can call consumed operations: exposed operations and tools, and aggregate functions. */
export function* invocables(loaded: LoadedCapability): Generator<{ unit: Invocable; pointer: string }> {
  for (const { unit, pointer } of exposedUnits(loaded)) yield { unit, pointer };
  for (const { fn, pointer } of aggregateFunctions(loaded)) yield { unit: fn, pointer };
}

/** `{x}` and `{{x}}` placeholders in a consumed path (naftiko-semantics §3.2: both forms are accepted). */
export function pathPlaceholders(path: string): string[] {
  return [...path.matchAll(/\{\{?\s*([^{}\s]+)\s*\}?\}/g)].map((m) => m[1]!);
}

/** `{{name}}` / `{{{name}}}` placeholder names in a template string (anything else has none). */
export function placeholderNames(template: unknown): string[] {
  if (typeof template !== 'string') return [];
  return [...template.matchAll(/\{\{\{?\s*&?\s*([^{}\s]+)\s*\}?\}\}/g)].map((m) => m[1]!);
}
