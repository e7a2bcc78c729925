// Aggregate functions (`capability.aggregates`) and the units that `ref` them (naftiko-semantics §6.3).
import type { Aggregate, AggregateFunction, Invocable } from '../spec/capability.js';

export interface FunctionRef {
  /** The aggregate's namespace: `with` values of the function refer to caller input through it. */
  namespace: string;
  fn: AggregateFunction;
}

/** `namespace.function` → function. Duplicates are reported by validate (ref-target-exists); the first one wins. */
export function functionsByRef(aggregates: readonly Aggregate[] | undefined): Map<string, FunctionRef> {
  const functions = new Map<string, FunctionRef>();
  for (const aggregate of Array.isArray(aggregates) ? aggregates : []) {
    if (!aggregate || typeof aggregate.namespace !== 'string') continue;
    for (const fn of Array.isArray(aggregate.functions) ? aggregate.functions : []) {
      if (!fn || typeof fn.name !== 'string') continue;
      const key = `${aggregate.namespace}.${fn.name}`;
      if (!functions.has(key)) functions.set(key, { namespace: aggregate.namespace, fn });
    }
  }
  return functions;
}

/**
 * The unit a `ref` stands for: the function's call, steps, `with` and outputs, with the unit's own name, label,
 * description and inputs winning where it declares them (a function's mapped outputs win over the unit's).
 */
export function resolveRef(unit: Invocable, fn: AggregateFunction): Invocable {
  const own = <T>(value: T[] | undefined): T[] | undefined => (Array.isArray(value) && value.length > 0 ? value : undefined);
  return {
    name: unit.name ?? fn.name,
    label: unit.label ?? fn.label,
    description: unit.description ?? fn.description,
    inputParameters: own(unit.inputParameters) ?? fn.inputParameters,
    call: fn.call,
    with: fn.with,
    steps: fn.steps,
    mappings: fn.mappings,
    outputParameters: own(fn.outputParameters) ?? unit.outputParameters,
  };
}
