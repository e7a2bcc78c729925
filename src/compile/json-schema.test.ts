// Declared JSON Schemas: problems are found at load time (meta-schema, regular expressions, references), ajv's code
// generation waits for the first call and happens once, identical schemas share a validator, and a format ajv does
// not know is an annotation (no console output).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileJsonSchema } from './json-schema.js';

afterEach(() => vi.restoreAllMocks());

/** A schema no other test uses, so that the shared cache does not hide a compilation. */
let n = 0;
const unique = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties: { ...properties, [`unique-${++n}`]: {} }, required });

describe('compileJsonSchema', () => {
  it('reports an invalid schema at load time with ajv own message', () => {
    expect(() => compileJsonSchema(unique({ a: { type: 'array', items: { type: 'strin' } } }), 'input')).toThrow(
      'schema is invalid: data/properties/a/items/type must be equal to one of the allowed values, data/properties/a/items/type must be array, data/properties/a/items/type must match a schema in anyOf',
    );
    expect(() => compileJsonSchema(unique({ a: { type: 'string', minLength: -1 } }), 'coercing-input')).toThrow('schema is invalid: data/properties/a/minLength must be >= 0');
    expect(() => compileJsonSchema(unique({ a: { type: 'string', pattern: '[a-' } }), 'input')).toThrow('Invalid regular expression: /[a-/u: Unterminated character class');
    expect(() => compileJsonSchema(unique({ a: { type: 'object', patternProperties: { '(x': {} } } }), 'input')).toThrow(/Invalid regular expression/);
    // Only ajv resolves references: a schema with one is compiled at once, so a dangling one fails at load too.
    expect(() => compileJsonSchema(unique({ a: { $ref: '#/$defs/missing' } }), 'input')).toThrow(/can't resolve reference/);
  });

  it('generates the validator code on the first call, once, and shares it between identical schemas', () => {
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    const schema = unique({ id: { type: 'string' }, count: { type: 'integer', minimum: 1 } }, ['id']);
    const validate = compileJsonSchema(schema, 'input');
    expect(compileJsonSchema(structuredClone(schema), 'input')).toBe(validate);
    expect(compile).not.toHaveBeenCalled();

    expect(validate({ id: 'a', count: 2 })).toBe(true);
    expect(validate({ count: 0 })).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([" must have required property 'id'", '/count must be >= 1']);
    expect(validate({ id: 'b' })).toBe(true);
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('coerces only for coercing-input', () => {
    const schema = unique({ count: { type: 'integer' } });
    expect(compileJsonSchema(schema, 'input')({ count: '3' })).toBe(false);
    const coerced = { count: '3' };
    expect(compileJsonSchema(schema, 'coercing-input')(coerced)).toBe(true);
    expect(coerced.count).toBe(3);
  });

  it('treats a format ajv does not know as an annotation, without printing anything', () => {
    const printed = [vi.spyOn(console, 'warn'), vi.spyOn(console, 'log'), vi.spyOn(console, 'error')];
    const validate = compileJsonSchema(unique({ phone: { type: 'string', format: 'phone-number' }, list: { type: 'array', items: { format: 'sku' } } }), 'input');
    expect(validate({ phone: 'not checked', list: ['x'] })).toBe(true);
    expect(validate({ phone: 1 })).toBe(false);
    // Known formats are still checked.
    expect(compileJsonSchema(unique({ at: { type: 'string', format: 'date-time' } }), 'input')({ at: 'yesterday' })).toBe(false);
    for (const spy of printed) expect(spy).not.toHaveBeenCalled();
  });
});

describe('warmSchemaCompiler', () => {
  it('makes the instances of the uses validators wait for, in steps, and changes no verdict', async () => {
    vi.resetModules(); // a fresh module: no ajv instance made yet
    const fresh = await import('./json-schema.js');
    expect(fresh.warmSchemaCompiler()).toBe(false); // no validator waits: nothing to do
    const validate = fresh.compileJsonSchema({ type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } }, required: ['id'] }, 'coercing-input');
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    let steps = 0;
    while (fresh.warmSchemaCompiler()) steps++;
    expect(steps).toBe(2); // the instance, then the throwaway schema
    expect(compile).toHaveBeenCalledTimes(1);
    expect(validate({ n: '3' })).toBe(false);
    expect(validate.errors?.map((e) => e.message)).toEqual(["must have required property 'id'"]);
    expect(validate({ id: 'a', n: '3' })).toBe(true); // coerced as before
    expect(compile).toHaveBeenCalledTimes(2); // the validator's own code, on its first call
  });
});
