// Issue 6 items 5–9: hostile or broken capability files give positioned diagnostics, never an exception, in bounded
// time and number; `validate` catches what used to fail only at request time. Files are written to a temp folder
// and loaded through prepareCapabilities, the pipeline `validate` and `serve` run.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { MAX_DIAGNOSTICS_PER_FILE, MAX_FILE_BYTES, MAX_NESTING_DEPTH } from '../../src/load/limits.js';
import { prepareCapabilities, type Prepared } from '../../src/prepare.js';
import { ROOT } from '../helpers/cli.js';

// A small valid capability (the README example, trimmed): the base every case below breaks in one place.
const BASE = `naftiko: "1.0.0-alpha2"
info:
  label: Billing
  description: Customers of the billing API
binds:
  - namespace: env
    keys:
      BILLING_TOKEN: BILLING_TOKEN
capability:
  consumes:
    - type: http
      namespace: billing
      baseUri: https://api.example.com
      authentication: { type: bearer, token: "{{BILLING_TOKEN}}" }
      resources:
        - name: customers
          path: /customers/{customerId}
          operations:
            - name: get-customer
              method: GET
              inputParameters:
                - { name: expand, in: query }
  exposes:
    - type: mcp
      port: 9090
      namespace: billing-mcp
      tools:
        - name: get-customer
          description: Get one customer
          inputParameters:
            - { name: id, type: string, description: Customer id }
          call: billing.get-customer
          with: { customerId: tools.id }
          outputParameters: [{ type: object, mapping: $.data }]
`;

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cap-loader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function prepare(text: string): Promise<Prepared & { file: string }> {
  const file = join(dir, `case-${++counter}.yaml`);
  await writeFile(file, text);
  return { ...(await prepareCapabilities([file], { env: { BILLING_TOKEN: 'tok_123456' } })), file };
}

const errors = (p: Prepared): Diagnostic[] => p.diagnostics.filter((d) => d.severity === 'error');
const at = (d: Diagnostic) => `${d.line}:${d.col}`;
/** line:col (1-based) of the first occurrence of `needle` in `text`. */
function find(text: string, needle: string): string {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`not found: ${needle}`);
  return `${line + 1}:${lines[line]!.indexOf(needle) + 1}`;
}

function expectPositioned(p: Prepared): void {
  for (const d of p.diagnostics) {
    expect(d.code).not.toBe('CAP_INTERNAL');
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.col).toBeGreaterThanOrEqual(1);
  }
}

describe('the base capability', () => {
  it('is valid, so each case below fails for the one thing it breaks', async () => {
    const p = await prepare(BASE);
    expect(errors(p)).toEqual([]);
    expect(p.capabilities).toHaveLength(1);
  });
});

describe('item 5: YAML alias errors are diagnostics at their position', () => {
  it('an unresolved alias names the alias and its line:col', async () => {
    const text = BASE.replace('description: Customers of the billing API', 'description: *nope');
    const p = await prepare(text);
    expect(errors(p).map((d) => [d.code, at(d), d.message])).toEqual([['CAP_LOAD_YAML', find(text, '*nope'), 'unresolved alias *nope: no anchor &nope is defined before it']]);
  });

  it('a billion-laughs document is refused at its first alias', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]'];
    const text = `${BASE}x-bomb:\n${bomb.map((l) => `  ${l}`).join('\n')}\n`;
    const p = await prepare(text);
    const [d, ...rest] = errors(p);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('CAP_LOAD_YAML');
    expect(d!.message).toMatch(/aliases expand to too many nodes/);
    expect(at(d!)).toBe(find(text, '*a'));
  });
});

describe('item 6: wrong shapes the schema reports never crash a later stage', () => {
  const cases: [string, string][] = [
    ['binds is a mapping of numbers', BASE.replace(/binds:\n(.*\n){3}/, 'binds: {a: 1}\n')],
    ['operations is an empty mapping', BASE.replace(/operations:\n(.*\n){3}/, 'operations: {}\n')],
    ['tools holds null', BASE.replace(/tools:\n[\s\S]*$/, 'tools: [null]\n')],
    ['an import location is not a valid file URI', BASE.replace(/    - type: http\n(.*\n){11}/, "    - { import: billing, location: 'file://%zz' }\n")],
    ['numbers where strings are expected', BASE.replace('namespace: billing\n', 'namespace: 42\n').replace('path: /customers/{customerId}', 'path: 7').replace('call: billing.get-customer', 'call: 3')],
    ['resources is a string', BASE.replace(/resources:\n(.*\n){8}/, 'resources: nope\n')],
    ['with is a list', BASE.replace('with: { customerId: tools.id }', 'with: [1, 2]')],
    ['outputParameters items are scalars', BASE.replace('outputParameters: [{ type: object, mapping: $.data }]', 'outputParameters: [1, null, [x]]')],
  ];
  it.each(cases)('%s: positioned errors, no exception', async (_name, text) => {
    expect(text).not.toBe(BASE);
    const p = await prepare(text);
    expectPositioned(p);
    expect(errors(p).length).toBeGreaterThan(0);
  });

  it('an import location that is not a file URI is reported at the location', async () => {
    const p = await prepare(BASE.replace(/    - type: http\n(.*\n){11}/, "    - { import: billing, location: 'file://%zz' }\n"));
    const d = errors(p).find((e) => e.code === 'CAP_LOAD_IMPORT');
    expect(d?.message).toMatch(/cannot import file:\/\/%zz/);
    expect(d?.pointer).toBe('/capability/consumes/0/location');
  });
});

