// A version whose schema has the latest's rules (alpha2 and alpha3 differ only in the `naftiko` const) needs no
// version-only check of its own in the default mode: the findings are the same, and its validator is never loaded
// (issue 9: one large generated validator fewer at start-up). Own file: the loaded-validators record is per process.
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../load/source.js';
import { validateSchema } from './schema.js';
import { sameRulesAsLatest } from './schema-sources.js';
import { loadedSchemaValidators, schemaValidator } from './schema-validators.js';

const document = (version: string, extra = '') => `naftiko: "${version}"
info:
  label: Ships
capability:
  consumes:
    - namespace: registry
      type: http
      baseUri: https://registry.example.com
      colour: blue
      resources:
        - name: ship
          path: /ships/{{imo}}
          operations:
            - name: get-ship
              method: GET
              inputParameters:
                - name: imo
                  in: path
${extra}  exposes:
    - type: mcp
      port: 3001
      namespace: ships
      tools:
        - name: get-ship
          call: registry.get-ship
`;

const AGGREGATES = '  aggregates:\n    - label: Ships\n      namespace: ships\n      functions:\n        - name: get-ship\n          description: Get a ship\n          call: registry.get-ship\n';

function check(yaml: string) {
  const source = new SourceFile('/tmp/cap.yaml', yaml);
  return validateSchema(source, source.toJS() as Record<string, unknown>, false).map((d) => `${d.severity} ${d.code} ${d.pointer} ${d.message} | ${d.hint ?? ''}`);
}

describe('versions with the same rules as the latest', () => {
  it('are recognised from the schema files', () => {
    expect(sameRulesAsLatest('1.0.0-alpha3')).toBe(true);
    expect(sameRulesAsLatest('1.0.0-alpha2')).toBe(true);
    expect(sameRulesAsLatest('1.0.0-alpha1')).toBe(false);
  });

  it('give the findings of the latest without loading their own validator', () => {
    const alpha2 = check(document('1.0.0-alpha2'));
    expect(alpha2.length).toBeGreaterThan(0);
    // The same findings; messages name the declared version.
    expect(alpha2).toEqual(check(document('1.0.0-alpha3')).map((d) => d.replaceAll('1.0.0-alpha3', '1.0.0-alpha2')));
    // An alpha1 document using a construct of alpha2: the hint names alpha2, found without alpha2's validator.
    const alpha1 = check(document('1.0.0-alpha1', AGGREGATES));
    expect(alpha1.find((d) => d.includes('/capability/aggregates'))).toMatch(/belongs to 1\.0\.0-alpha2\./);
    expect(loadedSchemaValidators()).toEqual(['naftiko-1.0.0-alpha3+runtime-extensions', 'naftiko-1.0.0-alpha1+runtime-extensions']);
  });

  it('would have found nothing of their own: the skipped validator reports what the latest reports', () => {
    const source = new SourceFile('/tmp/cap.yaml', document('1.0.0-alpha2', AGGREGATES));
    const doc = source.toJS();
    const keys = (version: string) => {
      const validate = schemaValidator(version, true);
      validate(doc);
      return (validate.errors ?? []).filter((e) => e.instancePath !== '/naftiko').map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`);
    };
    expect(keys('1.0.0-alpha2').length).toBeGreaterThan(0);
    expect(keys('1.0.0-alpha2')).toEqual(keys('1.0.0-alpha3'));
  });
});
