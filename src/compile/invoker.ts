// Exposed unit (REST operation or MCP tool) → CompiledInvoker: input schema and validator, and its execution plan
// (one call, steps or a mock: see plan.ts). REST and MCP share this one shape.
import type { FieldError } from '../errors/cap-error.js';
import type { InputParameter, Invocable } from '../spec/capability.js';
import { compileInputValidator, declaredInputSchema, derivedInputSchema, type InputValidator, type JsonSchemaObject } from './input-schema.js';
import type { NameScope } from './names.js';
import { compilePlan, type CallTarget, type ExecutionPlan } from './plan.js';
import type { RequestTemplate } from './request-template.js';
import { compileRestInputs, type RestInputSource } from './rest-inputs.js';

export interface CompiledInvoker {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  /** The consumed operations this unit calls (`ns.op`, in order, joined by ` → `); absent for a mock. */
  readonly call?: string;
  /** The request of a single-call unit (for listings). */
  readonly request?: RequestTemplate;
  readonly plan: ExecutionPlan;
  readonly inputSchema: JsonSchemaObject;
  /** Declared inputs with their location; null when the unit declares none (REST then takes inputs implicitly). */
  readonly declaredInputs: readonly { name: string; in: string }[] | null;
  /** REST: how each declared input is read from the request (null when none is declared). */
  readonly restInputs: readonly RestInputSource[] | null;
  validateInput(input: Record<string, unknown>): FieldError[] | null;
}

export interface InvokerSource {
  unit: Invocable;
  name: string;
  /** The namespace of the exposing adapter (or aggregate), and `rest` or `tools`: these prefixes mean "caller input". */
  inputPrefixes: ReadonlySet<string>;
  /** Extra declared parameters from the enclosing REST resource. */
  inheritedInputs?: readonly InputParameter[];
  kind: 'rest' | 'mcp';
}

export function compileInvoker(source: InvokerSource, targets: ReadonlyMap<string, CallTarget>, scope: NameScope): CompiledInvoker {
  const { unit, kind } = source;
  const { plan, withInputs, withKeys, request, calls } = compilePlan({ unit, inputPrefixes: source.inputPrefixes }, targets, scope);

  const declared = [...(source.inheritedInputs ?? []), ...(unit.inputParameters ?? [])].filter(Boolean);
  const inputSchema = declared.length > 0 ? declaredInputSchema(declared, kind === 'mcp') : derivedInputSchema(request, withInputs, withKeys);
  const locations = new Map(declared.map((p) => [p.name, p.in ?? 'body']));
  // REST without declared inputs takes them implicitly (naftiko-semantics §8.6 item 4), so there is nothing to check.
  const validate: InputValidator =
    declared.length > 0 || kind === 'mcp' ? compileInputValidator(inputSchema, kind === 'rest', kind === 'rest' ? locations : undefined) : () => null;

  return {
    name: source.name,
    title: unit.label,
    description: unit.description,
    call: calls.length > 0 ? calls.join(' → ') : undefined,
    request,
    plan,
    inputSchema,
    declaredInputs: declared.length > 0 ? declared.map((p) => ({ name: p.name, in: p.in ?? 'body' })) : null,
    restInputs: kind === 'rest' && declared.length > 0 ? compileRestInputs(declared) : null,
    validateInput: validate,
  };
}
