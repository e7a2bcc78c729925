import { describe, expect, it } from 'vitest';
import { exceedsDepth, MAX_JSON_DEPTH } from './json-depth.js';

/** `levels` nested objects or arrays, the deepest one empty. */
const nested = (levels: number, kind: 'object' | 'array'): unknown => {
  let value: unknown = kind === 'object' ? {} : [];
  for (let i = 1; i < levels; i++) value = kind === 'object' ? { a: value, n: 1 } : [1, value];
  return value;
};

describe('exceedsDepth', () => {
  it.each(['object', 'array'] as const)('allows %s nesting up to the limit and refuses one level more', (kind) => {
    expect(exceedsDepth(nested(MAX_JSON_DEPTH, kind))).toBe(false);
    expect(exceedsDepth(nested(MAX_JSON_DEPTH + 1, kind))).toBe(true);
    expect(exceedsDepth(nested(100_000, kind))).toBe(true);
  });

  it('finds the deep branch among wide siblings, in objects and arrays mixed', () => {
    const wide = { items: Array.from({ length: 50 }, (_, i) => ({ id: i, tags: ['a'] })), deep: [{ x: nested(MAX_JSON_DEPTH - 2, 'object') }] };
    expect(exceedsDepth(wide)).toBe(true);
    expect(exceedsDepth({ ...wide, deep: [] })).toBe(false);
    expect(exceedsDepth(nested(3, 'object'), 2)).toBe(true);
  });

  it('scalars and null are not nested', () => {
    for (const value of [null, undefined, 1, 'text', true]) expect(exceedsDepth(value)).toBe(false);
  });
});
