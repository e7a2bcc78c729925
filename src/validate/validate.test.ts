// Load and validate diagnostics: YAML syntax errors and every semantic rule point at file:line:col with a
// message and hint; lenient mode warns on schema deviations that --strict turns into errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../errors/diagnostic.js';
import { loadCapability } from '../load/load.js';
import { validateCapability } from './validate.js';

const dir = mkdtempSync(join(tmpdir(), 'cap-validate-'));
let n = 0;
async function check(yaml: string, options: { strict?: boolean; files?: Record<string, string> } = {}): Promise<Diagnostic[]> {
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), text);
  const file = join(dir, `cap-${n++}.yaml`);
  writeFileSync(file, yaml);
  const loaded = await loadCapability(file);
  return [...loaded.diagnostics, ...validateCapability(loaded, options)];
}

const capability = (consumes: string, exposes: string) => `naftiko: "1.0.0-alpha2"
info:
  label: Test
  description: Test capability
capability:
  consumes:
${consumes}
  exposes:
${exposes}
`;
const api = `    - type: http
      namespace: api
      baseUri: https://api.example.com
      resources:
        - name: items
          path: /items/{id}
          operations:
            - name: get-item
              method: GET
              inputParameters:
                - name: id
                  in: path
                - name: other
                  in: path`;
const tools = (call: string) => `    - type: mcp
      port: 9000
      namespace: tools-mcp
      tools:
        - name: get-item
          description: Get an item
          call: ${call}`;

describe('diagnostics', () => {
  it('reports a YAML syntax error at its line and column', async () => {
    const [d] = await check('naftiko: "1.0.0-alpha2"\ncapability:\n  consumes: [\n');
    expect(d).toMatchObject({ severity: 'error', code: 'CAP_LOAD_YAML' });
    expect(formatDiagnostic(d!)).toMatch(/cap-\d+\.yaml:\d+:\d+ {2}error {2}CAP_LOAD_YAML {2}YAML syntax error/);
    expect(d!.line).toBeGreaterThanOrEqual(3);
  });

  it('names an unknown call target and lists the operations that exist', async () => {
    const found = (await check(capability(api, tools('api.get-items')))).find((d) => d.code === 'CAP_RULE_UNKNOWN_CALL');
    expect(found).toMatchObject({ severity: 'error', message: '"api.get-items" names no consumed operation', hint: 'operations in "api": get-item', line: 28, col: 17 });
  });

  it('names an unknown call target inside a step, at the step', async () => {
    const steps = tools('api.get-item').replace(
      '          call: api.get-item',
      '          steps:\n            - { type: call, name: one, call: api.get-item }\n            - { type: call, name: two, call: api.nope }\n          outputParameters: [{ name: x, type: string }]',
    );
    const found = (await check(capability(api, steps))).find((d) => d.code === 'CAP_RULE_UNKNOWN_CALL');
    expect(found).toMatchObject({ severity: 'error', message: '"api.nope" names no consumed operation', pointer: '/capability/exposes/0/tools/0/steps/1/call' });
  });

  it('names a forward target that is not a consumed namespace and lists those that are', async () => {
    const rest = `    - type: rest
      port: 8000
      namespace: rest-api
      resources:
        - path: /proxy/{path}
          forward: { targetNamespace: elsewhere }`;
    const found = (await check(capability(api, rest))).find((d) => d.code === 'CAP_RULE_UNKNOWN_FORWARD');
    expect(found).toMatchObject({ severity: 'error', message: 'forward target "elsewhere" names no consumed adapter', hint: 'consumed namespaces: api', pointer: '/capability/exposes/0/resources/0/forward/targetNamespace' });
  });

  it('warns about a consumed path parameter that is not in the path', async () => {
    const found = (await check(capability(api, tools('api.get-item')))).filter((d) => d.code === 'CAP_RULE_PATH_PARAMETER_UNUSED');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', line: 19 });
    expect(found[0]!.message).toContain('"other"');
  });

  it('warns that a second operation with the same method on one REST resource is unreachable', async () => {
    const rest = `    - type: rest
      port: 8000
      namespace: rest-api
      resources:
        - path: /v1/items/{id}
          operations:
            - method: GET
              name: first
              call: api.get-item
            - method: GET
              name: second
              call: api.get-item`;
    const found = (await check(capability(api, rest))).find((d) => d.code === 'CAP_RULE_UNREACHABLE_OPERATION');
    expect(found).toMatchObject({ severity: 'warning', message: 'GET /v1/items/{id} is already handled by "first"; "second" is unreachable' });
  });

  it('rejects two adapters with one namespace', async () => {
    const found = (await check(capability(api, tools('api.get-item').replace('tools-mcp', 'api')))).find((d) => d.code === 'CAP_RULE_NAMESPACE_CLASH');
    expect(found).toMatchObject({ severity: 'error', message: 'namespace "api" is declared more than once' });
  });

  it('accepts an unknown property with a warning, and rejects it with --strict', async () => {
    const yaml = capability(api, tools('api.get-item')).replace('      namespace: tools-mcp', '      namespace: tools-mcp\n      colour: blue');
    const lenient = (await check(yaml)).find((d) => d.code === 'CAP_SCHEMA_UNKNOWN_PROPERTY');
    expect(lenient).toMatchObject({ severity: 'warning', message: 'property "colour" is not in the Naftiko 1.0.0-alpha2 schema', line: 25, col: 7 });
    const strict = (await check(yaml, { strict: true })).find((d) => d.code === 'CAP_SCHEMA_UNKNOWN_PROPERTY');
    expect(strict?.severity).toBe('error');
  });

  it('reports a wrong value type as an error even in lenient mode', async () => {
    const found = (await check(capability(api, tools('api.get-item')).replace('port: 9000', 'port: nine'))).find((d) => d.code === 'CAP_SCHEMA_TYPE');
    expect(found).toMatchObject({ severity: 'error', pointer: '/capability/exposes/0/port', message: 'must be of type integer' });
  });

  it('says which namespaces an imported file offers when the import names another', async () => {
    const shared = 'naftiko: "1.0.0-alpha2"\nconsumes:\n' + api.replace(/^ {4}/gm, '  ') + '\n';
    const yaml = capability('    - import: billing\n      location: ./shared-api.yaml', tools('api.get-item'));
    const found = (await check(yaml, { files: { 'shared-api.yaml': shared } })).find((d) => d.code === 'CAP_LOAD_IMPORT');
    expect(found).toMatchObject({ severity: 'error', message: 'namespace "billing" is not in ./shared-api.yaml', hint: 'it declares: api' });
  });

  it('reports a missing import file relative to the capability', async () => {
    const yaml = capability('    - import: api\n      location: ./nope/missing.yaml', tools('api.get-item'));
    const found = (await check(yaml)).find((d) => d.code === 'CAP_LOAD_IMPORT');
    expect(found?.message).toMatch(/cannot import \.\/nope\/missing\.yaml: cannot read .*missing\.yaml: file not found/);
  });
});
