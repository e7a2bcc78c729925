// Schema findings per mode: the default mode rejects only what cannot run and explains the rest with a hint;
// --strict is the schema's verdict; `x-dialect: runtime-extensions` accepts the runtime's extensions and nothing else.
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../errors/diagnostic.js';
import { SourceFile } from '../load/source.js';
import { validateSchema } from './schema.js';

function check(yaml: string, strict = false): Diagnostic[] {
  const source = new SourceFile('/tmp/cap.yaml', yaml);
  return validateSchema(source, source.toJS() as Record<string, unknown>, strict);
}
const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.severity} ${d.code} ${d.pointer}`);

const capability = (options: { version?: string; head?: string; info?: string; param?: string; method?: string } = {}) => `naftiko: "${options.version ?? '1.0.0-alpha3'}"
${options.head ?? ''}${options.info ?? 'info:\n  label: Ships\n  description: Ships of the registry\n'}capability:
  consumes:
    - namespace: registry
      type: http
      baseUri: https://registry.example.com
      resources:
        - name: ship
          path: /ships/{{imo}}
          operations:
            - name: get-ship
              method: ${options.method ?? 'GET'}
              inputParameters:
                - name: imo
                  in: path
  exposes:
    - type: mcp
      port: 3001
      namespace: tools
      tools:
        - name: get-ship
          description: Get a ship
          inputParameters:
            - name: imo
${options.param ?? '              type: string\n              description: IMO number\n'}          call: registry.get-ship
`;

describe('schema findings', () => {
  it('accepts a 1.0.0-alpha3 document (the official alpha3 is the alpha2 shape)', () => {
    expect(check(capability())).toEqual([]);
    expect(check(capability(), true)).toEqual([]);
  });

  it('`info.title` is a warning that says Naftiko calls it `label`; --strict rejects it', () => {
    const yaml = capability({ info: 'info:\n  title: Ships\n  description: Ships of the registry\n' });
    const found = check(yaml);
    expect(summary(found)).toEqual(['warning CAP_SCHEMA_REQUIRED /info', 'warning CAP_SCHEMA_UNKNOWN_PROPERTY /info/title']);
    expect(found.map((d) => d.hint)).toEqual(['found `title`: Naftiko calls it `label`', 'Naftiko calls it `label`; rename it']);
    expect(summary(check(yaml, true))).toEqual(['error CAP_SCHEMA_REQUIRED /info', 'error CAP_SCHEMA_UNKNOWN_PROPERTY /info/title']);
  });

  it('a tool parameter without `description` (or `type`) is a warning', () => {
    const found = check(capability({ param: '' }));
    expect(summary(found)).toEqual(['warning CAP_SCHEMA_REQUIRED /capability/exposes/0/tools/0/inputParameters/0', 'warning CAP_SCHEMA_REQUIRED /capability/exposes/0/tools/0/inputParameters/0']);
    expect(found.map((d) => d.message)).toEqual(['missing required property "type"', 'missing required property "description"']);
    expect(found[1]!.hint).toBe('agents and API users see this parameter without a description');
  });

  it('a construct of a later version is a warning naming the version that has it', () => {
    const yaml = capability({ version: '1.0.0-alpha1' }).replace('  exposes:', '  aggregates:\n    - label: Ships\n      namespace: ships\n      functions:\n        - name: get-ship\n          description: Get a ship\n          call: registry.get-ship\n  exposes:');
    const found = check(yaml);
    expect(summary(found)).toEqual(['warning CAP_SCHEMA_UNKNOWN_PROPERTY /capability/aggregates']);
    expect(found[0]!.hint).toMatch(/^not part of Naftiko 1\.0\.0-alpha1; it belongs to 1\.0\.0-alpha2\./);
    expect(summary(check(yaml, true))).toEqual(['error CAP_SCHEMA_UNKNOWN_PROPERTY /capability/aggregates']);
  });

  it('an Ikanos document is refused with a hint that names it', () => {
    const found = check('ikanos: "1.0.0-alpha3"\ncapability:\n  exposes: {}\n');
    expect(found.find((d) => d.message === 'missing required property "naftiko"')).toMatchObject({ severity: 'error', hint: expect.stringMatching(/^this is an Ikanos document/) });
  });

  it('what cannot build a request stays an error in the default mode', () => {
    expect(summary(check(capability({ method: 'FETCH' })))).toEqual(['error CAP_SCHEMA_ENUM /capability/consumes/0/resources/0/operations/0/method']);
  });

  describe('the runtime-extensions dialect', () => {
    const typed = '              type: string\n              description: IMO number\n              minLength: 7\n              pattern: "^[0-9]{7}$"\n';

    it('without the opt-in, the default mode accepts an extension and --strict rejects it with a hint to declare it', () => {
      expect(check(capability({ param: typed }))).toEqual([]);
      const found = check(capability({ param: typed }), true);
      expect(summary(found)).toEqual(['error CAP_SCHEMA_UNKNOWN_PROPERTY /capability/exposes/0/tools/0/inputParameters/0/minLength', 'error CAP_SCHEMA_UNKNOWN_PROPERTY /capability/exposes/0/tools/0/inputParameters/0/pattern']);
      expect(found[0]!.hint).toMatch(/^a runtime extension \(the default mode accepts it\); declare `x-dialect: runtime-extensions`/);
    });

    it('with `x-dialect: runtime-extensions` the extensions are valid, even with --strict', () => {
      const yaml = capability({ param: typed, head: 'x-dialect: runtime-extensions\n' });
      expect(check(yaml)).toEqual([]);
      expect(check(yaml, true)).toEqual([]);
    });

    it('the opt-in accepts nothing else: a misspelt key is still reported', () => {
      const yaml = capability({ param: typed + '              descripton: typo\n', head: 'x-dialect: runtime-extensions\n' });
      const found = check(yaml, true);
      expect(summary(found)).toEqual(['error CAP_SCHEMA_UNKNOWN_PROPERTY /capability/exposes/0/tools/0/inputParameters/0/descripton']);
      expect(found[0]!.message).toBe('property "descripton" is not in the Naftiko 1.0.0-alpha3 + runtime-extensions schema');
    });

    it('an unknown dialect is reported and the plain schema applies', () => {
      const yaml = capability({ head: 'x-dialect: loose\n' });
      expect(summary(check(yaml))).toEqual(['warning CAP_SCHEMA_DIALECT /x-dialect']);
      expect(summary(check(yaml, true))).toEqual(['error CAP_SCHEMA_DIALECT /x-dialect']);
    });
  });
});
