// Raw string bodies that are JSON text stay JSON once rendered: escaped strings, JSON values, null for missing ones.
import { describe, expect, it } from 'vitest';
import { compileJsonText } from './json-text-template.js';
import type { NameScope } from './names.js';

const scope: NameScope = { bindings: { names: new Map(), values: new Map(), missing: new Set() }, inputPrefixes: new Set(['tools']) };
const STEP_6 = '{\n  "shipImo": "{{shipImo}}",\n  "crewIds": {{crewIds}},\n  "cargoIds": {{cargoIds}}\n}\n';

describe('JSON text bodies', () => {
  it('tutorial step 6: arrays as JSON, an optional array left out becomes null, the result parses', () => {
    const t = compileJsonText(STEP_6, scope)!;
    expect(JSON.parse(t.render({ shipImo: 'IMO-1', crewIds: ['C-1', 'C-3'], cargoIds: ['K-1'] }))).toEqual({ shipImo: 'IMO-1', crewIds: ['C-1', 'C-3'], cargoIds: ['K-1'] });
    expect(JSON.parse(t.render({ shipImo: 'IMO-1', crewIds: ['C-1'] }))).toEqual({ shipImo: 'IMO-1', crewIds: ['C-1'], cargoIds: null });
  });

  it('a value inside a string literal is escaped, so quotes and newlines in data cannot break the JSON', () => {
    const t = compileJsonText('{"note": "said: {{note}}"}', scope)!;
    expect(JSON.parse(t.render({ note: 'say "hi"\nbye \\o/' }))).toEqual({ note: 'said: say "hi"\nbye \\o/' });
  });

  it('a missing value inside a string renders empty, numbers and booleans outside a string keep their type', () => {
    const t = compileJsonText('[{"a": "{{a}}", "n": {{n}}, "b": {{b}}}]', scope)!;
    expect(JSON.parse(t.render({ n: 5, b: false }))).toEqual([{ a: '', n: 5, b: false }]);
  });

  it('text that is not a JSON object or array keeps the plain rendering (null here)', () => {
    expect(compileJsonText('{{body}}', scope)).toBeNull();
    expect(compileJsonText('ship {{imo}} reporting', scope)).toBeNull();
    expect(compileJsonText('{"a": {{a}} {{b}}}', scope)).toBeNull();
    expect(compileJsonText('{"fixed": 1}', scope)).toBeNull();
  });
});
