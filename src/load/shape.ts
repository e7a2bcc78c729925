// Shape guards for documents that parsed but may not match the schema: the schema reports the wrong shape, and
// every later stage reads through these so it never throws on it (a list that is a mapping reads as empty).

export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The items of a list, or none when the value is not a list; entries that are not mappings are skipped. */
export function records<T = Record<string, unknown>>(value: unknown): [index: number, item: T][] {
  if (!Array.isArray(value)) return [];
  const out: [number, T][] = [];
  value.forEach((item, i) => {
    if (isRecord(item)) out.push([i, item as T]);
  });
  return out;
}

/** A string field, or undefined when it is missing or another type. */
export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
