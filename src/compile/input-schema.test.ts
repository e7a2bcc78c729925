// Input schemas: declared parameters (tool defaults, REST path parameters, JSON Schema keywords) and the field
// errors their validators report, naming the field and where it goes.
import { describe, expect, it } from 'vitest';
import { compileInputValidator, declaredInputSchema } from './input-schema.js';

describe('declared input schemas', () => {
  it('makes tool parameters required unless they say otherwise, and passes JSON Schema keywords through', () => {
    const schema = declaredInputSchema(
      [
        { name: 'keys', type: 'object', description: 'External keys', additionalProperties: { type: 'string' } },
        { name: 'cycle', type: 'object', description: 'Cycle', required: false, requiredProperties: ['interval'] },
        { name: 'ids', type: 'array', description: 'Ids', required: false },
      ],
      true,
    );
    expect(schema).toEqual({
      type: 'object',
      properties: {
        keys: { type: 'object', description: 'External keys', additionalProperties: { type: 'string' } },
        cycle: { type: 'object', description: 'Cycle', required: ['interval'] },
        ids: { type: 'array', description: 'Ids', items: {} },
      },
      required: ['keys'],
    });
  });

  it('makes REST path parameters required and others optional by default', () => {
    const schema = declaredInputSchema([{ name: 'id', in: 'path', type: 'string' }, { name: 'limit', in: 'query', type: 'integer' }], false);
    expect(schema.required).toEqual(['id']);
  });

  it('names missing and mistyped fields, with their location for REST', () => {
    const schema = declaredInputSchema([{ name: 'id', in: 'path', type: 'string' }, { name: 'limit', in: 'query', type: 'integer', minimum: 1 }], false);
    const validate = compileInputValidator(schema, true, new Map([['id', 'path'], ['limit', 'query']]));
    expect(validate({ limit: '0' })).toEqual([
      { field: 'id', in: 'path', message: 'is required' },
      { field: 'limit', in: 'query', message: 'must be >= 1' },
    ]);
    expect(validate({ id: 'a', limit: '5' })).toBeNull();
  });

  it('does not coerce MCP arguments and reports nested fields by path', () => {
    const schema = declaredInputSchema([{ name: 'keys', type: 'object', description: 'k', additionalProperties: { type: 'string' } }], true);
    const validate = compileInputValidator(schema, false);
    expect(validate({ keys: { stripe_id: 5 } })).toEqual([{ field: 'keys.stripe_id', message: 'must be string' }]);
  });
});