describe('item 7: limits', () => {
  it('a 1 MB line of {{x}} gives a couple of findings, not a million', async () => {
    const p = await prepare(BASE.replace('description: Customers of the billing API', `description: ${'{{x}}'.repeat(200_000)}`));
    expect(errors(p).length).toBeGreaterThan(0);
    expect(errors(p).length).toBeLessThanOrEqual(2);
    expect(errors(p)[0]!.line).toBe(4);
  });

  it(`a file over ${MAX_FILE_BYTES} bytes is refused before parsing`, async () => {
    const p = await prepare(`${BASE}# ${'x'.repeat(MAX_FILE_BYTES)}\n`);
    expect(errors(p).map((d) => d.code)).toEqual(['CAP_LOAD_TOO_LARGE']);
  });

  it(`nesting deeper than ${MAX_NESTING_DEPTH} levels is refused with its position`, async () => {
    let deep = 'x-deep:\n';
    for (let i = 1; i <= MAX_NESTING_DEPTH + 5; i++) deep += `${'  '.repeat(i)}k${i}:\n`;
    const p = await prepare(`${BASE}${deep}${'  '.repeat(MAX_NESTING_DEPTH + 6)}leaf: 1\n`);
    const [d, ...rest] = errors(p);
    expect(rest).toEqual([]);
    expect(d!.message).toBe(`nesting is deeper than ${MAX_NESTING_DEPTH} levels`);
  });

  it(`findings are capped at ${MAX_DIAGNOSTICS_PER_FILE} per file, then one "and N more" line`, async () => {
    const duplicates = Array.from({ length: 150 }, () => '  label: again').join('\n');
    const p = await prepare(`${BASE}x-dup:\n  label: first\n${duplicates}\n`);
    expect(p.diagnostics).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 1);
    expect(p.counts.errors).toBe(150);
    expect(p.diagnostics.at(-1)).toMatchObject({ code: 'CAP_LOAD_TOO_MANY_FINDINGS', severity: 'error', message: 'and 50 more finding(s) in this file (50 error(s)); fix the ones above first' });
  });

  it('a mapping of 20,000 keys loads (duplicate keys are found in one pass)', async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  key${i}: value${i}`).join('\n');
    const text = `${BASE}x-big:\n${keys}\n  key19999: again\n`;
    const p = await prepare(text);
    expect(errors(p).map((d) => [d.code, at(d), d.message])).toEqual([['CAP_LOAD_YAML', find(text, 'key19999: again'), 'duplicate key "key19999" (a mapping\'s keys must be unique)']]);
  });
});

describe('item 8: validate catches what used to fail at request time', () => {
  it('an invalid JSONPath filter in outputParameters is an error at the mapping', async () => {
    const p = await prepare(BASE.replace('mapping: $.data }', 'mapping: "$.data[?(@.id ==)]" }'));
    const [d, ...rest] = errors(p);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'CAP_RULE_INVALID_JSONPATH', pointer: '/capability/exposes/0/tools/0/outputParameters/0/mapping' });
    expect(d!.message).toMatch(/invalid filter \?\(@\.id ==\)/);
  });

  it('a `with` key that names no parameter of the called operation is an error at the key', async () => {
    const text = BASE.replace('with: { customerId: tools.id }', 'with: { customerID: tools.id }');
    const p = await prepare(text);
    const [d, ...rest] = errors(p);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'CAP_COMPILE_UNKNOWN_WITH', pointer: '/capability/exposes/0/tools/0/with/customerID' });
    expect(at(d!)).toBe(find(text, 'customerID'));
    expect(d!.hint).toBe('billing.get-customer takes: expand, customerId');
  });

  it('a misspelt top-level section is an error with a suggestion', async () => {
    const text = BASE.replace('capability:', 'capabilty:');
    const p = await prepare(text);
    const d = errors(p).find((e) => e.code === 'CAP_SCHEMA_UNKNOWN_PROPERTY');
    expect(d).toMatchObject({ severity: 'error', hint: 'did you mean "capability"?' });
    expect(at(d!)).toBe(find(text, 'capabilty:'));
    expect(p.ok).toBe(false);
  });
});

describe('item 9: one syntax error gives one finding', () => {
  const schematic = () => readFile(join(ROOT, 'capabilities/schematic.yaml'), 'utf8');

  it('an unclosed [ in a shipped capability is reported once, where it is', async () => {
    const lines = (await schematic()).split('\n');
    const index = lines.findIndex((l) => /^\s+- name: flag-check$/.test(l)) + 1;
    lines[index] = lines[index]!.replace(/^(\s+)/, '$1[');
    const p = await prepare(lines.join('\n'));
    expect(errors(p).map((d) => [d.code, d.line])).toEqual([['CAP_LOAD_YAML', index + 1]]);
    expect(errors(p)[0]!.col).toBe(lines[index]!.indexOf('[') + 1);
  });

  it('independent syntax errors are all reported, sorted by line', async () => {
    const text = BASE.replace('label: Billing', 'label: [Billing').replace('method: GET', 'method: "GET');
    const p = await prepare(text);
    expect(errors(p).map(at)).toEqual([find(text, '[Billing'), find(text, '"GET')]);
  });
});
