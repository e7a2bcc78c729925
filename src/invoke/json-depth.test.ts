import { describe, expect, it } from 'vitest';
import { exceedsDepth, MAX_JSON_DEPTH } from './json-depth.js';

const nestedArrays = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};
const nestedObjects = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: 1, next: value };
  return value;
};

describe('exceedsDepth', () => {
  it('counts the outermost object or array as level 1; scalars have no depth', () => {
    for (const scalar of [null, 1, 'text', true, undefined]) expect(exceedsDepth(scalar, 0)).toBe(false);
    expect(exceedsDepth({}, 0)).toBe(true);
    expect(exceedsDepth({}, 1)).toBe(false);
    expect(exceedsDepth({ a: [] }, 1)).toBe(true);
    expect(exceedsDepth({ a: [] }, 2)).toBe(false);
  });

  it('allows exactly the limit and refuses one level more, for arrays, objects and a mix', () => {
    expect(exceedsDepth(nestedArrays(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsDepth(nestedArrays(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsDepth(nestedObjects(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsDepth(nestedObjects(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsDepth({ wide: Array.from({ length: 1000 }, () => ({ x: [1, 2] })), deep: nestedObjects(MAX_JSON_DEPTH) })).toBe(true);
    expect(exceedsDepth({ wide: Array.from({ length: 1000 }, () => ({ x: [1, 2] })), deep: nestedObjects(MAX_JSON_DEPTH - 2) })).toBe(false);
  });

  it('stops at the limit on a hostile document far too deep to walk by recursion', () => {
    expect(exceedsDepth(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toBe(true);
    expect(exceedsDepth(JSON.parse(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`))).toBe(true);
  });

  it('reads own keys only, as parsed JSON has', () => {
    const proto = { inherited: nestedArrays(5) };
    expect(exceedsDepth(Object.create(proto) as object, 2)).toBe(false);
  });
});
