// Templating: placeholders resolve caller input (with tools./rest./namespace prefixes and kebab/snake twins) and
// bound variables; JSON trees keep value types, omit missing values, and never HTML-escape.
import { describe, expect, it } from 'vitest';
import type { Bindings } from '../resolve/bindings.js';
import type { NameScope } from './names.js';
import { compileJson, compileText } from './template.js';

const bindings = (values: Record<string, string>, missing: string[] = []): Bindings => {
  const names = new Map<string, string>();
  for (const v of [...Object.keys(values), ...missing]) for (const n of [v, `env.${v}`, `secrets.${v}`]) names.set(n, v);
  return { names, values: new Map(Object.entries(values)), missing: new Set(missing) };
};
const scope = (values: Record<string, string> = {}, missing: string[] = []): NameScope => ({
  bindings: bindings(values, missing),
  inputPrefixes: new Set(['tools', 'rest', 'billing-mcp']),
});

describe('text templates', () => {
  it('renders caller input without HTML escaping', () => {
    expect(compileText('q={{term}}', scope()).render({ term: `<a href="x">&'` })).toBe(`q=<a href="x">&'`);
  });

  it('reads tools., rest. and adapter-namespace prefixes as the caller input', () => {
    const t = compileText('{{tools.a}}/{{rest.b}}/{{billing-mcp.c}}', scope());
    expect(t.render({ a: 1, b: true, c: 'x' })).toBe('1/true/x');
  });

  it('falls back between kebab-case and snake_case names', () => {
    expect(compileText('{{customer_id}}', scope()).render({ 'customer-id': 'c-1' })).toBe('c-1');
    expect(compileText('{{customer-id}}', scope()).render({ customer_id: 'c-2' })).toBe('c-2');
  });

  it('renders bound variables in all three spellings, and a binding wins over caller input', () => {
    const t = compileText('{{API_KEY}} {{env.API_KEY}} {{secrets.API_KEY}}', scope({ API_KEY: 'sk_1' }));
    expect(t.render({ API_KEY: 'caller-override' })).toBe('sk_1 sk_1 sk_1');
  });

  it('fails with CAP_SECRET_MISSING when a bound variable has no value', () => {
    const t = compileText('Bearer {{TOKEN}}', scope({}, ['TOKEN']));
    expect(() => t.render({})).toThrow(expect.objectContaining({ code: 'CAP_SECRET_MISSING', message: expect.stringContaining('TOKEN is not set') }));
  });

  it('renders objects and arrays as JSON text and missing values as nothing', () => {
    expect(compileText('{{a}}|{{b}}|{{missing}}', scope()).render({ a: { k: 1 }, b: [1, 'x'] })).toBe('{"k":1}|[1,"x"]|');
  });

  it('rejects sections at compile time', () => {
    expect(() => compileText('{{#items}}x{{/items}}', scope())).toThrow(/section/);
  });
});

describe('JSON body templates', () => {
  const render = compileJson(
    { keys: '{{tools.keys}}', name: '{{name}}', count: '{{n}}', flag: '{{ok}}', label: 'Hello {{name}}', nested: { list: ['{{id}}', 'const'] } },
    scope(),
  );

  it('keeps the JSON type of a whole-string placeholder', () => {
    expect(render({ keys: { stripe_id: 'cus_1' }, name: 'Acme', n: 5, ok: false, id: 7 })).toEqual({
      keys: { stripe_id: 'cus_1' },
      name: 'Acme',
      count: 5,
      flag: false,
      label: 'Hello Acme',
      nested: { list: [7, 'const'] },
    });
  });

  it('omits properties and array items whose placeholder has no value', () => {
    expect(render({ name: 'Acme' })).toEqual({ name: 'Acme', label: 'Hello Acme', nested: { list: ['const'] } });
  });

  it('escapes quotes inside mixed text as JSON, not HTML', () => {
    expect(JSON.stringify(render({ name: 'say "hi" & <go>' }))).toContain('"label":"Hello say \\"hi\\" & <go>"');
  });
});
