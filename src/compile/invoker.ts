// Exposed unit (REST operation or MCP tool) → CompiledInvoker: input schema and validator, argument mapping
// (`with`), the request template it calls and its output mapper. REST and MCP share this one shape.
import type { FieldError } from '../errors/cap-error.js';
import type { InputParameter, Invocable } from '../spec/capability.js';
import { compileInputValidator, declaredInputSchema, derivedInputSchema, type InputValidator, type JsonSchemaObject } from './input-schema.js';
import { compileInputKey, type Getter, type NameScope, type Params } from './names.js';
import { compileOutputMapper, mockValue, type OutputMapper } from './output-mapper.js';
import type { RequestTemplate } from './request-template.js';
import { compileText, TemplateError } from './template.js';

export interface CompiledInvoker {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  /** `namespace.operation` this unit calls; absent for a mock. */
  readonly call?: string;
  readonly request?: RequestTemplate;
  /** Fixed result of a mock unit (outputs with values and no call). */
  readonly mock?: unknown;
  readonly inputSchema: JsonSchemaObject;
  /** Declared inputs with their location; null when the unit declares none (REST then takes inputs implicitly). */
  readonly declaredInputs: readonly { name: string; in: string }[] | null;
  validateInput(input: Record<string, unknown>): FieldError[] | null;
  /** Caller input → call parameters: the input itself with `with` merged over it. */
  buildParams(input: Params): Params;
  readonly mapOutput: OutputMapper | null;
  readonly outputRawFormat: string;
}

export interface InvokerSource {
  unit: Invocable;
  name: string;
  /** The namespace of the exposing adapter, and `rest` or `tools`: both prefixes mean "caller input". */
  inputPrefixes: ReadonlySet<string>;
  /** Extra declared parameters from the enclosing REST resource. */
  inheritedInputs?: readonly InputParameter[];
  kind: 'rest' | 'mcp';
}

export function compileInvoker(source: InvokerSource, request: RequestTemplate | undefined, outputRawFormat: string | undefined, scope: NameScope): CompiledInvoker {
  const { unit, kind } = source;
  if (unit.steps) throw new TemplateError('orchestrated `steps` are not supported by this runtime yet; use `call`');
  if (unit.ref) throw new TemplateError('`ref` to aggregate functions is not supported by this runtime yet; use `call`');

  const unitScope: NameScope = { ...scope, inputPrefixes: source.inputPrefixes };
  const withEntries = Object.entries(unit.with ?? {}).map(([key, value]) => [key, compileWithValue(value, unitScope)] as const);
  const withInputs = new Map<string, string>();
  for (const [key, compiled] of withEntries) for (const input of compiled.inputs) withInputs.set(key, input);

  const declared = [...(source.inheritedInputs ?? []), ...(unit.inputParameters ?? [])].filter(Boolean);
  const inputSchema = declared.length > 0 ? declaredInputSchema(declared, kind === 'mcp') : derivedInputSchema(request, withInputs, new Set(withEntries.map(([k]) => k)));
  const locations = new Map(declared.map((p) => [p.name, p.in ?? 'body']));
  // REST without declared inputs takes them implicitly (naftiko-semantics §8.6 item 4), so there is nothing to check.
  const validate: InputValidator =
    declared.length > 0 || kind === 'mcp' ? compileInputValidator(inputSchema, kind === 'rest', kind === 'rest' ? locations : undefined) : () => null;
  const isMock = !unit.call;

  return {
    name: source.name,
    title: unit.label,
    description: unit.description,
    call: unit.call,
    request,
    mock: isMock ? mockResult(unit) : undefined,
    inputSchema,
    declaredInputs: declared.length > 0 ? declared.map((p) => ({ name: p.name, in: p.in ?? 'body' })) : null,
    validateInput: validate,
    buildParams(input) {
      if (withEntries.length === 0) return input;
      const params: Record<string, unknown> = { ...input };
      for (const [key, compiled] of withEntries) {
        const value = compiled.get(input);
        // An unresolved reference leaves the key unset, so an argument of the same name survives (§2.5).
        if (value !== undefined) params[key] = value;
      }
      return params;
    },
    mapOutput: isMock ? null : compileOutputMapper(unit.outputParameters),
    outputRawFormat: outputRawFormat ?? 'json',
  };
}

/**
 * A `with` value: `tools.x` / `rest.x` / `<namespace>.x` is the caller's input `x` with its JSON type; any other
 * string is a template over the caller's input; numbers and booleans are constants (naftiko-semantics §2.5).
 */
function compileWithValue(value: unknown, scope: NameScope): { get: Getter; inputs: string[] } {
  if (typeof value !== 'string') return { get: () => value, inputs: [] };
  const ref = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_.-]+)$/.exec(value);
  if (ref && scope.inputPrefixes.has(ref[1]!)) return { get: compileInputKey(ref[2]!), inputs: [ref[2]!] };
  const template = compileText(value, scope);
  if (template.names.length === 0) return { get: () => value, inputs: [] };
  const inputs = template.names.filter((n) => !scope.bindings.names.has(n)).map((n) => n.replace(/^[^.]+\./, (p) => (scope.inputPrefixes.has(p.slice(0, -1)) ? '' : p)));
  return { get: template.single ?? ((params) => template.render(params)), inputs };
}

function mockResult(unit: Invocable): unknown {
  const outputs = unit.outputParameters ?? [];
  if (outputs.length === 0) return undefined;
  if (outputs.length === 1 && !outputs[0]!.name) return mockValue(outputs[0]!);
  return Object.fromEntries(outputs.map((o, i) => [o.name ?? `value${i}`, mockValue(o)]));
}
