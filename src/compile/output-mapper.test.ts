// Output mapping: passthrough of the selected node for object/array outputs without structure (the seeds'
// `mapping: $.`), property objects, arrays of items, maps of values, and constant values.
import { describe, expect, it } from 'vitest';
import { compileJsonPath } from './jsonpath.js';
import { compileMock, compileOutputMapper } from './output-mapper.js';

const body = { data: { id: 'u-1', name: 'Alice', tags: ['a', 'b'] }, items: [{ id: 1, n: 'x' }, { id: 2 }], counts: { a: { v: 10 }, b: { v: 20 } } };

describe('output mapping', () => {
  it('passes the upstream body through for `type: object, mapping: $.`', () => {
    expect(compileOutputMapper([{ type: 'object', mapping: '$.' }])!(body)).toEqual(body);
  });

  it('selects a sub-node for an object or array output without structure', () => {
    expect(compileOutputMapper([{ type: 'object', mapping: '$.data' }])!(body)).toEqual(body.data);
    expect(compileOutputMapper([{ type: 'array', mapping: '$.items' }])!(body)).toEqual(body.items);
  });

  it('builds objects from properties, with null for missing paths', () => {
    const map = compileOutputMapper([{ type: 'object', properties: { id: { type: 'string', mapping: '$.data.id' }, nope: { type: 'string', mapping: '$.data.nope' } } }])!;
    expect(map(body)).toEqual({ id: 'u-1', nope: null });
  });

  it('maps array items relative to each element', () => {
    const map = compileOutputMapper([{ type: 'array', mapping: '$.items', items: { type: 'object', properties: { key: { type: 'number', mapping: '$.id' }, label: { type: 'string', mapping: '$.n' } } } }])!;
    expect(map(body)).toEqual([{ key: 1, label: 'x' }, { key: 2, label: null }]);
  });

  it('maps each entry of an object with `values`', () => {
    expect(compileOutputMapper([{ type: 'object', mapping: '$.counts', values: { type: 'number', mapping: '$.v' } }])!(body)).toEqual({ a: 10, b: 20 });
  });

  it('returns the raw body when no output yields a value, and null mapper when nothing is declared', () => {
    expect(compileOutputMapper([{ type: 'string', mapping: '$.absent' }])!(body)).toEqual(body);
    expect(compileOutputMapper(undefined)).toBeNull();
  });

  it('gives a constant for an output with a non-JSONPath value', () => {
    expect(compileOutputMapper([{ type: 'string', value: 'ready' }])!(body)).toBe('ready');
  });

  it('passes array elements through when the items have neither properties nor mapping (naftiko-semantics case 19)', () => {
    expect(compileOutputMapper([{ type: 'array', mapping: '$.items', items: { type: 'string' } }])!(body)).toEqual(body.items);
  });
});

describe('mocks', () => {
  it('builds nothing (undefined, so a 204) without outputs, and the value itself for one unnamed output', () => {
    expect(compileMock(undefined)({})).toBeUndefined();
    expect(compileMock([{ type: 'string', value: 'ready' }])({})).toBe('ready');
  });

  it('turns constant numbers into their text, as the reference does, and arrays of values into arrays of text', () => {
    expect(compileMock([{ name: 'n', type: 'number', value: 5 }, { name: 'l', type: 'array', value: [1, 'a'] }])({})).toEqual({ n: '5', l: ['1', 'a'] });
  });
});

describe('JSONPath', () => {
  it('walks definite paths and returns every match of indefinite ones', () => {
    expect(compileJsonPath('$.data.tags[1]')(body)).toBe('b');
    expect(compileJsonPath("$['data']['name']")(body)).toBe('Alice');
    expect(compileJsonPath('$.items[*].id')(body)).toEqual([1, 2]);
    expect(compileJsonPath('$..v')(body)).toEqual([10, 20]);
  });

  it('rejects an expression that does not start with $ when it is compiled', () => {
    expect(() => compileJsonPath('data.id')).toThrow(/must start with \$/);
  });
});
