// The names a consumed operation reads from its call parameters: declared inputParameters, path placeholders and
// body placeholders. A `with` key outside this set is never sent, so it is a load error, not a caller's fault.
import { isRecord, records } from '../load/shape.js';
import { pathPlaceholders, placeholderNames } from '../load/walk.js';
import type { ConsumedOperation, ConsumedResource } from '../spec/capability.js';

export function operationParameterNames(resource: ConsumedResource, operation: ConsumedOperation, inputPrefixes: ReadonlySet<string>): { accepted: Set<string>; shown: string[] } {
  const names = new Set<string>();
  const shown = new Set<string>();
  const add = (raw: string) => {
    const dot = raw.indexOf('.');
    const name = dot > 0 && inputPrefixes.has(raw.slice(0, dot)) ? raw.slice(dot + 1) : raw;
    const head = name.split('.')[0]!;
    shown.add(head);
    for (const n of [name, head]) names.add(n).add(n.replace(/-/g, '_')).add(n.replace(/_/g, '-'));
  };
  for (const [, p] of records(operation.inputParameters)) {
    if (typeof p.name === 'string') add(p.name);
    for (const n of placeholderNames(p.value)) add(n);
  }
  for (const n of pathPlaceholders(typeof resource.path === 'string' ? resource.path : '')) add(n);
  const strings: unknown[] = [operation.body];
  for (let i = 0; i < strings.length && i < 10_000; i++) {
    const value = strings[i];
    if (typeof value === 'string') for (const n of placeholderNames(value)) add(n);
    else if (Array.isArray(value)) strings.push(...value);
    else if (isRecord(value)) strings.push(...Object.values(value));
  }
  return { accepted: names, shown: [...shown] };
}
